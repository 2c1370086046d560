// Catalog queries the board needs: statuses, priorities and assignable users.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/endpoints';

const catalogStale = 5 * 60_000;

export function useStatuses() {
  return useQuery({
    queryKey: ['catalog', 'statuses'],
    queryFn: ({ signal }) => api.statuses(signal).then((r) => r.statuses),
    staleTime: catalogStale,
  });
}

export function usePriorities() {
  return useQuery({
    queryKey: ['catalog', 'priorities'],
    queryFn: ({ signal }) => api.priorities(signal).then((r) => r.priorities),
    staleTime: catalogStale,
  });
}

export function useAssignees() {
  return useQuery({
    queryKey: ['users'],
    queryFn: ({ signal }) => api.users(signal).then((r) => r.users),
    staleTime: catalogStale,
  });
}

/** labelOf picks the Spanish or English name of a catalog entry. */
export function labelOf(entry: { name_es: string; name_en: string }, lang: string): string {
  return lang === 'en' ? entry.name_en : entry.name_es;
}
