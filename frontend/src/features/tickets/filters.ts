// The records table's filters and sort live in the URL query string under the API's own parameter
// names, so `GET /tickets?<url query>` and a shared link (or a saved view) reproduce the same view.
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
  /** created_from, created_to: days `YYYY-MM-DD` (UTC, inclusive). */
  created_from: string | null;
  created_to: string | null;
  q: string;
  sort: TicketSort;
}

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

/** toApiQuery is the GET /tickets query of a view (and of one of its pages). */
export function toApiQuery(f: TicketFilters, page: { cursor?: string | null; limit?: number } = {}): TicketQuery {
  const q: TicketQuery = {};
  for (const k of idFilters) {
    const v = f[k];
    if (v !== null) q[k] = v;
  }
  if (f.assignee !== null && f.assignee !== '') q.assignee = f.assignee;
  if (f.created_from !== null) q.created_from = f.created_from;
  if (f.created_to !== null) q.created_to = f.created_to;
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
  const q = f.q.trim();
  if (q !== '') {
    const num = /^#?([0-9]+)$/.exec(q);
    if (num) return String(card.number) === num[1] ? 'yes' : 'no';
    return 'maybe';
  }
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
