// DetailStore: one ticket's page as an external store: the ticket (the server's state with the user's
// edits in flight shown on top), its conversation, live changes, and stale edits (conflicts).
//
// Loading order, so that no live event between loading and subscribing is lost: first the live seq
// (GET /tickets?limit=1 — GET /tickets/{id} carries none), then the ticket and its comments, then the
// connection resumes after that seq. Events replayed from before the data are harmless: ticket states
// not newer than the one shown are dropped, and comments are deduplicated by id.
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Card, Comment, TicketConflict, TicketDetail } from '../../api/types';
import type { LiveChange } from '../../live/client';
import { collides, minimalPatch, overlay, patchFields } from './fields';
import type { PatchFields, Refs } from './fields';

/** Conflict is a stale edit waiting for the user: keep theirs or apply mine again. */
export interface Conflict {
  /** base: the ticket the edit was based on. */
  base: TicketDetail;
  mine: PatchFields;
  refs: Refs;
  /** current: the ticket as it is now. */
  current: TicketDetail;
  busy: boolean;
  error: string | null;
}

export interface DetailSnapshot {
  phase: 'loading' | 'ready' | 'error' | 'gone';
  error: string | null;
  errorStatus: number | null;
  /** server: the ticket as the server last said. */
  server: TicketDetail | null;
  /** ticket: what the page shows: server plus the edits in flight. */
  ticket: TicketDetail | null;
  comments: readonly Comment[];
  conflict: Conflict | null;
  /** seq: the live sequence number read before the data (the connection resumes after it). */
  seq: number | null;
}

export interface DetailStoreDeps {
  api: Pick<typeof api, 'tickets' | 'ticket' | 'comments' | 'updateTicket'>;
  /** refetchAfterMs: how long to gather live changes before fetching the full ticket once. */
  refetchAfterMs?: number;
}

export type SaveResult = 'saved' | 'unchanged' | 'conflict';

/** mergeComments adds comments to a conversation, each id once, ordered by time then id. */
export function mergeComments(have: readonly Comment[], more: readonly Comment[]): readonly Comment[] {
  if (more.length === 0) return have;
  const byId = new Map(have.map((c) => [c.id, c]));
  let added = false;
  for (const c of more) {
    if (byId.has(c.id)) continue;
    byId.set(c.id, c);
    added = true;
  }
  if (!added) return have;
  return [...byId.values()].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
}

/** withCard applies a live card to a ticket when it is newer; detail-only fields wait for a refetch. */
export function withCard(t: TicketDetail, card: Card): TicketDetail | null {
  if (card.id !== t.id || card.version <= t.version) return null;
  return { ...t, ...card };
}

function isTicketConflict(v: unknown): v is TicketConflict {
  return typeof v === 'object' && v !== null && 'current' in v && typeof v.current === 'object' && v.current !== null && 'can' in v.current;
}

/** lostAccess tells a refusal that means the user may no longer see the ticket. */
function lostAccess(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 404 || err.status === 403);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface Pending {
  n: number;
  patch: PatchFields;
  refs: Refs;
}

export class DetailStore {
  readonly id: number;
  private readonly deps: DetailStoreDeps;
  private snap: DetailSnapshot = {
    phase: 'loading',
    error: null,
    errorStatus: null,
    server: null,
    ticket: null,
    comments: [],
    conflict: null,
    seq: null,
  };
  private readonly listeners = new Set<() => void>();
  private pending: Pending[] = [];
  private nextPending = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private refetchTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private loadAbort: AbortController | null = null;

  constructor(id: number, deps: DetailStoreDeps = { api }) {
    this.id = id;
    this.deps = deps;
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): DetailSnapshot => this.snap;

  private set(patch: Partial<DetailSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const fn of this.listeners) fn();
  }

  private shown(server: TicketDetail | null): TicketDetail | null {
    if (server === null) return null;
    return this.pending.reduce((t, p) => overlay(t, p.patch, p.refs), server);
  }

  /** adopt takes a ticket state from the server when it is not older than the one held. */
  adopt(t: TicketDetail): void {
    const s = this.snap.server;
    if (s !== null && (t.id !== s.id || t.version < s.version)) return;
    this.set({ server: t, ticket: this.shown(t) });
  }

  private refresh(): void {
    this.set({ ticket: this.shown(this.snap.server) });
  }

  /** load fetches the seq, then the ticket and its conversation; resolves to the seq. */
  async load(): Promise<number> {
    this.disposed = false;
    this.loadAbort?.abort();
    const ctl = new AbortController();
    this.loadAbort = ctl;
    let seq: number | null = null;
    try {
      seq = (await this.deps.api.tickets({ limit: 1 }, ctl.signal)).seq;
      const [t, c] = await Promise.all([this.deps.api.ticket(this.id, ctl.signal), this.deps.api.comments(this.id, ctl.signal)]);
      if (ctl.signal.aborted) throw new DOMException('aborted', 'AbortError');
      const server = this.snap.server;
      const next = server === null || t.version >= server.version ? t : server;
      this.set({
        phase: 'ready',
        error: null,
        errorStatus: null,
        server: next,
        ticket: this.shown(next),
        comments: mergeComments(this.snap.comments, c.items),
        seq,
      });
      return seq;
    } catch (err) {
      if (!ctl.signal.aborted && seq !== null && this.snap.server !== null && lostAccess(err)) {
        // The ticket was on screen and is no longer visible (the user's roles changed, or it moved
        // out of their reach): say so, and let the live connection resume after the seq.
        this.set({ phase: 'gone', seq });
        return seq;
      }
      if (!ctl.signal.aborted && this.snap.server === null) {
        this.set({ phase: 'error', error: message(err), errorStatus: err instanceof ApiError ? err.status : null });
      }
      throw err;
    }
  }

  /** refetch fetches the whole ticket once (a live card lacks the detail-only fields). */
  private scheduleRefetch(): void {
    if (this.refetchTimer !== null || this.disposed) return;
    this.refetchTimer = setTimeout(() => {
      this.refetchTimer = null;
      this.deps.api.ticket(this.id).then(
        (t) => {
          if (!this.disposed) this.adopt(t);
        },
        () => undefined,
      );
    }, this.deps.refetchAfterMs ?? 250);
  }

  /** applyLive applies a live event or removal of this ticket's topic. */
  applyLive = (msg: LiveChange): void => {
    if (msg.type === 'remove') {
      if (msg.ticket_id === this.id) this.set({ phase: 'gone' });
      return;
    }
    if (msg.name === 'ticket.commented' && msg.comment !== undefined && msg.comment.ticket_id === this.id) {
      // The live schema types attachments loosely; the frame carries the API's Comment.
      this.addComments([msg.comment as unknown as Comment]);
    }
    const card = msg.ticket;
    const server = this.snap.server;
    if (card === null || server === null) return;
    // SLA (issue 6): a clock changed alone; take its `sla` whatever the version, and nothing else.
    if (msg.name === 'ticket.sla') {
      if (card.id === this.id) this.adoptSla(card.sla);
      return;
    }
    const next = withCard(server, card);
    if (next === null) return;
    this.set({ server: next, ticket: this.shown(next) });
    this.scheduleRefetch();
  };

  /** adoptSla replaces the ticket's SLA clock (a `ticket.sla` event), leaving every other field as it is. */
  private adoptSla(sla: Card['sla']): void {
    const server = this.snap.server;
    if (server === null) return;
    const next = { ...server, sla };
    this.set({ server: next, ticket: this.shown(next) });
  }

  /** addComments adds comments (the user's own reply, or live ones), each once. */
  addComments(more: readonly Comment[]): void {
    const comments = mergeComments(this.snap.comments, more);
    if (comments !== this.snap.comments) this.set({ comments });
  }

  /**
   * save sends an edit of some fields, based on `base` (the ticket the user saw when they started
   * editing). When a colleague changed one of those fields since, the edit is not sent: the conflict
   * panel opens. Otherwise it shows at once and is sent after the edits before it, with the newest
   * version, so changes of other fields meanwhile do not get in the way. Field errors reject with
   * the ApiError (its `fields` name the field).
   */
  save(mine: PatchFields, refs: Refs, base: TicketDetail): Promise<SaveResult> {
    const shown = this.snap.ticket;
    if (shown === null) return Promise.resolve('unchanged');
    if (collides(base, mine, shown)) {
      const server = this.snap.server ?? shown;
      this.set({ conflict: { base, mine, refs, current: server, busy: false, error: null } });
      return Promise.resolve('conflict');
    }
    const patch = minimalPatch(shown, mine);
    if (patchFields(patch).length === 0) return Promise.resolve('unchanged');
    const p: Pending = { n: this.nextPending++, patch, refs };
    this.pending.push(p);
    this.refresh();
    const run = this.queue.then(() => this.send(p));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private drop(p: Pending): void {
    this.pending = this.pending.filter((x) => x.n !== p.n);
  }

  private async send(p: Pending): Promise<SaveResult> {
    const base = this.snap.server;
    if (base === null) {
      this.drop(p);
      this.refresh();
      return 'unchanged';
    }
    try {
      const t = await this.deps.api.updateTicket(this.id, { ...p.patch, version: base.version });
      this.drop(p);
      this.adopt(t);
      this.refresh();
      return 'saved';
    } catch (err) {
      this.drop(p);
      if (err instanceof ApiError && err.status === 409 && isTicketConflict(err.body)) {
        const current = err.body.current;
        this.adopt(current);
        this.set({ conflict: { base, mine: p.patch, refs: p.refs, current, busy: false, error: null } });
        this.refresh();
        return 'conflict';
      }
      this.refresh();
      throw err;
    }
  }

  /** keepTheirs drops the stale edit and shows the ticket as it is now. */
  keepTheirs(): void {
    const c = this.snap.conflict;
    if (c === null) return;
    this.adopt(c.current);
    this.set({ conflict: null });
  }

  /** applyMine sends the stale edit again, based on the current version. */
  async applyMine(): Promise<void> {
    const c = this.snap.conflict;
    if (c === null || c.busy) return;
    this.set({ conflict: { ...c, busy: true, error: null } });
    const run = this.queue.then(async () => {
      try {
        const t = await this.deps.api.updateTicket(this.id, { ...c.mine, version: c.current.version });
        this.adopt(t);
        this.set({ conflict: null });
      } catch (err) {
        if (err instanceof ApiError && err.status === 409 && isTicketConflict(err.body)) {
          // Changed again meanwhile: show what differs from the state the user just saw.
          const current = err.body.current;
          this.adopt(current);
          this.set({ conflict: { ...c, base: c.current, current, busy: false, error: null } });
          return;
        }
        this.set({ conflict: { ...c, busy: false, error: message(err) } });
      }
    });
    this.queue = run.catch(() => undefined);
    await run;
  }

  /** dispose stops timers and requests in flight. */
  dispose(): void {
    this.disposed = true;
    this.loadAbort?.abort();
    if (this.refetchTimer !== null) clearTimeout(this.refetchTimer);
    this.refetchTimer = null;
  }
}
