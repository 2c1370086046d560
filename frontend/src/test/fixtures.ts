// Test helpers: cards, boards and a fake WebSocket for unit tests of client logic.
import type { Board, Card } from '../api/types';
import type { SocketLike } from '../live/client';

let nextId = 1000;

/** card makes a card; fields not given get plain defaults. */
export function card(p: Partial<Card> & { id: number }): Card {
  return {
    number: p.id,
    subject: `Ticket ${p.id}`,
    status_id: 1,
    priority_id: 1,
    category_id: null,
    subcategory_id: null,
    channel_id: null,
    queue_id: null,
    assignee: null,
    requester: null,
    allowed_roles: [],
    rank: 'm',
    version: 1,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    workflow_version_id: null,
    state_entered_at: '2026-01-01T00:00:00Z',
    sla: null,
    order_number: null,
    ...p,
  };
}

/** board makes GET /board's answer from columns of cards (count defaults to the cards given). */
export function board(seq: number, cols: { status: number; cards: Card[]; count?: number; next?: string | null }[]): Board {
  return {
    seq,
    columns: cols.map((c) => ({
      status_id: c.status,
      count: c.count ?? c.cards.length,
      cards: c.cards.map((x) => ({ ...x, status_id: c.status })),
      next_cursor: c.next ?? null,
    })),
  };
}

export function uid(): number {
  return nextId++;
}

/** FakeSocket records what the client sends and lets a test play the server. */
export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code?: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: unknown[] = [];
  closed = false;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.closed = true;
    this.readyState = 3;
  }

  /** open plays the server accepting the connection. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** receive plays one server frame. */
  receive(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }

  /** drop plays the connection being lost, or closed by the server with a code (4003, 4004…). */
  drop(code?: number): void {
    this.readyState = 3;
    this.onclose?.(code === undefined ? {} : { code });
  }
}
