// Windowing for long columns: only the rows in (and near) the visible part of a scroll container are
// rendered, with spacers above and below. Cards have a fixed height, so the arithmetic is exact.
import { useEffect, useState } from 'react';
import type { RefObject } from 'react';

export interface RowWindow {
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
}

export function useWindowedRows(
  scrollRef: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  enabled: boolean,
  overscan = 4,
): RowWindow {
  // Until the container is measured, assume it is as tall as the window.
  const [view, setView] = useState(() => ({ top: 0, height: typeof window === 'undefined' ? 1000 : window.innerHeight }));
  useEffect(() => {
    const el = scrollRef.current;
    if (!enabled || el === null) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    el.addEventListener('scroll', update, { passive: true });
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      ro.disconnect();
    };
  }, [scrollRef, enabled]);
  if (!enabled) return { start: 0, end: count, padTop: 0, padBottom: 0 };
  const start = Math.min(count, Math.max(0, Math.floor(view.top / rowHeight) - overscan));
  const end = Math.min(count, Math.ceil((view.top + view.height) / rowHeight) + overscan);
  return { start, end: Math.max(start, end), padTop: start * rowHeight, padBottom: Math.max(0, count - end) * rowHeight };
}
