// useLive: the React side of the live client. It opens a LiveClient while `after` is known and
// closes it when the view goes away or `key` changes (new filters, new board).
import { useCallback, useContext, useEffect, useRef, useState } from 'react';
import { LiveClient, liveUrl } from './client';
import type { LiveChange, LiveState } from './client';
import { LiveSessionContext } from './session';
import type { PresenceFrame } from '@shared/live.gen';

export interface UseLiveOptions {
  /** key identifies the view; a new key opens a new connection. */
  key: unknown;
  /** after is the view's seq, or null while the view is not loaded yet (no connection then). */
  after: number | null;
  topics: string[];
  onChange: (msg: LiveChange) => void;
  onReload: () => Promise<number>;
  /** onState is told every change of the connection state. */
  onState?: (state: LiveState) => void;
  /** onPresence is told who views a watched ticket (see LiveClient). */
  onPresence?: (msg: PresenceFrame) => void;
}

/** UseLive is the connection state and a way to force a reload-and-resume. */
export interface UseLive {
  state: LiveState;
  reload: () => void;
  /** presence tells the server this user views a ticket and whether they are typing. */
  presence: (ticketId: number | null, typing: boolean) => void;
}

export function useLive(opts: UseLiveOptions): UseLive {
  const [state, setState] = useState<LiveState>('connecting');
  const clientRef = useRef<LiveClient | null>(null);
  const optsRef = useRef(opts);
  const session = useContext(LiveSessionContext);
  const sessionRef = useRef(session);
  useEffect(() => {
    optsRef.current = opts;
    sessionRef.current = session;
  });

  const ready = opts.after !== null;
  const topicsKey = opts.topics.join(',');
  useEffect(() => {
    const { after, topics } = optsRef.current;
    if (after === null) return;
    const client = new LiveClient({
      url: liveUrl(),
      topics,
      after,
      onChange: (msg) => optsRef.current.onChange(msg),
      onReload: () => optsRef.current.onReload(),
      onState: (s) => {
        setState(s);
        optsRef.current.onState?.(s);
      },
      onPresence: (msg) => optsRef.current.onPresence?.(msg),
      onAccessChanged: () => sessionRef.current?.onAccessChanged() ?? Promise.resolve(),
      onRevoked: () => sessionRef.current?.onRevoked(),
    });
    clientRef.current = client;
    client.start();
    const online = () => client.retryNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      client.close();
      clientRef.current = null;
    };
    // A new connection only for a new view; `after` is read once, when it becomes known.
  }, [opts.key, ready, topicsKey]);

  const reload = useCallback(() => clientRef.current?.reload(), []);
  const presence = useCallback((ticketId: number | null, typing: boolean) => clientRef.current?.presence(ticketId, typing), []);
  return { state: ready ? state : 'connecting', reload, presence };
}
