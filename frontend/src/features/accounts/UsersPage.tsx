// /admin/users: every account with its role, custom roles, status and language; search and filters in
// the URL; "Invite user"; a row opens its edit panel. Disabled accounts are greyed.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../../api/endpoints';
import type { AdminUser } from '../../api/types';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { accountStatuses, builtinRoles, parseUserFilters, userFiltersToParams, userQuery } from './filters';
import type { UserFilters } from './filters';
import { InviteDialog } from './InviteDialog';
import { roleName } from './roles';
import { UserDialog } from './UserDialog';

export default function UsersPage() {
  const allowed = useCan('users.manage');
  if (!allowed) return <AdminForbidden />;
  return <UsersAdmin />;
}

function UsersAdmin() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseUserFilters(params), [params]);
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const roles = useQuery({ queryKey: ['roles'], queryFn: ({ signal }) => api.roles(signal) });
  const users = useInfiniteQuery({
    queryKey: ['admin-users', filters],
    queryFn: ({ pageParam, signal }) => api.adminUsers(userQuery(filters, pageParam), signal),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const set = (f: Partial<UserFilters>) => setParams(userFiltersToParams({ ...filters, ...f }), { replace: true });
  const allRoles = roles.data?.items ?? [];
  const byId = new Map(allRoles.map((r) => [r.id, r]));
  const builtinName = (key: string) => {
    const r = allRoles.find((x) => x.builtin && x.key === key);
    return r ? roleName(r, i18n.language) : key;
  };
  const rows = users.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <main className="admin">
      <AdminNav />
      <section className="admin__panel" aria-labelledby="users-title">
        <div className="admin__head">
          <h2 id="users-title" className="admin__kind-title">
            {t('accounts.users.title')}
          </h2>
          <button type="button" className="btn btn--primary" onClick={() => setInviting(true)} data-testid="invite-open">
            {t('accounts.invite.open')}
          </button>
        </div>
        <div className="acc-filters" role="search">
          <label className="acc-filters__q">
            <span className="visually-hidden">{t('accounts.users.search')}</span>
            <input type="search" placeholder={t('accounts.users.search')} value={filters.q} maxLength={200}
              data-testid="users-search" onChange={(e) => set({ q: e.target.value })} />
          </label>
          <label>
            <span className="visually-hidden">{t('accounts.users.roleFilter')}</span>
            <select value={filters.role} data-testid="users-role" onChange={(e) => set({ role: e.target.value as UserFilters['role'] })}>
              <option value="">{t('accounts.users.anyRole')}</option>
              {builtinRoles.map((r) => (
                <option key={r} value={r}>
                  {builtinName(r)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span className="visually-hidden">{t('accounts.users.statusFilter')}</span>
            <select value={filters.status} data-testid="users-status" onChange={(e) => set({ status: e.target.value as UserFilters['status'] })}>
              <option value="">{t('accounts.users.anyStatus')}</option>
              {accountStatuses.map((s) => (
                <option key={s} value={s}>
                  {t(`accounts.status.${s}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {users.isError && (
          <p className="page-status" role="alert">
            {users.error.message}
          </p>
        )}
        <div className="admin-table__wrap">
          <table className="admin-table acc-users">
            <thead>
              <tr>
                <th scope="col">{t('accounts.fields.name')}</th>
                <th scope="col">{t('accounts.fields.email')}</th>
                <th scope="col">{t('accounts.fields.role')}</th>
                <th scope="col">{t('accounts.fields.customRoles')}</th>
                <th scope="col">{t('accounts.fields.status')}</th>
                <th scope="col">{t('accounts.fields.locale')}</th>
              </tr>
            </thead>
            <tbody>
              {users.isPending && (
                <tr>
                  <td colSpan={6} className="admin-table__empty">
                    {t('common.loading')}
                  </td>
                </tr>
              )}
              {users.isSuccess && rows.length === 0 && (
                <tr>
                  <td colSpan={6} className="admin-table__empty">
                    {t('accounts.users.empty')}
                  </td>
                </tr>
              )}
              {rows.map((u) => (
                <tr key={u.id} className={u.status === 'disabled' ? 'acc-row acc-row--disabled' : 'acc-row'} data-testid={`user-row-${u.id}`}>
                  <td data-label={t('accounts.fields.name')}>
                    <button type="button" className="acc-row__open" onClick={() => setEditing(u)} data-testid={`user-open-${u.id}`}>
                      {u.name}
                    </button>
                  </td>
                  <td data-label={t('accounts.fields.email')}>{u.email}</td>
                  <td data-label={t('accounts.fields.role')}>{builtinName(u.role)}</td>
                  <td data-label={t('accounts.fields.customRoles')}>
                    {u.role_ids.map((id) => {
                      const r = byId.get(id);
                      return r ? roleName(r, i18n.language) : `#${id}`;
                    }).join(', ')}
                  </td>
                  <td data-label={t('accounts.fields.status')}>
                    <span className={`badge acc-status acc-status--${u.status}`}>{t(`accounts.status.${u.status}`)}</span>
                  </td>
                  <td data-label={t('accounts.fields.locale')}>{t(`accounts.locale.${u.locale}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {users.hasNextPage && (
          <button type="button" className="btn acc-more" onClick={() => void users.fetchNextPage()} disabled={users.isFetchingNextPage}>
            {t('accounts.users.more')}
          </button>
        )}
      </section>
      {inviting && <InviteDialog roles={allRoles} onClose={() => setInviting(false)} />}
      {editing && <UserDialog key={editing.id} user={editing} roles={allRoles} onClose={() => setEditing(null)} />}
    </main>
  );
}
