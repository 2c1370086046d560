// One timer for every SLA countdown on the page. Each badge subscribes with a function saying when it
// must next be redrawn (see nextRedraw); the ticker keeps a single timeout set to the earliest of them
// and, when it fires, redraws only the badges whose time has come. A board of hundreds of cards thus
// has one timer, ticking each second only while some clock is under ten minutes.

export interface TickerClock {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

interface Sub {
  /** due: when this subscriber must next be redrawn, from the time it last was; null: never. */
  due: (seen: number) => number | null;
  seen: number;
  notify: () => void;
}

/** slack: subscribers due within this much of a tick are redrawn with it (one wake-up, not many). */
const slackMs = 1000;

export class Ticker {
  private readonly subs = new Set<Sub>();
  private handle: unknown = null;
  private wakeAt: number | null = null;
  private readonly clock: TickerClock;

  constructor(clock?: TickerClock) {
    this.clock = clock ?? {
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
  }

  /** timers is how many timers are pending (0 or 1). */
  get timers(): number {
    return this.handle === null ? 0 : 1;
  }

  /** subscribe adds a redraw; the returned handle reads its time, redraws and reschedules it after
   * its clocks changed, and removes it. */
  subscribe(due: Sub['due'], notify: () => void): { now: () => number; changed: () => void; remove: () => void } {
    const sub: Sub = { due, seen: this.clock.now(), notify };
    this.subs.add(sub);
    this.schedule();
    return {
      now: () => sub.seen,
      changed: () => {
        // The clock itself changed (a live event): read the time afresh and plan again.
        sub.seen = this.clock.now();
        this.schedule();
        sub.notify();
      },
      remove: () => {
        this.subs.delete(sub);
        this.schedule();
      },
    };
  }

  private schedule(): void {
    let next: number | null = null;
    for (const s of this.subs) {
      const d = s.due(s.seen);
      if (d !== null && (next === null || d < next)) next = d;
    }
    if (next === this.wakeAt && (next === null || this.handle !== null)) return;
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
    this.wakeAt = next;
    if (next === null) return;
    this.handle = this.clock.setTimeout(() => this.tick(), Math.max(0, next - this.clock.now()));
  }

  private tick(): void {
    this.handle = null;
    this.wakeAt = null;
    const now = this.clock.now();
    const due: Sub[] = [];
    for (const s of this.subs) {
      const d = s.due(s.seen);
      if (d !== null && d <= now + slackMs) due.push(s);
    }
    for (const s of due) s.seen = now;
    this.schedule();
    for (const s of due) s.notify();
  }
}

/** pageTicker is the page's one ticker. */
export const pageTicker = new Ticker();
