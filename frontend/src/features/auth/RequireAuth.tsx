import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { LiveSessionContext } from '../../live/session';
import type { LiveSessionHandlers } from '../../live/session';
import { sessionEndedReason } from './sessionEnded';
import { sessionKey, useSession } from './session';

/** RequireAuth shows its children to a logged-in user and sends anyone else to the login page. It also
 * tells the live connections inside what to do when the session changes under them. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const ended = useRef(false);
  const live = useMemo<LiveSessionHandlers>(
    () => ({
      // The user's roles changed: their permissions (and so what the screens offer) come with the session.
      onAccessChanged: () => qc.invalidateQueries({ queryKey: sessionKey }),
      // Every open connection hears the 4003; the first one ends the session here.
      onRevoked: () => {
        if (ended.current) return;
        ended.current = true;
        qc.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
        qc.setQueryData(sessionKey, null);
        const from = window.location.pathname + window.location.search;
        void navigate('/login', { replace: true, state: { from, reason: sessionEndedReason } });
      },
    }),
    [qc, navigate],
  );

  if (session.isPending) return <p className="page-status">{t('common.loading')}</p>;
  if (session.isError) {
    return (
      <p className="page-status" role="alert">
        {session.error.message}
      </p>
    );
  }
  if (!session.data) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <LiveSessionContext.Provider value={live}>{children}</LiveSessionContext.Provider>;
}
