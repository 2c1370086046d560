// The records table's filters and sort live in the URL query string under the API's own parameter
// names, so `GET /tickets?<url query>` and a shared link (or a saved view) reproduce the same view.
import type { DrillQuery, SlaClockName, SlaResult, SlaStateName } from '../../api/issue7-dashboard';
import { slaClockNames, slaResults, slaStateNames } from '../../api/issue7-dashboard';
import type { Card, TicketQuery, TicketSort } from '../../api/types';

/** TicketFilters is the view: one value per filter (null: any) and the sort. */
export interface TicketFilters {
  status: number | null;
  priority: number | null;
  queue: number | null;
  channel: number | null;
  category: number | null;
  subcategory: number | null;
  /** requester: a person's user id. */
  requester: number | null;
  /** assignee: 'me', 'none' or a user id. */
  assignee: string | null;
  /** created_from, created_to: days `YYYY-MM-DD` (of the desk's time zone, inclusive). */
  created_from: string | null;
  created_to: string | null;
  /** open: only tickets whose status is not in the DONE group (a dashboard drill-down). */
  open: boolean;
  /** resolved_*, responded_*: days `YYYY-MM-DD` (of the desk's time zone, inclusive) of resolved_at and first_response_at. */
  resolved_from: string | null;
  resolved_to: string | null;
  responded_from: string | null;
  responded_to: string | null;
  /** sla_state: the state of the ticket's running SLA clock now. */
  sla_state: SlaStateName | null;
  /** sla_clock, sla_result, sla_from, sla_to: that clock was met on time or breached within those days. */
  sla_clock: SlaClockName | null;
  sla_result: SlaResult | null;
  sla_from: string | null;
  sla_to: string | null;
  q: string;
  sort: TicketSort;
}

/** dayFilters are the day-valued drill-down filters, in the order the query string writes them. */
export const dayFilters = ['resolved_from', 'resolved_to', 'responded_from', 'responded_to'] as const;
export const slaDayFilters = ['sla_from', 'sla_to'] as const;

export const defaultSort: TicketSort = '-updated';
export const sorts: readonly TicketSort[] = ['-updated', 'updated', '-created', 'created', '-number', 'number'];
export const idFilters = ['status', 'priority', 'queue', 'channel', 'category', 'subcategory', 'requester'] as const;
export type IdFilter = (typeof idFilters)[number];
export const maxQueryLength = 200;

export const noFilters: TicketFilters = {
  status: null,
  priority: null,
  queue: null,
  channel: null,
  category: null,
  subcategory: null,
  requester: null,
  assignee: null,
  created_from: null,
  created_to: null,
  open: false,
  resolved_from: null,
  resolved_to: null,
  responded_from: null,
  responded_to: null,
  sla_state: null,
  sla_clock: null,
  sla_result: null,
  sla_from: null,
  sla_to: null,
  q: '',
  sort: defaultSort,
};

function positiveId(v: string | null): number | null {
  if (v === null || !/^[1-9][0-9]{0,17}$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/** isDay tells a real calendar day written `YYYY-MM-DD`. */
export function isDay(v: string | null): v is string {
  if (v === null || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

function oneOf<T extends string>(v: string | null, allowed: readonly T[]): T | null {
  return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

function isSort(v: string | null): v is TicketSort {
  return v !== null && (sorts as readonly string[]).includes(v);
}

/** filtersFromSearch reads the view from a query string; values the API would refuse are dropped. */
export function filtersFromSearch(sp: URLSearchParams): TicketFilters {
  const f: TicketFilters = { ...noFilters };
  for (const k of idFilters) f[k] = positiveId(sp.get(k));
  const assignee = sp.get('assignee');
  f.assignee = assignee !== null && /^(me|none|[1-9][0-9]{0,17})$/.test(assignee) ? assignee : null;
  const from = sp.get('created_from');
  const to = sp.get('created_to');
  f.created_from = isDay(from) ? from : null;
  f.created_to = isDay(to) ? to : null;
  f.open = sp.get('open') === 'true';
  for (const k of [...dayFilters, ...slaDayFilters]) {
    const v = sp.get(k);
    f[k] = isDay(v) ? v : null;
  }
  f.sla_state = oneOf(sp.get('sla_state'), slaStateNames);
  f.sla_clock = oneOf(sp.get('sla_clock'), slaClockNames);
  f.sla_result = oneOf(sp.get('sla_result'), slaResults);
  f.q = (sp.get('q') ?? '').slice(0, maxQueryLength);
  const sort = sp.get('sort');
  f.sort = isSort(sort) ? sort : defaultSort;
  return f;
}

/**
 * searchFromFilters writes the view as a canonical query string: a fixed key order, only the filters
 * that are set, the default sort left out. Equal views give equal strings (the list's identity).
 */
export function searchFromFilters(f: TicketFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of idFilters) {
    const v = f[k];
    if (v !== null) out.set(k, String(v));
  }
  if (f.assignee !== null && f.assignee !== '') out.set('assignee', f.assignee);
  if (f.created_from !== null) out.set('created_from', f.created_from);
  if (f.created_to !== null) out.set('created_to', f.created_to);
  for (const [k, v] of Object.entries(drillQuery(f))) out.set(k, String(v));
  const q = f.q.trim();
  if (q !== '') out.set('q', q);
  if (f.sort !== defaultSort) out.set('sort', f.sort);
  return out;
}

/** canonicalSearch normalises any query string to the one searchFromFilters writes. */
export function canonicalSearch(search: string): string {
  return searchFromFilters(filtersFromSearch(new URLSearchParams(search))).toString();
}

/** withFilters changes some filters; a category change drops a subcategory of another category. */
export function withFilters(
  f: TicketFilters,
  patch: Partial<TicketFilters>,
  parentOf: (subcategoryId: number) => number | null | undefined = () => undefined,
): TicketFilters {
  const next = { ...f, ...patch };
  if ('subcategory' in patch && patch.subcategory != null && !('category' in patch)) {
    // Picking a subcategory picks its category too, so the two never disagree.
    const parent = parentOf(patch.subcategory);
    if (parent != null) next.category = parent;
  }
  if ('category' in patch && next.subcategory !== null && (next.category === null || parentOf(next.subcategory) !== next.category)) {
    next.subcategory = null;
  }
  return next;
}

/** drillQuery is the part of a view made of the dashboard's drill-down parameters, in canonical order. */
export function drillQuery(f: TicketFilters): DrillQuery {
  const q: DrillQuery = {};
  if (f.open) q.open = true;
  for (const k of dayFilters) {
    const v = f[k];
    if (v !== null) q[k] = v;
  }
  if (f.sla_state !== null) q.sla_state = f.sla_state;
  if (f.sla_clock !== null) q.sla_clock = f.sla_clock;
  if (f.sla_result !== null) q.sla_result = f.sla_result;
  for (const k of slaDayFilters) {
    const v = f[k];
    if (v !== null) q[k] = v;
  }
  return q;
}

/** toApiQuery is the GET /tickets query of a view (and of one of its pages). */
export function toApiQuery(f: TicketFilters, page: { cursor?: string | null; limit?: number } = {}): TicketQuery & DrillQuery {
  const q: TicketQuery & DrillQuery = {};
  for (const k of idFilters) {
    const v = f[k];
    if (v !== null) q[k] = v;
  }
  if (f.assignee !== null && f.assignee !== '') q.assignee = f.assignee;
  if (f.created_from !== null) q.created_from = f.created_from;
  if (f.created_to !== null) q.created_to = f.created_to;
  Object.assign(q, drillQuery(f));
  if (f.q.trim() !== '') q.q = f.q.trim();
  if (f.sort !== defaultSort) q.sort = f.sort;
  if (page.cursor) q.cursor = page.cursor;
  if (page.limit !== undefined) q.limit = page.limit;
  return q;
}

/** activeFilterCount is how many filters (not the sort) are set. */
export function activeFilterCount(f: TicketFilters): number {
  let n = 0;
  for (const k of idFilters) if (f[k] !== null) n++;
  if (f.assignee !== null) n++;
  if (f.created_from !== null) n++;
  if (f.created_to !== null) n++;
  n += Object.keys(drillQuery(f)).length;
  if (f.q.trim() !== '') n++;
  return n;
}

export type SortColumn = 'number' | 'created' | 'updated';

/** nextSort is the sort after a click on a column header: newest first, then the other way. */
export function nextSort(current: TicketSort, column: SortColumn): TicketSort {
  return current === `-${column}` ? column : (`-${column}` as TicketSort);
}

/** ariaSort is the header's aria-sort for a column under a sort. */
export function ariaSort(current: TicketSort, column: SortColumn): 'ascending' | 'descending' | 'none' {
  if (current === column) return 'ascending';
  if (current === `-${column}`) return 'descending';
  return 'none';
}

/** Match: whether a ticket belongs to the view; 'maybe' when only the server can tell (text search). */
export type Match = 'yes' | 'no' | 'maybe';

/** matches tells whether a ticket's card belongs to the filtered view, as far as the client can tell. */
export function matches(card: Card, f: TicketFilters, meId: number | null): Match {
  if (f.status !== null && card.status_id !== f.status) return 'no';
  if (f.priority !== null && card.priority_id !== f.priority) return 'no';
  if (f.queue !== null && card.queue_id !== f.queue) return 'no';
  if (f.channel !== null && card.channel_id !== f.channel) return 'no';
  if (f.category !== null && card.category_id !== f.category) return 'no';
  if (f.subcategory !== null && card.subcategory_id !== f.subcategory) return 'no';
  if (f.requester !== null && card.requester?.id !== f.requester) return 'no';
  if (f.assignee !== null) {
    if (f.assignee === 'none') {
      if (card.assignee !== null) return 'no';
    } else {
      const want = f.assignee === 'me' ? meId : Number(f.assignee);
      if (card.assignee === null || card.assignee.id !== want) return 'no';
    }
  }
  const day = card.created_at.slice(0, 10);
  if (f.created_from !== null && day < f.created_from) return 'no';
  if (f.created_to !== null && day > f.created_to) return 'no';
  // The card's clock is a snapshot: a differing state may have moved on since it was built.
  if (f.sla_state !== null && card.sla === null) return 'no';
  const slaUnsure = f.sla_state !== null && card.sla?.state !== f.sla_state;
  const q = f.q.trim();
  const num = /^#?([0-9]+)$/.exec(q);
  if (num && String(card.number) !== num[1]) return 'no';
  if (q !== '' && !num) return 'maybe';
  // Status groups, resolution and response times and clock outcomes are not on the card.
  if (slaUnsure || f.open || Object.keys(drillQuery({ ...f, open: false, sla_state: null })).length > 0) return 'maybe';
  return 'yes';
}

/**
 * compareBySort orders two cards as the list's sort does: negative when a comes first. Ties on the
 * sort key compare as 0 (the server breaks them by id, which the client does not guess).
 */
export function compareBySort(a: Card, b: Card, sort: TicketSort): number {
  const desc = sort.startsWith('-');
  const key = desc ? sort.slice(1) : sort;
  let d: number;
  if (key === 'number') d = a.number - b.number;
  else if (key === 'created') d = Date.parse(a.created_at) - Date.parse(b.created_at);
  else d = Date.parse(a.updated_at) - Date.parse(b.updated_at);
  return desc ? -d : d;
}
