// The ticket's information requests: each with its thread and actions, and a button for a new one.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { tasksApi } from '../../api/issue6-tasks';
import { RequestCard } from './RequestCard';
import { RequestDialog, requestsKey } from './RequestDialog';

export function RequestsPanel({ ticketId, staff, meId, now }: { ticketId: number; staff: boolean; meId: number | null; now: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = requestsKey(ticketId);
  const reqs = useQuery({ queryKey: key, queryFn: ({ signal }) => tasksApi.infoRequests(ticketId, signal) });
  const [adding, setAdding] = useState(false);
  const items = [...(reqs.data?.items ?? [])].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
  return (
    <section className="work-panel" aria-labelledby={`requests-title-${ticketId}`} data-testid="requests-panel">
      <div className="work-panel__head">
        <h2 id={`requests-title-${ticketId}`} className="work-panel__title">
          {t('tasks.requests.title')}
        </h2>
        {staff && (
          <button type="button" className="btn btn--small" data-testid="request-new" onClick={() => setAdding(true)}>
            {t('tasks.requests.add')}
          </button>
        )}
      </div>
      {reqs.isPending ? (
        <p className="page-status">{t('common.loading')}</p>
      ) : reqs.isError ? (
        <p className="form-alert" role="alert">
          {reqs.error.message}
        </p>
      ) : items.length === 0 ? (
        <p className="form-field__hint">{t('tasks.requests.empty')}</p>
      ) : (
        items.map((r) => (
          <RequestCard
            key={r.id}
            r={r}
            staff={staff}
            meId={meId}
            now={now}
            onChanged={() => {
              void qc.invalidateQueries({ queryKey: key });
              void qc.invalidateQueries({ queryKey: ['my-info-requests'] });
            }}
          />
        ))
      )}
      {adding && <RequestDialog ticketId={ticketId} onClose={() => setAdding(false)} />}
    </section>
  );
}
