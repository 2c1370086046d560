// The conversation: public replies and internal notes (yellow, labelled), oldest first.
import { useTranslation } from 'react-i18next';
import type { Attachment, Comment } from '../../api/types';
import { formatBytes, formatDateTime, formatRelative } from './format';

export function AttachmentLinks({ items, lang }: { items: readonly Attachment[]; lang: string }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <ul className="attachments" aria-label={t('ticket.attachments.title')}>
      {items.map((a) => (
        <li key={a.id} className="attachments__item">
          <a href={a.url} download={a.filename} className="attachments__link" data-testid={`attachment-${a.id}`}>
            {a.filename}
          </a>
          <span className="attachments__size">{formatBytes(a.size, lang)}</span>
        </li>
      ))}
    </ul>
  );
}

export function CommentList({ comments, now }: { comments: readonly Comment[]; now: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (comments.length === 0) return <p className="conversation__empty">{t('ticket.conversation.empty')}</p>;
  return (
    <ol className="conversation">
      {comments.map((c) => (
        <li key={c.id}>
          <article
            className={`comment${c.public ? '' : ' comment--internal'}`}
            data-testid={`comment-${c.id}`}
            aria-label={c.public ? t('ticket.conversation.replyBy', { name: c.author?.name ?? t('ticket.history.system') }) : t('ticket.conversation.noteBy', { name: c.author?.name ?? t('ticket.history.system') })}
          >
            <header className="comment__head">
              <span className="comment__author">{c.author?.name ?? t('ticket.history.system')}</span>
              {!c.public && <span className="comment__badge">{t('ticket.conversation.internal')}</span>}
              <time className="comment__time" dateTime={c.created_at} title={formatDateTime(c.created_at, lang)}>
                {formatRelative(c.created_at, now, lang)}
              </time>
            </header>
            {/* Safe: body_html is rendered and sanitised by the server (goldmark without raw HTML, then a
                bluemonday UGC policy: no scripts, no event handlers, only http/https/mailto links). */}
            <div className="markdown comment__body" dangerouslySetInnerHTML={{ __html: c.body_html }} />
            <AttachmentLinks items={c.attachments} lang={lang} />
          </article>
        </li>
      ))}
    </ol>
  );
}
