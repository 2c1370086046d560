// The catalogs and users the tickets screens name things with, indexed once per catalog load.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Catalogs, PersonRef, UserRef } from '../../api/types';
import { useSession } from '../auth/session';
import { useAssignees } from '../board/catalog';
import { byId, useCatalogs } from '../catalog/useCatalogs';
import { roleLabel } from '../roles/roleOptions';
import { useRoles } from '../roles/useRoles';
import type { Labelled } from '../catalog/useCatalogs';
import type { CatalogField, Lookups } from './history';

export type Category = Catalogs['categories'][number];

export function useTicketLookups(extraPeople: readonly (PersonRef | UserRef | null | undefined)[] = []) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  // The same function while the language stays, so memoised rows do not all re-render.
  const label = useMemo(() => (e: Labelled | null | undefined) => (e == null ? '' : lang === 'en' ? e.name_en : e.name_es), [lang]);
  const catalogs = useCatalogs();
  const users = useAssignees();
  const roles = useRoles();
  const session = useSession();
  const me = session.data ?? null;
  const data = catalogs.data;
  const extraKey = extraPeople.map((p) => (p ? `${p.id}:${p.name}` : '')).join(',');

  const maps = useMemo(
    () => ({
      statuses: byId(data?.statuses),
      priorities: byId(data?.priorities),
      categories: byId(data?.categories),
      channels: byId(data?.channels),
      queues: byId(data?.queues),
    }),
    [data],
  );

  const people = useMemo(() => {
    const m = new Map<number, string>();
    for (const u of users.data ?? []) m.set(u.id, u.name);
    for (const p of extraPeople) if (p) m.set(p.id, p.name);
    return m;
    // extraKey stands for extraPeople's contents.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [users.data, extraKey]);

  const roleNames = useMemo(() => new Map((roles.data ?? []).map((r) => [r.id, roleLabel(r, lang)])), [roles.data, lang]);

  const lookups = useMemo<Lookups>(() => {
    const table: Record<CatalogField, Map<number, { name_es: string; name_en: string }>> = {
      status_id: maps.statuses,
      priority_id: maps.priorities,
      category_id: maps.categories,
      subcategory_id: maps.categories,
      channel_id: maps.channels,
      queue_id: maps.queues,
    };
    return {
      catalog: (field, id) => {
        const e = table[field].get(id);
        return e ? label(e) : undefined;
      },
      person: (id) => people.get(id),
      role: (id) => roleNames.get(id),
      t,
      lang,
    };
  }, [maps, people, roleNames, label, t, lang]);

  return {
    catalogs: data,
    catalogsError: catalogs.error,
    users: users.data ?? [],
    me,
    label,
    lang,
    maps,
    ...maps,
    lookups,
  };
}

/** activeOrCurrent lists the active entries, plus the current one when it was deactivated since. */
export function activeOrCurrent<T extends { id: number; active: boolean }>(entries: readonly T[] | undefined, current: number | null): T[] {
  return (entries ?? []).filter((e) => e.active || e.id === current);
}
