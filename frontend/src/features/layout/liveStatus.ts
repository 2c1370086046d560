// The live connection's state, set by the board and shown in the header.
import { createContext, useContext } from 'react';
import type { LiveState } from '../../live/client';

export interface LiveStatus {
  state: LiveState | null;
  setState: (s: LiveState | null) => void;
}

export const LiveStatusContext = createContext<LiveStatus>({ state: null, setState: () => undefined });

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}
