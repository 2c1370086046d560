// Permission checks for the interface: nav links and buttons are shown by permission, never by role.
// The server decides again on every request; this only hides what would be refused.
import { useSession } from './session';

/** can reports whether a user holds a permission (the admin holds every one). */
export function can(user: { role: string; permissions?: string[] } | null | undefined, perm: string): boolean {
  if (!user) return false;
  if (user.role === 'admin') return true;
  return user.permissions?.includes(perm) ?? false;
}

/** useCan reports whether the logged-in user holds a permission. */
export function useCan(perm: string): boolean {
  const { data: user } = useSession();
  return can(user, perm);
}
