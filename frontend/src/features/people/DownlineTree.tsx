// The downline as a tree: a person's direct children, each openable to show theirs, loaded a page at
// a time when first opened. Buttons carry aria-expanded; the tree is a nested list.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useReducer } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/endpoints';
import { branch, needsLoad, treeReducer } from './tree';
import type { TreeAction, TreeState } from './tree';

interface Props {
  rootId: number;
  /** version changes when the genealogy under the root may have changed: the tree reloads. */
  version: number;
}

export function DownlineTree({ rootId, version }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [state, dispatch] = useReducer(treeReducer, {
    [rootId]: { open: true, loading: false, items: [], next: null, loaded: false, error: null },
  });

  const load = useCallback(
    async (id: number, cursor: string | null) => {
      dispatch({ type: 'loading', id });
      try {
        const page = await qc.fetchQuery({
          queryKey: ['downline', id, cursor],
          queryFn: ({ signal }) => api.downline(id, cursor, signal),
          staleTime: 0,
        });
        dispatch({ type: 'loaded', id, items: page.items, next: page.next_cursor, append: cursor !== null });
      } catch (err) {
        dispatch({ type: 'failed', id, message: err instanceof Error ? err.message : t('errors.unknown') });
      }
    },
    [qc, t],
  );

  useEffect(() => {
    dispatch({ type: 'reset' });
    dispatch({ type: 'toggle', id: rootId });
  }, [rootId, version]);

  useEffect(() => {
    for (const [key, b] of Object.entries(state)) {
      if (needsLoad(b)) void load(Number(key), null);
    }
  }, [state, load]);

  return (
    <div className="downline" data-testid="downline-tree">
      <Children id={rootId} state={state} dispatch={dispatch} load={load} />
    </div>
  );
}

interface ChildrenProps {
  id: number;
  state: TreeState;
  dispatch: (a: TreeAction) => void;
  load: (id: number, cursor: string | null) => Promise<void>;
}

function Children({ id, state, dispatch, load }: ChildrenProps) {
  const { t } = useTranslation();
  const b = branch(state, id);
  if (b.error !== null) {
    return (
      <p className="downline__note" role="alert">
        {b.error}{' '}
        <button type="button" className="btn btn--subtle" onClick={() => void load(id, b.next)}>
          {t('common.retry')}
        </button>
      </p>
    );
  }
  if (!b.loaded) return <p className="downline__note">{t('common.loading')}</p>;
  if (b.items.length === 0) return <p className="downline__note">{t('people.tree.empty')}</p>;
  return (
    <ul className="downline__list">
      {b.items.map((p) => {
        const child = branch(state, p.id);
        return (
          <li key={p.id} className="downline__item" data-testid={`downline-node-${p.id}`}>
            <div className="downline__row">
              {p.direct_count > 0 ? (
                <button
                  type="button"
                  className="downline__toggle"
                  aria-expanded={child.open}
                  aria-label={t(child.open ? 'people.tree.collapse' : 'people.tree.expand', { name: p.name })}
                  data-testid={`downline-toggle-${p.id}`}
                  onClick={() => dispatch({ type: 'toggle', id: p.id })}
                >
                  <span aria-hidden="true">{child.open ? '▾' : '▸'}</span>
                </button>
              ) : (
                <span className="downline__leaf" aria-hidden="true" />
              )}
              <Link to={`/people/${p.id}`}>{p.name}</Link>
              <span className="downline__meta">
                {t(`people.kind.${p.kind}`)}
                {p.rank ? ` · ${p.rank}` : ''}
                {p.direct_count > 0 ? ` · ${t('people.tree.count', { count: p.direct_count })}` : ''}
              </span>
            </div>
            {child.open && <Children id={p.id} state={state} dispatch={dispatch} load={load} />}
          </li>
        );
      })}
      {b.next !== null && (
        <li>
          <button type="button" className="btn btn--subtle" disabled={b.loading} onClick={() => void load(id, b.next)}>
            {t('people.more')}
          </button>
        </li>
      )}
    </ul>
  );
}
