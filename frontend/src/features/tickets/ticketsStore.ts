// TicketsStore: the records table of one view (filters + sort), as an external store for
// useSyncExternalStore. It loads the first page, appends further pages, applies live changes, and
// refreshes on demand. The last store is kept for a while, so coming back from a ticket shows the
// same rows and scroll position, and the live connection resumes after the rows' seq.
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { LiveChange } from '../../live/client';
import { toApiQuery } from './filters';
import type { TicketFilters } from './filters';
import { appendPage, applyLive, fromList } from './listState';
import type { ListState } from './listState';

export interface TicketsSnapshot {
  phase: 'loading' | 'ready' | 'error';
  error: string | null;
  list: ListState | null;
  loadingMore: boolean;
  moreError: string | null;
  refreshing: boolean;
}

export interface TicketsStoreDeps {
  api: Pick<typeof api, 'tickets'>;
}

export const pageSize = 50;
const maxPage = 200;

/** message says why the list could not load; a refused filter (a date range backwards) names what is wrong with it. */
export function message(err: unknown): string {
  if (err instanceof ApiError && Object.keys(err.fields).length > 0) return [err.message, ...Object.values(err.fields)].join(' ');
  return err instanceof Error ? err.message : String(err);
}

export class TicketsStore {
  readonly filters: TicketFilters;
  readonly key: string;
  /** search is the view's query string (the way back to it). */
  readonly search: string;
  private readonly meId: number | null;
  private readonly deps: TicketsStoreDeps;
  private snap: TicketsSnapshot = { phase: 'loading', error: null, list: null, loadingMore: false, moreError: null, refreshing: false };
  private readonly listeners = new Set<() => void>();
  private loadAbort: AbortController | null = null;
  /** scrollTop is where the user is in the list (restored when they come back). */
  scrollTop = 0;
  leftAt = 0;

  constructor(key: string, filters: TicketFilters, meId: number | null, deps: TicketsStoreDeps = { api }, search = key) {
    this.key = key;
    this.search = search;
    this.filters = filters;
    this.meId = meId;
    this.deps = deps;
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): TicketsSnapshot => this.snap;

  private set(patch: Partial<TicketsSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const fn of this.listeners) fn();
  }

  /**
   * load fetches the first page (again) and resolves to its seq. A refresh asks for as many rows as
   * are loaded now (up to 200), so the user does not lose the pages they scrolled through.
   */
  async load(): Promise<number> {
    this.loadAbort?.abort();
    const ctl = new AbortController();
    this.loadAbort = ctl;
    const had = this.snap.list;
    if (had === null) this.set({ phase: 'loading', error: null });
    else this.set({ refreshing: true });
    const limit = had === null ? pageSize : Math.min(maxPage, Math.max(pageSize, had.rows.length));
    try {
      const page = await this.deps.api.tickets(toApiQuery(this.filters, { limit }), ctl.signal);
      if (ctl.signal.aborted) throw new DOMException('aborted', 'AbortError');
      this.set({ phase: 'ready', error: null, list: fromList(page), refreshing: false, moreError: null });
      return page.seq;
    } catch (err) {
      if (!ctl.signal.aborted) {
        if (this.snap.list === null) this.set({ phase: 'error', error: message(err), refreshing: false });
        else this.set({ refreshing: false });
      }
      throw err;
    }
  }

  /** loadMore appends the next page, once at a time. */
  async loadMore(): Promise<void> {
    const list = this.snap.list;
    if (list === null || list.nextCursor === null || this.snap.loadingMore) return;
    this.set({ loadingMore: true, moreError: null });
    try {
      const page = await this.deps.api.tickets(toApiQuery(this.filters, { cursor: list.nextCursor, limit: pageSize }));
      const now = this.snap.list;
      // A refresh in between replaced the rows: this page belongs to the old ones.
      if (now !== null && now.nextCursor === list.nextCursor) this.set({ list: appendPage(now, page) });
      this.set({ loadingMore: false });
    } catch (err) {
      this.set({ loadingMore: false, moreError: message(err) });
    }
  }

  /** applyLive applies a live event or removal. */
  applyLive = (msg: LiveChange): void => {
    const list = this.snap.list;
    if (list === null) return;
    const next = applyLive(list, msg, { filters: this.filters, meId: this.meId });
    if (next !== list) this.set({ list: next });
  };

  /** rememberScroll notes where the user is in the list. */
  rememberScroll(top: number): void {
    this.scrollTop = top;
  }

  /** dispose stops a request in flight. */
  dispose(): void {
    this.loadAbort?.abort();
    this.loadAbort = null;
    // An aborted refresh leaves the rows as they were; the view may come back to them.
    if (this.snap.list === null) this.set({ phase: 'loading', refreshing: false });
    else if (this.snap.refreshing) this.set({ refreshing: false });
  }
}

const keepForMs = 10 * 60_000;
let kept: TicketsStore | null = null;

/**
 * obtainStore returns the store the user left a moment ago for the same view, user and session, or a
 * new one. Only one is kept: the view the user is most likely to come back to. `session` tells sessions
 * apart (when the session was last read): rows read in an ended session, or before the user's access
 * changed, are never shown again.
 */
export function obtainStore(
  key: string,
  filters: TicketFilters,
  meId: number | null,
  session: number,
  now = Date.now(),
  deps: TicketsStoreDeps = { api },
): { store: TicketsStore; reused: boolean } {
  const full = `${meId ?? ''}|${session}|${key}`;
  if (kept !== null && kept.key === full && now - kept.leftAt < keepForMs && kept.getSnapshot().list !== null) {
    return { store: kept, reused: true };
  }
  return { store: new TicketsStore(full, filters, meId, deps, key), reused: false };
}

/** keepStore remembers the store the user leaves. */
export function keepStore(store: TicketsStore, now = Date.now()): void {
  store.leftAt = now;
  kept = store;
}

/** lastListHref is the records table the user last left (the ticket page's way back). */
export function lastListHref(): string {
  const search = kept === null ? '' : kept.search;
  return search ? `/tickets?${search}` : '/tickets';
}
