import { describe, expect, it } from 'vitest';
import { addInterval, calendarBody, emptyCalendar, minutesOf, validateCalendar } from './calendarForm';
import type { CalendarDraft, HoursDraft } from './calendarForm';
import { normalPath, serverErrors } from './errors';
import { emptyPolicy, newEscalation, policyBody, policyPath, validatePolicy } from './policyForm';

let k = 0;
const h = (weekday: number, start: string, end: string): HoursDraft => ({ key: k++, weekday, start, end });
const cal = (p: Partial<CalendarDraft>): CalendarDraft => ({ ...emptyCalendar(), name_es: 'Oficina', name_en: 'Office', time_zone: 'America/Bogota', ...p });
const zones = ['America/Bogota', 'Europe/Madrid'];

describe('calendar intervals', () => {
  it('accepts several intervals a day, touching ones, and an empty week (24×7)', () => {
    expect(validateCalendar(cal({ hours: [h(1, '08:00', '12:00'), h(1, '12:00', '18:00'), h(2, '14:00', '24:00')] }), zones)).toEqual({});
    expect(validateCalendar(cal({ hours: [] }), zones)).toEqual({});
  });

  it('refuses overlapping intervals of the same weekday, on the later one', () => {
    const e = validateCalendar(cal({ hours: [h(1, '08:00', '12:00'), h(3, '09:00', '10:00'), h(1, '11:30', '14:00')] }), zones);
    expect(e).toEqual({ 'hours[2].start': 'overlap' });
    // One inside another, listed first: the inner one is marked.
    expect(validateCalendar(cal({ hours: [h(5, '10:00', '11:00'), h(5, '08:00', '18:00')] }), zones)).toEqual({ 'hours[0].start': 'overlap' });
    // The same interval on two different days is fine.
    expect(validateCalendar(cal({ hours: [h(1, '08:00', '12:00'), h(2, '08:00', '12:00')] }), zones)).toEqual({});
  });

  it('refuses inverted, empty and malformed intervals', () => {
    const e = validateCalendar(cal({ hours: [h(1, '12:00', '08:00'), h(2, '09:00', '09:00'), h(3, '8:00', '25:00'), h(4, '24:00', '24:00')] }), zones);
    expect(e).toEqual({
      'hours[0].end': 'inverted',
      'hours[1].end': 'inverted',
      'hours[2].start': 'time',
      'hours[2].end': 'time',
      'hours[3].start': 'time',
    });
    expect(minutesOf('24:00')).toBeNull();
    expect(minutesOf('24:00', true)).toBe(1440);
  });

  it('checks names, the time zone and holidays', () => {
    const e = validateCalendar(
      cal({
        name_es: ' ',
        time_zone: 'Mars/Olympus',
        holidays: [
          { key: 1, date: '2026-12-25', name: 'Navidad' },
          { key: 2, date: '2026-12-25', name: 'Otra' },
          { key: 3, date: '2026-02-30', name: 'x' },
          { key: 4, date: '2027-01-01', name: '' },
        ],
      }),
      zones,
    );
    expect(e).toEqual({ 'name.es': 'required', time_zone: 'timeZone', 'holidays[1].date': 'duplicateDate', 'holidays[2].date': 'date', 'holidays[3].name': 'required' });
  });

  it('adds the next interval after the last of the day, and sends them in order', () => {
    const hours = addInterval(addInterval([], 1), 1);
    expect(hours.map((x) => [x.start, x.end])).toEqual([
      ['08:00', '12:00'],
      ['13:00', '17:00'],
    ]);
    const body = calendarBody(cal({ hours: [h(2, '08:00', '12:00'), h(1, '14:00', '18:00'), h(1, '08:00', '12:00')] }));
    expect(body.hours).toEqual([
      { weekday: 1, start: '08:00', end: '12:00' },
      { weekday: 1, start: '14:00', end: '18:00' },
      { weekday: 2, start: '08:00', end: '12:00' },
    ]);
  });
});

describe('policy form', () => {
  it('sends durations as seconds', () => {
    const d = { ...emptyPolicy(), name_es: 'Urgente', name_en: 'Urgent', first_response: '30m', resolution: '4h 30m', at_risk_percent: '80' };
    expect(validatePolicy(d)).toEqual({});
    expect(policyBody(d, 3)).toMatchObject({ first_response_seconds: 1800, resolution_seconds: 16_200, at_risk_percent: 80, version: 3 });
  });

  it('refuses bad targets, shares and repeated escalations', () => {
    const esc = newEscalation();
    const d = { ...emptyPolicy(), name_es: 'x', name_en: 'x', first_response: '5s', resolution: 'mañana', at_risk_percent: '100', escalations: [esc, { ...esc, key: 999 }] };
    expect(validatePolicy(d)).toEqual({
      first_response_seconds: 'durationRange',
      resolution_seconds: 'durationFormat',
      at_risk_percent: 'percent',
      'escalations[1]': 'duplicateEscalation',
    });
    expect(validatePolicy({ ...d, at_risk_percent: '0' }).at_risk_percent).toBe('percent');
  });

  it("shows the server's field errors on the inputs", () => {
    expect(normalPath('hours.1.start')).toBe('hours[1].start');
    expect(normalPath('priority_ids[2]')).toBe('priority_ids');
    const d = { ...emptyPolicy(), escalations: [newEscalation()] };
    const { byPath, other } = serverErrors({ 'escalations.0.action': 'Acción desconocida', 'priority_ids[1]': 'Prioridad desconocida', version: 'Cambiada' }, (p) => policyPath(d, p));
    expect(byPath).toEqual({ 'escalations[0].action': 'Acción desconocida', priority_ids: 'Prioridad desconocida' });
    expect(other).toEqual(['Cambiada']);
  });
});
