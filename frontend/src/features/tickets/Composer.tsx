// The composer: a public reply or an internal note in Markdown, canned responses inserted at the
// cursor, files uploaded as soon as they are picked (their ids go with the comment), Ctrl/Cmd+Enter
// sends. The draft survives leaving the ticket and coming back (in memory, per ticket).
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Attachment, Catalogs, Comment, TicketPermissions } from '../../api/types';
import { uploadFile } from '../../api/upload';
import type { Labelled } from '../catalog/useCatalogs';
import { formatBytes } from './format';
import { insertAt } from './text';

type Canned = Catalogs['canned_responses'][number];

interface Upload {
  key: number;
  name: string;
  size: number;
  state: 'uploading' | 'done' | 'error';
  attachment: Attachment | null;
  error: string | null;
}

interface Draft {
  body: string;
  internal: boolean;
  uploads: Upload[];
}

const drafts = new Map<number, Draft>();
let nextKey = 1;

interface Props {
  ticketId: number;
  can: TicketPermissions;
  /** cannedUse: the user may fill canned responses in (canned.use). */
  cannedUse: boolean;
  canned: readonly Canned[];
  label: (e: Labelled) => string;
  lang: string;
  onSent: (c: Comment) => void;
  /** onBody is told the text after every change (for the typing indicator). */
  onBody: (body: string) => void;
}

function messageOf(err: unknown, fallback: string): string {
  return err instanceof Error ? err.message : fallback;
}

export function Composer({ ticketId, can, cannedUse, canned, label, lang, onSent, onBody }: Props) {
  const { t } = useTranslation();
  const saved = drafts.get(ticketId);
  const canInternal = can.comment_internal;
  const canPublic = can.comment_public;
  const [body, setBody] = useState(saved?.body ?? '');
  const [internal, setInternal] = useState(canPublic ? (saved?.internal ?? false) && canInternal : canInternal);
  const [uploads, setUploads] = useState<Upload[]>(saved?.uploads ?? []);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<{ body?: string; files?: string; other?: string }>({});
  const [cannedOpen, setCannedOpen] = useState(false);
  const [cannedBusy, setCannedBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const caret = useRef<number | null>(null);
  const ids = { body: useId(), bodyError: useId(), files: useId(), filesError: useId(), canned: useId(), hint: useId() };

  useEffect(() => {
    drafts.set(ticketId, { body, internal, uploads: uploads.filter((u) => u.state !== 'uploading') });
  }, [ticketId, body, internal, uploads]);

  useEffect(() => {
    // After a canned response went in: the caret right after it.
    const ta = textRef.current;
    if (caret.current !== null && ta !== null) {
      ta.focus();
      ta.setSelectionRange(caret.current, caret.current);
      caret.current = null;
    }
  }, [body]);

  if (!canPublic && !canInternal) return null;

  const change = (v: string) => {
    setBody(v);
    onBody(v);
    if (error.body) setError((e) => ({ ...e, body: undefined }));
  };

  const pickFiles = (files: FileList | null) => {
    if (files === null) return;
    for (const file of Array.from(files)) {
      const key = nextKey++;
      setUploads((us) => [...us, { key, name: file.name, size: file.size, state: 'uploading', attachment: null, error: null }]);
      uploadFile(ticketId, file).then(
        (a) => setUploads((us) => us.map((u) => (u.key === key ? { ...u, state: 'done', attachment: a } : u))),
        (err: unknown) => {
          const msg = err instanceof ApiError ? (err.fields.file ?? err.message) : messageOf(err, t('errors.unknown'));
          setUploads((us) => us.map((u) => (u.key === key ? { ...u, state: 'error', error: msg } : u)));
        },
      );
    }
    if (fileRef.current) fileRef.current.value = '';
  };

  const insertCanned = async (c: Canned) => {
    setCannedOpen(false);
    setCannedBusy(true);
    const ta = textRef.current;
    const start = ta?.selectionStart ?? body.length;
    const end = ta?.selectionEnd ?? body.length;
    try {
      const r = await api.renderCanned(ticketId, c.id);
      const next = insertAt(body, r.body, start, end);
      caret.current = next.caret;
      change(next.body);
    } catch (err) {
      setError((e) => ({ ...e, other: messageOf(err, t('errors.unknown')) }));
    } finally {
      setCannedBusy(false);
    }
  };

  const uploading = uploads.some((u) => u.state === 'uploading');
  const ready = body.trim() !== '' && !uploading && !sending;

  const send = async (e?: { preventDefault: () => void }) => {
    e?.preventDefault();
    if (!ready) return;
    setSending(true);
    setError({});
    try {
      const attachmentIds = uploads.flatMap((u) => (u.attachment ? [u.attachment.id] : []));
      const c = await api.createComment(ticketId, { body, public: !internal, ...(attachmentIds.length > 0 ? { attachment_ids: attachmentIds } : {}) });
      onSent(c);
      setBody('');
      setUploads([]);
      drafts.delete(ticketId);
      onBody('');
    } catch (err) {
      if (err instanceof ApiError && (err.fields.body || err.fields.attachment_ids || err.fields.public)) {
        setError({ body: err.fields.body ?? err.fields.public, files: err.fields.attachment_ids });
      } else {
        setError({ other: messageOf(err, t('errors.unknown')) });
      }
    } finally {
      setSending(false);
    }
  };

  const activeCanned = canned.filter((c) => c.active);

  return (
    <form className={`composer${internal ? ' composer--internal' : ''}`} data-testid="composer" onSubmit={(e: FormEvent) => void send(e)}>
      {canPublic && canInternal && (
        <fieldset className="composer__mode">
          <legend className="visually-hidden">{t('ticket.composer.mode')}</legend>
          <label className="composer__mode-option">
            <input type="radio" name={`mode-${ticketId}`} data-testid="composer-reply" checked={!internal} onChange={() => setInternal(false)} />
            <span>{t('ticket.composer.reply')}</span>
          </label>
          <label className="composer__mode-option composer__mode-option--internal">
            <input type="radio" name={`mode-${ticketId}`} data-testid="composer-internal" checked={internal} onChange={() => setInternal(true)} />
            <span>{t('ticket.composer.internal')}</span>
          </label>
        </fieldset>
      )}
      <label htmlFor={ids.body} className="visually-hidden">
        {internal ? t('ticket.composer.internalLabel') : t('ticket.composer.replyLabel')}
      </label>
      <textarea
        ref={textRef}
        id={ids.body}
        data-testid="composer-body"
        className="textarea composer__body"
        rows={5}
        maxLength={50_000}
        value={body}
        placeholder={internal ? t('ticket.composer.internalPlaceholder') : t('ticket.composer.replyPlaceholder')}
        aria-invalid={error.body ? true : undefined}
        aria-describedby={[error.body ? ids.bodyError : '', ids.hint].filter(Boolean).join(' ')}
        onChange={(e) => change(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send(e);
        }}
      />
      {error.body && (
        <p id={ids.bodyError} className="field__error" role="alert">
          {error.body}
        </p>
      )}
      {uploads.length > 0 && (
        <ul className="composer__files" aria-label={t('ticket.composer.files')}>
          {uploads.map((u) => (
            <li key={u.key} className={`composer__file composer__file--${u.state}`}>
              <span className="composer__file-name">{u.name}</span>
              <span className="composer__file-size">{formatBytes(u.size, lang)}</span>
              {u.state === 'uploading' && <span role="status">{t('ticket.composer.uploading')}</span>}
              {u.error !== null && (
                <span className="field__error" role="alert">
                  {u.error}
                </span>
              )}
              <button
                type="button"
                className="btn btn--ghost btn--small"
                aria-label={t('ticket.composer.removeFile', { name: u.name })}
                onClick={() => setUploads((us) => us.filter((x) => x.key !== u.key))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {error.files && (
        <p id={ids.filesError} className="field__error" role="alert">
          {error.files}
        </p>
      )}
      {error.other && (
        <p className="field__error" role="alert">
          {error.other}
        </p>
      )}
      <div className="composer__bar">
        {cannedUse && activeCanned.length > 0 && (
          <div className="canned">
            <button
              type="button"
              className="btn btn--small"
              data-testid="canned-menu"
              aria-expanded={cannedOpen}
              aria-controls={ids.canned}
              disabled={cannedBusy}
              onClick={() => setCannedOpen((o) => !o)}
            >
              {cannedBusy ? t('common.loading') : t('ticket.composer.canned')}
            </button>
            {cannedOpen && (
              <ul
                id={ids.canned}
                className="canned__list"
                aria-label={t('ticket.composer.canned')}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') {
                    setCannedOpen(false);
                    textRef.current?.focus();
                  }
                }}
              >
                {activeCanned.map((c) => (
                  <li key={c.id}>
                    <button type="button" className="canned__item" data-testid={`canned-${c.id}`} onClick={() => void insertCanned(c)}>
                      {label(c)}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <input
          ref={fileRef}
          id={ids.files}
          data-testid="composer-files"
          className="visually-hidden composer__file-input"
          type="file"
          multiple
          onChange={(e) => pickFiles(e.target.files)}
        />
        <label className="btn btn--small composer__attach" htmlFor={ids.files}>
          {t('ticket.composer.attach')}
        </label>
        <span id={ids.hint} className="hint composer__hint">
          {t('ticket.composer.hint')}
        </span>
        <button type="submit" className="btn btn--primary" data-testid="composer-send" disabled={!ready}>
          {sending ? t('ticket.composer.sending') : internal ? t('ticket.composer.sendInternal') : t('ticket.composer.send')}
        </button>
      </div>
    </form>
  );
}
