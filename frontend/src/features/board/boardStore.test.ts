import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Card } from '../../api/types';
import { board, card } from '../../test/fixtures';
import { BoardStore } from './boardStore';
import { noFilters } from './boardState';

const TODO = 1;
const DOING = 2;

function setup(move: (id: number, body: unknown) => Promise<Card>) {
  const api = {
    board: vi.fn(() =>
      Promise.resolve(
        board(5, [
          { status: TODO, cards: [card({ id: 1, rank: 'b', version: 4 }), card({ id: 2, rank: 'c' })] },
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
    todo: col(TODO).cards.map((c) => c.number),
    doing: col(DOING).cards.map((c) => c.number),
    counts: [col(TODO).count, col(DOING).count],
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
    await expect(store.move(1, TODO, 2)).rejects.toBe(conflict);
    expect(view()).toEqual({ todo: [2], doing: [1, 3], counts: [1, 2] });
  });

  it('does not call the server when a card is dropped where it was', async () => {
    const { api, store } = setup(() => Promise.reject(new Error('unexpected')));
    await store.load();
    await store.move(2, TODO, 1);
    expect(api.move).not.toHaveBeenCalled();
  });
});
