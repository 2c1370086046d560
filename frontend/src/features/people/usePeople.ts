// The persons' queries: the list (a page at a time), one profile, and the keys mutations refresh.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { api } from '../../api/endpoints';
import type { Person } from '../../api/types';
import type { PeopleFilters } from './filters';
import { toQuery } from './filters';

export const personsKey = ['persons'] as const;
export const personKey = (id: number) => ['person', id] as const;

export function usePersons(f: PeopleFilters, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: [...personsKey, f],
    queryFn: ({ pageParam, signal }) => api.persons(toQuery(f, pageParam), signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled,
  });
}

export function usePerson(id: number, enabled: boolean) {
  return useQuery({ queryKey: personKey(id), queryFn: ({ signal }) => api.person(id, signal), enabled });
}

/** personChanged stores a person as the server answered and refreshes the lists and trees that show it. */
export function personChanged(qc: QueryClient, p: Person): void {
  qc.setQueryData(personKey(p.id), p);
  void qc.invalidateQueries({ queryKey: personsKey });
  void qc.invalidateQueries({ queryKey: ['downline'] });
}
