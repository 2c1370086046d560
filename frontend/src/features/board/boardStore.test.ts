import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { SLAInfo } from '../../api/issue6-sla';
import type { Card } from '../../api/types';
import type { LiveChange } from '../../live/client';
import { board, card } from '../../test/fixtures';
import { BoardStore } from './boardStore';
import { noFilters } from './boardState';

const UNATTENDED = 1;
const DOING = 2;

function setup(move: (id: number, body: unknown) => Promise<Card>) {
  const api = {
    board: vi.fn(() =>
      Promise.resolve(
        board(5, [
          { status: UNATTENDED, cards: [card({ id: 1, rank: 'b', version: 4 }), card({ id: 2, rank: 'c' })] },
          { status: DOING, cards: [card({ id: 3, rank: 'b' })] },
        ]),
      ),
    ),
    columnPage: vi.fn(),
    move: vi.fn(move),
  };
  const store = new BoardStore(noFilters, 7, { api });
  const col = (s: number) => store.getSnapshot().board!.columns.find((c) => c.statusId === s)!;
  const view = () => ({
    todo: col(UNATTENDED).cards.map((c) => c.number),
    doing: col(DOING).cards.map((c) => c.number),
    counts: [col(UNATTENDED).count, col(DOING).count],
  });
  return { api, store, view };
}

describe('BoardStore.move', () => {
  it('moves at once, sends after_id and version, then keeps the server card', async () => {
    let resolve!: (c: Card) => void;
    const { api, store, view } = setup(() => new Promise((r) => (resolve = r)));
    await store.load();
    const done = store.move(1, DOING, 1);
    expect(view()).toEqual({ todo: [2], doing: [3, 1], counts: [1, 2] });
    expect(api.move).toHaveBeenCalledWith(1, { status_id: DOING, after_id: 3, version: 4 });
    resolve(card({ id: 1, status_id: DOING, rank: 'c', version: 5 }));
    await done;
    expect(view()).toEqual({ todo: [2], doing: [3, 1], counts: [1, 2] });
    expect(store.getSnapshot().board!.columns[1]!.cards[1]!.version).toBe(5);
  });

  it('snaps back and reports the message when the server refuses', async () => {
    const refusal = new ApiError(409, 'conflict', 'La columna está llena');
    const { store, view } = setup(() => Promise.reject(refusal));
    await store.load();
    await expect(store.move(1, DOING, 0)).rejects.toThrow('La columna está llena');
    expect(view()).toEqual({ todo: [1, 2], doing: [3], counts: [2, 1] });
  });

  it('applies the current card of a version conflict', async () => {
    const current = card({ id: 1, status_id: DOING, rank: 'a', version: 6, subject: 'Changed by a colleague' });
    const conflict = new ApiError(409, 'conflict', 'Changed meanwhile', {}, { error: { code: 'conflict', message: 'Changed meanwhile' }, current });
    const { store, view } = setup(() => Promise.reject(conflict));
    await store.load();
    await expect(store.move(1, UNATTENDED, 2)).rejects.toBe(conflict);
    expect(view()).toEqual({ todo: [2], doing: [1, 3], counts: [1, 2] });
  });

  it('does not call the server when a card is dropped where it was', async () => {
    const { api, store } = setup(() => Promise.reject(new Error('unexpected')));
    await store.load();
    await store.move(2, UNATTENDED, 1);
    expect(api.move).not.toHaveBeenCalled();
  });
});

const atRisk: SLAInfo = { clock: 'resolution', state: 'at_risk', due_at: '2026-12-04T14:00:00Z', at_risk_at: '2026-12-04T13:30:00Z', remaining_s: 600, paused_by: null };

function ev(seq: number, name: 'ticket.updated' | 'ticket.moved' | 'ticket.created' | 'ticket.sla', ticket: Card): LiveChange {
  return { type: 'event', seq, prev: seq - 1, name, at: '2026-12-04T14:01:00Z', ticket, previous: null, actor: null };
}

describe('BoardStore.hold and release (live changes during a drag)', () => {
  it('keeps the board the dragged card sits on unchanged until the drop, then applies every change in order', async () => {
    const { store, view } = setup(() => Promise.reject(new Error('unexpected')));
    await store.load();
    const before = store.getSnapshot();
    store.hold();
    expect(store.dragging).toBe(true);
    // The dragged card's clock turns at risk, a colleague edits it twice, and a new card lands above it.
    store.applyLive(ev(6, 'ticket.sla', card({ id: 1, rank: 'b', version: 4, sla: atRisk })));
    store.applyLive(ev(7, 'ticket.updated', card({ id: 1, rank: 'b', version: 5, subject: 'first edit', sla: atRisk })));
    store.applyLive(ev(8, 'ticket.updated', card({ id: 1, rank: 'b', version: 6, subject: 'second edit', sla: atRisk })));
    store.applyLive(ev(9, 'ticket.created', card({ id: 4, rank: 'a', status_id: UNATTENDED })));
    // Nothing re-renders under the pointer: the very same snapshot.
    expect(store.getSnapshot()).toBe(before);

    store.release();
    expect(store.dragging).toBe(false);
    expect(view()).toEqual({ todo: [4, 1, 2], doing: [3], counts: [3, 1] });
    const dragged = store.getSnapshot().board!.columns[0]!.cards[1]!;
    expect(dragged).toMatchObject({ id: 1, version: 6, subject: 'second edit', sla: atRisk });
  });

  it('applies held changes after the drop: the move stands, a stale echo changes nothing, the clock still lands', async () => {
    let resolve!: (c: Card) => void;
    const { api, store, view } = setup(() => new Promise((r) => (resolve = r)));
    await store.load();
    store.hold();
    // A version the board already holds (an echo) and a newer SLA, held during the drag.
    store.applyLive(ev(6, 'ticket.updated', card({ id: 1, status_id: UNATTENDED, rank: 'b', version: 4 })));
    store.applyLive(ev(7, 'ticket.sla', card({ id: 1, status_id: UNATTENDED, rank: 'b', version: 4, sla: atRisk })));
    // The drop: the optimistic move first, then the release.
    const done = store.move(1, DOING, 1);
    store.release();
    expect(api.move).toHaveBeenCalledWith(1, { status_id: DOING, after_id: 3, version: 4 });
    expect(view()).toEqual({ todo: [2], doing: [3, 1], counts: [1, 2] });
    expect(store.getSnapshot().board!.columns[1]!.cards[1]!.sla).toEqual(atRisk);
    resolve(card({ id: 1, status_id: DOING, rank: 'c', version: 5, sla: atRisk }));
    await done;
    expect(view()).toEqual({ todo: [2], doing: [3, 1], counts: [1, 2] });
  });

  it('a colleague\'s move held during the drag wins over a drop cancelled meanwhile', async () => {
    const { store, view } = setup(() => Promise.reject(new Error('unexpected')));
    await store.load();
    store.hold();
    store.applyLive(ev(6, 'ticket.moved', card({ id: 2, status_id: DOING, rank: 'a', version: 2 })));
    expect(view()).toEqual({ todo: [1, 2], doing: [3], counts: [2, 1] });
    // Cancelled (Escape): the release alone.
    store.release();
    expect(view()).toEqual({ todo: [1], doing: [2, 3], counts: [1, 2] });
    // After the drag, changes apply at once again.
    store.applyLive(ev(7, 'ticket.moved', card({ id: 2, status_id: UNATTENDED, rank: 'z', version: 3 })));
    expect(view()).toEqual({ todo: [1, 2], doing: [3], counts: [2, 1] });
  });

  it('a reload asked during the drag waits for the drop and comes after the held changes', async () => {
    const { api, store, view } = setup(() => Promise.reject(new Error('unexpected')));
    await store.load();
    store.hold();
    store.applyLive(ev(6, 'ticket.sla', card({ id: 3, rank: 'b', status_id: DOING, sla: atRisk })));
    const reloaded = store.load();
    await Promise.resolve();
    expect(api.board).toHaveBeenCalledTimes(1);
    api.board.mockResolvedValueOnce(board(9, [{ status: UNATTENDED, cards: [card({ id: 1, rank: 'b', version: 4 })] }, { status: DOING, cards: [] }]));
    store.release();
    // The held clock landed on the old board before the reload replaced it.
    expect(store.getSnapshot().board!.columns[1]!.cards[0]!.sla).toEqual(atRisk);
    await expect(reloaded).resolves.toBe(9);
    expect(api.board).toHaveBeenCalledTimes(2);
    expect(view()).toEqual({ todo: [1], doing: [], counts: [1, 0] });
  });

  it('a reload waiting for a drop does not fetch once the board is gone', async () => {
    const { api, store } = setup(() => Promise.reject(new Error('unexpected')));
    await store.load();
    store.hold();
    const reloaded = store.load();
    store.dispose();
    await expect(reloaded).rejects.toThrow('aborted');
    expect(api.board).toHaveBeenCalledTimes(1);
  });
});
