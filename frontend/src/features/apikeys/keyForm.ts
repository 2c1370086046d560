// The API-key admin's logic, apart from React: the creation form (checked before sending, turned into
// the request), the secret that is shown once and then forgotten, and a key's status.
import type { APIKey, CreatedAPIKey, KeyScope, NewAPIKey } from '../../api/issue7-apikeys';
import { keyScopes } from '../../api/issue7-apikeys';

export const maxKeyName = 80;

export interface KeyForm {
  name: string;
  scopes: KeyScope[];
  /** expires is a day (YYYY-MM-DD, the date input's value) or '' for a key that never expires. */
  expires: string;
}

export const emptyKeyForm: KeyForm = { name: '', scopes: ['tickets.create', 'tickets.comment'], expires: '' };

export type KeyFormErrors = Partial<Record<'name' | 'scopes' | 'expires', string>>;

/** toggleScope adds or removes a scope, keeping the catalog's order. */
export function toggleScope(scopes: readonly KeyScope[], scope: KeyScope): KeyScope[] {
  const on = scopes.includes(scope);
  return keyScopes.filter((s) => (s === scope ? !on : scopes.includes(s)));
}

/** expiryInstant is the end of the chosen day in the browser's time zone, as an ISO instant. */
export function expiryInstant(day: string): string | null {
  if (day === '') return null;
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return null;
  return new Date(y, m - 1, d, 23, 59, 59).toISOString();
}

/** checkKeyForm returns the i18n keys of the form's problems (empty when it may be sent). */
export function checkKeyForm(f: KeyForm, now: Date): KeyFormErrors {
  const e: KeyFormErrors = {};
  const name = f.name.trim();
  if (name === '') e.name = 'apikeys.form.nameRequired';
  else if ([...name].length > maxKeyName) e.name = 'apikeys.form.nameTooLong';
  if (f.scopes.length === 0) e.scopes = 'apikeys.form.scopesRequired';
  const exp = expiryInstant(f.expires);
  if (f.expires !== '' && (exp === null || new Date(exp) <= now)) e.expires = 'apikeys.form.expiryPast';
  return e;
}

/** keyRequest is the body of POST /admin/api-keys for a checked form. */
export function keyRequest(f: KeyForm): NewAPIKey {
  return { name: f.name.trim(), scopes: [...f.scopes], expires_at: expiryInstant(f.expires) };
}

/** SecretState holds a new key's secret from its creation until the admin dismisses it; after that it
 * exists nowhere in the page (the server never sends it again). */
export interface SecretState {
  secret: string | null;
  key: APIKey | null;
}

export type SecretAction = { type: 'created'; created: CreatedAPIKey } | { type: 'dismissed' };

export function secretReducer(_state: SecretState, action: SecretAction): SecretState {
  switch (action.type) {
    case 'created':
      return { secret: action.created.secret, key: action.created.key };
    case 'dismissed':
      return { secret: null, key: null };
  }
}

/** withCreated puts a new key on top of the first page of the list, without its secret. */
export function withCreated(items: readonly APIKey[], created: CreatedAPIKey): APIKey[] {
  return [created.key, ...items.filter((k) => k.id !== created.key.id)];
}

export type KeyStatus = 'active' | 'expires' | 'revoked' | 'expired';

/** keyStatus is whether a key works now: revoked, expired, active until a date, or active. */
export function keyStatus(k: Pick<APIKey, 'revoked_at' | 'expires_at'>, now: Date): { status: KeyStatus; at: string | null } {
  if (k.revoked_at) return { status: 'revoked', at: k.revoked_at };
  if (k.expires_at) return new Date(k.expires_at) <= now ? { status: 'expired', at: k.expires_at } : { status: 'expires', at: k.expires_at };
  return { status: 'active', at: null };
}
