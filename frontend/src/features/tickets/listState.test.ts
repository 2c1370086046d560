import { ApiError } from '../../api/client';
import { message as listError } from './ticketsStore';
import { describe, expect, it, vi } from 'vitest';
import { card } from '../../test/fixtures';
import { filtersFromSearch, noFilters } from './filters';
import { appendPage, applyLive, fromList } from './listState';
import type { ListContext } from './listState';
import { event, list } from './testing';
import { keepStore, lastListHref, obtainStore, TicketsStore } from './ticketsStore';

const at = (h: number) => `2026-01-01T${String(h).padStart(2, '0')}:00:00Z`;
const row = (id: number, h: number, p: Parameters<typeof card>[0] | object = {}) => card({ id, updated_at: at(h), version: 2, ...p });
const ctx: ListContext = { filters: noFilters, meId: 7 };

describe('list reducer', () => {
  const start = () => fromList(list(10, [row(3, 9), row(2, 8), row(1, 7)], 'next', 120));

  it('updates a row in place without reordering, and drops states that are not newer', () => {
    let s = start();
    s = applyLive(s, event(11, 'ticket.updated', row(1, 12, { version: 3, subject: 'Nuevo asunto' })), ctx);
    expect(s.rows.map((r) => r.id)).toEqual([3, 2, 1]); // not moved to the top under the cursor
    expect(s.rows[2]!.subject).toBe('Nuevo asunto');
    expect(s.changed.size).toBe(0);
    const same = applyLive(s, event(12, 'ticket.updated', row(1, 12, { version: 3, subject: 'Replay' })), ctx);
    expect(same.rows[2]!.subject).toBe('Nuevo asunto');
    const older = applyLive(s, event(13, 'ticket.moved', row(1, 11, { version: 2, subject: 'Old' })), ctx);
    expect(older.rows[2]!.subject).toBe('Nuevo asunto');
    expect(older.seq).toBe(13);
  });

  it('ignores messages at or before its seq', () => {
    const s = start();
    expect(applyLive(s, event(10, 'ticket.created', row(9, 12)), ctx)).toBe(s);
  });

  it('counts new and changed tickets for the banner, each once', () => {
    let s = start();
    s = applyLive(s, event(11, 'ticket.created', row(50, 12, { version: 1 })), ctx);
    s = applyLive(s, event(12, 'ticket.updated', row(50, 13, { version: 2 }), row(50, 12)), ctx);
    s = applyLive(s, event(13, 'ticket.updated', row(60, 13, { version: 5 }), row(60, 1, { version: 4 })), ctx);
    expect([...s.changed].sort()).toEqual([50, 60]);
    expect(s.rows.map((r) => r.id)).toEqual([3, 2, 1]);
  });

  it('does not count tickets outside the filters, or past the loaded rows', () => {
    const open = { filters: filtersFromSearch(new URLSearchParams('status=1&sort=number')), meId: 7 };
    let s = fromList(list(10, [row(1, 1, { number: 1 }), row(2, 1, { number: 2 })], 'next', 500));
    s = applyLive(s, event(11, 'ticket.created', row(900, 2, { number: 900, status_id: 2 })), open); // other status
    s = applyLive(s, event(12, 'ticket.created', row(901, 2, { number: 901 })), open); // sorts after row 2: "load more" brings it
    s = applyLive(s, event(13, 'ticket.updated', row(400, 2, { number: 400, version: 3 }), row(400, 1, { number: 400 })), open);
    expect(s.changed.size).toBe(0);
  });

  it('counts a row that no longer matches, keeping it in place', () => {
    const mine = { filters: filtersFromSearch(new URLSearchParams('assignee=me')), meId: 7 };
    let s = fromList(list(10, [row(1, 1, { assignee: { id: 7, name: 'Yo' } })]));
    s = applyLive(s, event(11, 'ticket.updated', row(1, 2, { version: 3, assignee: { id: 8, name: 'Otra' } })), mine);
    expect(s.rows[0]!.assignee!.name).toBe('Otra');
    expect([...s.changed]).toEqual([1]);
  });

  it('removes a row that left the user view, and its count', () => {
    let s = start();
    s = applyLive(s, { type: 'remove', seq: 11, prev: 10, ticket_id: 2 }, ctx);
    expect(s.rows.map((r) => r.id)).toEqual([3, 1]);
    expect(s.total.count).toBe(119);
  });

  it('appends pages, a ticket already shown keeping its row', () => {
    const s = appendPage(start(), list(10, [row(1, 7, { version: 9 }), row(0, 6)], null, 120));
    expect(s.rows.map((r) => r.id)).toEqual([3, 2, 1, 0]);
    expect(s.rows[2]!.version).toBe(9);
    expect(s.nextCursor).toBeNull();
  });
});

describe('TicketsStore', () => {
  it('loads, loads more with the cursor, refreshes as many rows as shown', async () => {
    const tickets = vi
      .fn()
      .mockResolvedValueOnce(list(10, [row(2, 2)], 'c1', 2))
      .mockResolvedValueOnce(list(10, [row(1, 1)], null, 2))
      .mockResolvedValueOnce(list(20, [row(3, 3), row(2, 2), row(1, 1)], null, 3));
    const store = new TicketsStore('k', filtersFromSearch(new URLSearchParams('status=1')), 7, { api: { tickets } });
    expect(await store.load()).toBe(10);
    await store.loadMore();
    expect(tickets).toHaveBeenNthCalledWith(2, { status: 1, cursor: 'c1', limit: 50 });
    store.applyLive(event(11, 'ticket.created', row(3, 3, { status_id: 1 })));
    expect(store.getSnapshot().list!.changed.size).toBe(1);
    expect(await store.load()).toBe(20);
    expect(tickets).toHaveBeenNthCalledWith(3, { status: 1, limit: 50 }, expect.anything());
    const l = store.getSnapshot().list!;
    expect([l.rows.length, l.changed.size, l.total.count]).toEqual([3, 0, 3]);
  });

  it('keeps the last store for the same view, user and session', async () => {
    const { store } = obtainStore('status=1', noFilters, 7, 500, 1000, { api: { tickets: () => Promise.resolve(list(1, [])) } });
    await store.load();
    store.scrollTop = 240;
    keepStore(store, 1000);
    expect(obtainStore('status=1', noFilters, 7, 500, 2000)).toEqual({ store, reused: true });
    expect(lastListHref()).toBe('/tickets?status=1');
    expect(obtainStore('status=1', noFilters, 8, 500, 2000).reused).toBe(false);
    expect(obtainStore('status=2', noFilters, 7, 500, 2000).reused).toBe(false);
    expect(obtainStore('status=1', noFilters, 7, 500, 1000 + 11 * 60_000).reused).toBe(false);
    // Signed in again, or the access changed (the session read anew): the rows are read again.
    expect(obtainStore('status=1', noFilters, 7, 900, 2000).reused).toBe(false);
    expect(store.scrollTop).toBe(240);
  });
});

describe('the reason a list could not load', () => {
  it('names what is wrong with a refused filter', () => {
    const err = new ApiError(422, 'invalid', 'Please check the data you sent.', { created_to: 'Must be on or after the start date.' });
    expect(listError(err)).toBe('Please check the data you sent. Must be on or after the start date.');
    expect(listError(new ApiError(0, 'network', 'No connection.'))).toBe('No connection.');
  });
});
