// The widgets on screen: one query each under the dashboard's filters, kept current by the live feed.
// Any ticket event refetches the widgets shown, coalesced per widget; a reconnect, or the server
// saying the missed events are too old, refetches them all at once. Nothing reloads the page.
import { keepPreviousData, useQueries, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { dashboardApi } from '../../api/issue7-dashboard';
import type { Widget, WidgetFilters, WidgetKey } from '../../api/issue7-dashboard';
import type { LiveState } from '../../live/client';
import { useLive } from '../../live/useLive';
import { useLiveStatus } from '../layout/liveStatus';
import { Coalescer } from './coalesce';

const topics = ['board'];

export const widgetsKey = ['dashboard', 'widget'] as const;

export function widgetKey(key: WidgetKey, q: WidgetFilters) {
  return [...widgetsKey, key, q] as const;
}

/** refetchWidget refetches a widget under the filters on screen (inactive filter sets are left alone). */
export function refetchWidget(qc: QueryClient, key: WidgetKey): Promise<void> {
  return qc.refetchQueries({ queryKey: [...widgetsKey, key], type: 'active' });
}

/** latestSeq is the highest seq among the widgets on screen, the point the live feed resumes after. */
export function latestSeq(qc: QueryClient): number | null {
  let seq: number | null = null;
  for (const [, w] of qc.getQueriesData<Widget>({ queryKey: widgetsKey, type: 'active' })) {
    if (w !== undefined && (seq === null || w.seq > seq)) seq = w.seq;
  }
  return seq;
}

export function useWidgets(keys: readonly WidgetKey[], q: WidgetFilters) {
  const qc = useQueryClient();
  const results = useQueries({
    queries: keys.map((k) => ({
      queryKey: widgetKey(k, q),
      queryFn: ({ signal }: { signal: AbortSignal }) => dashboardApi.widget(k, q, signal),
      // A refetch keeps the numbers on screen until the new ones arrive (no flicker to "loading").
      placeholderData: keepPreviousData,
      staleTime: 5_000,
    })),
  });

  const keysRef = useRef(keys);
  useEffect(() => {
    keysRef.current = keys;
  });
  const coalescer = useMemo(() => new Coalescer<WidgetKey>((k) => void refetchWidget(qc, k)), [qc]);
  useEffect(() => () => coalescer.clear(), [coalescer]);

  const refetchAll = async (): Promise<number> => {
    await Promise.all(keysRef.current.map((k) => refetchWidget(qc, k)));
    return latestSeq(qc) ?? 0;
  };

  const { setState: setLiveState } = useLiveStatus();
  const lastState = useRef<LiveState | null>(null);
  const after = results.find((r) => r.data !== undefined)?.data?.seq ?? null;
  useLive({
    key: 'dashboard',
    after,
    topics,
    onChange: () => {
      for (const k of keysRef.current) coalescer.schedule(k);
    },
    onReload: refetchAll,
    onState: (s) => {
      setLiveState(s);
      // Back after a lost connection: what changed meanwhile may not all come as events.
      if (s === 'live' && lastState.current === 'offline') void refetchAll();
      lastState.current = s;
    },
  });
  useEffect(() => {
    setLiveState('connecting');
    return () => setLiveState(null);
  }, [setLiveState]);

  return results;
}
