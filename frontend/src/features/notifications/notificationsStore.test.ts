import { describe, expect, it, vi } from 'vitest';
import type { Notification, NotificationList } from '../../api/issue5';
import type { LiveChange } from '../../live/client';
import { isNotificationEvent, notificationTitle, NotificationsStore } from './notificationsStore';

const n = (id: number, read = false): Notification => ({
  id,
  ticket_id: 100 + id,
  kind: 'rule',
  title: { es: `Aviso ${id}`, en: `Notice ${id}` },
  created_at: '2026-01-01T10:00:00Z',
  read_at: read ? '2026-01-01T11:00:00Z' : null,
});
const ev = (name: string) => ({ type: 'event', seq: 2, prev: 1, name, at: '', ticket: null, previous: null, actor: null }) as unknown as LiveChange;

function make(pages: NotificationList[], read = vi.fn(() => Promise.resolve())) {
  const list = vi.fn((before: number | null) => Promise.resolve(pages[before === null ? 0 : 1] ?? { items: [], unread: 0 }));
  return { store: new NotificationsStore({ list, read }), list, read };
}

describe('notifications store', () => {
  it('loads the newest page with the unread count, then older ones', async () => {
    const full = Array.from({ length: 30 }, (_, i) => n(60 - i));
    const { store, list } = make([{ items: full, unread: 3 }, { items: [n(30), n(29)], unread: 3 }]);
    await store.load();
    expect(store.getSnapshot().unread).toBe(3);
    expect(store.getSnapshot().more).toBe(true);
    await store.loadMore();
    expect(list).toHaveBeenLastCalledWith(31);
    expect(store.getSnapshot().items).toHaveLength(32);
    expect(store.getSnapshot().more).toBe(false);
  });

  it('marks read at once and undoes it when the server refuses', async () => {
    const read = vi.fn(() => Promise.reject(new Error('no')));
    const { store } = make([{ items: [n(2), n(1, true)], unread: 1 }], read);
    await store.load();
    const p = store.markRead([2, 1]);
    expect(store.getSnapshot().unread).toBe(0);
    expect(read).toHaveBeenCalledWith({ ids: [2] });
    await p;
    expect(store.getSnapshot().unread).toBe(1);
    expect(store.getSnapshot().items[0]?.read_at).toBeNull();
    expect(store.getSnapshot().error).toBe('no');
  });

  it('marks all read', async () => {
    const { store, read } = make([{ items: [n(2), n(1)], unread: 2 }]);
    await store.load();
    await store.markAll();
    expect(read).toHaveBeenCalledWith({ all: true });
    expect(store.getSnapshot().unread).toBe(0);
    expect(store.getSnapshot().items.every((x) => x.read_at !== null)).toBe(true);
  });

  it('refetches on a notification event, by name, and ignores the rest', () => {
    const { store, list } = make([{ items: [], unread: 0 }]);
    expect(isNotificationEvent(ev('notification.created'))).toBe(true);
    expect(isNotificationEvent(ev('ticket.updated'))).toBe(false);
    store.applyLive(ev('ticket.updated'));
    expect(list).not.toHaveBeenCalled();
    store.applyLive(ev('notification.created'));
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('titles a notification in the language on screen', () => {
    expect(notificationTitle(n(1), 'en')).toBe('Notice 1');
    expect(notificationTitle(n(1), 'es')).toBe('Aviso 1');
  });
});
