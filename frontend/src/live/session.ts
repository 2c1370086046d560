// What the live connections tell the app about the session itself: the user's access changed (refetch
// the session before reloading the view) or the session ended (close code 4003). The app provides the
// handlers once (RequireAuth); every useLive connection uses them.
import { createContext } from 'react';

export interface LiveSessionHandlers {
  /** onAccessChanged refetches what depends on the user's permissions (the session). */
  onAccessChanged: () => Promise<unknown>;
  /** onRevoked ends the session on this page: the user logs in again. */
  onRevoked: () => void;
}

export const LiveSessionContext = createContext<LiveSessionHandlers | null>(null);
