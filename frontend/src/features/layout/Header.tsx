import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { adminHome } from '../admin/sections';
import { mayOpenDashboard } from '../dashboard/nav';
import { useCan } from '../auth/can';
import { useLogout, useSession } from '../auth/session';
import { NewTicketLauncher } from '../newTicket/NewTicketLauncher';
import { NotificationsBell } from '../notifications/NotificationsBell';
import { mayBeAssigned } from '../queues/work';
import { isPortalUser } from '../portal/home';
import { LanguageSwitch } from './LanguageSwitch';
import { useLiveStatus } from './liveStatus';

export function Header() {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const { state } = useLiveStatus();
  const admin = adminHome(user);
  const canSeePeople = useCan('people.view');
  const staff = useCan('ticket.comment_internal');
  const canPivot = useCan('report.pivot');
  const canHistory = useCan('report.history');
  const reports = canPivot || canHistory;
  return (
    <header className="header">
      <Link to="/" className="header__brand">
        {t('app.name')}
      </Link>
      <nav className="header__nav" aria-label={t('nav.label')}>
        {/* Portals (issue 7): customers and consultants follow their orders instead of the board. */}
        {isPortalUser(user) ? (
          <Link to="/orders" className="header__link" data-testid="orders-nav">
            {t('portal.nav')}
          </Link>
        ) : (
          <Link to="/board" className="header__link">
            {t('nav.board')}
          </Link>
        )}
        <Link to="/tickets" className="header__link">
          {t('tickets.nav')}
        </Link>
        {/* Dashboard (issue 7): for users holding any widget permission. */}
        {mayOpenDashboard(user) && (
          <Link to="/dashboard" className="header__link" data-testid="dashboard-nav">
            {t('dashboard.nav')}
          </Link>
        )}
        {mayBeAssigned(user) && (
          <Link to="/work" className="header__link" data-testid="work-nav">
            {t('work.nav')}
          </Link>
        )}
        {/* My tasks and requests (issue 6). */}
        {staff && (
          <Link to="/tasks" className="header__link" data-testid="tasks-nav">
            {t('tasks.my.nav')}
          </Link>
        )}
        {canSeePeople && (
          <Link to="/people" className="header__link" data-testid="people-nav">
            {t('people.nav')}
          </Link>
        )}
        {reports && (
          <Link to="/reports" className="header__link" data-testid="reports-nav">
            {t('reports.nav')}
          </Link>
        )}
        {admin !== null && (
          <Link to={admin} className="header__link" data-testid="admin-nav">
            {t('admin.nav')}
          </Link>
        )}
      </nav>
      <NewTicketLauncher />
      <div className="header__spacer" />
      {state !== null && (
        <span className="live" data-testid="live-status" data-state={state} role="status">
          <span className="live__dot" aria-hidden="true" />
          {t(`live.${state}`)}
        </span>
      )}
      {user && <NotificationsBell />}
      <LanguageSwitch />
      {/* The user's own settings: email notifications (issue 6). */}
      {user && (
        <Link to="/settings/notifications" className="header__user" title={t('mail.prefs.nav')} data-testid="user-settings">
          {user.name}
        </Link>
      )}
      <button
        type="button"
        className="btn btn--ghost"
        onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) })}
        disabled={logout.isPending}
      >
        {t('nav.logout')}
      </button>
    </header>
  );
}
