// The ticket page's SLA panel: which live messages refetch it, and a clock of GET /tickets/{id}/sla as
// the card's SLAInfo, so the panel counts down with the same rules as the badges.
import type { SLAInfo, TicketSLAClock } from '../../api/issue6-sla';
import type { LiveChange } from '../../live/client';

/** slaKey is the query key of a ticket's SLA panel. */
export const slaKey = (ticketId: number) => ['ticket', ticketId, 'sla'] as const;

/** refreshesSla tells a live message after which the panel of `ticketId` should be fetched again: its
 * clock changed (`ticket.sla`), or the ticket changed (a status that pauses, a new priority…). */
export function refreshesSla(msg: LiveChange, ticketId: number): boolean {
  if (msg.type !== 'event' || msg.ticket === null || msg.ticket.id !== ticketId) return false;
  return msg.name === 'ticket.sla' || msg.name === 'ticket.updated' || msg.name === 'ticket.moved';
}

/** slaRevision names a card's clock as it stands, so views keyed by it (the ticket's history) refetch
 * when the clock alone changes: a pause, a breach, a recalculation (the ticket's version stays). */
export function slaRevision(sla: SLAInfo | null | undefined): string {
  return sla ? `${sla.clock}:${sla.state}:${sla.due_at ?? ''}` : '';
}

/** clockInfo is a panel clock as the card's clock. */
export function clockInfo(c: TicketSLAClock): SLAInfo {
  const state = c.paused && c.state !== 'met' && c.state !== 'breached' ? 'paused' : c.state;
  return {
    clock: c.clock,
    state,
    due_at: c.paused ? null : c.due_at,
    at_risk_at: c.paused ? null : c.at_risk_at,
    remaining_s: c.remaining_s,
    paused_by: c.paused_by,
  };
}

const dtCache = new Map<string, Intl.DateTimeFormat>();

/** formatDue is an absolute time in the user's language and time zone, the zone named: "4 dic 2026, 14:30 GMT-5". */
export function formatDue(iso: string, lang: string, timeZone?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const key = `${lang}|${timeZone ?? ''}`;
  let f = dtCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', ...(timeZone ? { timeZone } : {}) });
    dtCache.set(key, f);
  }
  return f.format(t);
}
