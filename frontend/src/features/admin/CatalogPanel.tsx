// One catalog's table: every entry with its names in both languages, key, kind-specific columns,
// active badge and use count; create, edit, (de)activate, delete when unused, reorder with up/down
// buttons, and each entry's history.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { AnyCatalogEntry, CannedResponse, Catalogs, CatalogKind, Category, NoteReason, Priority, Queue, Status } from '../../api/types';
import { catalogsKey, invalidateCatalogs, useCatalogs } from '../catalog/useCatalogs';
import { useToast } from '../toast/toast';
import { conflictCurrent } from './conflict';
import { EntryDialog } from './EntryDialog';
import type { Editing } from './EntryDialog';
import { HistoryDrawer } from './HistoryDrawer';
import { canCreate, canReorder, deletable, entriesOf, tracksUse, withEntries } from './kinds';
import { PrioritySchemeControl } from './PrioritySchemeControl';
import { moved, rowsOf, withPositions } from './rows';
import type { Row } from './rows';

interface Props {
  kind: CatalogKind;
}

/** extraColumns are the kind-specific columns, as keys under admin.columns. */
const extraColumns: Record<CatalogKind, string[]> = {
  categories: ['description'],
  'kb-categories': [],
  statuses: ['group', 'color', 'wip', 'pausesSla'],
  priorities: ['matrix', 'color'],
  channels: [],
  queues: ['level'],
  'note-reasons': ['noteKind'],
  'canned-responses': ['body'],
};

function excerpt(s: string, n = 80): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function CatalogPanel({ kind }: Props) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const catalogs = useCatalogs();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [history, setHistory] = useState<AnyCatalogEntry | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);
  // The move button to focus once the table shows a move (React may re-insert the focused row).
  const focusAfterMove = useRef<{ id: string; before: Row[] } | null>(null);
  const en = i18n.language === 'en';

  const data = catalogs.data;
  const rows = useMemo(() => (data ? rowsOf(kind, entriesOf(data, kind)) : []), [data, kind]);
  const categories = data?.categories ?? [];

  const refused = (err: unknown) => {
    if (err instanceof ApiError && err.status === 409 && conflictCurrent(err.body)) toast.show(t('admin.staleRow'));
    else toast.show(err instanceof Error ? err.message : t('errors.unknown'));
    void invalidateCatalogs(qc);
  };

  const write = useMutation({
    mutationFn: (run: () => Promise<unknown>) => run(),
    onSuccess: () => invalidateCatalogs(qc),
    onError: refused,
  });

  const reorder = useMutation({
    mutationFn: (ids: number[]) => api.reorderCatalog(kind, ids),
    onMutate: async (ids) => {
      await qc.cancelQueries({ queryKey: catalogsKey, exact: true });
      const prev = qc.getQueryData<Catalogs>(catalogsKey);
      if (prev) qc.setQueryData<Catalogs>(catalogsKey, withEntries(prev, kind, withPositions(entriesOf(prev, kind), ids)));
      return { prev };
    },
    onError: (err, _ids, ctx) => {
      if (ctx?.prev) qc.setQueryData(catalogsKey, ctx.prev);
      refused(err);
    },
    onSettled: () => invalidateCatalogs(qc),
  });

  useEffect(() => {
    const f = focusAfterMove.current;
    if (f === null || rows === f.before) return;
    focusAfterMove.current = null;
    document.getElementById(f.id)?.focus();
  }, [rows]);

  const move = (row: Row, delta: -1 | 1) => {
    // One move at a time: the next one is computed from the order the server confirmed.
    if (reorder.isPending) return;
    const ids = moved(row.scope, row.entry.id, delta);
    if (ids === null) return;
    reorder.mutate(ids);
    // Keep the focus on the moved row: the same button, or the other one once it reached an end.
    const index = row.index + delta;
    const dir = delta === -1 ? 'up' : 'down';
    const atEnd = (dir === 'up' && index === 0) || (dir === 'down' && index === row.scope.length - 1);
    focusAfterMove.current = { id: `admin-${atEnd ? (dir === 'up' ? 'down' : 'up') : dir}-${row.entry.id}`, before: rows };
  };

  if (catalogs.isPending) return <p className="page-status">{t('common.loading')}</p>;
  if (catalogs.isError) {
    return (
      <p className="page-status" role="alert">
        {catalogs.error.message}
      </p>
    );
  }
  const kindName = t(`admin.kinds.${kind}`);
  const uses = tracksUse(kind);
  const reorderable = canReorder(kind);
  const busy = write.isPending || reorder.isPending;

  const kindCells = (e: AnyCatalogEntry) => {
    switch (kind) {
      case 'categories': {
        const c = e as Category;
        return [<td key="d" className="admin-table__desc">{excerpt(en ? c.description_en : c.description_es)}</td>];
      }
      case 'statuses': {
        const s = e as Status;
        return [
          <td key="g">{t(`group.${s.group}`)}</td>,
          <td key="c">
            <span className="admin-swatch" style={{ background: s.color }} aria-hidden="true" /> <code>{s.color}</code>
          </td>,
          <td key="w">{s.wip_limit ?? t('admin.none')}</td>,
          <td key="p">{s.pauses_sla ? t('admin.yes') : t('admin.no')}</td>,
        ];
      }
      case 'priorities': {
        const p = e as Priority;
        return [
          <td key="m">
            {p.important ? t('admin.important') : t('admin.notImportant')} × {p.urgent ? t('admin.urgent') : t('admin.notUrgent')}
          </td>,
          <td key="c">
            <span className="admin-swatch" style={{ background: p.color }} aria-hidden="true" /> <code>{p.color}</code>
          </td>,
        ];
      }
      case 'queues':
        return [<td key="l">{(e as Queue).level}</td>];
      case 'note-reasons':
        return [<td key="k">{t(`admin.noteKind.${(e as NoteReason).kind}`)}</td>];
      case 'canned-responses': {
        const c = e as CannedResponse;
        return [<td key="b" className="admin-table__desc">{excerpt(en ? c.body_en : c.body_es)}</td>];
      }
      default:
        return [];
    }
  };

  return (
    <section className="admin__panel" aria-labelledby="admin-kind-title">
      <div className="admin__head">
        <h2 id="admin-kind-title" className="admin__kind-title" tabIndex={-1}>
          {kindName}
        </h2>
        {canCreate(kind) && (
          <button
            type="button"
            className="btn btn--primary"
            data-testid="admin-new"
            onClick={() => setEditing({ mode: 'create', parentId: null })}
          >
            {kind === 'categories' ? t('admin.newCategory') : t('admin.new')}
          </button>
        )}
      </div>
      {kind === 'priorities' && data && <PrioritySchemeControl current={data.priority_scheme} />}
      <div className="admin-table__wrap">
        <table className="admin-table" data-testid="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.columns.name')}</th>
              <th scope="col">{t('admin.columns.key')}</th>
              {extraColumns[kind].map((c) => (
                <th key={c} scope="col">
                  {t(`admin.columns.${c}`)}
                </th>
              ))}
              <th scope="col">{t('admin.columns.active')}</th>
              {uses && <th scope="col">{t('admin.columns.inUse')}</th>}
              <th scope="col">
                <span className="visually-hidden">{t('admin.columns.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={4 + extraColumns[kind].length + (uses ? 1 : 0)} className="admin-table__empty">
                  {t('admin.empty')}
                </td>
              </tr>
            )}
            {rows.map((row) => {
              const e = row.entry;
              const name = en ? e.name_en : e.name_es;
              const other = en ? e.name_es : e.name_en;
              const isTop = kind === 'categories' && row.depth === 0;
              return (
                <tr
                  key={e.id}
                  data-testid={`admin-row-${e.key}`}
                  data-active={e.active}
                  className={`admin-row${row.depth === 1 ? ' admin-row--sub' : ''}${e.active ? '' : ' admin-row--inactive'}`}
                >
                  <th scope="row" className="admin-name">
                    <span className="admin-name__main">{name}</span>
                    <span className="admin-name__other" lang={en ? 'es' : 'en'}>
                      {other}
                    </span>
                  </th>
                  <td>
                    <code>{e.key}</code>
                  </td>
                  {kindCells(e)}
                  <td>
                    <span className={e.active ? 'badge badge--on' : 'badge badge--off'}>
                      {e.active ? t('admin.active') : t('admin.inactive')}
                    </span>
                  </td>
                  {uses && <td className="admin-table__num">{e.in_use}</td>}
                  <td className="admin-table__actions">
                    <div className="admin-actions">
                    {reorderable && (
                      <>
                        <button
                          type="button"
                          id={`admin-up-${e.id}`}
                          className="btn btn--subtle admin-actions__move"
                          data-testid={`admin-up-${e.key}`}
                          aria-label={t('admin.moveUp', { name })}
                          disabled={row.index === 0}
                          onClick={() => move(row, -1)}
                        >
                          ↑
                        </button>
                        <button
                          type="button"
                          id={`admin-down-${e.id}`}
                          className="btn btn--subtle admin-actions__move"
                          data-testid={`admin-down-${e.key}`}
                          aria-label={t('admin.moveDown', { name })}
                          disabled={row.index === row.scope.length - 1}
                          onClick={() => move(row, 1)}
                        >
                          ↓
                        </button>
                      </>
                    )}
                    <button
                      type="button"
                      className="btn btn--subtle"
                      data-testid={`admin-edit-${e.key}`}
                      aria-label={t('admin.editLabel', { name })}
                      onClick={() => setEditing({ mode: 'edit', entry: e })}
                    >
                      {t('admin.edit')}
                    </button>
                    {isTop && (
                      <button
                        type="button"
                        className="btn btn--subtle"
                        data-testid={`admin-add-sub-${e.key}`}
                        aria-label={t('admin.addSubLabel', { name })}
                        onClick={() => setEditing({ mode: 'create', parentId: e.id })}
                      >
                        {t('admin.addSub')}
                      </button>
                    )}
                    <button
                      type="button"
                      className="btn btn--subtle"
                      data-testid={`admin-toggle-${e.key}`}
                      aria-label={e.active ? t('admin.deactivateLabel', { name }) : t('admin.activateLabel', { name })}
                      onClick={() => {
                        if (!busy) write.mutate(() => api.updateCatalogEntry(kind, e.id, { version: e.version, active: !e.active }));
                      }}
                    >
                      {e.active ? t('admin.deactivate') : t('admin.activate')}
                    </button>
                    <button
                      type="button"
                      className="btn btn--subtle"
                      data-testid={`admin-history-${e.key}`}
                      aria-label={t('admin.historyLabel', { name })}
                      onClick={() => setHistory(e)}
                    >
                      {t('admin.historyButton')}
                    </button>
                    {kind !== 'priorities' &&
                      (deletable(kind, e) ? (
                        confirmDelete === e.id ? (
                          <span className="admin-actions__confirm" role="group" aria-label={t('admin.deleteConfirmLabel', { name })}>
                            <button
                              type="button"
                              className="btn btn--danger"
                              data-testid={`admin-delete-confirm-${e.key}`}
                              autoFocus
                              onClick={() => {
                                if (busy) return;
                                setConfirmDelete(null);
                                write.mutate(() => api.deleteCatalogEntry(kind, e.id), {
                                  // The row is gone: put the focus on the table's heading.
                                  onSuccess: () => document.getElementById('admin-kind-title')?.focus(),
                                });
                              }}
                            >
                              {t('admin.deleteConfirm')}
                            </button>
                            <button type="button" className="btn btn--subtle" onClick={() => setConfirmDelete(null)}>
                              {t('admin.cancel')}
                            </button>
                          </span>
                        ) : (
                          <button
                            type="button"
                            className="btn btn--subtle btn--danger-text"
                            data-testid={`admin-delete-${e.key}`}
                            aria-label={t('admin.deleteLabel', { name })}
                            onClick={() => setConfirmDelete(e.id)}
                          >
                            {t('admin.delete')}
                          </button>
                        )
                      ) : (
                        <span className="admin-actions__hint" data-testid={`admin-in-use-${e.key}`}>
                          {t('admin.inUseHint', { count: e.in_use })}
                        </span>
                      ))}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {editing && <EntryDialog kind={kind} editing={editing} categories={categories} onClose={() => setEditing(null)} />}
      {history && <HistoryDrawer kind={kind} entry={history} onClose={() => setHistory(null)} />}
    </section>
  );
}
