// The calendar editor's draft and its checks, mirroring the server's: both names, a known time zone,
// intervals "HH:MM"–"HH:MM" that start before they end and do not overlap on a weekday, holidays on
// real days, each day once and named. Errors are message keys under sla.errors, by input path.
import type { SLACalendar, SLACalendarInput } from '../../api/issue6-sla';
import { isDay } from '../tickets/filters';
import type { Errors } from './errors';

export interface HoursDraft {
  key: number;
  weekday: number;
  start: string;
  end: string;
}

export interface HolidayDraft {
  key: number;
  date: string;
  name: string;
}

export interface CalendarDraft {
  name_es: string;
  name_en: string;
  time_zone: string;
  hours: HoursDraft[];
  holidays: HolidayDraft[];
}

export const maxName = 80;
export const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;

let nextKey = 1;
/** rowKey keeps React rows apart while the user adds and removes them. */
export function rowKey(): number {
  return nextKey++;
}

/** browserZone is the time zone a new calendar starts with. */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'America/Bogota';
  } catch {
    return 'America/Bogota';
  }
}

/** timeZones lists the zones the browser knows (the select's options). */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

export function emptyCalendar(): CalendarDraft {
  return { name_es: '', name_en: '', time_zone: browserZone(), hours: [], holidays: [] };
}

export function calendarDraft(c: SLACalendar): CalendarDraft {
  return {
    name_es: c.name.es,
    name_en: c.name.en,
    time_zone: c.time_zone,
    hours: c.hours.map((h) => ({ key: rowKey(), ...h })),
    holidays: c.holidays.map((h) => ({ key: rowKey(), ...h })),
  };
}

export function calendarBody(d: CalendarDraft, version?: number): SLACalendarInput {
  return {
    name: { es: d.name_es.trim(), en: d.name_en.trim() },
    time_zone: d.time_zone,
    hours: [...d.hours]
      .sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start))
      .map(({ weekday, start, end }) => ({ weekday, start, end })),
    holidays: [...d.holidays].sort((a, b) => a.date.localeCompare(b.date)).map(({ date, name }) => ({ date, name: name.trim() })),
    ...(version !== undefined ? { version } : {}),
  };
}

/** minutesOf reads "HH:MM" (00:00–23:59, and 24:00 as an end), or null. */
export function minutesOf(v: string, asEnd = false): number | null {
  if (asEnd && v === '24:00') return 1440;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** addInterval adds a day's next interval: after the last one of that weekday, or 08:00–12:00. */
export function addInterval(hours: readonly HoursDraft[], weekday: number): HoursDraft[] {
  const same = hours.filter((h) => h.weekday === weekday);
  const lastEnd = Math.max(-1, ...same.map((h) => minutesOf(h.end, true) ?? -1));
  let start = '08:00';
  let end = '12:00';
  if (lastEnd >= 0 && lastEnd <= 22 * 60) {
    const s = lastEnd + 60;
    const e = Math.min(s + 4 * 60, 1440);
    const hhmm = (m: number) => (m === 1440 ? '24:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
    start = hhmm(Math.min(s, 23 * 60));
    end = hhmm(e);
  }
  return [...hours, { key: rowKey(), weekday, start, end }];
}

/** validateCalendar checks a draft as the server would; `zones` are the known time zones (empty: not checked). */
export function validateCalendar(d: CalendarDraft, zones: readonly string[] = []): Errors {
  const e: Errors = {};
  if (d.name_es.trim() === '') e['name.es'] = 'required';
  else if (d.name_es.trim().length > maxName) e['name.es'] = 'nameTooLong';
  if (d.name_en.trim() === '') e['name.en'] = 'required';
  else if (d.name_en.trim().length > maxName) e['name.en'] = 'nameTooLong';
  if (d.time_zone === '') e.time_zone = 'required';
  else if (zones.length > 0 && !zones.includes(d.time_zone) && d.time_zone !== 'UTC') e.time_zone = 'timeZone';

  const byDay = new Map<number, { i: number; start: number; end: number }[]>();
  d.hours.forEach((h, i) => {
    const start = minutesOf(h.start);
    const end = minutesOf(h.end, true);
    if (!(h.weekday >= 1 && h.weekday <= 7)) e[`hours[${i}].weekday`] = 'weekday';
    if (start === null) e[`hours[${i}].start`] = 'time';
    if (end === null) e[`hours[${i}].end`] = 'time';
    if (start === null || end === null) return;
    if (end <= start) {
      e[`hours[${i}].end`] = 'inverted';
      return;
    }
    const list = byDay.get(h.weekday) ?? [];
    list.push({ i, start, end });
    byDay.set(h.weekday, list);
  });
  for (const list of byDay.values()) {
    list.sort((a, b) => a.start - b.start || a.i - b.i);
    let reach = list[0];
    for (const x of list.slice(1)) {
      if (reach !== undefined && x.start < reach.end) e[`hours[${x.i}].start`] = 'overlap';
      if (reach === undefined || x.end > reach.end) reach = x;
    }
  }

  const seen = new Map<string, number>();
  d.holidays.forEach((h, i) => {
    if (!isDay(h.date)) e[`holidays[${i}].date`] = 'date';
    else if (seen.has(h.date)) e[`holidays[${i}].date`] = 'duplicateDate';
    else seen.set(h.date, i);
    if (h.name.trim() === '') e[`holidays[${i}].name`] = 'required';
    else if (h.name.trim().length > maxName) e[`holidays[${i}].name`] = 'nameTooLong';
  });
  return e;
}

/** calendarPath says whether a path names an input of the calendar editor. */
export function calendarPath(d: CalendarDraft, path: string): boolean {
  if (['name.es', 'name.en', 'time_zone', 'hours', 'holidays'].includes(path)) return true;
  const m = /^(hours|holidays)\[(\d+)\]\.(weekday|start|end|date|name)$/.exec(path);
  if (!m) return false;
  return Number(m[2]) < (m[1] === 'hours' ? d.hours.length : d.holidays.length);
}
