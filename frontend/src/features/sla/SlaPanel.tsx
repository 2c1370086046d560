// The ticket page's SLA panel (GET /tickets/{id}/sla): the policy, each clock (first response,
// resolution) with its due time, the time left counting down, its state in colour and words, why it is
// paused, when it was met or breached; and the limit of the workflow state the ticket is in.
// The page refetches it when the ticket or its clock changes (see refreshesSla).
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { slaApi } from '../../api/issue6-sla';
import type { TicketSLAClock } from '../../api/issue6-sla';
import { slaView } from './countdown';
import { formatDuration } from './duration';
import { clockInfo, formatDue, slaKey } from './panel';
import { useStatusName } from './SlaBadge';
import { useSlaNow } from './useSlaNow';

export function SlaPanel({ ticketId }: { ticketId: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const statusName = useStatusName();
  const q = useQuery({ queryKey: slaKey(ticketId), queryFn: ({ signal }) => slaApi.ticketSla(ticketId, signal), retry: false });
  const infos = useMemo(() => (q.data?.clocks ?? []).map(clockInfo), [q.data]);
  const now = useSlaNow(infos);

  // A ticket without a policy, or a server without SLA yet (404): no panel.
  if (q.isPending || (q.isError && q.error instanceof ApiError && q.error.status === 404)) return null;
  if (q.isError) {
    return (
      <section className="sla-panel" aria-labelledby="sla-panel-title">
        <h2 id="sla-panel-title" className="sla-panel__title">
          {t('sla.panel.title')}
        </h2>
        <p className="field__error" role="alert">
          {q.error.message}
        </p>
      </section>
    );
  }
  const data = q.data;
  if (data.policy === null && data.clocks.length === 0 && data.state_limit === null) return null;
  const views = data.clocks.map((c, i) => ({ c, v: slaView(infos[i]!, now, t, statusName) }));
  const limit = data.state_limit;
  return (
    <section className="sla-panel" aria-labelledby="sla-panel-title" data-testid="sla-panel">
      <h2 id="sla-panel-title" className="sla-panel__title">
        {t('sla.panel.title')}
      </h2>
      <p className="sla-panel__policy">
        {data.policy ? t('sla.panel.policy', { name: lang === 'en' ? data.policy.name.en : data.policy.name.es }) : t('sla.panel.noPolicy')}
      </p>
      {/* Only the states are announced (not every second): a clock turning at risk or breached. */}
      <p className="visually-hidden" aria-live="polite">
        {views.map(({ c, v }) => `${t(`sla.clocks.${c.clock}`)}: ${t(`sla.state.${v.state}`)}`).join('. ')}
      </p>
      {views.map(({ c, v }) => (
        <ClockRow key={c.clock} c={c} v={v} lang={lang} statusName={statusName} />
      ))}
      {limit !== null && (
        <div className={`sla-clock${limit.over ? ' sla-clock--over' : ''}`} data-testid="sla-state-limit">
          <h3 className="sla-clock__name">{t('sla.panel.stateLimit', { status: statusName(limit.status_id) ?? `#${limit.status_id}` })}</h3>
          <dl className="sla-clock__facts">
            <dt>{t('sla.panel.limit')}</dt>
            <dd>{formatDuration(limit.limit_minutes * 60)}</dd>
            <dt>{t('sla.panel.due')}</dt>
            <dd>
              <time dateTime={limit.due_at}>{formatDue(limit.due_at, lang)}</time>
              {(limit.over || Date.parse(limit.due_at) <= now) && <span className="sla sla--breached sla--inline"> {t('sla.panel.over')}</span>}
            </dd>
          </dl>
        </div>
      )}
    </section>
  );
}

function ClockRow({ c, v, lang, statusName }: { c: TicketSLAClock; v: ReturnType<typeof slaView>; lang: string; statusName: (id: number) => string | undefined }) {
  const { t } = useTranslation();
  return (
    <div className="sla-clock" data-testid={`sla-clock-${c.clock}`} data-state={v.state}>
      <h3 className="sla-clock__name">
        {t(`sla.clocks.${c.clock}`)}
        <span className={v.className} title={v.label}>
          <span className="sla__icon" aria-hidden="true">
            {v.icon}
          </span>
          <span className="sla__text">{t(`sla.state.${v.state}`)}</span>
        </span>
      </h3>
      <dl className="sla-clock__facts">
        <dt>{t('sla.panel.target')}</dt>
        <dd>{formatDuration(c.target_minutes * 60)}</dd>
        {c.due_at !== null && v.state !== 'met' && (
          <>
            <dt>{t('sla.panel.due')}</dt>
            <dd>
              <time dateTime={c.due_at}>{formatDue(c.due_at, lang)}</time>
            </dd>
          </>
        )}
        {v.state !== 'met' && (
          <>
            <dt>{v.seconds < 0 ? t('sla.panel.overdue') : t('sla.panel.left')}</dt>
            <dd className="sla-clock__left" data-testid={`sla-left-${c.clock}`}>
              <span aria-hidden="true">{v.text}</span>
              <span className="visually-hidden">{v.label}</span>
            </dd>
          </>
        )}
        {v.state === 'paused' && (
          <>
            <dt>{t('sla.panel.pausedBy')}</dt>
            <dd>{c.paused_by === null ? t('sla.state.paused') : t('sla.panel.status', { status: statusName(c.paused_by) ?? `#${c.paused_by}` })}</dd>
          </>
        )}
        {c.met_at !== null && (
          <>
            <dt>{t('sla.panel.metAt')}</dt>
            <dd>
              <time dateTime={c.met_at}>{formatDue(c.met_at, lang)}</time>
            </dd>
          </>
        )}
        {c.breached_at !== null && (
          <>
            <dt>{t('sla.panel.breachedAt')}</dt>
            <dd>
              <time dateTime={c.breached_at}>{formatDue(c.breached_at, lang)}</time>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}
