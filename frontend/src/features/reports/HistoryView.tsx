// The change history across the tickets one sees: column chooser, filters, order, more rows on demand,
// and the CSV and Excel export of the same query.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { reportsApi } from '../../api/issue7-reports';
import { ExportLinks } from './ExportLinks';
import { columnsFromSearch, historyColumns, historyQuery, toggleColumn, valueText } from './historyState';

export function HistoryView() {
  const { t } = useTranslation();
  const [sp, setSp] = useSearchParams();
  const cols = columnsFromSearch(sp);
  const q = historyQuery(sp);
  const pages = useInfiniteQuery({
    queryKey: ['reports', 'history', q],
    queryFn: ({ pageParam, signal }) => reportsApi.history({ ...q, cursor: pageParam || undefined }, signal),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    retry: false,
  });
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(sp);
    if (v === '') next.delete(k);
    else next.set(k, v);
    next.set('tab', 'history');
    setSp(next);
  };
  const rows = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const err = pages.error instanceof ApiError ? pages.error : null;
  return (
    <section className="history-report">
      <div className="pivot__builder">
        <fieldset className="history-report__columns">
          <legend>{t('reports.history.columns')}</legend>
          {historyColumns.map((c) => (
            <label key={c}>
              <input
                type="checkbox"
                checked={cols.includes(c)}
                onChange={() => set('columns', toggleColumn(cols, c).join(','))}
              />
              {t(`reports.history.col.${c}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('reports.history.field')}
          <input value={sp.get('field') ?? ''} onChange={(e) => set('field', e.target.value.trim())} placeholder="status_id" />
        </label>
        <label>
          {t('reports.history.atFrom')}
          <input type="date" value={sp.get('at_from') ?? ''} onChange={(e) => set('at_from', e.target.value)} />
        </label>
        <label>
          {t('reports.history.atTo')}
          <input type="date" value={sp.get('at_to') ?? ''} onChange={(e) => set('at_to', e.target.value)} />
        </label>
        <label>
          {t('reports.history.sort')}
          <select value={sp.get('sort') ?? '-at'} onChange={(e) => set('sort', e.target.value === '-at' ? '' : e.target.value)}>
            <option value="-at">{t('reports.history.newest')}</option>
            <option value="at">{t('reports.history.oldest')}</option>
          </select>
        </label>
        <ExportLinks url={(f) => reportsApi.historyExportUrl(q, f)} testid="history-export" />
      </div>
      <p className="pivot__period">{t('reports.history.utc')}</p>
      {err && (
        <p className="form-error" role="alert">
          {Object.values(err.fields).join(' ') || err.message}
        </p>
      )}
      <div className="pivot__scroll">
        <table className="pivot__table" data-testid="history-table">
          <thead>
            <tr>
              {cols.map((c) => (
                <th key={c}>{t(`reports.history.col.${c}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                {cols.map((c) => (
                  <td key={c}>
                    {c === 'at' && r.at}
                    {c === 'number' && <Link to={`/tickets/${r.ticket_id}`}>#{r.number}</Link>}
                    {c === 'subject' && r.subject}
                    {c === 'field' && r.field}
                    {c === 'before' && valueText(r.before)}
                    {c === 'after' && valueText(r.after)}
                    {c === 'actor' && (r.actor?.name || t('reports.history.system'))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages.isPending && <p>{t('reports.loading')}</p>}
      {!pages.isPending && rows.length === 0 && !err && <p>{t('reports.history.empty')}</p>}
      {pages.hasNextPage && (
        <button type="button" className="btn" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          {t('reports.history.more')}
        </button>
      )}
    </section>
  );
}
