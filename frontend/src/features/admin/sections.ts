// The admin area's sections (catalogs, users, roles), each shown to those holding its permission.
import type { CatalogKind, User } from '../../api/types';
import { can } from '../auth/can';
import { catalogKinds } from './kinds';

export interface AdminSection {
  key: 'catalogs' | 'users' | 'roles' | 'workflows' | 'default-managers' | 'rules' | 'macros' | 'sla' | 'mail-templates' | 'mail-log' | 'api-keys';
  to: string;
  /** perms: holding any of them opens the section. */
  perms: readonly string[];
  /** label is the i18n key of its name (default `accounts.sections.<key>`). */
  label?: string;
}

export const adminSections: readonly AdminSection[] = [
  { key: 'catalogs', to: '/admin/catalogs/categories', perms: ['catalog.manage', 'kb.manage'] },
  { key: 'users', to: '/admin/users', perms: ['users.manage'] },
  { key: 'roles', to: '/admin/roles', perms: ['users.manage'] },
  { key: 'workflows', to: '/admin/workflows', perms: ['catalog.manage'], label: 'workflows.nav' },
  // Queues, automation rules and macros (issue 5, FQ).
  { key: 'default-managers', to: '/admin/default-managers', perms: ['catalog.manage'], label: 'queues.managers.section' },
  { key: 'rules', to: '/admin/rules', perms: ['catalog.manage'], label: 'automation.rules.section' },
  { key: 'macros', to: '/admin/macros', perms: ['catalog.manage'], label: 'automation.macros.section' },
  // SLA policies and calendars (issue 6).
  { key: 'sla', to: '/admin/sla', perms: ['sla.manage'], label: 'sla.admin.section' },
  // Email templates and the mail log (issue 6).
  { key: 'mail-templates', to: '/admin/mail/templates', perms: ['mail.manage'], label: 'mail.templates.section' },
  { key: 'mail-log', to: '/admin/mail/log', perms: ['mail.manage'], label: 'mail.log.section' },
  // API keys for bots and other systems (issue 7).
  { key: 'api-keys', to: '/admin/api-keys', perms: ['apikeys.manage'], label: 'apikeys.section' },
];

/** sectionsFor lists the sections a user may open, each leading to the first page of it they may see. */
export function sectionsFor(user: Pick<User, 'permissions'> | null | undefined): AdminSection[] {
  return adminSections
    .filter((s) => s.perms.some((p) => can(user, p)))
    .map((s) => (s.key === 'catalogs' ? { ...s, to: `/admin/catalogs/${catalogKindsFor(user)[0] ?? 'categories'}` } : s));
}

/** catalogKindsFor lists the catalogs a user may manage: all with catalog.manage, the knowledge-base
 * categories with kb.manage (as the server decides). */
export function catalogKindsFor(user: Pick<User, 'permissions'> | null | undefined): CatalogKind[] {
  return catalogKinds.filter((k) => can(user, k === 'kb-categories' ? 'kb.manage' : 'catalog.manage'));
}

/** adminHome is where the admin link leads a user: their first section, or null when they have none. */
export function adminHome(user: Pick<User, 'permissions'> | null | undefined): string | null {
  return sectionsFor(user)[0]?.to ?? null;
}
