// The choices the rule and macro editors offer: catalog entries (from useCatalogs), people (assignable
// users) and roles, as id/label options.
import { useTranslation } from 'react-i18next';
import { useAssignees } from '../board/catalog';
import { useCatalogs, useLabel } from '../catalog/useCatalogs';
import type { IdOption } from '../roles/roleOptions';
import { roleOptions } from '../roles/roleOptions';
import { useRoles } from '../roles/useRoles';
import type { CatalogRef } from './ruleForm';

export interface Choices {
  catalog: (ref: CatalogRef) => IdOption[];
  people: IdOption[];
  roles: IdOption[];
  canned: IdOption[];
}

export function useChoices(): Choices {
  const { i18n } = useTranslation();
  const catalogs = useCatalogs();
  const users = useAssignees();
  const roles = useRoles();
  const label = useLabel();
  const c = catalogs.data;
  return {
    catalog: (ref) => {
      if (!c) return [];
      const list =
        ref === 'categories'
          ? c.categories.filter((x) => x.parent_id === null)
          : ref === 'subcategories'
            ? c.categories.filter((x) => x.parent_id !== null)
            : c[ref];
      return list.map((x) => ({ id: x.id, label: label(x) }));
    },
    people: (users.data ?? []).map((u) => ({ id: u.id, label: u.name })),
    roles: roleOptions(roles.data ?? [], i18n.language),
    canned: (c?.canned_responses ?? []).filter((x) => x.active).map((x) => ({ id: x.id, label: label(x) })),
  };
}
