// The `ticket.sla` live event: a ticket's clock changed without the ticket changing (a timer turned it
// at risk or breached, or it was recalculated). Its card replaces the `sla` of the card a view holds,
// whatever the versions, and nothing else: no other field, no reordering, no count. Pure functions over
// the views' immutable states; each returns its input itself when it holds no such card.
import type { Work } from '../../api/issue5';
import type { Card } from '../../api/types';
import type { LiveChange } from '../../live/client';
import type { BoardState } from '../board/boardState';
import type { ListState } from '../tickets/listState';

/** slaCardOf returns the card of a `ticket.sla` event, or null for any other message. */
export function slaCardOf(msg: LiveChange): Card | null {
  return msg.type === 'event' && msg.name === 'ticket.sla' && msg.ticket !== null ? msg.ticket : null;
}

function sameSla(a: Card['sla'], b: Card['sla']): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** cardsWithSla replaces the `sla` of `card.id` in a list of cards (the list itself when absent or equal). */
export function cardsWithSla<T extends Pick<Card, 'id' | 'sla'>>(cards: readonly T[], card: Pick<Card, 'id' | 'sla'>): readonly T[] {
  const at = cards.findIndex((c) => c.id === card.id);
  if (at < 0 || sameSla(cards[at]!.sla, card.sla)) return cards;
  const out = [...cards];
  out[at] = { ...cards[at]!, sla: card.sla };
  return out;
}

/** boardWithSla replaces a held card's `sla` on the board (in its column, or past the loaded part). */
export function boardWithSla(state: BoardState, card: Card): BoardState {
  let changed = false;
  const columns = state.columns.map((c) => {
    const cards = cardsWithSla(c.cards, card);
    if (cards === c.cards) return c;
    changed = true;
    return { ...c, cards };
  });
  let known = state.known;
  const held = state.known.get(card.id);
  if (held?.card !== undefined && !sameSla(held.card.sla, card.sla)) {
    const next = new Map(state.known);
    next.set(card.id, { ...held, card: { ...held.card, sla: card.sla } });
    known = next;
    changed = true;
  }
  return changed ? { ...state, columns, known } : state;
}

/** listWithSla replaces a row's `sla` in the records table and moves its seq on. */
export function listWithSla(s: ListState, card: Card, seq: number): ListState {
  const rows = cardsWithSla(s.rows, card);
  return { ...s, seq: Math.max(s.seq, seq), rows };
}

/** workWithSla replaces a card's `sla` on the My work page (in progress and queue lists). */
export function workWithSla(w: Work, card: Card): Work {
  const wip = cardsWithSla(w.wip, card);
  let changed = wip !== w.wip;
  const queues = w.queues.map((q) => {
    const items = cardsWithSla(q.items, card);
    if (items === q.items) return q;
    changed = true;
    return { ...q, items: [...items] };
  });
  return changed ? { ...w, wip: [...wip], queues } : w;
}
