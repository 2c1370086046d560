// What the logged-in user may do, from the permissions their session carries. Screens gate links and
// buttons by permission (never by role); the server decides again on every request.
import type { User } from '../../api/types';
import { useSession } from './session';

/** can reports whether a session user holds a permission (false when logged out). */
export function can(user: Pick<User, 'permissions'> | null | undefined, perm: string): boolean {
  return user?.permissions?.includes(perm) ?? false;
}

/** useCan reports whether the logged-in user holds a permission. */
export function useCan(perm: string): boolean {
  const { data: user } = useSession();
  return can(user, perm);
}
