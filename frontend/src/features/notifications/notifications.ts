// The app's one notifications store (the header bell), fed by the app-wide live connection.
import { api } from '../../api/endpoints';
import type { LiveChange } from '../../live/client';
import { NotificationsStore } from './notificationsStore';

export const notifications = new NotificationsStore({
  list: (before) => api.notifications(before),
  read: (body) => api.readNotifications(body),
});

/** notificationsLive hands a live message of the app-wide connection to the bell. */
export function notificationsLive(msg: LiveChange): void {
  notifications.applyLive(msg);
}

/** notificationsReload refetches after the live connection resumed from a reload (events may be lost). */
export function notificationsReload(): void {
  void notifications.load();
}
