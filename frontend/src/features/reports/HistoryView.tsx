// The change history across the tickets one sees: column chooser, filters, order, more rows on demand,
// and the CSV and Excel export of the same query. Fields and values are said in words as on the ticket
// page's history, times in the browser's zone (the exports' too).
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { reportsApi } from '../../api/issue7-reports';
import { deskZone } from '../auth/deskZone';
import { browserTimeZone } from '../tickets/exportUrl';
import { formatDateTime } from '../tickets/format';
import { formatChange, withPeople } from '../tickets/history';
import { useTicketLookups } from '../tickets/useLookups';
import { ExportLinks } from './ExportLinks';
import { columnsFromSearch, fieldOptions, historyColumns, historyQuery, toggleColumn } from './historyState';

export function HistoryView() {
  const { t } = useTranslation();
  const { lookups, lang } = useTicketLookups();
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
  const l = withPeople(lookups, pages.data?.pages.flatMap((p) => p.people) ?? []);
  const tz = browserTimeZone();
  const field = sp.get('field') ?? '';
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
          <select value={field} onChange={(e) => set('field', e.target.value)} data-testid="history-field">
            <option value="">{t('reports.history.anyField')}</option>
            {fieldOptions(t, lang, field).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
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
        <ExportLinks url={(f) => reportsApi.historyExportUrl({ ...q, tz }, f)} testid="history-export" />
      </div>
      <p className="pivot__period">{t('reports.history.zone', { zone: tz ?? '', desk: deskZone() })}</p>
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
            {rows.map((r) => {
              // The server sends the field with before or after: they are read through it.
              const change = r.field === undefined ? undefined : formatChange(r.field, r.before, r.after, l);
              return (
                <tr key={r.id}>
                  {cols.map((c) => (
                    <td key={c}>
                      {c === 'at' && r.at && <time dateTime={r.at}>{formatDateTime(r.at, lang)}</time>}
                      {c === 'number' && <Link to={`/tickets/${r.ticket_id}`}>#{r.number}</Link>}
                      {c === 'subject' && r.subject}
                      {c === 'field' && change?.label}
                      {c === 'before' && change?.before}
                      {c === 'after' && change?.after}
                      {c === 'actor' && (r.actor?.name || t('reports.history.system'))}
                    </td>
                  ))}
                </tr>
              );
            })}
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
