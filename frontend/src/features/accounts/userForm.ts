// The invite and edit forms of the users admin: local checks (the server checks again and its field
// messages win), the request bodies, and what changed.
import { ApiError } from '../../api/client';
import type { AdminUser, AdminUserPatch, NewAdminUser, Role } from '../../api/types';

export type Locale = 'es' | 'en';

export interface InviteDraft {
  name: string;
  email: string;
  role: Role;
  roleIds: number[];
  locale: Locale;
}

export interface EditDraft {
  name: string;
  role: Role;
  roleIds: number[];
  locale: Locale;
}

/** FieldErrors are messages by field: i18n keys (local checks) or server text. */
export type FieldErrors = Partial<Record<string, string>>;

const emailRE = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;

/** checkName returns the i18n key of a name's problem, if any. */
function checkName(name: string): string | undefined {
  const n = name.trim();
  if (n === '') return 'accounts.errors.required';
  if ([...n].length > 120) return 'accounts.errors.nameTooLong';
  return undefined;
}

/** validateInvite returns the i18n keys of the invite form's problems. */
export function validateInvite(d: InviteDraft): FieldErrors {
  const out: FieldErrors = {};
  const name = checkName(d.name);
  if (name) out.name = name;
  const email = d.email.trim();
  if (email === '') out.email = 'accounts.errors.required';
  else if (!emailRE.test(email) || email.length > 254) out.email = 'accounts.errors.email';
  return out;
}

/** validateEdit returns the i18n keys of the edit form's problems. */
export function validateEdit(d: EditDraft): FieldErrors {
  const name = checkName(d.name);
  return name ? { name } : {};
}

/** inviteBody is the POST /admin/users body of a draft. */
export function inviteBody(d: InviteDraft): NewAdminUser {
  return { name: d.name.trim(), email: d.email.trim(), role: d.role, role_ids: [...d.roleIds].sort((a, b) => a - b), locale: d.locale };
}

/** editDraftOf is the edit form's starting point for an account. */
export function editDraftOf(u: AdminUser): EditDraft {
  return { name: u.name, role: u.role, roleIds: [...u.role_ids], locale: u.locale };
}

function sameIds(a: number[], b: number[]): boolean {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** editPatch is the PATCH body with only what changed, or null when nothing did. */
export function editPatch(u: AdminUser, d: EditDraft): AdminUserPatch | null {
  const p: AdminUserPatch = { version: u.version };
  if (d.name.trim() !== u.name) p.name = d.name.trim();
  if (d.role !== u.role) p.role = d.role;
  if (!sameIds(d.roleIds, u.role_ids)) p.role_ids = [...d.roleIds].sort((a, b) => a - b);
  if (d.locale !== u.locale) p.locale = d.locale;
  return Object.keys(p).length > 1 ? p : null;
}

/** toggleId adds or removes an id. */
export function toggleId(ids: number[], id: number, on: boolean): number[] {
  const rest = ids.filter((x) => x !== id);
  return on ? [...rest, id] : rest;
}

/** serverErrors splits a refusal into field messages (for the form's fields) and a general message. */
export function serverErrors(err: unknown, fields: readonly string[]): { fields: FieldErrors; message: string | null } {
  if (!(err instanceof ApiError)) return { fields: {}, message: err instanceof Error ? err.message : null };
  const out: FieldErrors = {};
  let other = false;
  for (const [k, v] of Object.entries(err.fields)) {
    if (fields.includes(k)) out[k] = v;
    else other = true;
  }
  const shown = Object.keys(out).length > 0 && !other;
  return { fields: out, message: shown ? null : err.message };
}

/** conflictUser is the current account a 409 carries, if any. */
export function conflictUser(err: unknown): AdminUser | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const b = err.body;
  if (typeof b !== 'object' || b === null || !('current' in b)) return null;
  const cur = b.current;
  return typeof cur === 'object' && cur !== null && 'id' in cur && 'version' in cur ? (cur as AdminUser) : null;
}
