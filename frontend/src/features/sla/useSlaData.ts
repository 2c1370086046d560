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
  /** categories: top-level ones and their subcategories ("Parent / Child"). */
  categories: IdOption[];
  queues: IdOption[];
  channels: IdOption[];
  statuses: IdOption[];
}

export function useSlaChoices(): SlaChoices {
  const c = useCatalogs().data;
  const label = useLabel();
  const cats = c?.categories ?? [];
  const parent = new Map(cats.map((x) => [x.id, x]));
  return {
    priorities: (c?.priorities ?? []).map((x) => ({ id: x.id, label: label(x) })),
    categories: cats.map((x) => ({ id: x.id, label: x.parent_id === null ? label(x) : `${label(parent.get(x.parent_id))} / ${label(x)}` })),
    queues: (c?.queues ?? []).map((x) => ({ id: x.id, label: label(x) })),
    channels: (c?.channels ?? []).map((x) => ({ id: x.id, label: label(x) })),
    statuses: (c?.statuses ?? []).map((x) => ({ id: x.id, label: label(x) })),
  };
}
