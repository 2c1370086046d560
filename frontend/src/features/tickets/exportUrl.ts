// The records table's CSV export: the same filters, search and sort as the table, as a link the
// browser downloads (same-origin, so the session cookie goes with it).
import { apiBase, withQuery } from '../../api/client';
import type { TicketFilters } from './filters';
import { toApiQuery } from './filters';

/** exportUrl is GET /tickets/export.csv for a view: its filters and its sort (written out even when it
 * is the default, so the file's order never depends on the server's default). */
export function exportUrl(f: TicketFilters): string {
  return withQuery(`${apiBase}/tickets/export.csv`, { ...toApiQuery(f), sort: f.sort });
}
