// Every file of the ticket the user may see.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { Attachment } from '../../api/types';
import { formatBytes, formatDateTime } from './format';

export function AttachmentsTab({ ticketId, revision, lang }: { ticketId: number; revision: string; lang: string }) {
  const { t } = useTranslation();
  const q = useQuery<Attachment[]>({
    queryKey: ['ticket', ticketId, 'attachments', revision],
    queryFn: ({ signal }) => api.attachments(ticketId, signal).then((r) => r.items),
    // While the next version loads, the previous list stays on screen.
    placeholderData: keepPreviousData,
  });
  if (q.isPending) return <p className="page-status">{t('common.loading')}</p>;
  if (q.error) return <p className="field__error" role="alert">{q.error.message}</p>;
  if (q.data.length === 0) return <p className="conversation__empty">{t('ticket.attachments.empty')}</p>;
  return (
    <table className="files">
      <caption className="visually-hidden">{t('ticket.attachments.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('ticket.attachments.name')}</th>
          <th scope="col">{t('ticket.attachments.size')}</th>
          <th scope="col">{t('ticket.attachments.date')}</th>
        </tr>
      </thead>
      <tbody>
        {q.data.map((a) => (
          <tr key={a.id} data-testid={`attachment-row-${a.id}`}>
            <td>
              <a href={a.url} download={a.filename}>
                {a.filename}
              </a>
            </td>
            <td>{formatBytes(a.size, lang)}</td>
            <td>
              <time dateTime={a.created_at}>{formatDateTime(a.created_at, lang)}</time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
