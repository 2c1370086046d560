// The SLA admin's queries and the catalog choices its editors offer.
import { useQuery } from '@tanstack/react-query';
import { slaApi } from '../../api/issue6-sla';
import { useCatalogs, useLabel } from '../catalog/useCatalogs';
import type { IdOption } from '../roles/roleOptions';

export const policiesKey = ['sla', 'policies'] as const;
export const calendarsKey = ['sla', 'calendars'] as const;

export function usePolicies() {
  return useQuery({ queryKey: policiesKey, queryFn: ({ signal }) => slaApi.policies(signal) });
}

export function useCalendars() {
  return useQuery({ queryKey: calendarsKey, queryFn: ({ signal }) => slaApi.calendars(signal) });
}

export interface SlaChoices {
  priorities: IdOption[];
  /** categories: the top-level ones (a ticket's category; its subcategory lies under it). */
  categories: IdOption[];
  queues: IdOption[];
  channels: IdOption[];
  statuses: IdOption[];
}

export function useSlaChoices(): SlaChoices {
  const c = useCatalogs().data;
  const label = useLabel();
  return {
    priorities: (c?.priorities ?? []).map((x) => ({ id: x.id, label: label(x) })),
    categories: (c?.categories ?? []).filter((x) => x.parent_id === null).map((x) => ({ id: x.id, label: label(x) })),
    queues: (c?.queues ?? []).map((x) => ({ id: x.id, label: label(x) })),
    channels: (c?.channels ?? []).map((x) => ({ id: x.id, label: label(x) })),
    statuses: (c?.statuses ?? []).map((x) => ({ id: x.id, label: label(x) })),
  };
}
