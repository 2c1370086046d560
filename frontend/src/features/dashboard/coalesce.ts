// Live refetches of the widgets, coalesced: a burst of ticket events (a bulk move, an import) costs
// each widget on screen at most one request per window, sent at the end of the window so it counts
// the last change of the burst too.

export interface Timers {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** refetchWindowMs is the shortest time between two live refetches of one widget. */
export const refetchWindowMs = 500;

/** Coalescer runs `run(key)` once per window for every key scheduled during it (trailing). */
export class Coalescer<K> {
  private readonly pending = new Map<K, unknown>();
  private readonly run: (key: K) => void;
  private readonly windowMs: number;
  private readonly timers: Timers;

  constructor(run: (key: K) => void, windowMs = refetchWindowMs, timers: Timers = realTimers) {
    this.run = run;
    this.windowMs = windowMs;
    this.timers = timers;
  }

  /** schedule asks for a run of key at the end of its window; a key already waiting is left as it is. */
  schedule(key: K): void {
    if (this.pending.has(key)) return;
    const handle = this.timers.setTimeout(() => {
      this.pending.delete(key);
      this.run(key);
    }, this.windowMs);
    this.pending.set(key, handle);
  }

  /** isPending tells whether a run of key is waiting. */
  isPending(key: K): boolean {
    return this.pending.has(key);
  }

  /** clear drops every waiting run (the page went away). */
  clear(): void {
    for (const h of this.pending.values()) this.timers.clearTimeout(h);
    this.pending.clear();
  }
}
