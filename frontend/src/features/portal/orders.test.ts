import { describe, expect, it } from 'vitest';
import type { LiveChange } from '../../live/client';
import type { Card } from '../../api/types';
import type { PortalOrder } from '../../api/issue7-portal';
import { card } from '../../test/fixtures';
import { applyChange, emptyOrders, formatMoney, OrdersStore, withPage } from './orders';
import type { OrdersState } from './orders';

const UNATTENDED = 1;
const DOING = 2;

function order(number: string, tickets: Card[]): PortalOrder {
  return {
    id: Number(number.slice(2)),
    number,
    created_at: '2026-12-01T10:00:00Z',
    status: 'shipped',
    total: { minor: 1817000000, currency: 'COP' },
    person: { id: 7, name: 'Camilo Pérez' },
    tickets,
  };
}

function event(name: 'ticket.created' | 'ticket.moved' | 'ticket.updated', c: Card, seq = 10): LiveChange {
  const msg: LiveChange = {
    type: 'event',
    seq,
    prev: seq - 1,
    name,
    at: '2026-12-04T15:00:00Z',
    ticket: c,
    previous: null,
    actor: null,
  };
  return msg;
}

function state(): OrdersState {
  return withPage(
    emptyOrders,
    {
      items: [
        order('P-2', [card({ id: 1, status_id: UNATTENDED, version: 3, order_number: 'P-2' })]),
        order('P-1', [card({ id: 2, status_id: UNATTENDED, version: 1, order_number: 'P-1' })]),
      ],
      next_cursor: '5',
    },
    true,
  );
}

const statuses = (s: OrdersState) => Object.fromEntries(s.orders.map((o) => [o.number, o.tickets.map((t) => [t.id, t.status_id])]));

describe('order listing live patching', () => {
  it('moves a ticket held on an order to its new status', () => {
    const s = applyChange(state(), event('ticket.moved', card({ id: 1, status_id: DOING, version: 4, order_number: 'P-2' })));
    expect(statuses(s)).toEqual({ 'P-2': [[1, DOING]], 'P-1': [[2, UNATTENDED]] });
  });

  it('ignores an event older than the card held', () => {
    const before = applyChange(state(), event('ticket.moved', card({ id: 1, status_id: DOING, version: 4, order_number: 'P-2' })));
    const late = applyChange(before, event('ticket.moved', card({ id: 1, status_id: UNATTENDED, version: 3, order_number: 'P-2' })));
    expect(late).toBe(before);
    expect(statuses(late)['P-2']).toEqual([[1, DOING]]);
  });

  it('puts a new ticket about a listed order on that order, and leaves other tickets alone', () => {
    let s = applyChange(state(), event('ticket.created', card({ id: 9, status_id: UNATTENDED, version: 1, order_number: 'P-1' })));
    expect(statuses(s)['P-1']).toEqual([
      [2, UNATTENDED],
      [9, UNATTENDED],
    ]);
    const same = applyChange(s, event('ticket.created', card({ id: 10, order_number: 'P-77' })));
    expect(same).toBe(s);
    s = applyChange(s, event('ticket.created', card({ id: 11, order_number: null })));
    expect(s).toBe(same);
  });

  it('moves a ticket whose order number changed to its new order', () => {
    const s = applyChange(state(), event('ticket.updated', card({ id: 2, version: 2, order_number: 'P-2' })));
    expect(statuses(s)).toEqual({
      'P-2': [
        [1, UNATTENDED],
        [2, UNATTENDED],
      ],
      'P-1': [],
    });
  });

  it('drops a removed ticket', () => {
    const s = applyChange(state(), {
      type: 'remove',
      seq: 11,
      prev: 10,
      ticket_id: 2,
    });
    expect(statuses(s)).toEqual({ 'P-2': [[1, UNATTENDED]], 'P-1': [] });
    expect(applyChange(s, { type: 'remove', seq: 12, prev: 11, ticket_id: 99 })).toBe(s);
  });

  it('appends pages and replaces an order loaded again', () => {
    const s = withPage(state(), { items: [order('P-1', []), order('P-0', [])], next_cursor: '' }, false);
    expect(s.orders.map((o) => [o.number, o.tickets.length])).toEqual([
      ['P-2', 1],
      ['P-1', 0],
      ['P-0', 0],
    ]);
    expect(s.nextCursor).toBe('');
  });

  it('writes totals in the currency, in the language on screen', () => {
    expect(formatMoney({ minor: 1817000000, currency: 'COP' }, 'en')).toMatch(/COP\s18,170,000\.00/);
    expect(formatMoney({ minor: 1817000000, currency: 'COP' }, 'es')).toMatch(/COP\s18\.170\.000,00/);
  });
});

describe('OrdersStore', () => {
  it('loads the seq before the orders, applies live changes and loads more pages', async () => {
    const calls: string[] = [];
    const store = new OrdersStore({
      liveSeq: () => {
        calls.push('seq');
        return Promise.resolve(41);
      },
      orders: (cursor) => {
        calls.push(`orders:${cursor}`);
        return Promise.resolve(
          cursor === ''
            ? {
                items: [order('P-2', [card({ id: 1, version: 1, order_number: 'P-2' })])],
                next_cursor: '2',
              }
            : { items: [order('P-1', [])], next_cursor: '' },
        );
      },
    });
    let notified = 0;
    store.subscribe(() => notified++);
    expect(await store.load()).toBe(41);
    expect(calls).toEqual(['seq', 'orders:']);
    store.apply(event('ticket.moved', card({ id: 1, status_id: DOING, version: 2, order_number: 'P-2' })));
    store.apply(event('ticket.created', card({ id: 5, version: 1, order_number: 'P-2' })));
    await store.more();
    const view = store.getSnapshot();
    expect(view.seq).toBe(41);
    expect(statuses(view.state)).toEqual({
      'P-2': [
        [1, DOING],
        [5, 1],
      ],
      'P-1': [],
    });
    expect(view.state.nextCursor).toBe('');
    expect(notified).toBeGreaterThanOrEqual(4);
  });
});
