// The records table's export: the same filters, search and sort as the table, as a link the browser
// downloads (same-origin, so the session cookie goes with it), as CSV or Excel, times in the browser's zone.
import { apiBase, withQuery } from '../../api/client';
import type { TicketFilters } from './filters';
import { toApiQuery } from './filters';

/** browserTimeZone is the IANA zone the browser shows times in (`America/Bogota`); exports write theirs
 * in it. Undefined when the browser does not say, and the server uses the desk's. */
export function browserTimeZone(): string | undefined {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
}

/** exportUrl is GET /tickets/export for a view: its filters and its sort (written out even when it is the
 * default, so the file's order never depends on the server's default) in a format, times in a zone (none
 * named, '': the desk's). */
export function exportUrl(f: TicketFilters, format: 'csv' | 'xlsx' = 'csv', tz = browserTimeZone()): string {
  return withQuery(`${apiBase}/tickets/export`, { ...toApiQuery(f), sort: f.sort, format, tz });
}
