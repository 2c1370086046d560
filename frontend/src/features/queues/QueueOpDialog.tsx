// The dialog of one queue operation on a ticket: the queue, the person or the reason it asks for, then
// POST /tickets/{id}/queue-ops; the server's refusal is shown inside, next to the field it names.
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { QueueOp, QueueOpRequest } from '../../api/issue5';
import type { TicketDetail } from '../../api/types';
import { Dialog } from '../tickets/Dialog';
import { maxReason, needsInput, reasonError } from './queueOps';

export interface Choice {
  id: number;
  label: string;
}

interface Props {
  op: QueueOp;
  ticketId: number;
  version: number;
  /** queues to dispatch or transfer to. */
  queues: readonly Choice[];
  /** people to assign. */
  people: readonly Choice[];
  onDone: (t: TicketDetail) => void;
  onClose: () => void;
}

export function QueueOpDialog({ op, ticketId, version, queues, people, onDone, onClose }: Props) {
  const { t } = useTranslation();
  const input = needsInput(op);
  const fieldId = useId();
  const errorId = useId();
  const [value, setValue] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const body: QueueOpRequest = { op, version };
    if (input === 'reason') {
      const bad = reasonError(value);
      if (bad) {
        setFieldError(t(`queues.errors.${bad}`, { max: maxReason }));
        return;
      }
      body.reason = value.trim();
    } else if (input === 'queue' || input === 'person') {
      if (value === '') {
        setFieldError(t('queues.errors.required'));
        return;
      }
      if (input === 'queue') body.queue_id = Number(value);
      else body.assignee_id = Number(value);
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await api.queueOp(ticketId, body));
      onClose();
    } catch (err) {
      if (err instanceof ApiError) {
        const f = err.fields.reason ?? err.fields.queue_id ?? err.fields.assignee_id;
        if (f) setFieldError(f);
        else setError(err.message);
      } else setError(t('errors.unknown'));
    } finally {
      setBusy(false);
    }
  };

  const choices = input === 'queue' ? queues : people;
  return (
    <Dialog open title={t(`queues.ops.${op}`)} onClose={onClose} testId="queue-op-dialog">
      <form className="dialog__form" onSubmit={(e) => void submit(e)} noValidate>
        {input === 'reason' && (
          <div className="field">
            <label htmlFor={fieldId} className="field__label">
              {t('queues.reason')}
            </label>
            <textarea
              id={fieldId}
              className="input"
              rows={4}
              maxLength={maxReason}
              data-testid="queue-op-reason"
              value={value}
              aria-invalid={fieldError !== null}
              aria-describedby={fieldError !== null ? errorId : undefined}
              onChange={(e) => {
                setValue(e.target.value);
                setFieldError(null);
              }}
            />
          </div>
        )}
        {(input === 'queue' || input === 'person') && (
          <div className="field">
            <label htmlFor={fieldId} className="field__label">
              {input === 'queue' ? t('queues.queue') : t('queues.person')}
            </label>
            <select
              id={fieldId}
              className="input"
              data-testid={input === 'queue' ? 'queue-op-queue' : 'queue-op-person'}
              value={value}
              aria-invalid={fieldError !== null}
              aria-describedby={fieldError !== null ? errorId : undefined}
              onChange={(e) => {
                setValue(e.target.value);
                setFieldError(null);
              }}
            >
              <option value="">{t('queues.choose')}</option>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
        )}
        {input === null && <p>{t(`queues.confirm.${op}`)}</p>}
        {fieldError !== null && (
          <p id={errorId} className="field__error" role="alert">
            {fieldError}
          </p>
        )}
        {error !== null && (
          <p className="form-alert" role="alert" data-testid="queue-op-error">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('queues.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="queue-op-submit" disabled={busy}>
            {t(`queues.ops.${op}`)}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
