// Every catalog in one query (GET /catalog), shared by the whole app: labels of statuses, priorities,
// categories, channels and queues, the dialog's choices, the admin pages. Views with a live connection
// call invalidateCatalogs on a `catalog.changed` event, so an admin's change shows everywhere at once.
import { useQuery } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { Catalogs } from '../../api/types';

export const catalogsKey = ['catalog'] as const;

export function useCatalogs() {
  return useQuery({
    queryKey: catalogsKey,
    queryFn: ({ signal }) => api.catalogs(signal),
    staleTime: 10 * 60_000,
  });
}

/** invalidateCatalogs refetches every catalog query (the board's status and priority lists too). */
export function invalidateCatalogs(qc: QueryClient): Promise<void> {
  return qc.invalidateQueries({ queryKey: catalogsKey });
}

/** Labelled is any catalog entry: it has a Spanish and an English name. */
export interface Labelled {
  name_es: string;
  name_en: string;
}

/** useLabel returns a function naming a catalog entry in the language on screen. */
export function useLabel(): (entry: Labelled | null | undefined) => string {
  const { i18n } = useTranslation();
  const en = i18n.language === 'en';
  return (entry) => (entry == null ? '' : en ? entry.name_en : entry.name_es);
}

/** byId indexes a catalog's entries by id. */
export function byId<T extends { id: number }>(entries: readonly T[] | undefined): Map<number, T> {
  return new Map((entries ?? []).map((e) => [e.id, e]));
}

export type { Catalogs };
