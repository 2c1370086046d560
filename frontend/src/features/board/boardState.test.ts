import { describe, expect, it } from 'vitest';
import { board, card } from '../../test/fixtures';
import {
  appendPage,
  applyCard,
  compareCards,
  fromBoard,
  matchesFilters,
  moveLocal,
  noFilters,
  rankBetween,
  removeCard,
} from './boardState';
import type { BoardFilters, BoardState } from './boardState';

const TODO = 1;
const DOING = 2;
const DONE = 3;
const none = { filters: noFilters, meId: 7 };

/** numbers lists the card numbers of a column, top to bottom, as the user sees them. */
function numbers(s: BoardState, status: number): number[] {
  return s.columns.find((c) => c.statusId === status)!.cards.map((c) => c.number);
}
function count(s: BoardState, status: number): number {
  return s.columns.find((c) => c.statusId === status)!.count;
}

describe('ordering', () => {
  it('orders cards by rank in byte order, not by locale, then by id', () => {
    const s = fromBoard(
      board(1, [
        {
          status: TODO,
          cards: [card({ id: 1, rank: 'a' }), card({ id: 2, rank: 'B' }), card({ id: 3, rank: 'aa' }), card({ id: 4, rank: 'Z' }), card({ id: 5, rank: 'B' })],
        },
      ]),
    );
    // localeCompare would put "a" before "B"; byte order puts upper case first.
    expect(numbers(s, TODO)).toEqual([2, 5, 4, 1, 3]);
    expect(compareCards({ rank: 'a0', id: 9 }, { rank: 'a0', id: 10 })).toBeLessThan(0);
  });

  it('places a live card at its rank between the loaded ones', () => {
    const s0 = fromBoard(board(1, [{ status: TODO, cards: [card({ id: 1, rank: 'b' }), card({ id: 2, rank: 'd' })] }]));
    const s1 = applyCard(s0, card({ id: 3, rank: 'c', status_id: TODO }), { ...none, event: 'ticket.created' });
    expect(numbers(s1, TODO)).toEqual([1, 3, 2]);
    expect(count(s1, TODO)).toBe(3);
  });
});

describe('live changes', () => {
  const start = () =>
    fromBoard(
      board(10, [
        { status: TODO, cards: [card({ id: 1, rank: 'b' }), card({ id: 2, rank: 'c' })] },
        { status: DOING, cards: [card({ id: 3, rank: 'b' })] },
        { status: DONE, cards: [] },
      ]),
    );

  it('moves a card between columns and updates both counts', () => {
    const s = applyCard(start(), card({ id: 1, rank: 'a', status_id: DOING, version: 2 }), { ...none, event: 'ticket.moved' });
    expect(numbers(s, TODO)).toEqual([2]);
    expect(numbers(s, DOING)).toEqual([1, 3]);
    expect([count(s, TODO), count(s, DOING)]).toEqual([1, 2]);
  });

  it('drops a state whose version is not newer than the one held', () => {
    const moved = applyCard(start(), card({ id: 1, status_id: DONE, version: 3 }), { ...none, event: 'ticket.moved' });
    const stale = applyCard(moved, card({ id: 1, status_id: DOING, version: 2 }), { ...none, event: 'ticket.moved' });
    const same = applyCard(moved, card({ id: 1, status_id: TODO, version: 3 }), { ...none, event: 'ticket.moved' });
    expect(stale).toBe(moved);
    expect(same).toBe(moved);
    expect(numbers(stale, DONE)).toEqual([1]);
    expect([count(stale, TODO), count(stale, DOING), count(stale, DONE)]).toEqual([1, 1, 1]);
  });

  it('updates a card in place', () => {
    const s = applyCard(start(), card({ id: 2, rank: 'c', subject: 'New subject', version: 2, status_id: TODO }), { ...none, event: 'ticket.updated' });
    expect(s.columns[0]!.cards[1]!.subject).toBe('New subject');
    expect(count(s, TODO)).toBe(2);
  });

  it('removes a card that no longer matches the filters, and counts it out', () => {
    const mine: BoardFilters = { ...noFilters, assignee: 'me' };
    const me = { id: 7, name: 'Me' };
    const s0 = fromBoard(board(1, [{ status: TODO, cards: [card({ id: 1, assignee: me }), card({ id: 2, rank: 'n', assignee: me })] }]));
    const s1 = applyCard(s0, card({ id: 1, assignee: { id: 8, name: 'Other' }, version: 2, status_id: TODO }), { filters: mine, meId: 7, event: 'ticket.updated' });
    expect(numbers(s1, TODO)).toEqual([2]);
    expect(count(s1, TODO)).toBe(1);
    // It comes back when it matches again.
    const s2 = applyCard(s1, card({ id: 1, assignee: me, version: 3, status_id: TODO }), { filters: mine, meId: 7, event: 'ticket.updated' });
    expect(numbers(s2, TODO)).toEqual([1, 2]);
    expect(count(s2, TODO)).toBe(2);
  });

  it('does not show or count a new card that does not match the filters', () => {
    const urgent: BoardFilters = { ...noFilters, priority: 1 };
    const s = applyCard(start(), card({ id: 9, priority_id: 2, status_id: TODO }), { filters: urgent, meId: 7, event: 'ticket.created' });
    expect(numbers(s, TODO)).toEqual([1, 2]);
    expect(count(s, TODO)).toBe(2);
  });

  it('drops a removed card and decrements its column', () => {
    const s = removeCard(start(), 3);
    expect(numbers(s, DOING)).toEqual([]);
    expect(count(s, DOING)).toBe(0);
    expect(removeCard(s, 3)).toBe(s); // already gone: nothing changes
  });

  it('only counts a card whose place is past the loaded page of a column', () => {
    const s0 = fromBoard(board(1, [{ status: TODO, cards: [card({ id: 1, rank: 'b' }), card({ id: 2, rank: 'c' })], count: 5, next: 'cur' }]));
    const s1 = applyCard(s0, card({ id: 9, rank: 'x', status_id: TODO }), { ...none, event: 'ticket.created' });
    expect(numbers(s1, TODO)).toEqual([1, 2]);
    expect(count(s1, TODO)).toBe(6);
    // Above the last loaded card it is shown.
    const s2 = applyCard(s1, card({ id: 10, rank: 'a', status_id: TODO }), { ...none, event: 'ticket.created' });
    expect(numbers(s2, TODO)).toEqual([10, 1, 2]);
    // Loading the next page shows it where it belongs, once.
    const s3 = appendPage(s2, TODO, { cards: [card({ id: 4, rank: 'd', status_id: TODO }), card({ id: 5, rank: 'z', status_id: TODO })], next_cursor: null });
    expect(numbers(s3, TODO)).toEqual([10, 1, 2, 4, 9, 5]);
    expect(count(s3, TODO)).toBe(7);
  });

  it('flags an uncertain count when an unknown card moves while a column is partly loaded', () => {
    const s0 = fromBoard(board(1, [{ status: TODO, cards: [card({ id: 1 })], count: 3, next: 'cur' }, { status: DOING, cards: [] }]));
    const s1 = applyCard(s0, card({ id: 50, status_id: DOING, version: 4 }), { ...none, event: 'ticket.moved' });
    expect(s1.uncertain).toBe(true);
    expect(numbers(s1, DOING)).toEqual([50]);
    // On a fully loaded board an unknown card was simply not in view: no doubt.
    const full = fromBoard(board(1, [{ status: TODO, cards: [] }, { status: DOING, cards: [] }]));
    expect(applyCard(full, card({ id: 50, status_id: DOING, version: 4 }), { ...none, event: 'ticket.moved' }).uncertain).toBe(false);
  });
});

describe('optimistic moves', () => {
  const start = () =>
    fromBoard(
      board(1, [
        { status: TODO, cards: [card({ id: 1, rank: 'b' }), card({ id: 2, rank: 'c' }), card({ id: 3, rank: 'd' })] },
        { status: DOING, cards: [card({ id: 4, rank: 'b' }), card({ id: 5, rank: 'c' })] },
      ]),
    );

  it('moves at once to the drop place and tells the card above', () => {
    const r = moveLocal(start(), 1, DOING, 1)!;
    expect(numbers(r.state, TODO)).toEqual([2, 3]);
    expect(numbers(r.state, DOING)).toEqual([4, 1, 5]);
    expect([count(r.state, TODO), count(r.state, DOING)]).toEqual([2, 3]);
    expect(r.afterId).toBe(4);
    expect(moveLocal(start(), 5, TODO, 0)!.afterId).toBeNull();
  });

  it('reorders within a column', () => {
    const r = moveLocal(start(), 1, TODO, 2)!;
    expect(numbers(r.state, TODO)).toEqual([2, 3, 1]);
    expect(r.afterId).toBe(3);
    expect(count(r.state, TODO)).toBe(3);
  });

  it('snaps back when the server refuses', () => {
    const s0 = start();
    const r = moveLocal(s0, 1, DOING, 0)!;
    const back = applyCard(r.state, r.original, { ...none, allowEqual: true });
    expect(numbers(back, TODO)).toEqual([1, 2, 3]);
    expect(numbers(back, DOING)).toEqual([4, 5]);
    expect([count(back, TODO), count(back, DOING)]).toEqual([3, 2]);
  });

  it("takes the server's card on success", () => {
    const r = moveLocal(start(), 1, DOING, 0)!;
    const ok = applyCard(r.state, card({ id: 1, rank: 'a', status_id: DOING, version: 2 }), none);
    expect(numbers(ok, DOING)).toEqual([1, 4, 5]);
    expect(ok.columns[1]!.cards[0]!.rank).toBe('a');
  });
});

describe('filters', () => {
  const c = card({ id: 1, number: 1234, subject: 'Pedido sin Entregar', priority_id: 2, assignee: { id: 7, name: 'Ana' } });
  it('matches text as a case-insensitive substring of the subject or the exact number', () => {
    expect(matchesFilters(c, { ...noFilters, q: 'entregar' }, null)).toBe(true);
    expect(matchesFilters(c, { ...noFilters, q: '1234' }, null)).toBe(true);
    expect(matchesFilters(c, { ...noFilters, q: '#1234' }, null)).toBe(true);
    expect(matchesFilters(c, { ...noFilters, q: '123' }, null)).toBe(false);
  });
  it('matches assignee and priority', () => {
    expect(matchesFilters(c, { ...noFilters, assignee: 'me' }, 7)).toBe(true);
    expect(matchesFilters(c, { ...noFilters, assignee: 'me' }, 8)).toBe(false);
    expect(matchesFilters(c, { ...noFilters, assignee: 'none' }, 7)).toBe(false);
    expect(matchesFilters(c, { ...noFilters, assignee: '7' }, null)).toBe(true);
    expect(matchesFilters(c, { ...noFilters, priority: 2 }, null)).toBe(true);
    expect(matchesFilters(c, { ...noFilters, priority: 1 }, null)).toBe(false);
  });
});

describe('rankBetween', () => {
  it('returns a key strictly between its bounds', () => {
    const cases: [string | null, string | null][] = [
      [null, null],
      ['a', null],
      [null, 'a'],
      ['a', 'b'],
      ['a', 'a0'],
      ['a0', 'a1'],
      ['Zz', 'a'],
      [null, '0'],
    ];
    for (const [a, b] of cases) {
      const k = rankBetween(a, b);
      if (a !== null) expect(k > a, `${k} > ${a}`).toBe(true);
      if (b !== null) expect(k < b, `${k} < ${b}`).toBe(true);
    }
  });

  it('counts exactly when an unloaded card moves and the event says where it was', () => {
    const s0 = fromBoard(board(1, [{ status: TODO, cards: [card({ id: 1 })], count: 3, next: 'cur' }, { status: DOING, cards: [] }]));
    // Card 50 sat past the loaded part of TODO; another agent moves it to DOING.
    const previous = card({ id: 50, status_id: TODO, version: 3 });
    const s1 = applyCard(s0, card({ id: 50, status_id: DOING, version: 4 }), { ...none, event: 'ticket.moved', previous });
    expect(s1.uncertain).toBe(false);
    expect(count(s1, TODO)).toBe(2);
    expect(count(s1, DOING)).toBe(1);
    expect(numbers(s1, DOING)).toEqual([50]);
    // A card that did not match the filters before is not taken off any count.
    const mine = { filters: { ...noFilters, assignee: 'me' }, meId: 7 };
    const f0 = fromBoard(board(1, [{ status: TODO, cards: [card({ id: 1 })], count: 3, next: 'cur' }, { status: DOING, cards: [] }]));
    const f1 = applyCard(f0, card({ id: 60, status_id: DOING, version: 2 }), { ...mine, event: 'ticket.moved', previous: card({ id: 60, status_id: TODO, version: 1 }) });
    expect(f1.uncertain).toBe(false);
    expect(count(f1, TODO)).toBe(3);
    expect(count(f1, DOING)).toBe(0);
  });
});
