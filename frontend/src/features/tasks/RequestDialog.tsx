// A new information request: to a user of the desk (answered in the app) or to an outsider by email
// (name and language of the email), the question and how many days the link lasts.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { tasksApi } from '../../api/issue6-tasks';
import { useAssignees } from '../board/catalog';
import { FormField } from '../newTicket/FormField';
import { ModalDialog } from '../newTicket/ModalDialog';
import { emptyRequest, maxQuestion, requestBody, validateRequest } from './tasks';
import type { RequestDraft, RequestErrors } from './tasks';

export const requestsKey = (ticketId: number) => ['info-requests', ticketId] as const;

/** serverKeys maps the API's field names to the form's. */
const serverKeys: Record<string, keyof RequestErrors> = { to_user_id: 'user', to_email: 'email', to_name: 'name', question: 'question', expires_in_days: 'days' };

export function RequestDialog({ ticketId, onClose }: { ticketId: number; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const users = useAssignees();
  const [d, setD] = useState<RequestDraft>(() => emptyRequest(i18n.language));
  const [errors, setErrors] = useState<RequestErrors>({});
  const [server, setServer] = useState<RequestErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (p: Partial<RequestDraft>) => setD((x) => ({ ...x, ...p }));
  const err = (k: keyof RequestErrors) => (errors[k] !== undefined ? t(`tasks.errors.${errors[k]}`) : server[k]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const found = validateRequest(d);
    setErrors(found);
    setServer({});
    setMessage(null);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      await tasksApi.createInfoRequest(ticketId, requestBody(d));
      await qc.invalidateQueries({ queryKey: requestsKey(ticketId) });
      onClose();
    } catch (x) {
      if (x instanceof ApiError) {
        const byField: RequestErrors = {};
        for (const [k, v] of Object.entries(x.fields)) {
          const f = serverKeys[k];
          if (f) byField[f] = v;
        }
        setServer(byField);
        setMessage(x.message);
      } else setMessage(t('errors.unknown'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <ModalDialog titleId="request-dialog-title" onClose={onClose} testid="request-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="modal__head">
          <h2 id="request-dialog-title" className="modal__title">
            {t('tasks.requests.new')}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('tasks.close')}>
            ×
          </button>
        </div>
        <div className="modal__body admin-form">
          <fieldset className="request-to">
            <legend className="form-field__label">{t('tasks.requests.to')}</legend>
            {(['user', 'email'] as const).map((m) => (
              <label key={m} className="admin-form__check">
                <input type="radio" name="request-mode" checked={d.mode === m} data-testid={`request-mode-${m}`} onChange={() => set({ mode: m })} />
                {t(`tasks.requests.mode.${m}`)}
              </label>
            ))}
          </fieldset>
          {d.mode === 'user' ? (
            <FormField id="request-user" label={t('tasks.requests.user')} error={err('user')}>
              {(c) => (
                <select {...c} className="input" value={d.user} data-testid="request-user" onChange={(e) => set({ user: e.target.value })}>
                  <option value="">{t('tasks.requests.pickUser')}</option>
                  {(users.data ?? []).map((u) => (
                    <option key={u.id} value={String(u.id)}>
                      {u.name}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          ) : (
            <>
              <FormField id="request-email" label={t('tasks.requests.email')} error={err('email')}>
                {(c) => <input {...c} className="input" type="email" autoComplete="off" maxLength={254} value={d.email} data-testid="request-email" onChange={(e) => set({ email: e.target.value })} />}
              </FormField>
              <FormField id="request-name" label={t('tasks.requests.name')} error={err('name')}>
                {(c) => <input {...c} className="input" maxLength={200} value={d.name} data-testid="request-name" onChange={(e) => set({ name: e.target.value })} />}
              </FormField>
              <FormField id="request-lang" label={t('tasks.requests.lang')}>
                {(c) => (
                  <select {...c} className="input" value={d.lang} data-testid="request-lang" onChange={(e) => set({ lang: e.target.value === 'en' ? 'en' : 'es' })}>
                    <option value="es">{t('tasks.requests.langs.es')}</option>
                    <option value="en">{t('tasks.requests.langs.en')}</option>
                  </select>
                )}
              </FormField>
            </>
          )}
          <FormField id="request-question" label={t('tasks.requests.question')} error={err('question')}>
            {(c) => <textarea {...c} className="textarea" rows={4} maxLength={maxQuestion} value={d.question} data-testid="request-question" onChange={(e) => set({ question: e.target.value })} />}
          </FormField>
          <FormField id="request-days" label={t('tasks.requests.days')} error={err('days')} hint={t('tasks.requests.daysHint')}>
            {(c) => <input {...c} className="input mt-narrow" type="number" min={1} max={30} value={d.days} data-testid="request-days" onChange={(e) => set({ days: e.target.value })} />}
          </FormField>
        </div>
        <div className="modal__foot">
          {message !== null && (
            <p className="form-alert" role="alert">
              {message}
            </p>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('tasks.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="request-save" disabled={saving}>
            {saving ? t('tasks.saving') : t('tasks.requests.send')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
