// BoardStore: the board of one filter set, as an external store for useSyncExternalStore. It loads
// the board, applies live changes, loads further pages and runs optimistic moves.
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Card, Conflict } from '../../api/types';
import type { LiveChange } from '../../live/client';
import { boardWithSla } from '../sla/slaPatch';
import { appendPage, applyCard, findCard, fromBoard, moveLocal, removeCard } from './boardState';
import type { BoardFilters, BoardState } from './boardState';
import { toQuery } from './filters';

export { toQuery };

export interface BoardSnapshot {
  phase: 'loading' | 'ready' | 'error';
  error: string | null;
  board: BoardState | null;
  /** seq is the live sequence number the loaded board reflects (null until loaded). */
  seq: number | null;
  loadingMore: ReadonlySet<number>;
}

export interface BoardStoreDeps {
  api: Pick<typeof api, 'board' | 'columnPage' | 'move'>;
}

function isConflict(v: unknown): v is Conflict {
  return typeof v === 'object' && v !== null && 'current' in v && typeof v.current === 'object' && v.current !== null;
}

export class BoardStore {
  readonly filters: BoardFilters;
  private readonly meId: number | null;
  private readonly deps: BoardStoreDeps;
  private snap: BoardSnapshot = { phase: 'loading', error: null, board: null, seq: null, loadingMore: new Set() };
  private readonly listeners = new Set<() => void>();
  private loadAbort: AbortController | null = null;
  private onUncertain: (() => void) | null = null;
  /** versions: the workflow versions of the cards loaded under a workflow filter (issue 5). */
  private readonly versions = new Set<number>();
  /**
   * held: the live changes that arrived while a card was being dragged, in arrival (seq) order, or
   * null when no drag is in progress. A change applied mid-drag re-renders the columns under the
   * pointer: the dragged card's own update, or a card placed above it, moves or remounts the drag
   * source and dnd-kit loses its hover target. So while a card is in the hand the board stands still,
   * and the changes are applied right after the drop or the cancel.
   */
  private held: LiveChange[] | null = null;
  /** whenReleased: resolvers of the reloads that wait for the drag to end. */
  private whenReleased: (() => void)[] = [];
  /** disposals counts dispose calls: a reload that waited for a drop across one does not fetch. */
  private disposals = 0;

  constructor(filters: BoardFilters, meId: number | null, deps: BoardStoreDeps = { api }) {
    this.filters = filters;
    this.meId = meId;
    this.deps = deps;
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): BoardSnapshot => this.snap;

  /** setUncertainHandler sets what to call when a count may be off and the board should reload. */
  setUncertainHandler(fn: (() => void) | null): void {
    this.onUncertain = fn;
  }

  private set(patch: Partial<BoardSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const fn of this.listeners) fn();
  }

  private setBoard(board: BoardState): void {
    if (board === this.snap.board) return;
    this.set({ board });
    if (board.uncertain) this.onUncertain?.();
  }

  /** load fetches the board (again) and resolves to its seq. During a drag it first waits for the
   * drop: a reload replaces every column, and the held changes must be applied before it, in order. */
  async load(): Promise<number> {
    if (this.held !== null) {
      const disposals = this.disposals;
      await new Promise<void>((resolve) => this.whenReleased.push(resolve));
      if (this.disposals !== disposals) throw new DOMException('aborted', 'AbortError');
    }
    this.loadAbort?.abort();
    const ctl = new AbortController();
    this.loadAbort = ctl;
    if (this.snap.board === null) this.set({ phase: 'loading', error: null });
    try {
      const b = await this.deps.api.board(toQuery(this.filters), ctl.signal);
      if (ctl.signal.aborted) throw new DOMException('aborted', 'AbortError');
      this.set({ phase: 'ready', error: null, board: fromBoard(b), seq: b.seq, loadingMore: new Set() });
      for (const c of b.columns) for (const card of c.cards) if (card.workflow_version_id !== null) this.versions.add(card.workflow_version_id);
      return b.seq;
    } catch (err) {
      if (!ctl.signal.aborted && this.snap.board === null) {
        this.set({ phase: 'error', error: err instanceof Error ? err.message : String(err) });
      }
      throw err;
    }
  }

  /** dispose stops any request in flight; a reload waiting for a drop ends without fetching. */
  dispose(): void {
    this.disposals++;
    this.loadAbort?.abort();
    this.held = null;
    const waiting = this.whenReleased;
    this.whenReleased = [];
    for (const resolve of waiting) resolve();
  }

  /** hold starts a drag: live changes wait until release. */
  hold(): void {
    this.held ??= [];
  }

  /** dragging tells whether live changes are being held for a drag. */
  get dragging(): boolean {
    return this.held !== null;
  }

  /**
   * release ends a drag: the held changes are applied in the order they came, each checked against
   * the version the board holds (a change older than what the drop itself produced changes nothing),
   * then any reload that waited for the drop goes ahead. Call it after the drop's own optimistic move,
   * so that the move is sent with the version the user saw: a colleague's change in between is then a
   * conflict the server reports, not an overwrite.
   */
  release(): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    for (const msg of held) this.applyLive(msg);
    const waiting = this.whenReleased;
    this.whenReleased = [];
    for (const resolve of waiting) resolve();
  }

  /** applyLive applies a live event or removal (held during a drag). */
  applyLive = (msg: LiveChange): void => {
    if (this.held !== null) {
      this.held.push(msg);
      return;
    }
    const board = this.snap.board;
    if (board === null) return;
    if (msg.type === 'remove') this.setBoard(removeCard(board, msg.ticket_id));
    // SLA (issue 6): a clock changed alone; only the held card's `sla` changes, whatever the version.
    else if (msg.name === 'ticket.sla') {
      if (msg.ticket !== null) this.setBoard(boardWithSla(board, msg.ticket));
    } else if (msg.ticket === null || msg.name === 'ticket.commented' || msg.name === 'catalog.changed' || msg.name === 'notification.created') return;
    else if (this.filters.workflow && !board.known.has(msg.ticket.id) && !this.versions.has(msg.ticket.workflow_version_id ?? -1)) {
      // Filtered by workflow, a ticket of a version the board has not seen may belong to another
      // workflow: the server decides, on a reload.
      this.onUncertain?.();
    } else this.setBoard(applyCard(board, msg.ticket, { filters: this.filters, meId: this.meId, event: msg.name, previous: msg.previous }));
  };

  /** accept places a card the server returned (e.g. after a transition) at once; the live echo that
   * follows changes nothing. */
  accept(card: Card): void {
    const board = this.snap.board;
    if (board !== null) this.setBoard(applyCard(board, card, { filters: this.filters, meId: this.meId }));
  }

  /** loadMore fetches the next page of a column. */
  async loadMore(statusId: number): Promise<void> {
    const col = this.snap.board?.columns.find((c) => c.statusId === statusId);
    if (!col || col.nextCursor === null || this.snap.loadingMore.has(statusId)) return;
    this.set({ loadingMore: new Set([...this.snap.loadingMore, statusId]) });
    try {
      const page = await this.deps.api.columnPage(statusId, col.nextCursor, toQuery(this.filters));
      const board = this.snap.board;
      if (board !== null) this.setBoard(appendPage(board, statusId, page));
    } finally {
      const rest = new Set(this.snap.loadingMore);
      rest.delete(statusId);
      this.set({ loadingMore: rest });
    }
  }

  /**
   * move places a card at once and asks the server; on refusal the card goes back (or to the
   * server's current state on a conflict) and the error, with the server's message, is thrown.
   */
  async move(cardId: number, toStatusId: number, toIndex: number): Promise<Card | null> {
    const board = this.snap.board;
    if (board === null) return null;
    const here = findCard(board, cardId);
    if (here === null) return null;
    const res = moveLocal(board, cardId, toStatusId, toIndex);
    if (res === null) return null;
    const o = { filters: this.filters, meId: this.meId };
    // Dropped where it was: nothing to ask.
    if (here.statusId === toStatusId && res.afterId === (board.columns.find((c) => c.statusId === toStatusId)?.cards[here.index - 1]?.id ?? null)) {
      return null;
    }
    this.setBoard(res.state);
    try {
      const card = await this.deps.api.move(cardId, { status_id: toStatusId, after_id: res.afterId, version: res.original.version });
      const now = this.snap.board;
      if (now !== null) this.setBoard(applyCard(now, card, o));
      return card;
    } catch (err) {
      let now = this.snap.board;
      if (now !== null) {
        now = applyCard(now, res.original, { ...o, allowEqual: true });
        if (err instanceof ApiError && err.status === 409 && isConflict(err.body)) now = applyCard(now, err.body.current, o);
        this.setBoard(now);
      }
      throw err;
    }
  }
}
