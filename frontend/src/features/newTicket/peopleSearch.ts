// The requester and affected-person search: GET /people?q= 250 ms after the last keystroke, from two
// characters on; a newer query aborts the older request, so answers never arrive out of order.

/** SearchState is what the picker shows. */
export interface SearchState<T> {
  query: string;
  status: 'idle' | 'waiting' | 'loading' | 'done' | 'error';
  items: T[];
  error: string | null;
}

export const searchDelayMs = 250;
export const searchMinChars = 2;

/** DebouncedSearch runs a search a while after the query stops changing. */
export class DebouncedSearch<T> {
  private state: SearchState<T> = { query: '', status: 'idle', items: [], error: null };
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inflight: AbortController | null = null;

  constructor(
    private readonly fetcher: (q: string, signal: AbortSignal) => Promise<T[]>,
    private readonly errorMessage: (err: unknown) => string,
    private readonly delayMs = searchDelayMs,
    private readonly minChars = searchMinChars,
  ) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): SearchState<T> => this.state;

  private set(s: SearchState<T>): void {
    this.state = s;
    for (const fn of this.listeners) fn();
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.inflight?.abort();
    this.inflight = null;
  }

  /** setQuery takes what the user typed. */
  setQuery = (query: string): void => {
    this.cancel();
    const q = query.trim();
    if (q.length < this.minChars) {
      this.set({ query, status: 'idle', items: [], error: null });
      return;
    }
    this.set({ ...this.state, query, status: 'waiting', error: null });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run(query, q);
    }, this.delayMs);
  };

  private async run(query: string, q: string): Promise<void> {
    const ctl = new AbortController();
    this.inflight = ctl;
    this.set({ ...this.state, status: 'loading' });
    try {
      const items = await this.fetcher(q, ctl.signal);
      if (ctl.signal.aborted) return;
      this.inflight = null;
      this.set({ query, status: 'done', items, error: null });
    } catch (err) {
      if (ctl.signal.aborted) return;
      this.inflight = null;
      this.set({ query, status: 'error', items: [], error: this.errorMessage(err) });
    }
  }

  /** dispose stops any pending search (the picker went away); listeners unsubscribe themselves. */
  dispose(): void {
    this.cancel();
  }
}
