import { describe, expect, it, vi } from 'vitest';
import type { Work } from '../../api/issue5';
import type { SLAInfo } from '../../api/issue6-sla';
import type { Card } from '../../api/types';
import type { LiveChange } from '../../live/client';
import { board, card } from '../../test/fixtures';
import { BoardStore } from '../board/boardStore';
import { noFilters } from '../board/boardState';
import { DetailStore } from '../tickets/detailStore';
import { noFilters as noListFilters } from '../tickets/filters';
import { applyLive, fromList } from '../tickets/listState';
import { detail, event, list } from '../tickets/testing';
import { refreshesSla, slaRevision } from './panel';
import { workWithSla } from './slaPatch';

const onTrack: SLAInfo = { clock: 'first_response', state: 'on_track', due_at: '2026-12-04T14:00:00Z', at_risk_at: '2026-12-04T13:30:00Z', remaining_s: 7200, paused_by: null };
const breached: SLAInfo = { ...onTrack, state: 'breached', remaining_s: -60 };

/** slaEvent is a `ticket.sla` message: the card as the server built it, whose version may be older. */
function slaEvent(seq: number, c: Card): LiveChange {
  return { type: 'event', seq, prev: seq - 1, name: 'ticket.sla', at: '2026-12-04T14:01:00Z', ticket: c, previous: null, actor: null };
}

describe('ticket.sla on the board', () => {
  async function loaded() {
    const api = {
      board: vi.fn(() =>
        Promise.resolve(
          board(5, [
            { status: 1, cards: [card({ id: 1, rank: 'b', version: 4, sla: onTrack }), card({ id: 2, rank: 'c', version: 2, sla: onTrack })] },
            { status: 2, cards: [card({ id: 3, rank: 'b' })] },
          ]),
        ),
      ),
      columnPage: vi.fn(),
      move: vi.fn(),
    };
    const store = new BoardStore(noFilters, 7, { api });
    await store.load();
    return store;
  }

  it("replaces only the held card's clock, whatever the version, without moving it", async () => {
    const store = await loaded();
    // The event's card carries an older version, another subject and another column: only sla counts.
    store.applyLive(slaEvent(6, card({ id: 2, version: 1, status_id: 2, subject: 'stale', rank: 'a', sla: breached })));
    const cols = store.getSnapshot().board!.columns;
    expect(cols[0]!.cards.map((c) => [c.id, c.version, c.subject, c.sla?.state])).toEqual([
      [1, 4, 'Ticket 1', 'on_track'],
      [2, 2, 'Ticket 2', 'breached'],
    ]);
    expect(cols.map((c) => c.count)).toEqual([2, 1]);
  });

  it('ignores a clock of a ticket the board does not hold', async () => {
    const store = await loaded();
    const before = store.getSnapshot().board;
    store.applyLive(slaEvent(6, card({ id: 99, sla: breached })));
    expect(store.getSnapshot().board).toBe(before);
  });

  it('then takes a newer ticket.updated as usual', async () => {
    const store = await loaded();
    store.applyLive(slaEvent(6, card({ id: 1, version: 4, sla: breached })));
    store.applyLive(event(7, 'ticket.updated', card({ id: 1, version: 5, rank: 'b', subject: 'Edited', sla: null })));
    const first = store.getSnapshot().board!.columns[0]!.cards[0]!;
    expect([first.subject, first.sla]).toEqual(['Edited', null]);
  });
});

describe('ticket.sla in the records table', () => {
  const ctx = { filters: noListFilters, meId: 7 };
  it("replaces the row's clock in place, moves the seq on, and flags nothing for refresh", () => {
    const s = fromList(list(10, [card({ id: 1, version: 3, sla: onTrack }), card({ id: 2, version: 8, sla: onTrack })]));
    const next = applyLive(s, slaEvent(11, card({ id: 2, version: 7, subject: 'stale', sla: breached })), ctx);
    expect(next.rows.map((r) => [r.id, r.version, r.subject, r.sla?.state])).toEqual([
      [1, 3, 'Ticket 1', 'on_track'],
      [2, 8, 'Ticket 2', 'breached'],
    ]);
    expect(next.seq).toBe(11);
    expect(next.changed.size).toBe(0);
    // A clock of a ticket not shown changes no row.
    const other = applyLive(next, slaEvent(12, card({ id: 5, sla: breached })), ctx);
    expect(other.rows).toBe(next.rows);
    expect(other.seq).toBe(12);
  });
});

describe('ticket.sla on the ticket page', () => {
  it("replaces the ticket's clock and keeps the fields and the version", async () => {
    const api = {
      tickets: vi.fn(() => Promise.resolve(list(40, []))),
      ticket: vi.fn(() => Promise.resolve(detail({ id: 1, version: 3, subject: 'Pedido roto', sla: onTrack }))),
      comments: vi.fn(() => Promise.resolve({ items: [] })),
      updateTicket: vi.fn(),
    };
    const store = new DetailStore(1, { api, refetchAfterMs: 0 });
    await store.load();
    store.applyLive(slaEvent(41, card({ id: 1, version: 2, subject: 'stale', sla: breached })));
    store.applyLive(slaEvent(42, card({ id: 9, version: 9, sla: null })));
    const t = store.getSnapshot().ticket!;
    expect([t.version, t.subject, t.sla?.state]).toEqual([3, 'Pedido roto', 'breached']);
    expect(api.ticket).toHaveBeenCalledTimes(1);
  });
});

describe('ticket.sla on My work', () => {
  it('replaces the clock of the card in progress or waiting, nothing else', () => {
    const w: Work = {
      wip: [card({ id: 1, sla: onTrack })],
      queues: [{ queue_id: 3, waiting: 2, items: [card({ id: 2, sla: onTrack }), card({ id: 4, sla: null })] }],
      members: [],
    };
    const a = workWithSla(w, card({ id: 2, version: 99, subject: 'x', sla: breached }));
    expect(a.queues[0]!.items.map((c) => [c.id, c.subject, c.sla?.state ?? null])).toEqual([
      [2, 'Ticket 2', 'breached'],
      [4, 'Ticket 4', null],
    ]);
    expect(a.wip).toEqual(w.wip);
    expect(workWithSla(w, card({ id: 8, sla: breached }))).toBe(w);
  });
});

describe('the ticket page follows the clock', () => {
  it('refetches the SLA panel on changes of this ticket only, and the history when the clock alone changed', () => {
    expect(refreshesSla(slaEvent(5, card({ id: 1 })), 1)).toBe(true);
    expect(refreshesSla(event(5, 'ticket.updated', card({ id: 1 })), 1)).toBe(true);
    expect(refreshesSla(event(5, 'ticket.commented', card({ id: 1 })), 1)).toBe(false);
    expect(refreshesSla(slaEvent(5, card({ id: 2 })), 1)).toBe(false);
    expect(slaRevision(onTrack)).not.toBe(slaRevision(breached));
    expect(slaRevision({ ...onTrack, remaining_s: 1 })).toBe(slaRevision(onTrack));
  });
});
