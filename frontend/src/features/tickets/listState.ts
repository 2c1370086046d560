// The records table's rows under live events: pure functions over immutable values. Rows in view are
// updated in place (never reordered under the user's pointer); what could add, drop or reorder rows
// is only counted, for a "N new or changed — refresh" banner.
import type { Card, TicketList } from '../../api/types';
import type { LiveChange } from '../../live/client';
import { listWithSla } from '../sla/slaPatch';
import { compareBySort, matches } from './filters';
import type { TicketFilters } from './filters';

export interface ListState {
  rows: readonly Card[];
  nextCursor: string | null;
  total: { count: number; capped: boolean };
  /** seq: the newest live sequence number the rows reflect (resume after it). */
  seq: number;
  /** changed: tickets created or changed since the load that may add, drop or reorder rows. */
  changed: ReadonlySet<number>;
}

export interface ListContext {
  filters: TicketFilters;
  meId: number | null;
}

/** fromList is the state of a freshly loaded first page. */
export function fromList(list: TicketList): ListState {
  return { rows: dedupe(list.items), nextCursor: list.next_cursor, total: list.total, seq: list.seq, changed: new Set() };
}

function dedupe(cards: readonly Card[]): Card[] {
  const seen = new Set<number>();
  const out: Card[] = [];
  for (const c of cards) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    out.push(c);
  }
  return out;
}

/** appendPage adds the next page; a ticket already shown keeps its row, with the newer state. */
export function appendPage(s: ListState, page: TicketList): ListState {
  const index = new Map(s.rows.map((r, i) => [r.id, i]));
  const rows = [...s.rows];
  for (const c of page.items) {
    const at = index.get(c.id);
    if (at === undefined) {
      index.set(c.id, rows.length);
      rows.push(c);
    } else if ((rows[at]?.version ?? 0) < c.version) {
      rows[at] = c;
    }
  }
  return { ...s, rows, nextCursor: page.next_cursor, total: page.total };
}

function withChanged(s: ListState, id: number, on: boolean): ReadonlySet<number> {
  if (s.changed.has(id) === on) return s.changed;
  const next = new Set(s.changed);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

/**
 * mayAddRow tells whether a ticket not shown could appear among the loaded rows on a refresh: it
 * matches the filters, and it would not sort past the last loaded row of a list that has more pages
 * (there it turns up with "load more" anyway).
 */
function mayAddRow(s: ListState, card: Card, previous: Card | null, ctx: ListContext): boolean {
  if (matches(card, ctx.filters, ctx.meId) === 'no') return false;
  const key = ctx.filters.sort.replace('-', '');
  // Under a sort by a key that never changes, a ticket that matched before was already placed: as it
  // is not shown, it lies past the loaded rows.
  if (previous !== null && key !== 'updated' && matches(previous, ctx.filters, ctx.meId) === 'yes') return false;
  const last = s.rows[s.rows.length - 1];
  if (s.nextCursor !== null && last !== undefined && compareBySort(card, last, ctx.filters.sort) > 0) return false;
  return true;
}

/** applyLive applies one live message in seq order; the returned state is `s` itself when nothing changed. */
export function applyLive(s: ListState, msg: LiveChange, ctx: ListContext): ListState {
  if (msg.seq <= s.seq) return s;
  const seq = msg.seq;
  if (msg.type === 'remove') {
    // The ticket left what the user may see: its row goes (a link to it would only answer 404).
    const at = s.rows.findIndex((r) => r.id === msg.ticket_id);
    if (at < 0) return { ...s, seq, changed: withChanged(s, msg.ticket_id, false) };
    return {
      ...s,
      seq,
      rows: s.rows.filter((r) => r.id !== msg.ticket_id),
      total: s.total.capped ? s.total : { ...s.total, count: Math.max(0, s.total.count - 1) },
      changed: withChanged(s, msg.ticket_id, false),
    };
  }
  const card = msg.ticket;
  if (card === null || msg.name === 'catalog.changed') return { ...s, seq };
  // SLA (issue 6): a clock changed alone; the row's `sla` is replaced in place, whatever the version.
  if (msg.name === 'ticket.sla') return listWithSla(s, card, seq);
  const at = s.rows.findIndex((r) => r.id === card.id);
  if (at >= 0) {
    const row = s.rows[at];
    // An older or equal state than the row's (a replay, or the answer of a refresh came first).
    if (row === undefined || card.version <= row.version) return { ...s, seq };
    const rows = [...s.rows];
    rows[at] = card;
    // Still in place, but it may no longer match the filters: a refresh would drop it.
    const gone = matches(card, ctx.filters, ctx.meId) === 'no';
    return { ...s, seq, rows, changed: withChanged(s, card.id, gone || s.changed.has(card.id)) };
  }
  if (msg.name === 'ticket.commented') return { ...s, seq };
  const add = mayAddRow(s, card, msg.name === 'ticket.created' ? null : msg.previous, ctx);
  return { ...s, seq, changed: add ? withChanged(s, card.id, true) : s.changed };
}
