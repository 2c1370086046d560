// /admin/workflows/:workflowId/metrics: time in each state (average and 90th percentile, as bars —
// plain CSS, echarts is not a dependency), the most frequent transitions, and the tickets over their
// state's time limit, each linking to its ticket.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api/endpoints';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { byId, useCatalogs, useLabel } from '../catalog/useCatalogs';
import { formatDateTime } from '../tickets/format';
import { barPercent, defaultRange, formatDuration } from './metrics';

export default function MetricsPage() {
  const manage = useCan('catalog.manage');
  const seeAll = useCan('ticket.view_all');
  if (!manage && !seeAll) return <AdminForbidden />;
  return (
    <main className="admin">
      <AdminNav />
      <Metrics />
    </main>
  );
}

function Metrics() {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const id = Number(useParams().workflowId);
  const [range, setRange] = useState(() => defaultRange(new Date()));
  const wf = useQuery({ queryKey: ['workflow', id], queryFn: ({ signal }) => api.workflow(id, signal) });
  const m = useQuery({ queryKey: ['workflow-metrics', id, range], queryFn: ({ signal }) => api.workflowMetrics(id, range, signal) });
  const statuses = byId(useCatalogs().data?.statuses);
  const states = m.data?.states ?? [];
  const max = Math.max(0, ...states.map((s) => s.p90_seconds), ...states.map((s) => s.avg_seconds));
  const maxTr = Math.max(0, ...(m.data?.transitions ?? []).map((x) => x.count));
  return (
    <section className="admin__panel wf-metrics" aria-labelledby="wf-metrics-title" data-testid="wf-metrics">
      <div className="admin__head">
        <h2 id="wf-metrics-title" className="admin__kind-title">
          {t('workflows.metrics.title', { name: wf.data ? label(wf.data) : '' })}
        </h2>
        <Link to={`/admin/workflows/${id}`}>{t('workflows.metrics.editor')}</Link>
      </div>
      <div className="wf-metrics__range">
        <label className="toolbar__field">
          <span className="toolbar__label">{t('workflows.metrics.from')}</span>
          <input type="date" value={range.from} onChange={(e) => e.target.value && setRange({ ...range, from: e.target.value })} />
        </label>
        <label className="toolbar__field">
          <span className="toolbar__label">{t('workflows.metrics.to')}</span>
          <input type="date" value={range.to} onChange={(e) => e.target.value && setRange({ ...range, to: e.target.value })} />
        </label>
      </div>
      {m.isError && <p className="form-alert" role="alert">{m.error.message}</p>}
      {m.isPending && <p className="page-status">{t('common.loading')}</p>}
      {m.data && (
        <>
          <h3 className="wf-panel__title">{t('workflows.metrics.timeInState')}</h3>
          <p className="form-field__hint">{t('workflows.metrics.legend')}</p>
          <table className="wf-bars" data-testid="wf-metrics-states">
            <thead>
              <tr>
                <th scope="col">{t('workflows.metrics.state')}</th>
                <th scope="col">{t('workflows.metrics.count')}</th>
                <th scope="col">{t('workflows.metrics.avgP90')}</th>
              </tr>
            </thead>
            <tbody>
              {states.map((s) => (
                <tr key={s.status_id}>
                  <th scope="row">{label(statuses.get(s.status_id)) || `#${s.status_id}`}</th>
                  <td>{s.count}</td>
                  <td>
                    <div className="wf-bar wf-bar--avg" style={{ width: `${barPercent(s.avg_seconds, max)}%` }} aria-hidden="true" />
                    <div className="wf-bar wf-bar--p90" style={{ width: `${barPercent(s.p90_seconds, max)}%` }} aria-hidden="true" />
                    <span className="wf-bar__text">
                      {t('workflows.metrics.avg')} {formatDuration(s.avg_seconds, t)} · {t('workflows.metrics.p90')} {formatDuration(s.p90_seconds, t)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 className="wf-panel__title">{t('workflows.metrics.topTransitions')}</h3>
          {m.data.transitions.length === 0 ? (
            <p className="form-field__hint">{t('workflows.metrics.none')}</p>
          ) : (
            <ol className="wf-top" data-testid="wf-metrics-transitions">
              {m.data.transitions.map((x) => (
                <li key={x.key}>
                  <span>{i18n.language === 'en' ? x.name_en : x.name_es}</span>
                  <span className="wf-bar wf-bar--count" style={{ width: `${barPercent(x.count, maxTr)}%` }} aria-hidden="true" />
                  <span>{x.count}</span>
                </li>
              ))}
            </ol>
          )}
          <h3 className="wf-panel__title">{t('workflows.metrics.overLimit', { count: m.data.over_limit.count })}</h3>
          <ul className="wf-over" data-testid="wf-metrics-over">
            {m.data.over_limit.items.map((o) => (
              <li key={o.ticket.id}>
                <Link to={`/tickets/${o.ticket.id}`} data-testid={`wf-over-${o.ticket.number}`}>
                  #{o.ticket.number} {o.ticket.subject}
                </Link>{' '}
                — {label(statuses.get(o.status_id))} {t('workflows.metrics.since', { at: formatDateTime(o.since, i18n.language), limit: o.limit_minutes })}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
