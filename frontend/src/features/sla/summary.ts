// One-line summaries of the SLA admin's lists: what a policy applies to and its targets, and a
// calendar's week and holidays.
import type { TFunction } from 'i18next';
import type { SLACalendar, SLAPolicy } from '../../api/issue6-sla';
import type { SlaChoices } from './useSlaData';
import { formatDuration } from './duration';

/** policySummary: "Urgent, High · First response 30m · resolution 4h · on Office hours". */
export function policySummary(p: SLAPolicy, choices: SlaChoices, calendars: readonly SLACalendar[], t: TFunction, lang: string): string {
  const names = (ids: readonly number[], opts: SlaChoices[keyof SlaChoices]) => ids.map((id) => opts.find((o) => o.id === id)?.label ?? `#${id}`).join(', ');
  const parts = [
    names(p.priority_ids, choices.priorities),
    names(p.category_ids, choices.categories),
    names(p.queue_ids, choices.queues),
    names(p.channel_ids, choices.channels),
  ].filter((s) => s !== '');
  const out = [parts.length > 0 ? parts.join(' · ') : t('sla.admin.policies.anyTicket')];
  out.push(t('sla.admin.policies.targets', { first: formatDuration(p.first_response_seconds), resolution: formatDuration(p.resolution_seconds) }));
  const cal = p.calendar_id === null ? null : calendars.find((c) => c.id === p.calendar_id);
  out.push(cal ? t('sla.admin.policies.onCalendar', { calendar: lang === 'en' ? cal.name.en : cal.name.es }) : t('sla.admin.calendars.alwaysOpen'));
  return out.join(' · ');
}

/** calendarSummary: "America/Bogota · 10 intervals a week · 18 holidays", or "… · 24×7". */
export function calendarSummary(c: SLACalendar, t: TFunction): string {
  const week = c.hours.length === 0 ? t('sla.admin.calendars.alwaysOpen') : t('sla.admin.calendars.intervals', { count: c.hours.length });
  const parts = [c.time_zone.replace(/_/g, ' '), week];
  if (c.holidays.length > 0) parts.push(t('sla.admin.calendars.holidays', { count: c.holidays.length }));
  return parts.join(' · ');
}
