import { deskToday } from '../auth/deskZone';
import { describe, expect, it } from 'vitest';
import {
  dashboardFiltersFromSearch,
  drillHref,
  noDashboardFilters,
  periodDays,
  searchFromDashboardFilters,
  widgetQuery,
} from './filters';

const read = (s: string) => dashboardFiltersFromSearch(new URLSearchParams(s));

describe('dashboard filters in the URL', () => {
  it('reads a preset and the pickers, and writes them back canonically', () => {
    const f = read('channel=4&period=7d&queue=2&category=5');
    expect(f).toEqual({ period: '7d', from: null, to: null, queue: 2, category: 5, channel: 4 });
    expect(searchFromDashboardFilters(f).toString()).toBe('period=7d&queue=2&category=5&channel=4');
    // The default period (last 30 days) is left out of the URL.
    expect(searchFromDashboardFilters(read('period=30d')).toString()).toBe('');
    expect(read('')).toEqual(noDashboardFilters);
  });

  it('a custom period is its two days; days out of order or not real fall back to the preset', () => {
    const f = read('from=2026-11-01&to=2026-11-15&period=today');
    expect(f).toMatchObject({ period: 'custom', from: '2026-11-01', to: '2026-11-15' });
    expect(searchFromDashboardFilters(f).toString()).toBe('from=2026-11-01&to=2026-11-15');
    expect(read('from=2026-11-15&to=2026-11-01')).toEqual(noDashboardFilters);
    expect(read('from=2026-02-30&to=2026-03-01&period=month').period).toBe('month');
    expect(read('period=custom')).toEqual(noDashboardFilters);
    expect(read('period=year&queue=0&category=x&channel=-3')).toEqual(noDashboardFilters);
  });

  it('each preset stands for UTC days ending today, inclusive', () => {
    const today = '2026-12-04';
    expect(periodDays(read('period=today'), today)).toEqual({ from: '2026-12-04', to: '2026-12-04' });
    expect(periodDays(read('period=7d'), today)).toEqual({ from: '2026-11-28', to: '2026-12-04' });
    expect(periodDays(read(''), today)).toEqual({ from: '2026-11-05', to: '2026-12-04' });
    expect(periodDays(read('period=month'), today)).toEqual({ from: '2026-12-01', to: '2026-12-04' });
    // Across a year and a leap day.
    expect(periodDays(read('period=7d'), '2028-03-02')).toEqual({ from: '2028-02-25', to: '2028-03-02' });
    expect(periodDays(read('period=30d'), '2027-01-10')).toEqual({ from: '2026-12-12', to: '2027-01-10' });
    // The desk's day, not the browser's: 23:30 in Bogotá is already the 5th in UTC, still the 4th at the desk.
    expect(deskToday(new Date('2026-12-04T23:30:00-05:00'), 'America/Bogota')).toBe('2026-12-04');
    expect(deskToday(new Date('2026-12-04T23:30:00-05:00'), 'UTC')).toBe('2026-12-05');
    expect(deskToday(new Date('2026-12-04T23:30:00-05:00'), 'Europe/Madrid')).toBe('2026-12-05');
  });

  it('the widget query always names the period and only the pickers set', () => {
    expect(widgetQuery(read('period=7d&queue=2'), '2026-12-04')).toEqual({ from: '2026-11-28', to: '2026-12-04', queue: 2 });
    expect(widgetQuery(read('from=2026-01-01&to=2026-03-31&channel=9'), '2026-12-04')).toEqual({ from: '2026-01-01', to: '2026-03-31', channel: 9 });
  });
});

describe('drill-down links', () => {
  it('a number’s drill opens the records table with exactly that query', () => {
    expect(drillHref('status=12&open=true')).toBe('/tickets?status=12&open=true');
    expect(drillHref('?created_from=2026-12-01&created_to=2026-12-01')).toBe('/tickets?created_from=2026-12-01&created_to=2026-12-01');
    expect(drillHref('')).toBe('/tickets');
  });
});
