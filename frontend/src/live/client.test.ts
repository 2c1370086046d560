import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Card } from '../api/types';
import { BoardStore } from '../features/board/boardStore';
import { noFilters } from '../features/board/boardState';
import { board, card, FakeSocket } from '../test/fixtures';
import { LiveClient } from './client';
import type { LiveChange, LiveClientOptions, LiveState } from './client';

const TODO = 1;
const DOING = 2;

function event(seq: number, prev: number, ticket: Card, name: 'ticket.created' | 'ticket.updated' | 'ticket.moved' = 'ticket.updated') {
  return { type: 'event', seq, prev, name, at: '2026-01-01T00:00:00Z', ticket, actor: null };
}

/** setup starts a client whose sockets are fakes; sockets[i] is the i-th connection it opened. */
function setup(after: number, over: Partial<LiveClientOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const changes: LiveChange[] = [];
  const states: LiveState[] = [];
  const onReload = vi.fn(() => Promise.resolve(100));
  const client = new LiveClient({
    url: 'ws://test/api/v1/live',
    topics: ['board'],
    after,
    onChange: (m) => changes.push(m),
    onReload,
    onState: (s) => states.push(s),
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    random: () => 0.5,
    ...over,
  });
  client.start();
  return { client, sockets, changes, states, onReload, last: () => sockets[sockets.length - 1]! };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LiveClient', () => {
  it("resumes after the board's seq and goes live on ready", () => {
    const { sockets, states, client } = setup(42);
    expect(sockets).toHaveLength(1);
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual([{ type: 'resume', after: 42, topics: ['board'] }]);
    expect(states).toEqual(['connecting']);
    sockets[0]!.receive({ type: 'ready', seq: 42 });
    expect(client.state).toBe('live');
    client.close();
  });

  it('applies each seq once and drops duplicates', () => {
    const { sockets, changes, client } = setup(42);
    const s = sockets[0]!;
    s.open();
    s.receive(event(43, 42, card({ id: 1 })));
    s.receive(event(43, 42, card({ id: 1 })));
    s.receive(event(41, 40, card({ id: 2 })));
    s.receive(event(44, 43, card({ id: 3 })));
    expect(changes.map((c) => c.seq)).toEqual([43, 44]);
    expect(client.lastSeq).toBe(44);
    client.close();
  });

  it('accepts a prev below lastSeq (events it may not see are skipped)', () => {
    const { sockets, changes, client } = setup(50);
    sockets[0]!.open();
    sockets[0]!.receive(event(55, 12, card({ id: 1 })));
    expect(changes.map((c) => c.seq)).toEqual([55]);
    client.close();
  });

  it('reconnects and resumes after lastSeq when it sees a gap', () => {
    const { sockets, changes, client, last } = setup(42);
    sockets[0]!.open();
    sockets[0]!.receive(event(43, 42, card({ id: 1 })));
    sockets[0]!.receive(event(47, 45, card({ id: 2 }))); // 44..45 never arrived
    expect(changes.map((c) => c.seq)).toEqual([43]);
    expect(sockets[0]!.closed).toBe(true);
    expect(client.state).toBe('offline');
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(last().sent).toEqual([{ type: 'resume', after: 43, topics: ['board'] }]);
    // The server replays what was missing.
    last().receive(event(45, 43, card({ id: 4 })));
    last().receive(event(47, 45, card({ id: 2 })));
    expect(changes.map((c) => c.seq)).toEqual([43, 45, 47]);
    client.close();
  });

  it('reconnects with backoff after the connection is lost and resumes from lastSeq', () => {
    const { sockets, client, last, states } = setup(42);
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'ready', seq: 42 });
    sockets[0]!.receive(event(43, 42, card({ id: 1 })));
    sockets[0]!.drop();
    expect(states[states.length - 1]).toBe('offline');
    vi.advanceTimersByTime(374);
    expect(sockets).toHaveLength(1); // 0.5 s base, jittered to 375 ms here
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    last().drop(); // refused again: the wait doubles
    vi.advanceTimersByTime(749);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    last().open();
    expect(last().sent).toEqual([{ type: 'resume', after: 43, topics: ['board'] }]);
    client.close();
  });

  it('never waits more than 10 s between attempts', () => {
    const { sockets, client, last } = setup(1, { random: () => 0.999 });
    for (let i = 0; i < 12; i++) {
      last().drop();
      vi.advanceTimersByTime(10_000);
    }
    expect(sockets).toHaveLength(13);
    client.close();
  });

  it('refetches the view on reload and resumes after its new seq', async () => {
    const { sockets, onReload, client, last } = setup(42);
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'reload', reason: 'too_old' });
    expect(onReload).toHaveBeenCalledTimes(1);
    expect(sockets[0]!.closed).toBe(true);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    last().open();
    expect(last().sent).toEqual([{ type: 'resume', after: 100, topics: ['board'] }]);
    client.close();
  });

  it('sends ping every 25 s and reconnects when nothing answers', () => {
    const { sockets, client } = setup(1);
    sockets[0]!.open();
    vi.advanceTimersByTime(25_000);
    expect(sockets[0]!.sent).toContainEqual({ type: 'ping' });
    sockets[0]!.receive({ type: 'pong' });
    vi.advanceTimersByTime(25_000);
    expect(sockets[0]!.closed).toBe(false);
    vi.advanceTimersByTime(25_000); // no pong to the second ping
    expect(sockets[0]!.closed).toBe(true);
    client.close();
  });

  it('passes presence on, and says again after a reconnect what the view shows', () => {
    const seen: unknown[] = [];
    const { sockets, client } = setup(5, { onPresence: (m) => seen.push(m) });
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'ready', seq: 5 });
    client.presence(7, true);
    expect(sockets[0]!.sent.at(-1)).toEqual({ type: 'presence', ticket_id: 7, typing: true });
    sockets[0]!.receive({ type: 'presence', ticket_id: 7, viewers: [{ id: 1, name: 'Lucía', typing: true }] });
    expect(seen).toEqual([{ type: 'presence', ticket_id: 7, viewers: [{ id: 1, name: 'Lucía', typing: true }] }]);
    expect(client.lastSeq).toBe(5); // presence is not part of the event sequence
    sockets[0]!.drop();
    vi.advanceTimersByTime(1000);
    sockets[1]!.open();
    sockets[1]!.receive({ type: 'ready', seq: 5 });
    expect(sockets[1]!.sent).toEqual([
      { type: 'resume', after: 5, topics: ['board'] },
      { type: 'presence', ticket_id: 7, typing: true },
    ]);
    client.close();
  });

  it('on close code 4003 stops for good and says the session ended', () => {
    const onRevoked = vi.fn();
    const { sockets, client, onReload } = setup(42, { onRevoked });
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'ready', seq: 42 });
    sockets[0]!.drop(4003);
    expect(onRevoked).toHaveBeenCalledTimes(1);
    expect(client.state).toBe('offline');
    vi.advanceTimersByTime(60_000);
    client.retryNow(); // the browser coming back online does not revive it either
    expect(sockets).toHaveLength(1);
    expect(onReload).not.toHaveBeenCalled();
  });

  it('keeps reconnecting after other close codes (1001, 4001) without ending the session', () => {
    const onRevoked = vi.fn();
    const { sockets, client } = setup(1, { onRevoked });
    sockets[0]!.open();
    sockets[0]!.drop(1001);
    vi.advanceTimersByTime(1000);
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    sockets[1]!.drop(4001);
    vi.advanceTimersByTime(2000);
    expect(sockets).toHaveLength(3);
    expect(onRevoked).not.toHaveBeenCalled();
    client.close();
  });

  it('on reload for access_changed refetches the session, then the view, then resumes', async () => {
    const order: string[] = [];
    let sessionDone: () => void = () => undefined;
    const onAccessChanged = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          order.push('session');
          sessionDone = resolve;
        }),
    );
    const onReload = vi.fn(() => {
      order.push('view');
      return Promise.resolve(120);
    });
    const { sockets, client, last } = setup(42, { onAccessChanged, onReload });
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'reload', reason: 'access_changed' });
    sockets[0]!.drop(4004); // the server's close that follows: already handled
    expect(order).toEqual(['session']); // the view waits for the session
    sessionDone();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(order).toEqual(['session', 'view']);
    last().open();
    expect(last().sent).toEqual([{ type: 'resume', after: 120, topics: ['board'] }]);
    client.close();
  });

  it('does not refetch the session on other reloads', async () => {
    const onAccessChanged = vi.fn(() => Promise.resolve());
    const { sockets, client, onReload } = setup(42, { onAccessChanged });
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'reload', reason: 'overflow' });
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(onReload).toHaveBeenCalledTimes(1);
    expect(onAccessChanged).not.toHaveBeenCalled();
    client.close();
  });

  it('treats a 4004 close without the reload message as access changed', async () => {
    const onAccessChanged = vi.fn(() => Promise.resolve());
    const { sockets, client, onReload, last } = setup(42, { onAccessChanged });
    sockets[0]!.open();
    sockets[0]!.drop(4004);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(onAccessChanged).toHaveBeenCalledTimes(1);
    expect(onReload).toHaveBeenCalledTimes(1);
    last().open();
    expect(last().sent).toEqual([{ type: 'resume', after: 100, topics: ['board'] }]);
    client.close();
  });

  it('does not reconnect after close()', () => {
    const { sockets, client } = setup(1);
    sockets[0]!.open();
    client.close();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('offline');
  });
});

describe('LiveClient feeding the board', () => {
  function fakeApi(first = board(10, [{ status: TODO, cards: [card({ id: 1, rank: 'b' }), card({ id: 2, rank: 'c' })] }, { status: DOING, cards: [] }])) {
    return {
      board: vi.fn(() => Promise.resolve(first)),
      columnPage: vi.fn(),
      move: vi.fn(),
    };
  }
  function numbers(store: BoardStore, status: number) {
    return store.getSnapshot().board!.columns.find((c) => c.statusId === status)!.cards.map((c) => c.number);
  }
  function count(store: BoardStore, status: number) {
    return store.getSnapshot().board!.columns.find((c) => c.statusId === status)!.count;
  }

  it('drops a stale ticket state and applies a newer one', async () => {
    const api = fakeApi();
    const store = new BoardStore(noFilters, 7, { api });
    const seq = await store.load();
    const { sockets, client } = setup(seq, { onChange: store.applyLive, onReload: () => store.load() });
    const s = sockets[0]!;
    s.open();
    s.receive(event(11, 10, card({ id: 1, status_id: DOING, rank: 'a', version: 3 }), 'ticket.moved'));
    s.receive(event(12, 11, card({ id: 1, status_id: TODO, rank: 'b', version: 2 }), 'ticket.moved')); // older state, later seq
    expect(numbers(store, TODO)).toEqual([2]);
    expect(numbers(store, DOING)).toEqual([1]);
    expect([count(store, TODO), count(store, DOING)]).toEqual([1, 1]);
    s.receive({ type: 'remove', seq: 13, prev: 12, ticket_id: 2 });
    expect(numbers(store, TODO)).toEqual([]);
    expect(count(store, TODO)).toBe(0);
    client.close();
  });

  it('shows the refetched board after a reload', async () => {
    const api = fakeApi();
    const store = new BoardStore(noFilters, 7, { api });
    const seq = await store.load();
    api.board.mockImplementation(() =>
      Promise.resolve(board(200, [{ status: TODO, cards: [] }, { status: DOING, cards: [card({ id: 1 }), card({ id: 2, rank: 'z' }), card({ id: 3, rank: 'zz' })] }])),
    );
    const { sockets, client, last } = setup(seq, { onChange: store.applyLive, onReload: () => store.load() });
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'reload', reason: 'overflow' });
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(api.board).toHaveBeenCalledTimes(2);
    expect(numbers(store, DOING)).toEqual([1, 2, 3]);
    expect(count(store, DOING)).toBe(3);
    last().open();
    expect(last().sent).toEqual([{ type: 'resume', after: 200, topics: ['board'] }]);
    client.close();
  });
});
