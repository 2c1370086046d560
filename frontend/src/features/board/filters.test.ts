import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import { formatAge } from './age';
import { toQuery } from './boardStore';
import { filtersFromSearch, searchWithFilters } from './filters';

describe('filters in the URL', () => {
  it('reads and writes the query string, leaving other keys alone', () => {
    const f = filtersFromSearch(new URLSearchParams('assignee=me&priority=2&q=pedido&x=1'));
    expect(f).toEqual({ assignee: 'me', priority: 2, q: 'pedido' });
    const out = searchWithFilters(new URLSearchParams('assignee=me&x=1'), { assignee: null, q: 'hola' });
    expect(out.toString()).toBe('x=1&q=hola');
  });
  it('ignores values the API would refuse', () => {
    expect(filtersFromSearch(new URLSearchParams('assignee=bob&priority=-3'))).toEqual({ assignee: null, priority: null, q: '' });
  });
  it('sends only the filters that are set', () => {
    expect(toQuery({ assignee: null, priority: null, q: '  ' })).toEqual({});
    expect(toQuery({ assignee: '5', priority: 1, q: ' x ' })).toEqual({ assignee: '5', priority: 1, q: 'x' });
  });
});

describe('formatAge', () => {
  const t = ((key: string, o?: { count: number }) => `${key}:${o?.count ?? ''}`) as unknown as TFunction;
  const now = Date.parse('2026-03-10T12:00:00Z');
  it('says minutes, hours or days', () => {
    expect(formatAge('2026-03-10T11:59:30Z', now, t)).toBe('age.now:');
    expect(formatAge('2026-03-10T11:15:00Z', now, t)).toBe('age.minutes:45');
    expect(formatAge('2026-03-10T07:00:00Z', now, t)).toBe('age.hours:5');
    expect(formatAge('2026-03-07T11:00:00Z', now, t)).toBe('age.days:3');
  });
});
