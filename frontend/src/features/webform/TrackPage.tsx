// /t/:token — the tracking page the web form's email links to: the case number, subject and status,
// the public conversation with its files, and a reply box with up to five files. An expired or revoked
// link (410) and an unknown one (404) each get a page that says so. It opens in the link's language (the
// switch changes it) and follows the ticket live: its socket says when something the visitor may see
// changed, and the page reads the ticket again, so a status change or an answer shows without a reload.
// It also reads it again every few minutes and when the visitor comes back, should the socket be down.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { Tracking, TrackingFile } from '../../api/issue7-webform';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { FilePicker } from '../tasks/FilePicker';
import { formatBytes, formatDateTime } from '../tickets/format';
import { watchTrack } from './trackSocket';
import { loadTrack, maxDescription, sendReply, statusLabel } from './webform';
import type { TrackState } from './webform';

/** refreshMs is how often the page reads the ticket again while open, besides what its socket says. */
const refreshMs = 5 * 60_000;

export default function TrackPage() {
  const { t, i18n } = useTranslation();
  const { token = '' } = useParams();
  const qc = useQueryClient();
  const key = ['track', token];
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => loadTrack(token, signal),
    retry: false,
    refetchInterval: (query) => (query.state.data?.kind === 'ready' ? refreshMs : false),
    refetchOnWindowFocus: (query) => query.state.data?.kind === 'ready',
  });
  const ready = q.data?.kind === 'ready';
  useEffect(() => {
    if (!ready) return;
    return watchTrack(token, () => void qc.invalidateQueries({ queryKey: ['track', token] }));
  }, [ready, token, qc]);
  const langSet = useRef(false);
  const lang = q.data?.kind === 'ready' ? q.data.track.lang : null;
  useEffect(() => {
    // The link's language once, without storing it: a later switch by the reader wins.
    if (lang === null || langSet.current) return;
    langSet.current = true;
    if (i18n.language !== lang) void i18n.changeLanguage(lang);
  }, [lang, i18n]);

  const state: TrackState | null = q.data ?? null;
  let body;
  if (q.isPending) body = <p className="page-status">{t('common.loading')}</p>;
  else if (q.isError) body = <Notice testid="track-error" title={t('webform.track.errorTitle')} text={q.error.message} retry={() => void q.refetch()} />;
  else if (state === null) body = null;
  else if (state.kind === 'gone') body = <Notice testid="track-gone" title={t('webform.track.goneTitle')} text={state.message} />;
  else if (state.kind === 'unknown') body = <Notice testid="track-unknown" title={t('webform.track.unknownTitle')} text={t('webform.track.unknownText')} />;
  else if (state.kind === 'error') body = <Notice testid="track-error" title={t('webform.track.errorTitle')} text={state.message} retry={() => void q.refetch()} />;
  else {
    const tr = state.track;
    const lg = i18n.language;
    body = (
      <>
        <p className="outsider__ticket" data-testid="track-ticket">
          {t('webform.track.case', { number: tr.number })} <strong>{tr.subject}</strong>
        </p>
        <p className="track__status">
          {t('webform.track.status')}{' '}
          <span className={`track__chip track__chip--${tr.status.group}`} style={{ borderColor: tr.status.color }} data-testid="track-status">
            {statusLabel(tr.status, lg)}
          </span>
        </p>
        <p className="form-field__hint">
          {t('webform.track.dates', { created: formatDateTime(tr.created_at, lg), updated: formatDateTime(tr.updated_at, lg) })}
        </p>
        <section aria-labelledby="track-request" className="outsider__question">
          <h2 id="track-request" className="outsider__h2">
            {t('webform.track.request')}
          </h2>
          <p className="outsider__text">{tr.description}</p>
          <Files files={tr.attachments} lang={lg} />
        </section>
        <section aria-labelledby="track-conversation">
          <h2 id="track-conversation" className="outsider__h2">
            {t('webform.track.conversation')}
          </h2>
          {tr.conversation.length === 0 ? (
            <p className="form-field__hint">{t('webform.track.empty')}</p>
          ) : (
            <ol className="request-thread" data-testid="track-conversation">
              {tr.conversation.map((c) => (
                <li key={c.id} className={`request-thread__msg request-thread__msg--${c.mine ? 'recipient' : 'requester'}`} data-testid="track-comment">
                  <span className="request-thread__who">
                    {c.mine ? t('webform.track.you') : c.author_name || t('webform.track.team')} ·{' '}
                    <time dateTime={c.created_at}>{formatDateTime(c.created_at, lg)}</time>
                  </span>
                  <div className="markdown request-thread__body" dangerouslySetInnerHTML={{ __html: c.body_html }} />
                  <Files files={c.attachments} lang={lg} />
                </li>
              ))}
            </ol>
          )}
        </section>
        <ReplyForm
          token={token}
          onSent={(next) => qc.setQueryData(key, { kind: 'ready', track: next })}
          onGone={(s) => qc.setQueryData(key, s)}
        />
        <p className="form-field__hint">{t('webform.track.expires', { at: formatDateTime(tr.expires_at, lg) })}</p>
      </>
    );
  }
  return (
    <main className="outsider">
      <div className="outsider__bar">
        <span className="outsider__brand">{t('app.name')}</span>
        <LanguageSwitch />
      </div>
      <div className="outsider__card" data-testid="track-page">
        <h1 className="outsider__title">{t('webform.track.title')}</h1>
        {body}
      </div>
    </main>
  );
}

function Files({ files, lang }: { files: readonly TrackingFile[]; lang: string }) {
  if (files.length === 0) return null;
  return (
    <ul className="request-thread__files">
      {files.map((f) => (
        <li key={f.id}>
          <a href={f.url} download data-testid="track-file">
            {f.filename}
          </a>{' '}
          <span className="file-drop__size">{formatBytes(f.size, lang)}</span>
        </li>
      ))}
    </ul>
  );
}

function Notice({ title, text, testid, retry }: { title: string; text: string; testid: string; retry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="outsider__notice" role="alert" data-testid={testid}>
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

function ReplyForm({ token, onSent, onGone }: { token: string; onSent: (t: Tracking) => void; onGone: (s: TrackState) => void }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (body.trim() === '') {
      setError(t('webform.errors.required'));
      return;
    }
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const r = await sendReply(token, body.trim(), files);
      if (r.kind === 'sent') {
        setBody('');
        setFiles([]);
        setDone(true);
        onSent(r.track);
      } else if (r.kind === 'gone') onGone({ kind: 'gone', message: r.message });
      else if (r.kind === 'unknown') onGone({ kind: 'unknown' });
      else setError([r.message, ...Object.values(r.fields)].join(' '));
    } catch {
      setError(t('errors.network'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="outsider__form" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor="track-reply" className="outsider__h2">
        {t('webform.track.reply')}
      </label>
      <textarea
        id="track-reply"
        className="textarea"
        rows={5}
        maxLength={maxDescription}
        value={body}
        data-testid="track-reply"
        onChange={(e) => {
          setBody(e.target.value);
          setDone(false);
        }}
      />
      <FilePicker files={files} onChange={setFiles} disabled={busy} />
      {error !== null && (
        <p className="form-alert" role="alert" data-testid="track-reply-error">
          {error}
        </p>
      )}
      {done && (
        <p className="form-field__hint" role="status" data-testid="track-reply-sent">
          {t('webform.track.sent')}
        </p>
      )}
      <button type="submit" className="btn btn--primary outsider__send" disabled={busy} data-testid="track-send">
        {busy ? t('webform.track.sending') : t('webform.track.send')}
      </button>
    </form>
  );
}
