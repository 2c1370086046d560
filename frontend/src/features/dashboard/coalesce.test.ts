import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer, refetchWindowMs } from './coalesce';

describe('live refetch coalescing', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a burst of events costs each widget one refetch, at the end of the window (trailing)', () => {
    const runs: string[] = [];
    const c = new Coalescer<string>((k) => runs.push(k));
    for (let i = 0; i < 50; i++) {
      c.schedule('status');
      c.schedule('queue');
      vi.advanceTimersByTime(5);
    }
    // 250 ms in: nothing yet, both are waiting.
    expect(runs).toEqual([]);
    expect(c.isPending('status')).toBe(true);
    vi.advanceTimersByTime(refetchWindowMs - 250 - 1);
    expect(runs).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(runs.sort()).toEqual(['queue', 'status']);
    vi.advanceTimersByTime(5_000);
    expect(runs).toHaveLength(2);
  });

  it('never refetches one widget twice within 500 ms, and an event after a refetch gets its own', () => {
    const at: number[] = [];
    const start = Date.now();
    const c = new Coalescer<string>(() => at.push(Date.now() - start));
    // One event every 100 ms for two seconds.
    for (let t = 0; t < 2_000; t += 100) {
      c.schedule('status');
      vi.advanceTimersByTime(100);
    }
    vi.advanceTimersByTime(1_000);
    expect(at.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(refetchWindowMs);
    // The last event (at 1900 ms) is counted: a refetch follows it.
    expect(at[at.length - 1]).toBeGreaterThanOrEqual(1_900);
  });

  it('clear drops the waiting refetches (the page went away)', () => {
    const run = vi.fn();
    const c = new Coalescer<string>(run);
    c.schedule('status');
    c.clear();
    vi.advanceTimersByTime(refetchWindowMs * 2);
    expect(run).not.toHaveBeenCalled();
    expect(c.isPending('status')).toBe(false);
  });
});
