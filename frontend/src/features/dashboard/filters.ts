// The dashboard's filters live in the URL query string (a shared link shows the same numbers): a
// period preset, or a custom from/to, and the queue, category and channel ids. Presets are written
// by name so a bookmarked "last 7 days" keeps moving with the calendar.
import type { WidgetFilters } from '../../api/issue7-dashboard';
import { isDay } from '../tickets/filters';

export const presets = ['today', '7d', '30d', 'month', 'custom'] as const;
export type Preset = (typeof presets)[number];
/** defaultPreset is the server's own default period: the last 30 days up to today. */
export const defaultPreset: Preset = '30d';

export interface DashboardFilters {
  period: Preset;
  /** from, to: days of the desk's zone `YYYY-MM-DD` (inclusive), set only for a custom period. */
  from: string | null;
  to: string | null;
  queue: number | null;
  category: number | null;
  channel: number | null;
}

export const noDashboardFilters: DashboardFilters = { period: defaultPreset, from: null, to: null, queue: null, category: null, channel: null };

const idKeys = ['queue', 'category', 'channel'] as const;

function positiveId(v: string | null): number | null {
  if (v === null || !/^[1-9][0-9]{0,17}$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/** dashboardFiltersFromSearch reads the filters; a custom period needs both days, in order. */
export function dashboardFiltersFromSearch(sp: URLSearchParams): DashboardFilters {
  const f: DashboardFilters = { ...noDashboardFilters };
  for (const k of idKeys) f[k] = positiveId(sp.get(k));
  const from = sp.get('from');
  const to = sp.get('to');
  if (isDay(from) && isDay(to) && from <= to) {
    f.period = 'custom';
    f.from = from;
    f.to = to;
    return f;
  }
  const p = sp.get('period');
  if (p !== null && p !== 'custom' && (presets as readonly string[]).includes(p)) f.period = p as Preset;
  return f;
}

/** searchFromDashboardFilters writes the filters canonically: the default period is left out. */
export function searchFromDashboardFilters(f: DashboardFilters): URLSearchParams {
  const out = new URLSearchParams();
  if (f.period === 'custom' && f.from !== null && f.to !== null) {
    out.set('from', f.from);
    out.set('to', f.to);
  } else if (f.period !== defaultPreset && f.period !== 'custom') {
    out.set('period', f.period);
  }
  for (const k of idKeys) {
    const v = f[k];
    if (v !== null) out.set(k, String(v));
  }
  return out;
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** periodDays is the from/to a period stands for on a given day (inclusive, days of the desk's zone). */
export function periodDays(f: DashboardFilters, today: string): { from: string; to: string } {
  switch (f.period) {
    case 'today':
      return { from: today, to: today };
    case '7d':
      return { from: addDays(today, -6), to: today };
    case 'month':
      return { from: `${today.slice(0, 7)}-01`, to: today };
    case 'custom':
      if (f.from !== null && f.to !== null) return { from: f.from, to: f.to };
      return { from: addDays(today, -29), to: today };
    default:
      return { from: addDays(today, -29), to: today };
  }
}

/** widgetQuery is the query of GET /dashboard/widgets/{key} for the filters on a given day. */
export function widgetQuery(f: DashboardFilters, today: string): WidgetFilters {
  const q: WidgetFilters = periodDays(f, today);
  for (const k of idKeys) {
    const v = f[k];
    if (v !== null) q[k] = v;
  }
  return q;
}

/** drillHref is where a number leads: the records table filtered to exactly its tickets. */
export function drillHref(drill: string): string {
  const d = drill.replace(/^\?/, '');
  return d === '' ? '/tickets' : `/tickets?${d}`;
}
