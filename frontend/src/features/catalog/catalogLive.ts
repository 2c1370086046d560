// What the app-wide catalog connection does (see useCatalogLive): it starts after the live seq read
// from the API, refetches the catalogs on `catalog.changed`, and on a reload reads a new seq first and
// refetches after it, so the catalogs on screen always reflect at least the seq it resumes from.
import type { QueryClient } from '@tanstack/react-query';
import type { LiveChange } from '../../live/client';
import { catalogsKey, invalidateCatalogs } from './useCatalogs';

export interface CatalogLiveHandlers {
  /** start reads the seq to resume after; catalogs already loaded (or loading) are refetched after it. */
  start: (signal?: AbortSignal) => Promise<number>;
  onChange: (msg: LiveChange) => void;
  onReload: () => Promise<number>;
}

export function catalogLiveHandlers(qc: QueryClient, fetchSeq: (signal?: AbortSignal) => Promise<number>): CatalogLiveHandlers {
  const refetchAfter = async (signal?: AbortSignal) => {
    const seq = await fetchSeq(signal);
    // Loaded before the seq was read: may miss a change just before it. Not loaded yet: it will be
    // fetched after, nothing to do.
    if (qc.getQueryState(catalogsKey) !== undefined) await invalidateCatalogs(qc);
    return seq;
  };
  return {
    start: refetchAfter,
    onChange: (msg) => {
      if (msg.type === 'event' && msg.name === 'catalog.changed') void invalidateCatalogs(qc);
    },
    onReload: () => refetchAfter(),
  };
}
