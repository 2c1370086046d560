// The header bell's notifications: the newest page, older pages on demand, the unread count, marking
// read (at once on screen, undone when the server refuses), and a refetch when the user's live
// connection says a notification arrived (`notification.created`, matched by name).
import type { Notification, NotificationList, NotificationsRead } from '../../api/issue5';
import type { LiveChange } from '../../live/client';

export const notificationEvent = 'notification.created';

export interface NotificationsSnapshot {
  items: readonly Notification[];
  unread: number;
  /** more: an older page may exist (the last page was full). */
  more: boolean;
  loading: boolean;
  error: string | null;
}

export interface NotificationsDeps {
  list: (before: number | null) => Promise<NotificationList>;
  read: (body: NotificationsRead) => Promise<unknown>;
}

const pageSize = 30;

/** isNotificationEvent says whether a live message announces a new notification for this user. */
export function isNotificationEvent(msg: LiveChange): boolean {
  if (msg.type !== 'event') return false;
  const name: string = msg.name;
  return name === notificationEvent;
}

/** notificationTitle is a notification's title in the language on screen. */
export function notificationTitle(n: Notification, lang: string): string {
  return (lang === 'en' ? n.title.en : n.title.es) || n.title.es || n.title.en;
}

export class NotificationsStore {
  private snap: NotificationsSnapshot = { items: [], unread: 0, more: false, loading: false, error: null };
  private readonly listeners = new Set<() => void>();
  private readonly deps: NotificationsDeps;
  /** generation drops a page that a newer load overtook. */
  private generation = 0;

  constructor(deps: NotificationsDeps) {
    this.deps = deps;
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): NotificationsSnapshot => this.snap;

  private set(patch: Partial<NotificationsSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const fn of this.listeners) fn();
  }

  /** load reads the newest page (replacing what is shown). */
  async load(): Promise<void> {
    const gen = ++this.generation;
    this.set({ loading: true, error: null });
    try {
      const page = await this.deps.list(null);
      if (gen !== this.generation) return;
      this.set({ items: page.items, unread: page.unread, more: page.has_more ?? page.items.length >= pageSize, loading: false });
    } catch (err) {
      if (gen !== this.generation) return;
      this.set({ loading: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** loadMore appends the page older than the last one shown. */
  async loadMore(): Promise<void> {
    const last = this.snap.items[this.snap.items.length - 1];
    if (last === undefined || this.snap.loading) return;
    const gen = this.generation;
    this.set({ loading: true, error: null });
    try {
      const page = await this.deps.list(last.id);
      if (gen !== this.generation) return;
      const have = new Set(this.snap.items.map((n) => n.id));
      this.set({
        items: [...this.snap.items, ...page.items.filter((n) => !have.has(n.id))],
        unread: page.unread,
        more: page.has_more ?? page.items.length >= pageSize,
        loading: false,
      });
    } catch (err) {
      if (gen !== this.generation) return;
      this.set({ loading: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** markRead marks some notifications read; markAll every one. */
  async markRead(ids: readonly number[]): Promise<void> {
    const unreadIds = this.snap.items.filter((n) => ids.includes(n.id) && n.read_at === null).map((n) => n.id);
    if (unreadIds.length === 0) return;
    const before = this.snap;
    const now = new Date().toISOString();
    this.set({
      items: this.snap.items.map((n) => (unreadIds.includes(n.id) ? { ...n, read_at: now } : n)),
      unread: Math.max(0, this.snap.unread - unreadIds.length),
    });
    try {
      await this.deps.read({ ids: unreadIds });
    } catch (err) {
      this.set({ items: before.items, unread: before.unread, error: err instanceof Error ? err.message : String(err) });
    }
  }

  async markAll(): Promise<void> {
    if (this.snap.unread === 0) return;
    const before = this.snap;
    const now = new Date().toISOString();
    this.set({ items: this.snap.items.map((n) => (n.read_at === null ? { ...n, read_at: now } : n)), unread: 0 });
    try {
      await this.deps.read({ all: true });
    } catch (err) {
      this.set({ items: before.items, unread: before.unread, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** applyLive refetches on a notification event; other messages are not the bell's. */
  applyLive(msg: LiveChange): void {
    if (isNotificationEvent(msg)) void this.load();
  }
}
