// The tracking page's live socket: /api/v1/public/track/<token>/live says "changed" whenever something
// the visitor may see of the ticket changes (a status, a public reply), and the page reads the ticket
// again. The socket carries nothing of the ticket itself. It reconnects with a growing pause, and every
// (re)connection reads the ticket again once it is "ready", so a change while it was down is not missed.
import type { SocketLike } from '../../live/client';

export interface TrackSocketOptions {
  createSocket?: (url: string) => SocketLike;
  /** Where the page is (the socket is on the same origin); the window's by default. */
  location?: Pick<Location, 'protocol' | 'host'>;
  pingEveryMs?: number;
  /** The first pause before a reconnection; it doubles up to maxPauseMs. */
  pauseMs?: number;
  maxPauseMs?: number;
}

/** CloseExpired is the server's close when the link expires while the page is open. */
export const CloseExpired = 4410;

export function trackSocketUrl(token: string, loc: Pick<Location, 'protocol' | 'host'>): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/v1/public/track/${encodeURIComponent(token)}/live`;
}

/**
 * watchTrack calls onChange when the ticket behind token changed (and when the socket is ready, or closed
 * for good because the link expired), until the returned stop is called.
 */
export function watchTrack(token: string, onChange: () => void, opts: TrackSocketOptions = {}): () => void {
  const create = opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const first = opts.pauseMs ?? 1000;
  const most = opts.maxPauseMs ?? 30_000;
  let pause = first;
  let stopped = false;
  let socket: SocketLike | null = null;
  let ping: ReturnType<typeof setInterval> | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const clear = () => {
    if (ping !== null) clearInterval(ping);
    ping = null;
  };
  const connect = () => {
    if (stopped) return;
    let ws: SocketLike;
    try {
      ws = create(trackSocketUrl(token, opts.location ?? window.location));
    } catch {
      again();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      ping = setInterval(() => ws.send('{"type":"ping"}'), opts.pingEveryMs ?? 25_000);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let type = '';
      try {
        type = (JSON.parse(ev.data) as { type?: string }).type ?? '';
      } catch {
        return;
      }
      if (type === 'ready') pause = first;
      if (type === 'ready' || type === 'changed') onChange();
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      clear();
      if (stopped) return;
      // The page reads the ticket again: an expired or revoked link then shows as such, and the page
      // stops watching; otherwise the socket comes back after a pause.
      onChange();
      if (ev.code !== CloseExpired) again();
    };
  };
  const again = () => {
    if (stopped) return;
    retry = setTimeout(connect, pause);
    pause = Math.min(pause * 2, most);
  };
  connect();
  return () => {
    stopped = true;
    clear();
    if (retry !== null) clearTimeout(retry);
    const ws = socket;
    socket = null;
    ws?.close();
  };
}
