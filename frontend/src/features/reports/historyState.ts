// The history view's state in the URL: the chosen columns, the change filters, the order; the records
// table's filters (status, queue…) pass through unchanged to the API.
import type { TFunction } from 'i18next';
import { fieldLabel, historyFields } from '../tickets/history';

export const historyColumns = ['at', 'number', 'subject', 'field', 'before', 'after', 'actor'] as const;
export type HistoryColumn = (typeof historyColumns)[number];

/** columnsFromSearch reads the chosen columns (all by default, unknown ones dropped, in the table's order). */
export function columnsFromSearch(sp: URLSearchParams): HistoryColumn[] {
  const v = sp.get('columns');
  if (!v) return [...historyColumns];
  const chosen = new Set(v.split(','));
  const out = historyColumns.filter((c) => chosen.has(c));
  return out.length > 0 ? out : [...historyColumns];
}

/** toggleColumn adds or removes a column, never leaving none. */
export function toggleColumn(cols: readonly HistoryColumn[], c: HistoryColumn): HistoryColumn[] {
  const next = cols.includes(c) ? cols.filter((x) => x !== c) : historyColumns.filter((x) => x === c || cols.includes(x));
  return next.length > 0 ? next : [...cols];
}

/** historyQuery is the API query of the view (no cursor): everything in the URL but the tab. */
export function historyQuery(sp: URLSearchParams): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of sp) if (k !== 'tab' && v !== '') q[k] = v;
  return q;
}

/** FieldOption is one choice of the field filter: a history field's key and its label. */
export interface FieldOption {
  value: string;
  label: string;
}

/** fieldOptions are the field filter's choices, by label in the language on screen. A field the URL names
 * that is not a known one (an older link) stays chosen, under its key. */
export function fieldOptions(t: TFunction, lang: string, current = ''): FieldOption[] {
  const keys = current === '' || historyFields.includes(current) ? historyFields : [...historyFields, current];
  return keys.map((value) => ({ value, label: fieldLabel(value, t) })).sort((a, b) => a.label.localeCompare(b.label, lang));
}
