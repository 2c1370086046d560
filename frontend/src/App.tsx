import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { LoginPage } from './features/auth/LoginPage';
import { adminHome } from './features/admin/sections';
import { RequireAuth } from './features/auth/RequireAuth';
import { sessionKey, useSession } from './features/auth/session';
import { AppLayout } from './features/layout/AppLayout';
import { isPortalUser, lastHomeIsPortal } from './features/portal/home';
import { ToastProvider } from './features/toast/ToastProvider';
import { lazyPreloaded } from './preload';
import { requestEarly, setUnauthorizedHandler, withQuery } from './api/client';
import { filtersFromSearch, toQuery } from './features/board/filters';
import type { Board } from './api/types';

const { Route: BoardPage, preload: preloadBoardPage } = lazyPreloaded(() => import('./features/board/BoardPage'));
// The board is where staff land: opened at / or /board, its code downloads alongside the session check
// instead of after it, and renders without suspending once there.
// Its data (the board, the catalogs it labels cards with, the workflows of its cards) and the session
// check are requested at once, before React renders: the page's own calls then find them on the way.
// Not at / in a browser whose last user was a customer or consultant: they land on their orders.
const startPath = window.location.pathname;
if ((startPath === '/' && !lastHomeIsPortal()) || startPath.startsWith('/board')) {
  void preloadBoardPage();
  const board = withQuery('/board', toQuery(filtersFromSearch(new URLSearchParams(window.location.search))));
  requestEarly<Board>(board)
    .then((b) => {
      const versions = new Set(b.columns.flatMap((c) => c.cards.map((card) => card.workflow_version_id)));
      for (const v of versions) if (v !== null) void requestEarly(`/workflow-versions/${v}`);
    })
    .catch(() => undefined);
  for (const path of ['/catalog/statuses', '/catalog/priorities', '/users', '/workflows']) void requestEarly(path);
}
if (!/^\/(login|set-password|r\/|form|t\/)/.test(startPath)) void requestEarly('/auth/me');
const AdminPage = lazy(() => import('./features/admin/AdminPage'));
const TicketsPage = lazy(() => import('./features/tickets/TicketsPage'));
const TicketDetailPage = lazy(() => import('./features/tickets/TicketDetailPage'));
const UsersPage = lazy(() => import('./features/accounts/UsersPage'));
const RolesPage = lazy(() => import('./features/accounts/RolesPage'));
const SetPasswordPage = lazy(() => import('./features/accounts/SetPasswordPage'));
const PeoplePage = lazy(() => import('./features/people/PeoplePage'));
const PersonPage = lazy(() => import('./features/people/PersonPage'));
// Workflows (issue 5, FW).
const WorkflowsPage = lazy(() => import('./features/workflows/WorkflowsPage'));
const WorkflowMetricsPage = lazy(() => import('./features/workflows/MetricsPage'));
// Queues, automation rules and macros (issue 5, FQ).
const WorkPage = lazy(() => import('./features/queues/WorkPage'));
const DefaultManagersPage = lazy(() => import('./features/queues/DefaultManagersPage'));
const RulesPage = lazy(() => import('./features/automation/RulesPage'));
const MacrosPage = lazy(() => import('./features/automation/MacrosPage'));
// SLA policies and calendars (issue 6).
const SlaAdminPage = lazy(() => import('./features/sla/SlaAdminPage'));
const ApiKeysPage = lazy(() => import('./features/apikeys/ApiKeysPage'));
// Email, tasks and information requests (issue 6).
const MyTasksPage = lazy(() => import('./features/tasks/MyTasksPage'));
const OutsiderPage = lazy(() => import('./features/tasks/OutsiderPage'));
const MailTemplatesPage = lazy(() => import('./features/mail/TemplatesPage'));
const MailLogPage = lazy(() => import('./features/mail/MailLogPage'));
const MailPreferencesPage = lazy(() => import('./features/mail/PreferencesPage'));
// The anonymous web form and its tracking page (issue 7).
const WebFormPage = lazy(() => import('./features/webform/FormPage'));
const TrackPage = lazy(() => import('./features/webform/TrackPage'));
// Dashboard (issue 7): its chunk carries the charts, loaded only when the dashboard opens.
const DashboardPage = lazy(() => import('./features/dashboard/DashboardPage'));
const ReportsPage = lazy(() => import('./features/reports/ReportsPage'));
// Portals (issue 7): the customer's and consultant's orders and the emailed sign-in link.
const OrdersPage = lazy(() => import('./features/portal/OrdersPage'));
const MagicLinkPage = lazy(() => import('./features/portal/MagicLinkPage'));

function makeQueryClient(): QueryClient {
  const qc = new QueryClient({
    defaultOptions: { queries: { refetchOnWindowFocus: false, retry: 1 } },
  });
  // A 401 from any call means the session ended: show the login page.
  setUnauthorizedHandler(() => qc.setQueryData(sessionKey, null));
  return qc;
}

function Loading() {
  const { t } = useTranslation();
  return <p className="page-status">{t('common.loading')}</p>;
}

/** Home is the index page: customers and consultants follow their orders; staff work the board. */
function Home() {
  const { data: user } = useSession();
  if (isPortalUser(user)) return <Navigate to="/orders" replace />;
  return (
    <Suspense fallback={<Loading />}>
      <BoardPage />
    </Suspense>
  );
}

/** AdminHome sends /admin to the first admin section the user may open (catalogs, users or roles). */
function AdminHome() {
  const { data: user } = useSession();
  return <Navigate to={adminHome(user) ?? '/admin/catalogs/categories'} replace />;
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      {/* No transitions: the board's filters are controlled inputs read from the URL, and a URL
          update in a transition lets the checkbox and selects flip back for a frame or two. */}
      <BrowserRouter useTransitions={false}>
        {/* Inside the router: a toast may carry an in-app link. */}
        <ToastProvider>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route
              path="/login/magic"
              element={
                <Suspense fallback={<Loading />}>
                  <MagicLinkPage />
                </Suspense>
              }
            />
            <Route
              path="/set-password"
              element={
                <Suspense fallback={<Loading />}>
                  <SetPasswordPage />
                </Suspense>
              }
            />
            {/* Email, tasks and information requests (issue 6): the outsider's answer page, outside login. */}
            <Route
              path="/r/:token"
              element={
                <Suspense fallback={<Loading />}>
                  <OutsiderPage />
                </Suspense>
              }
            />
            {/* The anonymous web form and its tracking page (issue 7), outside login. */}
            <Route
              path="/form"
              element={
                <Suspense fallback={<Loading />}>
                  <WebFormPage />
                </Suspense>
              }
            />
            <Route
              path="/t/:token"
              element={
                <Suspense fallback={<Loading />}>
                  <TrackPage />
                </Suspense>
              }
            />
            <Route
              element={
                <RequireAuth>
                  <AppLayout />
                </RequireAuth>
              }
            >
              <Route index element={<Home />} />
              <Route
                path="orders"
                element={
                  <Suspense fallback={<Loading />}>
                    <OrdersPage />
                  </Suspense>
                }
              />
              <Route
                path="board"
                element={
                  <Suspense fallback={<Loading />}>
                    <BoardPage />
                  </Suspense>
                }
              />
              {/* Dashboard (issue 7). */}
              <Route
                path="dashboard"
                element={
                  <Suspense fallback={<Loading />}>
                    <DashboardPage />
                  </Suspense>
                }
              />
              <Route
                path="tickets"
                element={
                  <Suspense fallback={<Loading />}>
                    <TicketsPage />
                  </Suspense>
                }
              />
              <Route
                path="reports"
                element={
                  <Suspense fallback={<Loading />}>
                    <ReportsPage />
                  </Suspense>
                }
              />
              <Route
                path="tickets/:ticketId"
                element={
                  <Suspense fallback={<Loading />}>
                    <TicketDetailPage />
                  </Suspense>
                }
              />
              <Route
                path="people"
                element={
                  <Suspense fallback={<Loading />}>
                    <PeoplePage />
                  </Suspense>
                }
              />
              <Route
                path="people/:personId"
                element={
                  <Suspense fallback={<Loading />}>
                    <PersonPage />
                  </Suspense>
                }
              />
              <Route path="admin" element={<AdminHome />} />
              <Route path="admin/catalogs" element={<Navigate to="/admin/catalogs/categories" replace />} />
              <Route
                path="admin/catalogs/:kind"
                element={
                  <Suspense fallback={<Loading />}>
                    <AdminPage />
                  </Suspense>
                }
              />
              <Route
                path="admin/users"
                element={
                  <Suspense fallback={<Loading />}>
                    <UsersPage />
                  </Suspense>
                }
              />
              <Route
                path="admin/roles"
                element={
                  <Suspense fallback={<Loading />}>
                    <RolesPage />
                  </Suspense>
                }
              />
              {/* Queues, automation rules and macros (issue 5, FQ). */}
              <Route
                path="work"
                element={
                  <Suspense fallback={<Loading />}>
                    <WorkPage />
                  </Suspense>
                }
              />
              <Route
                path="admin/default-managers"
                element={
                  <Suspense fallback={<Loading />}>
                    <DefaultManagersPage />
                  </Suspense>
                }
              />
              <Route
                path="admin/rules"
                element={
                  <Suspense fallback={<Loading />}>
                    <RulesPage />
                  </Suspense>
                }
              />
              <Route
                path="admin/macros"
                element={
                  <Suspense fallback={<Loading />}>
                    <MacrosPage />
                  </Suspense>
                }
              />
              {/* API keys for bots and other systems (issue 7). */}
              <Route
                path="admin/api-keys"
                element={
                  <Suspense fallback={<Loading />}>
                    <ApiKeysPage />
                  </Suspense>
                }
              />
              {/* SLA policies and calendars (issue 6). */}
              <Route
                path="admin/sla"
                element={
                  <Suspense fallback={<Loading />}>
                    <SlaAdminPage />
                  </Suspense>
                }
              />
              {/* Workflows (issue 5, FW) */}
              <Route
                path="admin/workflows/:workflowId?"
                element={
                  <Suspense fallback={<Loading />}>
                    <WorkflowsPage />
                  </Suspense>
                }
              />
              <Route
                path="admin/workflows/:workflowId/metrics"
                element={
                  <Suspense fallback={<Loading />}>
                    <WorkflowMetricsPage />
                  </Suspense>
                }
              />
              {/* Email, tasks and information requests (issue 6). */}
              <Route
                path="tasks"
                element={
                  <Suspense fallback={<Loading />}>
                    <MyTasksPage />
                  </Suspense>
                }
              />
              <Route
                path="settings/notifications"
                element={
                  <Suspense fallback={<Loading />}>
                    <MailPreferencesPage />
                  </Suspense>
                }
              />
              <Route
                path="admin/mail/templates/:key?"
                element={
                  <Suspense fallback={<Loading />}>
                    <MailTemplatesPage />
                  </Suspense>
                }
              />
              <Route
                path="admin/mail/log"
                element={
                  <Suspense fallback={<Loading />}>
                    <MailLogPage />
                  </Suspense>
                }
              />
            </Route>
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </ToastProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
