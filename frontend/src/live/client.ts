// The live client: one WebSocket at /api/v1/live that resumes after the last sequence number it holds,
// drops duplicates, reconnects on a gap or a lost connection, and asks the view to reload when the
// server says what was missed is too old. Plain TypeScript: no React here (see useLive.ts).
import type { ClientMessage, EventMessage, PresenceFrame, RemoveMessage, ServerMessage } from '@shared/live.gen';

/** LiveState is what the header shows: connecting, live, or offline (waiting to reconnect). */
export type LiveState = 'connecting' | 'live' | 'offline';

/** LiveChange is a message that changes the view. */
export type LiveChange = EventMessage | RemoveMessage;

/** SocketLike is the part of the browser WebSocket the client uses (a test passes a fake). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  /** onclose gets the close code (4003: the session ended; 4004: the user's access changed). */
  onclose: ((ev: { code?: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface LiveClientOptions {
  /** url of the socket, e.g. wss://host/api/v1/live. */
  url: string;
  /** topics to watch, e.g. ['board']. */
  topics: string[];
  /** after is the seq the view reflects (the board's `seq`); the first resume asks for what follows. */
  after: number;
  /** onChange applies an event or a removal to the view; called in seq order, each seq once. */
  onChange: (msg: LiveChange) => void;
  /** onReload refetches the view and resolves to its new seq; the client then resumes after it. */
  onReload: () => Promise<number>;
  /** onState is told every state change. */
  onState?: (state: LiveState) => void;
  /** onPresence is told who views a watched ticket now (staff only; not part of the event sequence). */
  onPresence?: (msg: PresenceFrame) => void;
  /** onAccessChanged runs before the view reloads when the user's roles or permissions changed (the
   * app refetches the session there); the reload waits for it. */
  onAccessChanged?: () => Promise<unknown>;
  /** onRevoked is told the session ended (close code 4003: revoked, or the user was disabled); the
   * client stops for good. */
  onRevoked?: () => void;
  /** createSocket opens a socket; defaults to the browser WebSocket. */
  createSocket?: (url: string) => SocketLike;
  /** random returns [0, 1) for the backoff jitter; defaults to Math.random. */
  random?: () => number;
  pingEveryMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

const OPEN = 1;

/** CloseRevoked: the server ended the session (revoked, user disabled): log in again. */
export const CloseRevoked = 4003;
/** CloseAccessChanged: the user's roles changed (after a reload message): reload, session included. */
export const CloseAccessChanged = 4004;

/** liveUrl is the socket address of the page's own origin. */
export function liveUrl(loc: { protocol: string; host: string } = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/v1/live`;
}

/** LiveClient keeps one resumable live connection open until close() is called. */
export class LiveClient {
  private readonly opts: LiveClientOptions;
  private socket: SocketLike | null = null;
  private _lastSeq: number;
  private _state: LiveState = 'offline';
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private heardSincePing = true;
  private needsReload = false;
  /** accessChanged: the next reload refetches the session first. */
  private accessChanged = false;

  constructor(opts: LiveClientOptions) {
    this.opts = opts;
    this._lastSeq = opts.after;
  }

  /** lastSeq is the newest seq applied to the view (or that the view reflects). */
  get lastSeq(): number {
    return this._lastSeq;
  }

  get state(): LiveState {
    return this._state;
  }

  /** start opens the first connection. */
  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** close ends the connection for good (the user left the view). */
  close(): void {
    this.stopped = true;
    this.clearTimers();
    this.dropSocket();
    this.setState('offline');
  }

  /** reload refetches the view and resumes after its seq, as when the server sends `reload`;
   * accessChanged: the user's permissions changed, so the session is refetched first. */
  reload(accessChanged = false): void {
    if (this.stopped) return;
    if (accessChanged) this.accessChanged = true;
    this.dropSocket();
    this.clearTimers();
    void this.reloadAndConnect();
  }

  /** retryNow skips the backoff wait (the browser came back online). */
  retryNow(): void {
    if (this.stopped || this.socket !== null) return;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.attempt = 0;
    if (this.needsReload) void this.reloadAndConnect();
    else this.connect();
  }

  private setState(s: LiveState): void {
    if (this._state === s) return;
    this._state = s;
    this.opts.onState?.(s);
  }

  private connect(): void {
    if (this.stopped) return;
    this.setState('connecting');
    const create = this.opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let ws: SocketLike;
    try {
      ws = create(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      if (ws !== this.socket) return;
      this.send({ type: 'resume', after: this._lastSeq, topics: this.opts.topics });
      this.startPing();
    };
    ws.onmessage = (ev) => {
      if (ws !== this.socket) return;
      this.heardSincePing = true;
      if (typeof ev.data !== 'string') return;
      let msg: ServerMessage;
      try {
        msg = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return;
      }
      this.handle(msg);
    };
    ws.onclose = (ev) => {
      if (ws !== this.socket) return;
      this.socket = null;
      this.stopPing();
      if (ev.code === CloseRevoked) {
        this.revoked();
        return;
      }
      if (ev.code === CloseAccessChanged) {
        // The reload message did not reach us first: reload now, as it would have said.
        this.reload(true);
        return;
      }
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      // A close event follows; reconnecting is decided there.
    };
  }

  private handle(msg: ServerMessage): void {
    switch (msg.type) {
      case 'event':
      case 'remove':
        if (msg.seq <= this._lastSeq) return; // already applied
        if (msg.prev > this._lastSeq) {
          // Something between lastSeq and prev never reached us: resume, the server replays it.
          this.dropSocket();
          this.scheduleReconnect();
          return;
        }
        this.opts.onChange(msg);
        this._lastSeq = msg.seq;
        return;
      case 'ready':
        if (msg.seq > this._lastSeq) this._lastSeq = msg.seq;
        this.attempt = 0;
        this.setState('live');
        // A new connection has no presence yet: say again what this view shows.
        if (this.presenceState !== null) this.send({ type: 'presence', ticket_id: this.presenceState.ticketId, typing: this.presenceState.typing });
        return;
      case 'reload':
        this.reload(msg.reason === 'access_changed');
        return;
      case 'presence':
        this.opts.onPresence?.(msg);
        return;
      case 'pong':
      case 'error':
        // error: the server closes the socket next, and the close reconnects.
        return;
    }
  }

  /** revoked stops for good: the session is over, reconnecting would only be refused. */
  private revoked(): void {
    this.stopped = true;
    this.clearTimers();
    this.dropSocket();
    this.setState('offline');
    this.opts.onRevoked?.();
  }

  private async reloadAndConnect(): Promise<void> {
    this.needsReload = true;
    this.setState('connecting');
    try {
      if (this.accessChanged) {
        await this.opts.onAccessChanged?.();
        if (this.stopped) return;
        this.accessChanged = false;
      }
      const seq = await this.opts.onReload();
      if (this.stopped) return;
      this.needsReload = false;
      this._lastSeq = seq;
      this.connect();
    } catch {
      if (!this.stopped) this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== null) return;
    this.setState('offline');
    const min = this.opts.minBackoffMs ?? 500;
    const max = this.opts.maxBackoffMs ?? 10_000;
    const base = Math.min(max, min * 2 ** this.attempt);
    const random = this.opts.random ?? Math.random;
    const delay = Math.round(base / 2 + (random() * base) / 2); // "equal jitter": [base/2, base)
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.needsReload) void this.reloadAndConnect();
      else this.connect();
    }, delay);
  }

  private startPing(): void {
    this.stopPing();
    this.heardSincePing = true;
    this.pingTimer = setInterval(() => {
      if (!this.heardSincePing) {
        // Nothing, not even a pong, since the last ping: the connection is dead without a close.
        this.dropSocket();
        this.scheduleReconnect();
        return;
      }
      this.heardSincePing = false;
      this.send({ type: 'ping' });
    }, this.opts.pingEveryMs ?? 25_000);
  }

  private stopPing(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private clearTimers(): void {
    this.stopPing();
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private dropSocket(): void {
    const ws = this.socket;
    this.socket = null;
    this.stopPing();
    if (ws !== null) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000);
      } catch {
        // Closing a socket that never opened can throw in some browsers.
      }
    }
  }

  /**
   * presence tells the server this user views a ticket (null: none) and whether they are typing. It
   * is kept and resent after a reconnect; the view calls it again every 10 s as a heartbeat.
   */
  presence(ticketId: number | null, typing: boolean): void {
    this.presenceState = ticketId === null ? null : { ticketId, typing };
    this.send({ type: 'presence', ticket_id: ticketId, typing });
  }

  private presenceState: { ticketId: number; typing: boolean } | null = null;

  private send(msg: ClientMessage): void {
    if (this.socket !== null && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(msg));
  }
}
