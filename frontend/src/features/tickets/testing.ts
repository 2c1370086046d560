// Test helpers for the tickets feature: ticket details, lists, comments and live messages.
import type { TFunction } from 'i18next';
import type { Card, Comment, TicketDetail, TicketList } from '../../api/types';
import type { LiveChange } from '../../live/client';
import { card } from '../../test/fixtures';

/** detail makes a TicketDetail; fields not given get plain defaults. */
export function detail(p: Partial<TicketDetail> & { id: number }): TicketDetail {
  return {
    ...card({ id: p.id }),
    description: '',
    description_html: '',
    affected: null,
    order_number: null,
    tags: [],
    due_at: null,
    merged_into: null,
    merged_from: [],
    links: [],
    can: {
      edit: true,
      comment_public: true,
      comment_internal: true,
      merge: true,
      fields: ['subject', 'description', 'priority_id', 'channel_id', 'category_id', 'subcategory_id', 'order_number', 'tags', 'due_at', 'requester_id', 'affected_id', 'queue_id', 'assignee_id', 'status_id', 'allowed_roles'],
    },
    ...p,
  };
}

/** list makes GET /tickets's answer. */
export function list(seq: number, items: Card[], next: string | null = null, count = items.length, capped = false): TicketList {
  return { items, next_cursor: next, total: { count, capped }, seq };
}

/** comment makes a comment. */
export function comment(p: Partial<Comment> & { id: number }): Comment {
  return {
    ticket_id: 1,
    author: { id: 2, name: 'Lucía Torres' },
    public: true,
    body: `Comment ${p.id}`,
    body_html: `<p>Comment ${p.id}</p>`,
    attachments: [],
    created_at: `2026-01-01T00:00:${String(p.id % 60).padStart(2, '0')}Z`,
    ...p,
  };
}

/** event makes a live event message. */
export function event(seq: number, name: 'ticket.created' | 'ticket.updated' | 'ticket.moved' | 'ticket.commented', ticket: Card, previous: Card | null = null, extra: { comment?: Comment } = {}): LiveChange {
  return {
    type: 'event',
    seq,
    prev: seq - 1,
    name,
    at: '2026-01-01T00:00:00Z',
    ticket,
    previous,
    actor: null,
    ...(extra.comment ? { comment: extra.comment as unknown as NonNullable<Extract<LiveChange, { type: 'event' }>['comment']> } : {}),
  };
}

/** fakeT returns the key and its options, so tests read what would be said. */
export const fakeT = ((key: string, o?: Record<string, unknown>) => (o ? `${key}${JSON.stringify(o)}` : key)) as unknown as TFunction;
