import { describe, expect, it } from 'vitest';
import { browserTimeZone, exportUrl } from './exportUrl';
import { filtersFromSearch, noFilters } from './filters';

describe('export URL', () => {
  it('asks for everything in the default order when no filter is set', () => {
    expect(exportUrl(noFilters, 'csv', '')).toBe('/api/v1/tickets/export?sort=-updated&format=csv');
    expect(exportUrl(noFilters, 'xlsx', '')).toBe('/api/v1/tickets/export?sort=-updated&format=xlsx');
  });

  it('asks for the times in a zone, the browser’s by default', () => {
    expect(exportUrl(noFilters, 'csv', 'America/Bogota')).toBe('/api/v1/tickets/export?sort=-updated&format=csv&tz=America%2FBogota');
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(tz).not.toBe('');
    expect(browserTimeZone()).toBe(tz);
    expect(new URL(exportUrl(noFilters), 'http://x.test').searchParams.get('tz')).toBe(tz);
  });

  it('carries the current filters, search and sort under the API names', () => {
    const f = filtersFromSearch(new URLSearchParams('status=3&queue=2&assignee=me&created_from=2026-01-01&q=caja rota&sort=number'));
    const url = new URL(exportUrl(f, 'csv', 'Europe/Madrid'), 'http://x.test');
    expect(url.pathname).toBe('/api/v1/tickets/export');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: '3',
      queue: '2',
      assignee: 'me',
      created_from: '2026-01-01',
      q: 'caja rota',
      sort: 'number',
      format: 'csv',
      tz: 'Europe/Madrid',
    });
  });

  it('leaves out paging (the export has none)', () => {
    const url = new URL(exportUrl({ ...noFilters, requester: 9 }), 'http://x.test');
    expect(url.searchParams.has('cursor')).toBe(false);
    expect(url.searchParams.has('limit')).toBe(false);
    expect(url.searchParams.get('requester')).toBe('9');
  });
});
