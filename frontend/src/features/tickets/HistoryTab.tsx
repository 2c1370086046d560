// The history: who changed what, when, from what to what; ids named through catalogs and users.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { TicketHistory } from '../../api/types';
import { formatDateTime } from './format';
import { formatHistory, withPeople } from './history';
import type { Lookups } from './history';

export function HistoryTab({ ticketId, revision, lookups }: { ticketId: number; revision: string; lookups: Lookups }) {
  const { t } = useTranslation();
  // The revision (version and comment count) in the key: a change of the ticket refetches its history.
  const q = useQuery<TicketHistory>({
    queryKey: ['ticket', ticketId, 'history', revision],
    queryFn: ({ signal }) => api.ticketHistory(ticketId, signal),
    // While the next version loads, the previous list stays on screen.
    placeholderData: keepPreviousData,
  });
  if (q.isPending) return <p className="page-status">{t('common.loading')}</p>;
  if (q.error) return <p className="field__error" role="alert">{q.error.message}</p>;
  const lines = formatHistory(q.data.items, withPeople(lookups, q.data.people));
  if (lines.length === 0) return <p className="conversation__empty">{t('ticket.history.empty')}</p>;
  return (
    <ol className="history">
      {lines.map((l) => (
        <li key={l.id} className="history__entry" data-testid="history-entry">
          <time className="history__time" dateTime={l.at}>
            {formatDateTime(l.at, lookups.lang)}
          </time>
          <span className="history__who">{l.who}</span>
          <span className="history__what">
            <span className="history__label">{l.label}</span>
            {(l.before !== '' || l.after !== '') && ': '}
            {l.before !== '' && <span className="history__before">{l.before}</span>}
            {l.before !== '' && l.after !== '' && <span aria-label={t('ticket.history.to')}> → </span>}
            {l.after !== '' && <span className="history__after">{l.after}</span>}
          </span>
        </li>
      ))}
    </ol>
  );
}
