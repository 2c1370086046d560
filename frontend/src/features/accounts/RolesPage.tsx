// /admin/roles: roles × permissions, grouped by area, each permission with its label and a one-line
// explanation. Each role saves its own column (with its version: a 409 shows the other admin's
// change); the admin role's column is locked, all checked. Custom roles are created, renamed, deleted.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { AccessRole } from '../../api/types';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { useToast } from '../toast/toast';
import { RoleDialog } from './RoleDialog';
import { conflictRole, dirtyRoles, groupPermissions, lockedRole, roleName, togglePerm } from './roles';

export default function RolesPage() {
  const allowed = useCan('users.manage');
  if (!allowed) return <AdminForbidden />;
  return <RolesAdmin />;
}

function RolesAdmin() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const perms = useQuery({ queryKey: ['permissions'], queryFn: ({ signal }) => api.permissions(signal), staleTime: Infinity });
  const roles = useQuery({ queryKey: ['roles'], queryFn: ({ signal }) => api.roles(signal) });
  const [drafts, setDrafts] = useState<Record<number, string[]>>({});
  const [dialog, setDialog] = useState<AccessRole | 'new' | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);
  const [notes, setNotes] = useState<Record<number, string>>({});

  const list = roles.data?.items ?? [];
  const groups = groupPermissions(perms.data?.items ?? []);
  const dirty = new Set(dirtyRoles(list, drafts));
  const keysOf = (r: AccessRole) => drafts[r.id] ?? r.permissions;
  const note = (id: number, text: string | null) =>
    setNotes((n) => {
      const next = { ...n };
      if (text === null) delete next[id];
      else next[id] = text;
      return next;
    });

  const save = useMutation({
    mutationFn: (r: AccessRole) => api.updateRole(r.id, { version: r.version, permissions: keysOf(r) }),
    onSuccess: (r) => {
      setDrafts(({ [r.id]: _saved, ...rest }) => rest);
      note(r.id, t('accounts.roles.saved'));
      void qc.invalidateQueries({ queryKey: ['roles'] });
    },
    onError: (err, r) => {
      const cur = conflictRole(err);
      if (cur) setDrafts(({ [r.id]: _lost, ...rest }) => rest);
      note(r.id, err.message);
      void qc.invalidateQueries({ queryKey: ['roles'] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => api.deleteRole(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['roles'] }),
    onError: (err) => toast.show(err.message),
    onSettled: () => setConfirmDelete(null),
  });

  return (
    <main className="admin">
      <AdminNav />
      <section className="admin__panel" aria-labelledby="roles-title">
        <div className="admin__head">
          <h2 id="roles-title" className="admin__kind-title">
            {t('accounts.roles.title')}
          </h2>
          <button type="button" className="btn btn--primary" onClick={() => setDialog('new')} data-testid="role-new">
            {t('accounts.roles.new')}
          </button>
        </div>
        {(roles.isError || perms.isError) && (
          <p className="page-status" role="alert">
            {(roles.error ?? perms.error)?.message}
          </p>
        )}
        <div className="admin-table__wrap acc-grid__wrap">
          <table className="admin-table acc-grid">
            <thead>
              <tr>
                <th scope="col" className="acc-grid__perm">
                  {t('accounts.roles.permission')}
                </th>
                {list.map((r) => (
                  <th key={r.id} scope="col" className="acc-grid__role" data-testid={`role-col-${r.key}`}>
                    <span className="acc-grid__name">{roleName(r, i18n.language)}</span>
                    <span className="acc-grid__count">{t('accounts.roles.users', { count: r.users_count })}</span>
                    <span className="acc-grid__tools">
                      <button type="button" className="btn btn--subtle" onClick={() => setDialog(r)} data-testid={`role-rename-${r.key}`}
                        aria-label={t('accounts.roles.renameLabel', { name: roleName(r, i18n.language) })}>
                        {t('accounts.roles.rename')}
                      </button>
                      {!r.builtin &&
                        (confirmDelete === r.id ? (
                          <button type="button" className="btn btn--danger" onClick={() => remove.mutate(r.id)} data-testid={`role-delete-confirm-${r.key}`}>
                            {t('admin.deleteConfirm')}
                          </button>
                        ) : (
                          <button type="button" className="btn btn--danger-text" onClick={() => setConfirmDelete(r.id)} data-testid={`role-delete-${r.key}`}
                            aria-label={t('admin.deleteLabel', { name: roleName(r, i18n.language) })}>
                            {t('admin.delete')}
                          </button>
                        ))}
                    </span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <Fragment key={g.group}>
                  <tr className="acc-grid__group">
                    <th scope="colgroup" colSpan={list.length + 1}>
                      {t(`accounts.groups.${g.group}`)}
                    </th>
                  </tr>
                  {g.keys.map((key) => (
                    <tr key={key} data-testid={`perm-row-${key}`}>
                      <th scope="row" className="acc-grid__perm">
                        <span className="acc-grid__label">{t(`accounts.perms.${key}.label`)}</span>
                        <span className="acc-grid__help">{t(`accounts.perms.${key}.help`)}</span>
                      </th>
                      {list.map((r) => {
                        const locked = lockedRole(r);
                        return (
                          <td key={r.id} className="acc-grid__cell">
                            <input
                              type="checkbox"
                              data-testid={`perm-${r.key}-${key}`}
                              aria-label={t('accounts.roles.cellLabel', { role: roleName(r, i18n.language), perm: t(`accounts.perms.${key}.label`) })}
                              checked={locked || keysOf(r).includes(key)}
                              disabled={locked}
                              onChange={(e) => {
                                note(r.id, null);
                                setDrafts((d) => ({ ...d, [r.id]: togglePerm(keysOf(r), key, e.target.checked) }));
                              }}
                            />
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </Fragment>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('accounts.roles.saveRow')}</th>
                {list.map((r) => (
                  <td key={r.id} className="acc-grid__cell">
                    {lockedRole(r) ? (
                      <span className="acc-grid__locked">{t('accounts.roles.locked')}</span>
                    ) : (
                      <button type="button" className="btn btn--primary" disabled={!dirty.has(r.id) || save.isPending}
                        onClick={() => save.mutate(r)} data-testid={`role-save-${r.key}`}>
                        {t('admin.save')}
                      </button>
                    )}
                    {notes[r.id] && (
                      <p className="acc-grid__note" role="status" data-testid={`role-note-${r.key}`}>
                        {notes[r.id]}
                      </p>
                    )}
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </div>
      </section>
      {dialog !== null && <RoleDialog key={dialog === 'new' ? 'new' : dialog.id} role={dialog === 'new' ? null : dialog} onClose={() => setDialog(null)} />}
    </main>
  );
}
