// /r/:token — the public page an information request's email links to, for someone without an account:
// the ticket, the question and the thread, and a form to answer with text and up to five files. An
// expired or revoked link (410) and an unknown one (404) each get a page that says so. It opens in the
// request's language; the switch changes it.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { formatDateTime } from '../tickets/format';
import { FilePicker } from './FilePicker';
import { loadOutsider, outsiderMayAnswer, sendOutsiderAnswer } from './outsider';
import type { OutsiderState } from './outsider';
import { RequestThread } from './RequestCard';
import { answerError, maxAnswer, maxFiles } from './tasks';

export default function OutsiderPage() {
  const { t, i18n } = useTranslation();
  const { token = '' } = useParams();
  const q = useQuery({
    queryKey: ['outsider', token],
    queryFn: ({ signal }) => loadOutsider(token, signal),
    retry: false,
    staleTime: Infinity,
  });
  const [sent, setSent] = useState<OutsiderState | 'sent' | null>(null);
  // The moment the page opened: whether the link has run out is judged against it (the server judges again).
  const [openedAt] = useState(() => Date.now());
  const langSet = useRef(false);
  const lang = q.data?.kind === 'ready' ? q.data.request.lang : null;
  useEffect(() => {
    // The request's language once, without storing it: a later switch by the reader wins.
    if (lang === null || langSet.current) return;
    langSet.current = true;
    if (i18n.language !== lang) void i18n.changeLanguage(lang);
  }, [lang, i18n]);

  const state: OutsiderState | 'sent' | null = sent ?? q.data ?? null;
  let body;
  if (q.isPending) body = <p className="page-status">{t('common.loading')}</p>;
  else if (q.isError) body = <Notice testid="outsider-error" title={t('tasks.outsider.errorTitle')} text={q.error.message} retry={() => void q.refetch()} />;
  else if (state === 'sent') body = <Notice testid="outsider-sent" title={t('tasks.outsider.sentTitle')} text={t('tasks.outsider.sentText')} ok />;
  else if (state === null) body = null;
  else if (state.kind === 'gone') body = <Notice testid="outsider-gone" title={t('tasks.outsider.goneTitle')} text={t('tasks.outsider.goneText')} />;
  else if (state.kind === 'unknown') body = <Notice testid="outsider-unknown" title={t('tasks.outsider.unknownTitle')} text={t('tasks.outsider.unknownText')} />;
  else if (state.kind === 'error') body = <Notice testid="outsider-error" title={t('tasks.outsider.errorTitle')} text={state.message} retry={() => void q.refetch()} />;
  else {
    const r = state.request;
    body = (
      <>
        <p className="outsider__ticket" data-testid="outsider-ticket">
          {t('tasks.outsider.ticket', { number: r.ticket_number })} <strong>{r.ticket_subject}</strong>
        </p>
        {r.recipient_name !== '' && <p className="outsider__hello">{t('tasks.outsider.hello', { name: r.recipient_name })}</p>}
        <section aria-labelledby="outsider-question" className="outsider__question">
          <h2 id="outsider-question" className="outsider__h2">
            {t('tasks.outsider.question')}
          </h2>
          <p className="outsider__text">{r.question}</p>
          <p className="form-field__hint">{t('tasks.outsider.expires', { at: formatDateTime(r.expires_at, i18n.language) })}</p>
        </section>
        {r.thread.length > 0 && (
          <section aria-labelledby="outsider-thread">
            <h2 id="outsider-thread" className="outsider__h2">
              {t('tasks.outsider.thread')}
            </h2>
            <RequestThread messages={r.thread} lang={i18n.language} />
          </section>
        )}
        {outsiderMayAnswer(r, openedAt) ? (
          <OutsiderForm token={token} onResult={setSent} />
        ) : (
          <p className="form-alert form-alert--warn" data-testid="outsider-closed">
            {t('tasks.outsider.closed')}
          </p>
        )}
      </>
    );
  }
  return (
    <main className="outsider">
      <div className="outsider__bar">
        <span className="outsider__brand">{t('app.name')}</span>
        <LanguageSwitch />
      </div>
      <div className="outsider__card" data-testid="outsider-page">
        <h1 className="outsider__title">{t('tasks.outsider.title')}</h1>
        {body}
      </div>
    </main>
  );
}

function Notice({ title, text, testid, ok, retry }: { title: string; text: string; testid: string; ok?: boolean; retry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className={`outsider__notice${ok ? ' outsider__notice--ok' : ''}`} role={ok ? 'status' : 'alert'} data-testid={testid}>
      <h2 className="outsider__h2">{title}</h2>
      <p>{text}</p>
      {retry && (
        <button type="button" className="btn" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

function OutsiderForm({ token, onResult }: { token: string; onResult: (s: OutsiderState | 'sent') => void }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const k = answerError(body, files);
    if (k !== null) {
      setError(t(`tasks.errors.${k}`, { max: maxFiles }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await sendOutsiderAnswer(token, body.trim(), files);
      if (r.kind === 'sent') onResult('sent');
      else if (r.kind === 'gone') onResult({ kind: 'gone', message: r.message });
      else if (r.kind === 'unknown') onResult({ kind: 'unknown' });
      else setError([r.message, ...Object.values(r.fields)].join(' '));
    } catch {
      setError(t('errors.network'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="outsider__form" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor="outsider-answer" className="outsider__h2">
        {t('tasks.outsider.answer')}
      </label>
      <textarea id="outsider-answer" className="textarea" rows={6} maxLength={maxAnswer} value={body} data-testid="outsider-answer" onChange={(e) => setBody(e.target.value)} />
      <FilePicker files={files} onChange={setFiles} disabled={busy} />
      {error !== null && (
        <p className="form-alert" role="alert" data-testid="outsider-form-error">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn--primary outsider__send" disabled={busy} data-testid="outsider-send">
        {busy ? t('tasks.outsider.sending') : t('tasks.outsider.send')}
      </button>
    </form>
  );
}
