// SLA (issue 6): the API types of policies, calendars and a ticket's clocks, declared by hand exactly
// as the contract states them until their schemas are generated from shared/api/openapi.yaml; then
// these become aliases of components['schemas'][...]. The card's own clock (SLAInfo) is generated.
import type { components } from '@shared/api.gen';
import { request, withQuery } from './client';

export type SLAInfo = components['schemas']['SLAInfo'];
export type SLAClockName = SLAInfo['clock'];
export type SLAState = SLAInfo['state'];

/** LocalText is a label users configure, in both languages. */
export interface LocalText {
  es: string;
  en: string;
}

/** SLAHours is one business-hours interval of a weekday (ISO weekday, 1 = Monday; times "HH:MM"). */
export type SLAHours = components['schemas']['SLAHours'];

export type SLAHoliday = components['schemas']['SLAHoliday'];

export type SLACalendar = components['schemas']['SLACalendar'];

export type SLACalendarInput = components['schemas']['SLACalendarInput'];

export type EscalationOn = 'at_risk' | 'breach';
export type EscalationClock = 'first_response' | 'resolution' | 'any';
export type EscalationAction = 'notify_supervisors' | 'notify_assignee' | 'raise_priority' | 'next_queue';

export type SLAEscalation = components['schemas']['SLAEscalation'];

export type SLAPolicy = components['schemas']['SLAPolicy'];

export type SLAPolicyInput = components['schemas']['SLAPolicyInput'];

/** TicketSLAClock is one clock of GET /tickets/{id}/sla. */
export type TicketSLAClock = components['schemas']['SLAClock'];

export interface TicketSLAStateLimit {
  status_id: number;
  limit_minutes: number;
  entered_at: string;
  due_at: string;
  over: boolean;
}

export type TicketSLA = components['schemas']['TicketSLA'];

/** SLAHistoryValue is the `after` of a ticket history entry whose field is "sla". */
export interface SLAHistoryValue {
  event: 'started' | 'paused' | 'resumed' | 'recalculated' | 'at_risk' | 'breached' | 'met' | 'stopped';
  clock?: SLAClockName;
  reason?: string;
  due_at?: string | null;
}

export const slaApi = {
  calendars: (signal?: AbortSignal) => request<{ items: SLACalendar[] }>('GET', '/sla/calendars', undefined, signal),
  createCalendar: (body: SLACalendarInput) => request<SLACalendar>('POST', '/sla/calendars', body),
  updateCalendar: (id: number, body: SLACalendarInput) => request<SLACalendar>('PUT', `/sla/calendars/${id}`, body),
  deleteCalendar: (id: number, version: number) => request<undefined>('DELETE', withQuery(`/sla/calendars/${id}`, { version })),
  policies: (signal?: AbortSignal) => request<{ items: SLAPolicy[] }>('GET', '/sla/policies', undefined, signal),
  createPolicy: (body: SLAPolicyInput) => request<SLAPolicy>('POST', '/sla/policies', body),
  updatePolicy: (id: number, body: SLAPolicyInput) => request<SLAPolicy>('PUT', `/sla/policies/${id}`, body),
  deletePolicy: (id: number, version: number) => request<undefined>('DELETE', withQuery(`/sla/policies/${id}`, { version })),
  reorderPolicies: (ids: number[]) => request<{ items: SLAPolicy[] }>('POST', '/sla/policies/order', { ids }),
  ticketSla: (id: number, signal?: AbortSignal) => request<TicketSLA>('GET', `/tickets/${id}/sla`, undefined, signal),
};
