// /admin/default-managers: who gets a new ticket first, by category and queue (each or any); the most
// specific row wins (contract §2). Rows are added and removed here and saved together. Needs catalog.manage.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { useAssignees } from '../board/catalog';
import { useCatalogs, useLabel } from '../catalog/useCatalogs';
import { newRow, rowsBody, rowsOf, validateRows } from './managers';
import type { ManagerRow } from './managers';

const managersKey = ['default-managers'] as const;

export default function DefaultManagersPage() {
  const allowed = useCan('catalog.manage');
  if (!allowed) return <AdminForbidden />;
  return <ManagersAdmin />;
}

function ManagersAdmin() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const label = useLabel();
  const catalogs = useCatalogs();
  const users = useAssignees();
  const stored = useQuery({ queryKey: managersKey, queryFn: ({ signal }) => api.defaultManagers(signal) });
  // The stored rows until the admin edits them; then the admin's.
  const initial = useMemo(() => (stored.data ? rowsOf(stored.data.items) : null), [stored.data]);
  const [edited, setRows] = useState<ManagerRow[] | null>(null);
  const rows = edited ?? initial;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const [saving, setSaving] = useState(false);

  const categories = (catalogs.data?.categories ?? []).filter((c) => c.active);
  const queues = (catalogs.data?.queues ?? []).filter((q) => q.active);
  const nameOfCategory = (id: number) => {
    const c = categories.find((x) => x.id === id);
    const parent = c?.parent_id != null ? categories.find((x) => x.id === c.parent_id) : undefined;
    return parent ? `${label(parent)} / ${label(c)}` : label(c);
  };
  const errorOf = (path: string) => {
    const e = errors[path];
    return e === undefined ? undefined : e.startsWith('!') ? e.slice(1) : t(`queues.managers.errors.${e}`);
  };
  const edit = (i: number, patch: Partial<ManagerRow>) => setRows((rs) => (rs ?? initial ?? []).map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const save = async () => {
    if (rows === null || saving) return;
    const found = validateRows(rows);
    setErrors(found);
    setMessage(null);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      const res = await api.saveDefaultManagers(rowsBody(rows));
      qc.setQueryData(managersKey, res);
      setRows(rowsOf(res.items));
      setMessage({ text: t('queues.managers.saved'), ok: true });
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, `!${v}`])));
        setMessage({ text: err.message, ok: false });
      } else setMessage({ text: t('errors.unknown'), ok: false });
    } finally {
      setSaving(false);
    }
  };

  const sel = (i: number, key: 'category_id' | 'queue_id' | 'user_id', r: ManagerRow, options: { id: number; label: string }[], any: string) => {
    const id = `dm-${r.key}-${key}`;
    const err = errorOf(`items[${i}].${key}`);
    return (
      <td>
        <label htmlFor={id} className="visually-hidden">
          {t(`queues.managers.${key}`)}
        </label>
        <select
          id={id}
          className="input"
          data-testid={`dm-${i}-${key}`}
          value={r[key]}
          aria-invalid={err !== undefined}
          aria-describedby={err !== undefined ? `${id}-error` : undefined}
          onChange={(e) => edit(i, { [key]: e.target.value })}
        >
          <option value="">{any}</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
        {err !== undefined && (
          <p id={`${id}-error`} className="field__error">
            {err}
          </p>
        )}
      </td>
    );
  };

  return (
    <main className="admin">
      <AdminNav />
      <section className="admin__panel" aria-labelledby="dm-title" data-testid="default-managers-page">
        <div className="admin__head">
          <h2 id="dm-title" className="admin__kind-title">
            {t('queues.managers.title')}
          </h2>
        </div>
        <p className="form-field__hint">{t('queues.managers.hint')}</p>
        {stored.isPending || rows === null ? (
          stored.isError ? (
            <p className="page-status" role="alert">
              {stored.error.message}
            </p>
          ) : (
            <p className="page-status">{t('common.loading')}</p>
          )
        ) : (
          <>
            <div className="admin-table__wrap">
              <table className="admin-table dm-table" data-testid="dm-table">
                <thead>
                  <tr>
                    <th scope="col">{t('queues.managers.category_id')}</th>
                    <th scope="col">{t('queues.managers.queue_id')}</th>
                    <th scope="col">{t('queues.managers.user_id')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('work.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r, i) => (
                    <tr key={r.key} data-testid={`dm-row-${i}`}>
                      {sel(i, 'category_id', r, categories.map((c) => ({ id: c.id, label: nameOfCategory(c.id) })), t('queues.managers.any'))}
                      {sel(i, 'queue_id', r, queues.map((q) => ({ id: q.id, label: label(q) })), t('queues.managers.any'))}
                      {sel(i, 'user_id', r, (users.data ?? []).map((u) => ({ id: u.id, label: u.name })), t('queues.choose'))}
                      <td>
                        <button
                          type="button"
                          className="btn btn--ghost btn--small"
                          data-testid={`dm-remove-${i}`}
                          aria-label={t('queues.managers.remove', { n: i + 1 })}
                          onClick={() => setRows((rs) => (rs ?? initial ?? []).filter((_, j) => j !== i))}
                        >
                          ×
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {rows.length === 0 && <p className="page-status">{t('queues.managers.empty')}</p>}
            <div className="dm-actions">
              <button type="button" className="btn" data-testid="dm-add" onClick={() => setRows((rs) => [...(rs ?? initial ?? []), newRow()])}>
                {t('queues.managers.add')}
              </button>
              <button type="button" className="btn btn--primary" data-testid="dm-save" disabled={saving} onClick={() => void save()}>
                {saving ? t('automation.saving') : t('automation.save')}
              </button>
              {message !== null && (
                <p className={message.ok ? 'dm-actions__ok' : 'field__error'} role={message.ok ? 'status' : 'alert'} data-testid="dm-message">
                  {message.text}
                </p>
              )}
            </div>
          </>
        )}
      </section>
    </main>
  );
}
