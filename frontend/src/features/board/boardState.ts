// Board state: the columns the user sees, kept right under live events, optimistic moves and pages.
// Pure functions over immutable values, so the rules are unit-tested without React or a server.
import type { Board, Card, CardPage } from '../../api/types';

/** BoardFilters are the filters of the view, as in the URL and the API query. */
export interface BoardFilters {
  /** assignee: 'me', 'none', a user id, or null for anyone. */
  assignee: string | null;
  priority: number | null;
  q: string;
  /** workflow: only that workflow's tickets and states' columns (issue 5; GET /board?workflow_id=). */
  workflow?: number | null;
}

export const noFilters: BoardFilters = { assignee: null, priority: null, q: '' };

export interface ColumnState {
  statusId: number;
  /** count is the number of cards in the column under the filters (loaded or not). */
  count: number;
  /** cards are the loaded cards, ordered by (rank, id) in byte order. */
  cards: readonly Card[];
  nextCursor: string | null;
}

/** Known is what the board holds about one ticket, loaded or not. */
export interface Known {
  version: number;
  statusId: number;
  /** inView: counted in its column (it matches the filters and the user may see it). */
  inView: boolean;
  /** card: the latest state of a counted card that sits past the loaded part of its column. */
  card?: Card;
}

export interface BoardState {
  columns: readonly ColumnState[];
  known: ReadonlyMap<number, Known>;
  /**
   * uncertain: a change touched a ticket the board knew nothing about while some column is only
   * partly loaded, so a count may be off; the view should reload (resync, never guess for long).
   */
  uncertain: boolean;
}

/** compareCards orders cards by (rank, id); ranks are fractional keys compared as plain strings. */
export function compareCards(a: Pick<Card, 'rank' | 'id'>, b: Pick<Card, 'rank' | 'id'>): number {
  if (a.rank < b.rank) return -1;
  if (a.rank > b.rank) return 1;
  return a.id - b.id;
}

/** matchesFilters tells whether a card belongs in the filtered view, as the server decides it. */
export function matchesFilters(card: Card, f: BoardFilters, meId: number | null): boolean {
  if (f.assignee !== null && f.assignee !== '') {
    if (f.assignee === 'me') {
      if (card.assignee === null || card.assignee.id !== meId) return false;
    } else if (f.assignee === 'none') {
      if (card.assignee !== null) return false;
    } else if (card.assignee === null || String(card.assignee.id) !== f.assignee) {
      return false;
    }
  }
  if (f.priority !== null && card.priority_id !== f.priority) return false;
  const q = f.q.trim();
  if (q !== '') {
    const num = q.startsWith('#') ? q.slice(1) : q;
    if (!(String(card.number) === num || card.subject.toLowerCase().includes(q.toLowerCase()))) return false;
  }
  return true;
}

/** fromBoard builds the state from GET /board. */
export function fromBoard(board: Board): BoardState {
  const known = new Map<number, Known>();
  const columns = board.columns.map((c) => {
    const cards = [...c.cards].sort(compareCards);
    for (const card of cards) known.set(card.id, { version: card.version, statusId: c.status_id, inView: true });
    return { statusId: c.status_id, count: c.count, cards, nextCursor: c.next_cursor };
  });
  return { columns, known, uncertain: false };
}

function locate(state: BoardState, id: number): { col: number; idx: number } | null {
  for (let col = 0; col < state.columns.length; col++) {
    const idx = state.columns[col]!.cards.findIndex((c) => c.id === id);
    if (idx >= 0) return { col, idx };
  }
  return null;
}

/** findCard returns a loaded card and the status of its column. */
export function findCard(state: BoardState, id: number): { card: Card; statusId: number; index: number } | null {
  const at = locate(state, id);
  if (at === null) return null;
  const col = state.columns[at.col]!;
  return { card: col.cards[at.idx]!, statusId: col.statusId, index: at.idx };
}

/** fitsLoaded tells whether a card's place is inside the loaded part of a column. */
function fitsLoaded(col: ColumnState, card: Card): boolean {
  if (col.nextCursor === null) return true;
  const last = col.cards[col.cards.length - 1];
  return last !== undefined && compareCards(card, last) < 0;
}

function insertSorted(cards: readonly Card[], card: Card): Card[] {
  const out = [...cards];
  let i = out.findIndex((c) => compareCards(card, c) < 0);
  if (i < 0) i = out.length;
  out.splice(i, 0, card);
  return out;
}

function partlyLoaded(state: BoardState): boolean {
  return state.columns.some((c) => c.nextCursor !== null);
}

export interface ApplyOptions {
  filters: BoardFilters;
  meId: number | null;
  /** name of the live event, when the card comes from one. */
  event?: 'ticket.created' | 'ticket.updated' | 'ticket.moved';
  /** allowEqual applies a card whose version equals the held one (undoing an optimistic move). */
  allowEqual?: boolean;
  /** previous is the ticket's state before the change, when the event carries it. */
  previous?: Card | null;
}

/**
 * applyCard puts a ticket's new state on the board: an upsert into its status column at its
 * (rank, id) place when it matches the filters, a removal when it no longer does, with the counts
 * adjusted. A state whose version is not newer than the one held is stale and changes nothing.
 */
export function applyCard(state: BoardState, card: Card, o: ApplyOptions): BoardState {
  const held = state.known.get(card.id);
  if (held !== undefined && (o.allowEqual ? card.version < held.version : card.version <= held.version)) return state;

  const at = locate(state, card.id);
  const matches = matchesFilters(card, o.filters, o.meId);
  let uncertain = state.uncertain;
  let wasCounted: boolean;
  let oldStatus: number | null;
  if (at !== null) {
    wasCounted = true;
    oldStatus = state.columns[at.col]!.statusId;
  } else if (held !== undefined) {
    wasCounted = held.inView;
    oldStatus = held.statusId;
  } else if (o.event === 'ticket.created' || !partlyLoaded(state)) {
    // New, or not in the view before: every counted card of a fully loaded board is loaded.
    wasCounted = false;
    oldStatus = null;
  } else if (o.previous) {
    // A card past the loaded part of a column: the event says where it was and whether it matched.
    wasCounted = matchesFilters(o.previous, o.filters, o.meId) && state.columns.some((c) => c.statusId === o.previous?.status_id);
    oldStatus = wasCounted ? o.previous.status_id : null;
  } else {
    // Perhaps a card past the loaded part of a column. Best guess until the resync: an update kept
    // its column and its match; a move came from outside the view.
    uncertain = true;
    wasCounted = o.event === 'ticket.updated' && matches;
    oldStatus = wasCounted ? card.status_id : null;
  }

  const columns = state.columns.map((c) => ({ ...c }));
  if (at !== null) {
    const col = columns[at.col]!;
    col.cards = col.cards.filter((c) => c.id !== card.id);
  }
  if (wasCounted && oldStatus !== null) {
    const col = columns.find((c) => c.statusId === oldStatus);
    if (col) col.count = Math.max(0, col.count - 1);
  }
  const target = columns.find((c) => c.statusId === card.status_id);
  const inView = matches && target !== undefined;
  let tail = false;
  if (inView) {
    target.count += 1;
    if (fitsLoaded(target, card)) target.cards = insertSorted(target.cards, card);
    else tail = true;
  }
  const known = new Map(state.known);
  known.set(card.id, { version: card.version, statusId: card.status_id, inView, ...(tail ? { card } : {}) });
  return { columns, known, uncertain };
}

/** removeCard drops a ticket that left the user's view, and decrements its column's count. */
export function removeCard(state: BoardState, id: number): BoardState {
  const at = locate(state, id);
  const held = state.known.get(id);
  const columns = state.columns.map((c) => ({ ...c }));
  let uncertain = state.uncertain;
  let statusId: number | null = null;
  if (at !== null) {
    const col = columns[at.col]!;
    col.cards = col.cards.filter((c) => c.id !== id);
    statusId = col.statusId;
  } else if (held?.inView) {
    statusId = held.statusId;
  } else if (held === undefined && partlyLoaded(state)) {
    uncertain = true;
  }
  if (statusId !== null) {
    const col = columns.find((c) => c.statusId === statusId);
    if (col) col.count = Math.max(0, col.count - 1);
  } else if (!uncertain) {
    return state;
  }
  const known = new Map(state.known);
  if (held !== undefined) known.set(id, { version: held.version, statusId: held.statusId, inView: false });
  return { columns, known, uncertain };
}

/** appendPage adds the next page of a column, skipping cards the board already holds newer. */
export function appendPage(state: BoardState, statusId: number, page: CardPage): BoardState {
  const idx = state.columns.findIndex((c) => c.statusId === statusId);
  if (idx < 0) return state;
  const known = new Map(state.known);
  let cards = [...state.columns[idx]!.cards];
  for (const card of page.cards) {
    if (locate(state, card.id) !== null || cards.some((c) => c.id === card.id)) continue;
    const held = known.get(card.id);
    if (held !== undefined && (held.version > card.version || (!held.inView && held.version >= card.version))) continue;
    cards.push(card);
    known.set(card.id, { version: card.version, statusId, inView: true });
  }
  const col: ColumnState = { ...state.columns[idx]!, nextCursor: page.next_cursor };
  cards.sort(compareCards);
  col.cards = cards;
  // Cards that live events placed past the loaded part may now fall inside it.
  for (const [id, k] of known) {
    if (k.card === undefined || !k.inView || k.statusId !== statusId) continue;
    if (cards.some((c) => c.id === id)) continue;
    if (fitsLoaded(col, k.card)) {
      cards = insertSorted(cards, k.card);
      col.cards = cards;
      known.set(id, { version: k.version, statusId, inView: true });
    }
  }
  const columns = state.columns.map((c, i) => (i === idx ? col : c));
  return { ...state, columns, known };
}

/**
 * rankBetween returns a key that sorts strictly between a and b (null: no bound) in plain string
 * order. It is used only to place a card optimistically; the server assigns the real rank.
 */
export function rankBetween(a: string | null, b: string | null): string {
  const lo = a ?? '';
  if (b === null) return lo + 'V';
  if (lo >= b) return lo;
  if (!b.startsWith(lo)) return lo + 'V';
  // b = lo + rest: find s with '' < s < rest.
  let rest = b.slice(lo.length);
  let prefix = lo;
  while (rest.length > 0) {
    const code = rest.charCodeAt(0);
    if (code > 0) return prefix + String.fromCharCode(code - 1) + '\uffff';
    prefix += rest[0];
    rest = rest.slice(1);
  }
  return lo;
}

/** MoveResult is an optimistic move: the new state, the request's after_id, and the card before. */
export interface MoveResult {
  state: BoardState;
  afterId: number | null;
  original: Card;
}

/**
 * moveLocal moves a loaded card to index `toIndex` of column `toStatusId` at once, before the server
 * answers. The card keeps its version, so the server's answer (or the live event) replaces it.
 */
export function moveLocal(state: BoardState, id: number, toStatusId: number, toIndex: number): MoveResult | null {
  const at = locate(state, id);
  const toCol = state.columns.findIndex((c) => c.statusId === toStatusId);
  if (at === null || toCol < 0) return null;
  const original = state.columns[at.col]!.cards[at.idx]!;
  const columns = state.columns.map((c) => ({ ...c }));
  const from = columns[at.col]!;
  from.cards = from.cards.filter((c) => c.id !== id);
  const to = columns[toCol]!;
  const i = Math.max(0, Math.min(toIndex, to.cards.length));
  const above = to.cards[i - 1] ?? null;
  const below = to.cards[i] ?? null;
  const moved: Card = { ...original, status_id: toStatusId, rank: rankBetween(above?.rank ?? null, below?.rank ?? null) };
  const cards = [...to.cards];
  cards.splice(i, 0, moved);
  to.cards = cards;
  if (from !== to) {
    from.count = Math.max(0, from.count - 1);
    to.count += 1;
  }
  const known = new Map(state.known);
  known.set(id, { version: original.version, statusId: toStatusId, inView: true });
  return { state: { ...state, columns, known }, afterId: above?.id ?? null, original };
}
