import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './session';

/** RequireAuth shows its children to a logged-in user and sends anyone else to the login page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <p className="page-status">{t('common.loading')}</p>;
  if (session.isError) {
    return (
      <p className="page-status" role="alert">
        {session.error.message}
      </p>
    );
  }
  if (!session.data) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}
