// The users list's filters, kept in the URL (?q=&role=&status=) so a filtered list can be shared and
// survives a reload.
import type { AccountStatus, AdminUserQuery, Role } from '../../api/types';

export const builtinRoles: readonly Role[] = ['admin', 'supervisor', 'agent', 'consultant', 'customer'];
export const accountStatuses: readonly AccountStatus[] = ['active', 'invited', 'disabled'];

export interface UserFilters {
  q: string;
  role: Role | '';
  status: AccountStatus | '';
}

function isRole(s: string | null): s is Role {
  return s !== null && (builtinRoles as readonly string[]).includes(s);
}

function isStatus(s: string | null): s is AccountStatus {
  return s !== null && (accountStatuses as readonly string[]).includes(s);
}

/** parseUserFilters reads the filters from a URL query; unknown values are dropped. */
export function parseUserFilters(params: URLSearchParams): UserFilters {
  const role = params.get('role');
  const status = params.get('status');
  return {
    q: (params.get('q') ?? '').slice(0, 200),
    role: isRole(role) ? role : '',
    status: isStatus(status) ? status : '',
  };
}

/** userFiltersToParams writes the filters as a URL query, leaving out the empty ones. */
export function userFiltersToParams(f: UserFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q.trim() !== '') p.set('q', f.q);
  if (f.role !== '') p.set('role', f.role);
  if (f.status !== '') p.set('status', f.status);
  return p;
}

/** userQuery is the API query of the filters and a page cursor. */
export function userQuery(f: UserFilters, cursor?: string): AdminUserQuery {
  const q: AdminUserQuery = {};
  if (f.q.trim() !== '') q.q = f.q.trim();
  if (f.role !== '') q.role = f.role;
  if (f.status !== '') q.status = f.status;
  if (cursor) q.cursor = cursor;
  return q;
}
