// Saved views of the records table: each one a name and the table's URL query. Apply (navigate to
// /tickets?<query>), save the current view, rename, delete.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { SavedView } from '../../api/types';
import { useToast } from '../toast/toast';
import { Dialog } from './Dialog';
import { canonicalSearch } from './filters';

const viewsKey = ['views'] as const;

interface Props {
  /** query: the current view's canonical URL query (without '?'). */
  query: string;
}

type Editing = { mode: 'create' } | { mode: 'rename'; view: SavedView } | null;

function NameDialog({ editing, query, onClose }: { editing: Exclude<Editing, null>; query: string; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const inputId = useId();
  const errorId = useId();
  const [name, setName] = useState(editing.mode === 'rename' ? editing.view.name : '');
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (n: string) => (editing.mode === 'rename' ? api.updateView(editing.view.id, { name: n }) : api.createView({ name: n, query })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: viewsKey });
      onClose();
    },
    onError: (err) => {
      if (err instanceof ApiError) setError(err.fields.name ?? err.message);
      else setError(t('errors.unknown'));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (n === '' || n.length > 80) {
      setError(t('tickets.views.nameLength'));
      return;
    }
    save.mutate(n);
  };
  return (
    <form className="dialog__form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={inputId} className="field__label">
          {t('tickets.views.name')}
        </label>
        <input
          id={inputId}
          data-testid="view-name"
          type="text"
          className="input"
          maxLength={80}
          value={name}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? errorId : undefined}
          onChange={(e) => {
            setName(e.target.value);
            setError(null);
          }}
        />
        {error !== null && (
          <p id={errorId} className="field__error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('ticket.cancel')}
        </button>
        <button type="submit" className="btn btn--primary" data-testid="view-submit" disabled={save.isPending}>
          {editing.mode === 'rename' ? t('tickets.views.rename') : t('tickets.views.save')}
        </button>
      </div>
    </form>
  );
}

export function ViewsMenu({ query }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const panelId = useId();
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState<Editing>(null);
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const views = useQuery({ queryKey: viewsKey, queryFn: ({ signal }) => api.views(signal).then((r) => r.items), staleTime: 60_000 });
  const remove = useMutation({
    mutationFn: (id: number) => api.deleteView(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: viewsKey }),
    onError: (err) => toast.show(err instanceof Error ? err.message : t('errors.unknown')),
    onSettled: () => setConfirmDelete(null),
  });

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    setConfirmDelete(null);
    buttonRef.current?.focus();
  };
  const items = views.data ?? [];

  return (
    <div className="views" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="btn"
        data-testid="views-menu"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        {t('tickets.views.menu')} ▾
      </button>
      {open && (
        <div
          id={panelId}
          className="views__panel"
          role="group"
          aria-label={t('tickets.views.menu')}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
          }}
        >
          {views.isPending ? (
            <p className="views__empty">{t('common.loading')}</p>
          ) : views.error ? (
            <p className="views__empty" role="alert">
              {views.error.message}
            </p>
          ) : items.length === 0 ? (
            <p className="views__empty">{t('tickets.views.empty')}</p>
          ) : (
            <ul className="views__list">
              {items.map((v) => {
                const current = canonicalSearch(v.query) === query;
                return (
                  <li key={v.id} className={`views__item${current ? ' views__item--current' : ''}`}>
                    <a
                      href={`/tickets${v.query ? `?${v.query}` : ''}`}
                      className="views__apply"
                      data-testid={`view-${v.id}`}
                      aria-current={current ? 'true' : undefined}
                      onClick={(e) => {
                        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                        e.preventDefault();
                        setOpen(false);
                        void navigate({ pathname: '/tickets', search: v.query ? `?${v.query}` : '' });
                      }}
                    >
                      {v.name}
                    </a>
                    {confirmDelete === v.id ? (
                      <span className="views__confirm">
                        <button type="button" className="btn btn--danger btn--small" data-testid={`view-delete-confirm-${v.id}`} onClick={() => remove.mutate(v.id)}>
                          {t('tickets.views.deleteConfirm')}
                        </button>
                        <button type="button" className="btn btn--small" onClick={() => setConfirmDelete(null)}>
                          {t('ticket.cancel')}
                        </button>
                      </span>
                    ) : (
                      <span className="views__actions">
                        <button
                          type="button"
                          className="btn btn--ghost btn--small"
                          data-testid={`view-rename-${v.id}`}
                          aria-label={t('tickets.views.renameNamed', { name: v.name })}
                          onClick={() => {
                            setOpen(false);
                            setEditing({ mode: 'rename', view: v });
                          }}
                        >
                          ✎
                        </button>
                        <button
                          type="button"
                          className="btn btn--ghost btn--small"
                          data-testid={`view-delete-${v.id}`}
                          aria-label={t('tickets.views.deleteNamed', { name: v.name })}
                          onClick={() => setConfirmDelete(v.id)}
                        >
                          ✕
                        </button>
                      </span>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          <button
            type="button"
            className="btn btn--primary views__save"
            data-testid="view-save"
            onClick={() => {
              setOpen(false);
              setEditing({ mode: 'create' });
            }}
          >
            {t('tickets.views.saveCurrent')}
          </button>
        </div>
      )}
      <Dialog
        open={editing !== null}
        title={editing?.mode === 'rename' ? t('tickets.views.renameTitle') : t('tickets.views.saveTitle')}
        onClose={() => setEditing(null)}
        testId="view-dialog"
      >
        {editing !== null && <NameDialog editing={editing} query={query} onClose={() => setEditing(null)} />}
      </Dialog>
    </div>
  );
}
