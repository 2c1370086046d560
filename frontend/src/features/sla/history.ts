// SLA entries of a ticket's history (field "sla", value {event, clock, reason, due_at}) as sentences:
// "Resolution clock paused: status Waiting", "Recalculated: priority changed, due 14:30".
import type { SLAHistoryValue } from '../../api/issue6-sla';
import type { Lookups } from '../tickets/history';
import { formatDateTime } from '../tickets/format';

const events = new Set(['started', 'paused', 'resumed', 'recalculated', 'at_risk', 'breached', 'met', 'stopped']);
const clocks = new Set(['first_response', 'resolution']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** dueText writes a due time: only the time when it falls today, else the date and time. */
export function dueText(iso: string, lang: string, now = Date.now()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (d.toDateString() === new Date(now).toDateString()) return new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(d);
  return formatDateTime(iso, lang);
}

/** slaHistoryText says an SLA history value in words. */
export function slaHistoryText(v: unknown, l: Lookups, now = Date.now()): string {
  if (!isRecord(v) || typeof v.event !== 'string') return '—';
  const value = v as unknown as SLAHistoryValue & { status_id?: unknown };
  const clock = typeof value.clock === 'string' && clocks.has(value.clock) ? l.t(`sla.clocks.${value.clock}`) : '';
  const event = events.has(value.event) ? value.event : null;
  let text = event === null ? value.event : clock ? l.t(`sla.history.clockEvents.${event}`, { clock }) : l.t(`sla.history.events.${event}`);
  if (typeof value.reason === 'string' && value.reason !== '') {
    const status = typeof value.status_id === 'number' ? (l.catalog('status_id', value.status_id) ?? `#${value.status_id}`) : '';
    const fallback = value.reason.replace(/_/g, ' ');
    const reason = status !== '' && value.reason === 'status_paused' ? l.t('sla.history.reasons.status_paused_by', { status }) : l.t(`sla.history.reasons.${value.reason}`, { defaultValue: fallback });
    text += `: ${reason}`;
  }
  if (typeof value.due_at === 'string' && value.due_at !== '') text += `, ${l.t('sla.history.due', { time: dueText(value.due_at, l.lang, now) })}`;
  return text;
}
