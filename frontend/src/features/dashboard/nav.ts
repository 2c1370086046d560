// Whether the dashboard is offered at all: the header loads this, so it imports nothing of the
// dashboard itself (charts stay out of the initial bundle).
import { can } from '../auth/can';

/** mayOpenDashboard: the user holds any widget permission (the admin holds every one). */
export function mayOpenDashboard(user: { role?: string; permissions?: string[] } | null | undefined): boolean {
  if (!user) return false;
  return can(user, 'widget.status') || (user.permissions ?? []).some((p) => p.startsWith('widget.'));
}
