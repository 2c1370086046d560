// The pivot builder's state lives in the URL query string (so a pivot can be shared and reloaded), and
// the table is laid out from the server's cells, row and column totals.
import type { Pivot, PivotCell, PivotDim } from '../../api/issue7-reports';

export const dims: PivotDim[] = [
  'status',
  'priority',
  'queue',
  'channel',
  'category',
  'subcategory',
  'assignee',
  'created_day',
  'created_week',
  'created_month',
];

export const measures = [
  'count',
  'first_response_median',
  'first_response_p90',
  'resolution_median',
  'resolution_p90',
  'sla_compliance',
] as const;
export type Measure = (typeof measures)[number];

export interface PivotParams {
  rows: PivotDim;
  cols: PivotDim | 'none';
  measure: Measure;
  from: string;
  to: string;
  queue: string;
  category: string;
  channel: string;
}

export const defaultPivot: PivotParams = {
  rows: 'status',
  cols: 'priority',
  measure: 'count',
  from: '',
  to: '',
  queue: '',
  category: '',
  channel: '',
};

const isDim = (v: string | null): v is PivotDim => v !== null && (dims as string[]).includes(v);
const isMeasure = (v: string | null): v is Measure => v !== null && (measures as readonly string[]).includes(v);
const isDay = (v: string | null): v is string => v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v);
const isId = (v: string | null): v is string => v !== null && /^[1-9]\d*$/.test(v);

/** pivotFromSearch reads the builder from the page's query string; unknown values fall back to defaults. */
export function pivotFromSearch(sp: URLSearchParams): PivotParams {
  const rows = sp.get('rows');
  const cols = sp.get('cols');
  const measure = sp.get('measure');
  const p: PivotParams = {
    rows: isDim(rows) ? rows : defaultPivot.rows,
    cols: cols === 'none' ? 'none' : isDim(cols) ? cols : defaultPivot.cols,
    measure: isMeasure(measure) ? measure : defaultPivot.measure,
    from: isDay(sp.get('from')) ? sp.get('from')! : '',
    to: isDay(sp.get('to')) ? sp.get('to')! : '',
    queue: isId(sp.get('queue')) ? sp.get('queue')! : '',
    category: isId(sp.get('category')) ? sp.get('category')! : '',
    channel: isId(sp.get('channel')) ? sp.get('channel')! : '',
  };
  if (p.cols === p.rows) p.cols = 'none';
  return p;
}

/** pivotQuery is the API query of a builder state (empty values left out), also the page's query string. */
export function pivotQuery(p: PivotParams): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(p) as [string, string][]) if (v !== '') q[k] = v;
  return q;
}

/** withPivot changes one part of the builder, keeping rows and columns different. */
export function withPivot(p: PivotParams, change: Partial<PivotParams>): PivotParams {
  const next = { ...p, ...change };
  // Rows taking the columns' dimension swap the two; columns taking the rows' leave no columns.
  if (next.cols === next.rows) next.cols = change.rows !== undefined && p.rows !== next.rows ? p.rows : 'none';
  return next;
}

export interface PivotGrid {
  rows: { id: string; label: string; cells: (PivotCell | null)[]; total: PivotCell | null }[];
  cols: { id: string; label: string; total: PivotCell | null }[];
  total: PivotCell;
}

/** grid lays the pivot out as a table: a cell per row and column (null where no ticket), the totals. */
export function grid(p: Pivot): PivotGrid {
  const cells = new Map<string, PivotCell>();
  for (const c of p.cells) cells.set(`${c.row}\u0000${c.col}`, c);
  const rowTotals = new Map(p.row_totals.map((c) => [c.row, c]));
  const colTotals = new Map(p.col_totals.map((c) => [c.col, c]));
  return {
    cols: p.cols.map((c) => ({ id: c.id, label: c.label, total: colTotals.get(c.id) ?? null })),
    rows: p.rows.map((r) => ({
      id: r.id,
      label: r.label,
      cells: p.cols.map((c) => cells.get(`${r.id}\u0000${c.id}`) ?? null),
      total: rowTotals.get(r.id) ?? null,
    })),
    total: p.total,
  };
}

/** formatValue shows a number of the measure: a count, a duration (seconds → "1 h 5 min"), a percentage. */
export function formatValue(measure: Measure, cell: PivotCell | null, lang: string): string {
  if (cell === null) return '';
  if (measure === 'count') return cell.count.toLocaleString(lang);
  if (cell.value === null || cell.value === undefined) return '—';
  if (measure === 'sla_compliance') return `${cell.value.toLocaleString(lang, { maximumFractionDigits: 1 })} %`;
  return formatSeconds(cell.value);
}

/** formatSeconds shows a duration in its two largest units. */
export function formatSeconds(s: number): string {
  const total = Math.round(s);
  if (total < 60) return `${total} s`;
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

/** drillHref is where a number leads: the records table filtered to exactly its tickets, or nowhere. */
export function drillHref(cell: PivotCell | null | undefined): string | null {
  if (!cell || cell.drill === null || cell.drill === undefined || cell.count === 0) return null;
  return `/tickets?${cell.drill}`;
}
