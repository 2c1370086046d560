// useCatalogLive keeps one live connection for the whole app (no topics: only `catalog.changed`, which
// every connection receives), so every screen's labels and choices follow an admin's changes at once.
// Mounted once, in AppLayout.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { useLive } from '../../live/useLive';
import { notificationsLive, notificationsReload } from '../notifications/notifications';
import { catalogLiveHandlers } from './catalogLive';

const noTopics: string[] = [];
const maxRetryMs = 30_000;

export function useCatalogLive(): void {
  const qc = useQueryClient();
  const [handlers] = useState(() => catalogLiveHandlers(qc, (signal) => api.liveSeq(signal)));
  const [after, setAfter] = useState<number | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const attempt = (n: number) => {
      handlers.start(ctl.signal).then(setAfter, (err: unknown) => {
        if (ctl.signal.aborted) return;
        // A refusal (4xx) will not change by retrying; a lost network or a 5xx may.
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) return;
        timer = setTimeout(() => attempt(n + 1), Math.min(maxRetryMs, 1000 * 2 ** n));
      });
    };
    attempt(0);
    return () => {
      ctl.abort();
      if (timer !== null) clearTimeout(timer);
    };
  }, [handlers]);

  // The same connection brings the user's notifications (`notification.created`) to the header bell.
  useLive({
    key: 'catalog',
    after,
    topics: noTopics,
    onChange: (msg) => {
      handlers.onChange(msg);
      notificationsLive(msg);
    },
    onReload: () => {
      notificationsReload();
      return handlers.onReload();
    },
  });
}
