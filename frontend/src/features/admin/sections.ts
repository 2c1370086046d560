// The admin area's sections (catalogs, users, roles), each shown to those holding its permission.
import type { User } from '../../api/types';
import { can } from '../auth/can';

export interface AdminSection {
  key: 'catalogs' | 'users' | 'roles';
  to: string;
  perm: string;
}

export const adminSections: readonly AdminSection[] = [
  { key: 'catalogs', to: '/admin/catalogs/categories', perm: 'catalog.manage' },
  { key: 'users', to: '/admin/users', perm: 'users.manage' },
  { key: 'roles', to: '/admin/roles', perm: 'users.manage' },
];

/** sectionsFor lists the sections a user may open. */
export function sectionsFor(user: Pick<User, 'permissions'> | null | undefined): AdminSection[] {
  return adminSections.filter((s) => can(user, s.perm));
}

/** adminHome is where the admin link leads a user: their first section, or null when they have none. */
export function adminHome(user: Pick<User, 'permissions'> | null | undefined): string | null {
  return sectionsFor(user)[0]?.to ?? null;
}
