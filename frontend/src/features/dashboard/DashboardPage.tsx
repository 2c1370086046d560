// The supervisor dashboard (/dashboard): filters in the URL, the user's widgets in their order and
// sizes, live numbers, and an edit mode to choose and arrange the widgets.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { dashboardApi } from '../../api/issue7-dashboard';
import type { DashboardLayout, LayoutItem } from '../../api/issue7-dashboard';
import { DashboardFiltersBar } from './DashboardFiltersBar';
import { deskToday } from '../auth/deskZone';
import { dashboardFiltersFromSearch, searchFromDashboardFilters, widgetQuery } from './filters';
import type { DashboardFilters } from './filters';
import { sameLayout, shownItems } from './layout';
import { LayoutEditor } from './LayoutEditor';
import { useWidgets } from './useWidgets';
import { WidgetCard } from './WidgetCard';

export const layoutKey = ['dashboard', 'layout'] as const;

function Widgets({ items, filters }: { items: readonly LayoutItem[]; filters: DashboardFilters }) {
  const { t } = useTranslation();
  const today = deskToday();
  const q = useMemo(() => widgetQuery(filters, today), [filters, today]);
  const keys = useMemo(() => items.map((i) => i.key), [items]);
  const results = useWidgets(keys, q);
  if (items.length === 0) return <p className="page-status">{t('dashboard.noWidgets')}</p>;
  return (
    <div className="dash-grid" data-testid="dashboard-grid">
      {items.map((it, i) => {
        const r = results[i];
        return <WidgetCard key={it.key} widgetKey={it.key} size={it.size} data={r?.data} error={r?.error ?? null} fetching={r?.isFetching ?? false} />;
      })}
    </div>
  );
}

export default function DashboardPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => dashboardFiltersFromSearch(params), [params]);
  const layout = useQuery({ queryKey: layoutKey, queryFn: ({ signal }) => dashboardApi.layout(signal) });
  const [draft, setDraft] = useState<LayoutItem[] | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);

  const onFilters = useCallback(
    (next: DashboardFilters) => setParams(searchFromDashboardFilters(next), { replace: true }),
    [setParams],
  );

  const save = useMutation({
    mutationFn: (body: { layout: LayoutItem[]; version: number }) => dashboardApi.saveLayout(body),
    onSuccess: (saved) => {
      qc.setQueryData<DashboardLayout>(layoutKey, saved);
      setDraft(null);
      setNotice({ kind: 'info', text: t('dashboard.layout.saved') });
    },
    onError: async (err) => {
      if (err instanceof ApiError && err.status === 409) {
        // Changed elsewhere (another tab or device) since it was loaded: show what is kept now.
        await qc.refetchQueries({ queryKey: layoutKey });
        setDraft(null);
        setNotice({ kind: 'error', text: t('dashboard.layout.conflict') });
        return;
      }
      const fields = err instanceof ApiError ? Object.values(err.fields) : [];
      setNotice({ kind: 'error', text: [err.message, ...fields].join(' ') });
    },
  });

  const data = layout.data;
  const shown = data ? shownItems(data) : [];
  const editing = draft !== null;

  return (
    <main className="dash-page">
      <div className="dash-head">
        <h1 className="dash-head__title">{t('dashboard.title')}</h1>
        {data && !editing && (
          <button type="button" className="btn" data-testid="layout-edit" onClick={() => {
            setNotice(null);
            setDraft(shown);
          }}>
            {t('dashboard.layout.edit')}
          </button>
        )}
        {data && editing && (
          <>
            <button
              type="button"
              className="btn btn--primary"
              data-testid="layout-save"
              disabled={save.isPending || sameLayout(draft, shown)}
              onClick={() => save.mutate({ layout: draft, version: data.version })}
            >
              {t('dashboard.layout.save')}
            </button>
            <button type="button" className="btn btn--ghost" data-testid="layout-cancel" onClick={() => setDraft(null)}>
              {t('dashboard.layout.cancel')}
            </button>
          </>
        )}
      </div>
      <DashboardFiltersBar filters={filters} onChange={onFilters} />
      {notice && (
        <p className={`dash-notice dash-notice--${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="dashboard-notice">
          {notice.text}
        </p>
      )}
      {layout.error ? (
        <p className="page-status" role="alert">
          {layout.error.message}
        </p>
      ) : !data ? (
        <p className="page-status">{t('common.loading')}</p>
      ) : (
        <>
          {editing && <LayoutEditor allowed={data.widgets} draft={draft} onDraft={setDraft} />}
          <Widgets items={editing ? draft : shown} filters={filters} />
        </>
      )}
    </main>
  );
}
