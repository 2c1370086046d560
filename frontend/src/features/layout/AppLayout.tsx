import { useMemo, useState } from 'react';
import { Outlet } from 'react-router';
import type { LiveState } from '../../live/client';
import { Header } from './Header';
import { LiveStatusContext } from './liveStatus';

export function AppLayout() {
  const [state, setState] = useState<LiveState | null>(null);
  const live = useMemo(() => ({ state, setState }), [state]);
  return (
    <LiveStatusContext.Provider value={live}>
      <div className="app">
        <Header />
        <Outlet />
      </div>
    </LiveStatusContext.Provider>
  );
}
