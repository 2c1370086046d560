// useSlaNow: the time at which a component shows its SLA clocks, redrawn through the page's one ticker
// (see ticker.ts) as often as the most urgent of them needs.
import { useEffect, useRef, useState } from 'react';
import type { SLAInfo } from '../../api/issue6-sla';
import { nextRedraw } from './countdown';
import { pageTicker } from './ticker';
import type { Ticker } from './ticker';

export type Clocks = SLAInfo | null | undefined | readonly (SLAInfo | null | undefined)[];

/** earliestRedraw is when the first of some clocks must be redrawn (null: none moves). */
export function earliestRedraw(clocks: Clocks, seen: number): number | null {
  const list: readonly (SLAInfo | null | undefined)[] = Array.isArray(clocks) ? clocks : [clocks as SLAInfo | null | undefined];
  let next: number | null = null;
  for (const c of list) {
    const d = nextRedraw(c, seen);
    if (d !== null && (next === null || d < next)) next = d;
  }
  return next;
}

/** useSlaNow returns the time to draw `clocks` at; pass a stable value (a card's sla, a memoised list). */
export function useSlaNow(clocks: Clocks, ticker: Ticker = pageTicker): number {
  const [now, setNow] = useState(() => Date.now());
  const clocksRef = useRef(clocks);
  const subRef = useRef<ReturnType<Ticker['subscribe']> | null>(null);
  useEffect(() => {
    const sub = ticker.subscribe(
      (seen) => earliestRedraw(clocksRef.current, seen),
      () => setNow(sub.now()),
    );
    subRef.current = sub;
    return () => {
      sub.remove();
      subRef.current = null;
    };
  }, [ticker]);
  useEffect(() => {
    if (clocksRef.current === clocks) return;
    clocksRef.current = clocks;
    subRef.current?.changed();
  }, [clocks]);
  return now;
}
