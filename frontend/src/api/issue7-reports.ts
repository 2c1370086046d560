// Reports (issue 7): the pivot table, the change history across tickets and their file exports.
import type { components } from '@shared/api.gen';
import { apiBase, request, withQuery } from './client';

export type Pivot = components['schemas']['Pivot'];
export type PivotCell = components['schemas']['PivotCell'];
export type PivotMember = components['schemas']['PivotMember'];
export type PivotDim = components['schemas']['PivotDim'];
export type HistoryReportPage = components['schemas']['HistoryReportPage'];
export type HistoryReportRow = components['schemas']['HistoryReportRow'];

export type ExportFormat = 'csv' | 'xlsx';

type Query = Record<string, string | number | undefined>;

export const reportsApi = {
  pivot: (q: Query, signal?: AbortSignal) => request<Pivot>('GET', withQuery('/reports/pivot', q), undefined, signal),
  history: (q: Query, signal?: AbortSignal) =>
    request<HistoryReportPage>('GET', withQuery('/reports/history', q), undefined, signal),
  /** pivotExportUrl and historyExportUrl are links the browser downloads (same origin: the cookie goes). */
  pivotExportUrl: (q: Query, format: ExportFormat) => withQuery(`${apiBase}/reports/pivot/export`, { ...q, format }),
  historyExportUrl: (q: Query, format: ExportFormat) => withQuery(`${apiBase}/reports/history/export`, { ...q, format }),
};
