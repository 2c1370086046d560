// The pivot builder (rows, columns, measure, period, filters; kept in the URL) and its table, every
// number a link to the records table filtered to exactly its tickets.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { deskZone } from '../auth/deskZone';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { reportsApi } from '../../api/issue7-reports';
import type { PivotCell } from '../../api/issue7-reports';
import { useCatalogs } from '../catalog/useCatalogs';
import { ExportLinks } from './ExportLinks';
import { dims, drillHref, formatValue, grid, measures, pivotFromSearch, pivotQuery, withPivot } from './pivotState';
import type { Measure, PivotParams } from './pivotState';

function Num({ cell, measure, lang, total }: { cell: PivotCell | null; measure: Measure; lang: string; total?: boolean }) {
  const text = formatValue(measure, cell, lang);
  const href = drillHref(cell);
  const cls = total ? 'pivot__num pivot__num--total' : 'pivot__num';
  return <td className={cls}>{href ? <Link to={href} title={cell ? String(cell.count) : undefined}>{text}</Link> : text}</td>;
}

export function PivotView() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [sp, setSp] = useSearchParams();
  const p = pivotFromSearch(sp);
  const q = pivotQuery(p);
  const catalogs = useCatalogs();
  const pivot = useQuery({
    queryKey: ['reports', 'pivot', q],
    queryFn: ({ signal }) => reportsApi.pivot(q, signal),
    retry: false,
  });
  const set = (change: Partial<PivotParams>) => setSp(pivotQuery(withPivot(p, change)));
  const name = (e: { name_es: string; name_en: string }) => (lang === 'en' ? e.name_en : e.name_es);
  const err = pivot.error instanceof ApiError ? pivot.error : null;
  const g = pivot.data ? grid(pivot.data) : null;
  return (
    <section className="pivot">
      <div className="pivot__builder">
        <label>
          {t('reports.pivot.rows')}
          <select value={p.rows} onChange={(e) => set({ rows: e.target.value as PivotParams['rows'] })} data-testid="pivot-rows">
            {dims.map((d) => (
              <option key={d} value={d}>
                {t(`reports.dims.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.pivot.cols')}
          <select value={p.cols} onChange={(e) => set({ cols: e.target.value as PivotParams['cols'] })} data-testid="pivot-cols">
            <option value="none">{t('reports.pivot.noCols')}</option>
            {dims
              .filter((d) => d !== p.rows)
              .map((d) => (
                <option key={d} value={d}>
                  {t(`reports.dims.${d}`)}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t('reports.pivot.measure')}
          <select value={p.measure} onChange={(e) => set({ measure: e.target.value as Measure })} data-testid="pivot-measure">
            {measures.map((m) => (
              <option key={m} value={m}>
                {t(`reports.measures.${m}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.filters.from')}
          <input type="date" value={p.from} onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label>
          {t('reports.filters.to')}
          <input type="date" value={p.to} onChange={(e) => set({ to: e.target.value })} />
        </label>
        <label>
          {t('reports.filters.queue')}
          <select value={p.queue} onChange={(e) => set({ queue: e.target.value })}>
            <option value="">{t('reports.filters.any')}</option>
            {catalogs.data?.queues.map((x) => (
              <option key={x.id} value={String(x.id)}>
                {name(x)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.filters.category')}
          <select value={p.category} onChange={(e) => set({ category: e.target.value })}>
            <option value="">{t('reports.filters.any')}</option>
            {catalogs.data?.categories
              .filter((x) => x.parent_id === null)
              .map((x) => (
                <option key={x.id} value={String(x.id)}>
                  {name(x)}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t('reports.filters.channel')}
          <select value={p.channel} onChange={(e) => set({ channel: e.target.value })}>
            <option value="">{t('reports.filters.any')}</option>
            {catalogs.data?.channels.map((x) => (
              <option key={x.id} value={String(x.id)}>
                {name(x)}
              </option>
            ))}
          </select>
        </label>
        <ExportLinks url={(f) => reportsApi.pivotExportUrl(q, f)} testid="pivot-export" />
      </div>
      {pivot.data && (
        <p className="pivot__period">
          {t('reports.pivot.period', { from: pivot.data.from, to: pivot.data.to, zone: deskZone() })} · {t('reports.pivot.drillHint')}
        </p>
      )}
      {pivot.isPending && <p>{t('reports.loading')}</p>}
      {err && (
        <p className="form-error" role="alert">
          {Object.values(err.fields).join(' ') || err.message}
        </p>
      )}
      {g && (
        <div className="pivot__scroll">
          <table className="pivot__table" data-testid="pivot-table">
            <thead>
              <tr>
                <th>{t(`reports.dims.${p.rows}`)}</th>
                {g.cols.map((c) => (
                  <th key={c.id}>{c.label}</th>
                ))}
                <th>{t('reports.pivot.total')}</th>
              </tr>
            </thead>
            <tbody>
              {g.rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.label}</th>
                  {r.cells.map((c, i) => (
                    <Num key={g.cols[i]?.id ?? i} cell={c} measure={p.measure} lang={lang} />
                  ))}
                  <Num cell={r.total} measure={p.measure} lang={lang} total />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('reports.pivot.total')}</th>
                {g.cols.map((c) => (
                  <Num key={c.id} cell={c.total} measure={p.measure} lang={lang} total />
                ))}
                <Num cell={g.total} measure={p.measure} lang={lang} total />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
