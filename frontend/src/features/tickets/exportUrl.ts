// The records table's export: the same filters, search and sort as the table, as a link the browser
// downloads (same-origin, so the session cookie goes with it), as CSV or Excel.
import { apiBase, withQuery } from '../../api/client';
import type { TicketFilters } from './filters';
import { toApiQuery } from './filters';

/** exportUrl is GET /tickets/export for a view: its filters and its sort (written out even when it is the
 * default, so the file's order never depends on the server's default) in a format. */
export function exportUrl(f: TicketFilters, format: 'csv' | 'xlsx' = 'csv'): string {
  return withQuery(`${apiBase}/tickets/export`, { ...toApiQuery(f), sort: f.sort, format });
}
