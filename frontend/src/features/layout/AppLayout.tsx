import { useMemo, useState } from 'react';
import { Outlet } from 'react-router';
import type { LiveState } from '../../live/client';
import { useCatalogLive } from '../catalog/useCatalogLive';
import { Header } from './Header';
import { LiveStatusContext } from './liveStatus';

export function AppLayout() {
  const [state, setState] = useState<LiveState | null>(null);
  const live = useMemo(() => ({ state, setState }), [state]);
  // One app-wide connection that refetches the catalogs when an admin changes one.
  useCatalogLive();
  return (
    <LiveStatusContext.Provider value={live}>
      <div className="app">
        <Header />
        <Outlet />
      </div>
    </LiveStatusContext.Provider>
  );
}
