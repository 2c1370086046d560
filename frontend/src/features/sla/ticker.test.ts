import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SLAInfo } from '../../api/issue6-sla';
import { Ticker } from './ticker';
import { earliestRedraw } from './useSlaNow';

const t0 = Date.parse('2026-12-04T12:00:00Z');
const clock = (dueInS: number): SLAInfo => ({
  clock: 'resolution',
  state: 'on_track',
  due_at: new Date(t0 + dueInS * 1000).toISOString(),
  at_risk_at: null,
  remaining_s: dueInS,
  paused_by: null,
});

describe('the page ticker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(t0);
  });
  afterEach(() => vi.useRealTimers());

  it('keeps one timer for every clock, each redrawn as often as it needs', () => {
    const ticker = new Ticker();
    const far = vi.fn();
    const near = vi.fn();
    const clocks = [clock(3 * 3600), clock(2 * 3600), clock(5 * 3600)];
    const subs = clocks.map((c) => ticker.subscribe((seen) => earliestRedraw(c, seen), far));
    expect(ticker.timers).toBe(1);
    vi.advanceTimersByTime(29_000);
    expect(far).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    // The three far clocks are redrawn together at 30 s, once each.
    expect(far).toHaveBeenCalledTimes(3);

    const s = ticker.subscribe((seen) => earliestRedraw(clock(300), seen), near);
    vi.advanceTimersByTime(5_000);
    expect(near).toHaveBeenCalledTimes(5);
    expect(far).toHaveBeenCalledTimes(3);
    expect(ticker.timers).toBe(1);

    s.remove();
    for (const x of subs) x.remove();
    expect(ticker.timers).toBe(0);
  });

  it('redraws at once when a clock changes, and plans from its new due time', () => {
    const ticker = new Ticker();
    let c: SLAInfo | null = clock(3600);
    const notify = vi.fn();
    const sub = ticker.subscribe((seen) => earliestRedraw(c, seen), notify);
    vi.advanceTimersByTime(10_000);
    c = { ...clock(3600), state: 'paused', due_at: null };
    sub.changed();
    expect(notify).toHaveBeenCalledTimes(1);
    expect(sub.now()).toBe(t0 + 10_000);
    // A paused clock does not move: no timer at all.
    expect(ticker.timers).toBe(0);
  });
});
