// The transition dialog (board drop and ticket page buttons): an input per field the transition asks
// for (money as amount + currency, catalog selects, the credit type, text), the comment, the
// confirmation; posts POST /tickets/{id}/transitions and shows the server's errors next to the inputs.
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { TicketTransition, TransitionFieldKey } from '../../api/issue5';
import type { TicketDetail } from '../../api/types';
import { useAssignees } from '../board/catalog';
import { useCatalogs, useLabel } from '../catalog/useCatalogs';
import type { Catalogs, Labelled } from '../catalog/useCatalogs';
import { FormField } from '../newTicket/FormField';
import { ModalDialog } from '../newTicket/ModalDialog';
import { creditTypes } from './definition';
import { currencies, emptyForm, inputKind, requestBody, serverErrors, validateForm } from './transitionForm';
import type { FormErrors, FormValues } from './transitionForm';

interface Props {
  ticketId: number;
  ticketNumber: number;
  version: number;
  transition: TicketTransition;
  afterId?: number | null;
  onClose: () => void;
  onDone: (t: TicketDetail) => void;
}

type Option = Labelled & { id: number };

function catalogOptions(c: Catalogs | undefined, key: TransitionFieldKey): Option[] {
  if (!c) return [];
  switch (key) {
    case 'priority_id':
      return c.priorities.filter((p) => p.active);
    case 'queue_id':
      return c.queues.filter((q) => q.active);
    case 'category_id':
      return c.categories.filter((x) => x.active && x.parent_id === null);
    case 'subcategory_id':
      return c.categories.filter((x) => x.active && x.parent_id !== null);
    case 'note_reason_id':
      return c.note_reasons.filter((n) => n.active);
    default:
      return [];
  }
}

export function TransitionDialog({ ticketId, ticketNumber, version, transition, afterId, onClose, onDone }: Props) {
  const { t } = useTranslation();
  const label = useLabel();
  const titleId = useId();
  const base = useId();
  const catalogs = useCatalogs();
  const needsUsers = transition.fields.some((f) => f.key === 'assignee_id');
  const users = useAssignees();
  const [values, setValues] = useState<FormValues>(emptyForm);
  const [errors, setErrors] = useState<FormErrors>({});
  const [other, setOther] = useState<string[]>([]);

  const send = useMutation({
    mutationFn: () => api.transitionTicket(ticketId, requestBody(transition, values, version, afterId)),
    onSuccess: onDone,
    onError: (err) => {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) {
        const m = serverErrors(err.fields, transition);
        setErrors(m.errors);
        setOther(m.other);
      } else setOther([err instanceof Error ? err.message : t('errors.unknown')]);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs = validateForm(transition, values);
    setErrors(errs);
    setOther([]);
    if (Object.keys(errs).length > 0) {
      const first = Object.keys(errs)[0]!;
      document.getElementById(`${base}-${first.replace('.', '-')}`)?.focus();
      return;
    }
    send.mutate();
  };

  const errText = (name: string) => {
    const e = errors[name];
    if (!e) return undefined;
    return e.message ?? t(`workflows.dialog.errors.${e.key ?? 'invalid'}`, e.values ?? {});
  };
  const setField = (key: TransitionFieldKey, v: string) => {
    setValues((s) => ({ ...s, fields: { ...s.fields, [key]: v } }));
    setErrors(({ [`fields.${key}`]: _gone, ...rest }) => rest);
  };

  return (
    <ModalDialog titleId={titleId} onClose={onClose} testid="transition-dialog">
      <form onSubmit={submit} noValidate>
        <div className="modal__head">
          <h2 id={titleId} className="modal__title">
            {t('workflows.dialog.title', { name: transition.name, number: ticketNumber })}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('workflows.dialog.close')}>
            ×
          </button>
        </div>
        <div className="modal__body wf-dialog">
          {transition.fields.map((f) => {
            const id = `${base}-fields-${f.key}`;
            const name = `fields.${f.key}`;
            const text = t(`workflows.fieldKeys.${f.key}`);
            const lbl = f.required ? `${text} *` : text;
            const value = values.fields[f.key] ?? '';
            const kind = inputKind(f.key);
            const testid = `transition-field-${f.key}`;
            return (
              <FormField key={f.key} id={id} label={lbl} error={errText(name)}>
                {(p) => {
                  switch (kind) {
                    case 'money':
                      return (
                        <span className="wf-money">
                          <input {...p} data-testid={testid} inputMode="decimal" autoComplete="off" value={value} placeholder="125000.50" onChange={(e) => setField(f.key, e.target.value)} />
                          <select
                            aria-label={t('workflows.dialog.currency', { field: text })}
                            data-testid={`${testid}-currency`}
                            value={values.currency[f.key] ?? currencies[0]}
                            onChange={(e) => setValues((s) => ({ ...s, currency: { ...s.currency, [f.key]: e.target.value } }))}
                          >
                            {currencies.map((c) => (
                              <option key={c}>{c}</option>
                            ))}
                          </select>
                        </span>
                      );
                    case 'catalog':
                    case 'user': {
                      const opts: { id: number; name: string }[] =
                        kind === 'user' ? (users.data ?? []).map((u) => ({ id: u.id, name: u.name })) : catalogOptions(catalogs.data, f.key).map((o) => ({ id: o.id, name: label(o) }));
                      return (
                        <select {...p} data-testid={testid} value={value} onChange={(e) => setField(f.key, e.target.value)}>
                          <option value="">{t('workflows.dialog.choose')}</option>
                          {opts.map((o) => (
                            <option key={o.id} value={String(o.id)}>
                              {o.name}
                            </option>
                          ))}
                        </select>
                      );
                    }
                    case 'credit_type':
                      return (
                        <select {...p} data-testid={testid} value={value} onChange={(e) => setField(f.key, e.target.value)}>
                          <option value="">{t('workflows.dialog.choose')}</option>
                          {creditTypes.map((c) => (
                            <option key={c} value={c}>
                              {t(`workflows.creditTypes.${c}`)}
                            </option>
                          ))}
                        </select>
                      );
                    case 'datetime':
                      return <input {...p} type="datetime-local" data-testid={testid} value={value} onChange={(e) => setField(f.key, e.target.value)} />;
                    case 'longtext':
                      return <textarea {...p} data-testid={testid} rows={3} maxLength={2000} value={value} onChange={(e) => setField(f.key, e.target.value)} />;
                    default:
                      return <input {...p} data-testid={testid} value={value} maxLength={100} onChange={(e) => setField(f.key, e.target.value)} />;
                  }
                }}
              </FormField>
            );
          })}
          {needsUsers && users.isError && <p className="form-alert">{users.error.message}</p>}
          <FormField id={`${base}-comment`} label={transition.comment_required ? `${t('workflows.dialog.comment')} *` : t('workflows.dialog.comment')} error={errText('comment')} hint={t('workflows.dialog.commentHint')}>
            {(p) => (
              <textarea
                {...p}
                data-testid="transition-comment"
                rows={3}
                value={values.comment}
                onChange={(e) => {
                  const v = e.target.value;
                  setValues((s) => ({ ...s, comment: v }));
                  setErrors(({ comment: _gone, ...rest }) => rest);
                }}
              />
            )}
          </FormField>
          {transition.confirm && (
            <div className="form-field">
              <label className="toggle">
                <input
                  id={`${base}-confirm`}
                  type="checkbox"
                  data-testid="transition-confirm"
                  checked={values.confirmed}
                  aria-invalid={errors.confirm !== undefined}
                  aria-describedby={errors.confirm ? `${base}-confirm-error` : undefined}
                  onChange={(e) => {
                    const on = e.target.checked;
                    setValues((s) => ({ ...s, confirmed: on }));
                    setErrors(({ confirm: _gone, ...rest }) => rest);
                  }}
                />
                <span>{t('workflows.dialog.confirm', { name: transition.name })}</span>
              </label>
              {errors.confirm && (
                <p className="form-field__error" id={`${base}-confirm-error`}>
                  {errText('confirm')}
                </p>
              )}
            </div>
          )}
        </div>
        <div className="modal__foot">
          {other.length > 0 && (
            <div className="form-alert" role="alert" data-testid="transition-error">
              {other.map((m, i) => (
                <p key={i}>{m}</p>
              ))}
            </div>
          )}
          <button type="button" className="btn btn--ghost" data-testid="transition-cancel" onClick={onClose}>
            {t('workflows.dialog.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="transition-submit" disabled={send.isPending}>
            {send.isPending ? t('workflows.dialog.sending') : transition.name}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
