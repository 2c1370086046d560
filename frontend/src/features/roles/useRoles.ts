// The roles a user may pick (a ticket's allowed roles, a queue's or a category's roles), with their
// names in both languages. GET /roles is open to those who manage users or catalogs, set a ticket's
// roles or view people; anyone else (customers) gets a 403 and an empty list.
import { useQuery } from '@tanstack/react-query';
import { ApiError, request } from '../../api/client';

/** RoleOption is the part of a role the pickers read. It narrows the API's Role of GET /roles
 * (`AccessRole` in the contract: it also carries builtin, permissions, users_count and version);
 * the request is typed here so that this feature does not depend on the accounts screens. */
export interface RoleOption {
  id: number;
  key: string;
  name_es: string;
  name_en: string;
}

export const rolesKey = ['roles'] as const;

/** fetchRoles reads GET /roles, narrowed to RoleOption; a 403 is an empty list. */
export async function fetchRoles(signal?: AbortSignal): Promise<RoleOption[]> {
  try {
    const r = await request<{ items: RoleOption[] }>('GET', '/roles', undefined, signal);
    return r.items.map(({ id, key, name_es, name_en }) => ({ id, key, name_es, name_en }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return [];
    throw err;
  }
}

/** useRoles is every role, in the server's order (built-in first, then custom by name). */
export function useRoles() {
  return useQuery({ queryKey: rolesKey, queryFn: ({ signal }) => fetchRoles(signal), staleTime: 5 * 60_000 });
}
