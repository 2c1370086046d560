// The order listing's state: the orders loaded so far (keyset pages) and the tickets on each, kept
// live from the board topic's ticket events. Pure functions, so that the patching is tested alone.
import type { LiveChange } from '../../live/client';
import type { Card } from '../../api/types';
import type { PortalOrder } from '../../api/issue7-portal';

export interface OrdersState {
  orders: PortalOrder[];
  nextCursor: string;
}

export const emptyOrders: OrdersState = { orders: [], nextCursor: '' };

/** withPage appends a page of orders (a repeated order, after a live reload, replaces the one held). */
export function withPage(s: OrdersState, page: { items: PortalOrder[]; next_cursor: string }, first: boolean): OrdersState {
  const base = first ? [] : s.orders;
  const fresh = new Map(page.items.map((o) => [o.number, o]));
  const kept = base.map((o) => fresh.get(o.number) ?? o);
  const held = new Set(kept.map((o) => o.number));
  return {
    orders: [...kept, ...page.items.filter((o) => !held.has(o.number))],
    nextCursor: page.next_cursor,
  };
}

function orderNumberOf(card: Card): string | null {
  return card.order_number ?? null;
}

/**
 * applyChange patches the listing with one live message. Every ticket event the server sends this user
 * is a ticket they may see: a card of a ticket held replaces it when it is newer (its version higher,
 * so that a late event never undoes a newer state); a ticket about a listed order that is not on it yet
 * (a new ticket, or one whose order number changed) appears on that order; a ticket whose order number
 * no longer names an order leaves it; a removed ticket (merged, or no longer visible) leaves every order.
 * The same state object comes back when nothing changed.
 */
export function applyChange(s: OrdersState, msg: LiveChange): OrdersState {
  if (msg.type === 'remove') return removeTicket(s, msg.ticket_id);
  const card = msg.ticket;
  if (!card) return s;
  const target = orderNumberOf(card);
  let changed = false;
  const orders = s.orders.map((o) => {
    const i = o.tickets.findIndex((t) => t.id === card.id);
    if (i >= 0) {
      if (card.version <= (o.tickets[i]?.version ?? 0)) return o;
      changed = true;
      if (o.number !== target) return { ...o, tickets: o.tickets.filter((t) => t.id !== card.id) };
      const tickets = o.tickets.slice();
      tickets[i] = card;
      return { ...o, tickets };
    }
    if (o.number === target) {
      changed = true;
      return { ...o, tickets: [...o.tickets, card] };
    }
    return o;
  });
  return changed ? { ...s, orders } : s;
}

function removeTicket(s: OrdersState, id: number): OrdersState {
  if (!s.orders.some((o) => o.tickets.some((t) => t.id === id))) return s;
  return {
    ...s,
    orders: s.orders.map((o) => (o.tickets.some((t) => t.id === id) ? { ...o, tickets: o.tickets.filter((t) => t.id !== id) } : o)),
  };
}

// Currencies without minor units; every other one the desk handles has two decimals (as the server's
// commerce store counts them).
const wholeCurrencies = new Set(['CLP', 'PYG']);

/** formatMoney writes an amount of minor units in its currency, in the user's language. */
export function formatMoney(total: { minor: number; currency: string }, lang: string): string {
  const digits = wholeCurrencies.has(total.currency) ? 0 : 2;
  return new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'es-CO', {
    style: 'currency',
    currency: total.currency,
    currencyDisplay: 'code',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(total.minor / 10 ** digits);
}

export interface OrdersView {
  state: OrdersState;
  /** seq is the live sequence the listing was loaded at (null until the first page is in). */
  seq: number | null;
  error: string | null;
  loadingMore: boolean;
}

export interface OrdersDeps {
  liveSeq: () => Promise<number>;
  orders: (cursor: string) => Promise<{ items: PortalOrder[]; next_cursor: string }>;
}

/**
 * OrdersStore holds the listing for the page (useSyncExternalStore): the first page with the live seq
 * read before it (a change between the two arrives as an event and is applied version-checked, so
 * nothing is lost nor undone), further pages, and live changes.
 */
export class OrdersStore {
  private view: OrdersView = {
    state: emptyOrders,
    seq: null,
    error: null,
    loadingMore: false,
  };
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: OrdersDeps) {}

  getSnapshot = (): OrdersView => this.view;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(v: Partial<OrdersView>): void {
    this.view = { ...this.view, ...v };
    for (const fn of this.listeners) fn();
  }

  /** load reads the live seq, then the first page; first replaces the listing, else (a live reload)
   * refreshes the orders of the first page and keeps the others. It returns the seq. */
  async load(first = true): Promise<number> {
    try {
      const seq = await this.deps.liveSeq();
      const page = await this.deps.orders('');
      this.set({
        state: withPage(this.view.state, page, first),
        seq,
        error: null,
      });
      return seq;
    } catch (err) {
      this.set({ error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  async more(): Promise<void> {
    if (this.view.state.nextCursor === '' || this.view.loadingMore) return;
    this.set({ loadingMore: true });
    try {
      const page = await this.deps.orders(this.view.state.nextCursor);
      this.set({
        state: withPage(this.view.state, page, false),
        loadingMore: false,
        error: null,
      });
    } catch (err) {
      this.set({
        loadingMore: false,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  apply(msg: LiveChange): void {
    const next = applyChange(this.view.state, msg);
    if (next !== this.view.state) this.set({ state: next });
  }
}
