// One information request: who it is for, its status and expiry, the thread, and — depending on who
// looks — accept / send back / revoke (staff) or the answer form (its in-app recipient).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { tasksApi } from '../../api/issue6-tasks';
import type { InfoMessage, InfoRequest } from '../../api/issue6-tasks';
import { formatBytes, formatDateTime } from '../tickets/format';
import { FilePicker } from './FilePicker';
import { answerError, mayAnswer, maxAnswer, requestActions } from './tasks';

export function RequestThread({ messages, lang }: { messages: readonly InfoMessage[]; lang: string }) {
  const { t } = useTranslation();
  return (
    <ol className="request-thread">
      {messages.map((m) => (
        <li key={m.id} className={`request-thread__msg request-thread__msg--${m.author}`}>
          <span className="request-thread__who">
            {m.name || t(`tasks.requests.author.${m.author}`)} · <time dateTime={m.created_at}>{formatDateTime(m.created_at, lang)}</time>
          </span>
          <p className="request-thread__body">{m.body}</p>
          {m.files.length > 0 && (
            <ul className="request-thread__files">
              {m.files.map((f) => (
                <li key={f.id}>
                  {f.url !== undefined ? (
                    <a href={f.url} download>
                      {f.name}
                    </a>
                  ) : (
                    f.name
                  )}{' '}
                  <span className="file-drop__size">{formatBytes(f.size, lang)}</span>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

export function RequestStatus({ status }: { status: InfoRequest['status'] }) {
  const { t } = useTranslation();
  return (
    <span className={`req-chip req-chip--${status}`} data-testid="request-status">
      {t(`tasks.requests.status.${status}`)}
    </span>
  );
}

export function AnswerForm({ id, onDone }: { id: number; onDone: () => void }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const k = answerError(body, files);
    if (k !== null) {
      setError(t(`tasks.errors.${k}`, { max: 5 }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await tasksApi.answerInfoRequest(id, body.trim(), files);
      setBody('');
      setFiles([]);
      onDone();
    } catch (x) {
      setError(x instanceof ApiError ? x.message : t('errors.unknown'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="request-answer" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor={`answer-${id}`} className="form-field__label">
        {t('tasks.requests.answer')}
      </label>
      <textarea id={`answer-${id}`} className="textarea" rows={3} maxLength={maxAnswer} value={body} data-testid={`answer-${id}`} onChange={(e) => setBody(e.target.value)} />
      <FilePicker files={files} onChange={setFiles} disabled={busy} />
      {error !== null && (
        <p className="form-alert" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn--primary btn--small" disabled={busy} data-testid={`answer-send-${id}`}>
        {busy ? t('tasks.saving') : t('tasks.requests.sendAnswer')}
      </button>
    </form>
  );
}

interface CardProps {
  r: InfoRequest;
  staff: boolean;
  meId: number | null;
  now: number;
  onChanged: () => void;
}

export function RequestCard({ r, staff, meId, now, onChanged }: CardProps) {
  const { t, i18n } = useTranslation();
  const [returning, setReturning] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setReturning(false);
      setNote('');
      onChanged();
    } catch (x) {
      setError(x instanceof ApiError ? x.message : t('errors.unknown'));
    } finally {
      setBusy(false);
    }
  };
  const actions = staff ? requestActions(r) : [];
  const to = r.to.user?.name ?? (r.to.name ? `${r.to.name} <${r.to.email}>` : r.to.email);
  return (
    <article className="request-card" data-testid={`request-${r.id}`}>
      <header className="request-card__head">
        <span className="request-card__to">{meId !== null && r.to.user?.id === meId ? t('tasks.requests.toMe') : t('tasks.requests.toWho', { who: to })}</span>
        <RequestStatus status={r.status} />
        <span className="request-card__exp">
          {t('tasks.requests.expires', { at: formatDateTime(r.expires_at, i18n.language) })}
        </span>
      </header>
      <p className="request-card__question" data-testid={`request-question-${r.id}`}>
        {r.question}
      </p>
      <RequestThread messages={r.messages} lang={i18n.language} />
      {mayAnswer(r, meId, now) && <AnswerForm id={r.id} onDone={onChanged} />}
      {actions.length > 0 && (
        <div className="request-card__actions">
          {actions.includes('accept') && (
            <button type="button" className="btn btn--small btn--primary" disabled={busy} data-testid={`request-accept-${r.id}`} onClick={() => void run(() => tasksApi.acceptInfoRequest(r.id))}>
              {t('tasks.requests.accept')}
            </button>
          )}
          {actions.includes('return') && !returning && (
            <button type="button" className="btn btn--small" disabled={busy} data-testid={`request-return-${r.id}`} onClick={() => setReturning(true)}>
              {t('tasks.requests.return')}
            </button>
          )}
          {actions.includes('revoke') && (
            <button
              type="button"
              className="btn btn--small btn--danger-text"
              disabled={busy}
              data-testid={`request-revoke-${r.id}`}
              onClick={() => {
                if (window.confirm(t('tasks.requests.confirmRevoke'))) void run(() => tasksApi.revokeInfoRequest(r.id));
              }}
            >
              {t('tasks.requests.revoke')}
            </button>
          )}
        </div>
      )}
      {returning && (
        <form
          className="request-answer"
          onSubmit={(e) => {
            e.preventDefault();
            if (note.trim() === '') {
              setError(t('tasks.errors.returnEmpty'));
              return;
            }
            void run(() => tasksApi.returnInfoRequest(r.id, note.trim()));
          }}
        >
          <label htmlFor={`return-${r.id}`} className="form-field__label">
            {t('tasks.requests.returnWhat')}
          </label>
          <textarea id={`return-${r.id}`} className="textarea" rows={2} maxLength={maxAnswer} value={note} data-testid={`return-note-${r.id}`} onChange={(e) => setNote(e.target.value)} />
          <div className="request-card__actions">
            <button type="button" className="btn btn--small" onClick={() => setReturning(false)}>
              {t('tasks.cancel')}
            </button>
            <button type="submit" className="btn btn--small btn--primary" disabled={busy} data-testid={`return-send-${r.id}`}>
              {t('tasks.requests.returnSend')}
            </button>
          </div>
        </form>
      )}
      {error !== null && (
        <p className="form-alert" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}
