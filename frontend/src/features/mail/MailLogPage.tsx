// /admin/mail/log: every email the desk wrote, newest first, with its delivery status; "load more" goes
// back in time (keyset), a status filter narrows it, and a row opens the message itself. Needs mail.manage.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { mailApi, mailStatuses } from '../../api/issue6-mail';
import type { MailLogItem, MailStatus } from '../../api/issue6-mail';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { ModalDialog } from '../newTicket/ModalDialog';
import { formatDateTime } from '../tickets/format';
import { MailFrame } from './MailFrame';
import { flattenPages, nextCursor, statusTone } from './mailLog';

export default function MailLogPage() {
  const allowed = useCan('mail.manage');
  if (!allowed) return <AdminForbidden />;
  return <MailLog />;
}

export function MailStatusChip({ status }: { status: MailStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`mail-chip mail-chip--${statusTone(status)}`} data-testid="mail-status">
      {t(`mail.status.${status}`)}
    </span>
  );
}

function MailLog() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<MailStatus | ''>('');
  const [open, setOpen] = useState<MailLogItem | null>(null);
  const log = useInfiniteQuery({
    queryKey: ['mail-log', status],
    queryFn: ({ pageParam, signal }) => mailApi.log({ before: pageParam, status }, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (_last, pages) => nextCursor(pages),
  });
  const rows = flattenPages(log.data?.pages ?? []);
  return (
    <main className="admin">
      <AdminNav />
      <section className="admin__panel" aria-labelledby="mail-log-title" data-testid="mail-log-page">
        <div className="admin__head">
          <h2 id="mail-log-title" className="admin__kind-title">
            {t('mail.log.title')}
          </h2>
          <label className="mail-log__filter">
            <span>{t('mail.log.status')}</span>
            <select className="input" value={status} data-testid="mail-log-status" onChange={(e) => setStatus(e.target.value as MailStatus | '')}>
              <option value="">{t('mail.log.all')}</option>
              {mailStatuses.map((s) => (
                <option key={s} value={s}>
                  {t(`mail.status.${s}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <p className="form-field__hint">{t('mail.log.hint')}</p>
        {log.isPending ? (
          <p className="page-status">{t('common.loading')}</p>
        ) : log.isError ? (
          <p className="page-status" role="alert">
            {log.error.message}
          </p>
        ) : rows.length === 0 ? (
          <p className="page-status">{t('mail.log.empty')}</p>
        ) : (
          <div className="admin-table__wrap">
            <table className="admin-table mail-log" data-testid="mail-log-table">
              <thead>
                <tr>
                  <th scope="col">{t('mail.log.when')}</th>
                  <th scope="col">{t('mail.log.to')}</th>
                  <th scope="col">{t('mail.log.subject')}</th>
                  <th scope="col">{t('mail.log.template')}</th>
                  <th scope="col">{t('mail.log.status')}</th>
                  <th scope="col">{t('mail.log.attempts')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-testid={`mail-row-${r.id}`}>
                    <td>
                      <time dateTime={r.created_at}>{formatDateTime(r.created_at, i18n.language)}</time>
                    </td>
                    <td>
                      {r.to_name ? `${r.to_name} ` : ''}
                      <span className="mail-log__email">&lt;{r.to_email}&gt;</span>
                    </td>
                    <td>
                      <button type="button" className="mt-link" data-testid={`mail-open-${r.id}`} onClick={() => setOpen(r)}>
                        {r.subject}
                      </button>
                    </td>
                    <td>{t(`mail.templates.keys.${r.template}`, { defaultValue: r.template })}</td>
                    <td>
                      <MailStatusChip status={r.status} />
                    </td>
                    <td className="admin-table__num">{r.attempts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {log.hasNextPage && (
          <button type="button" className="btn" disabled={log.isFetchingNextPage} data-testid="mail-log-more" onClick={() => void log.fetchNextPage()}>
            {log.isFetchingNextPage ? t('common.loading') : t('mail.log.more')}
          </button>
        )}
      </section>
      {open !== null && <MessageDialog item={open} onClose={() => setOpen(null)} />}
    </main>
  );
}

function MessageDialog({ item, onClose }: { item: MailLogItem; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const msg = useQuery({ queryKey: ['mail-message', item.id], queryFn: ({ signal }) => mailApi.message(item.id, signal) });
  const [view, setView] = useState<'html' | 'text'>('html');
  const m = msg.data ?? item;
  const headers: [string, string][] = [
    [t('mail.log.to'), m.to_name ? `${m.to_name} <${m.to_email}>` : m.to_email],
    [t('mail.log.subject'), m.subject],
    [t('mail.log.messageId'), m.message_id],
    [t('mail.log.template'), `${m.template} (${m.lang})`],
    [t('mail.log.eventKey'), m.event_key],
    [t('mail.log.when'), formatDateTime(m.created_at, i18n.language)],
    [t('mail.log.sentAt'), m.sent_at ? formatDateTime(m.sent_at, i18n.language) : '—'],
    [t('mail.log.attempts'), String(m.attempts)],
  ];
  return (
    <ModalDialog titleId="mail-message-title" onClose={onClose} testid="mail-message" className="modal--wide">
      <div className="modal__head">
        <h2 id="mail-message-title" className="modal__title">
          {m.subject}
        </h2>
        <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('mail.close')}>
          ×
        </button>
      </div>
      <div className="modal__body">
        <dl className="mail-headers">
          {headers.map(([k, v]) => (
            <div key={k} className="mail-headers__row">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
          <div className="mail-headers__row">
            <dt>{t('mail.log.status')}</dt>
            <dd>
              <MailStatusChip status={m.status} />
              {m.last_error && <span className="mail-headers__error"> {m.last_error}</span>}
            </dd>
          </div>
          {m.ticket_id !== null && (
            <div className="mail-headers__row">
              <dt>{t('mail.log.ticket')}</dt>
              <dd>
                <Link to={`/tickets/${m.ticket_id}`}>{t('mail.log.openTicket', { id: m.ticket_id })}</Link>
              </dd>
            </div>
          )}
        </dl>
        <div className="tabs" role="tablist" aria-label={t('mail.log.view')}>
          {(['html', 'text'] as const).map((v) => (
            <button key={v} type="button" role="tab" aria-selected={view === v} className="tabs__tab" data-testid={`mail-view-${v}`} onClick={() => setView(v)}>
              {t(`mail.log.views.${v}`)}
            </button>
          ))}
        </div>
        {msg.isPending ? (
          <p className="page-status">{t('common.loading')}</p>
        ) : msg.isError ? (
          <p className="form-alert" role="alert">
            {msg.error.message}
          </p>
        ) : view === 'html' ? (
          <MailFrame html={msg.data.html} />
        ) : (
          <pre className="mail-text" data-testid="mail-text">
            {msg.data.text}
          </pre>
        )}
      </div>
    </ModalDialog>
  );
}
