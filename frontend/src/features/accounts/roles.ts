// The roles grid: permissions grouped by area, a role's draft of permission keys, and what to save.
import { ApiError } from '../../api/client';
import type { AccessRole, Permission } from '../../api/types';

export interface PermGroup {
  group: string;
  keys: string[];
}

/** groupPermissions groups the permissions by area, keeping the server's order. */
export function groupPermissions(perms: readonly Permission[]): PermGroup[] {
  const out: PermGroup[] = [];
  for (const p of perms) {
    const last = out[out.length - 1];
    const g = last?.group === p.group ? last : out.find((x) => x.group === p.group);
    if (g) g.keys.push(p.key);
    else out.push({ group: p.group, keys: [p.key] });
  }
  return out;
}

/** togglePerm adds or removes a key, keeping the keys sorted as the server does. */
export function togglePerm(keys: readonly string[], key: string, on: boolean): string[] {
  const rest = keys.filter((k) => k !== key);
  return (on ? [...rest, key] : rest).sort();
}

/** samePerms reports whether two key lists hold the same permissions. */
export function samePerms(a: readonly string[], b: readonly string[]): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
}

/** lockedRole reports whether a role's permissions cannot change: the admin role holds them all. */
export function lockedRole(r: Pick<AccessRole, 'key' | 'builtin'>): boolean {
  return r.builtin && r.key === 'admin';
}

/** roleName is a role's name in a language. */
export function roleName(r: Pick<AccessRole, 'name_es' | 'name_en'>, lang: string): string {
  return lang.startsWith('en') ? r.name_en : r.name_es;
}

/** dirtyRoles lists the ids of roles whose draft differs from what is stored. */
export function dirtyRoles(roles: readonly AccessRole[], drafts: Readonly<Record<number, string[]>>): number[] {
  return roles.filter((r) => drafts[r.id] !== undefined && !samePerms(drafts[r.id] ?? [], r.permissions)).map((r) => r.id);
}

/** conflictRole is the current role a 409 carries, if any. */
export function conflictRole(err: unknown): AccessRole | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const b = err.body;
  if (typeof b !== 'object' || b === null || !('current' in b)) return null;
  const cur = b.current;
  return typeof cur === 'object' && cur !== null && 'permissions' in cur && 'version' in cur ? (cur as AccessRole) : null;
}
