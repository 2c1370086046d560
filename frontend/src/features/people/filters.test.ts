import { describe, expect, it } from 'vitest';
import { filtersToParams, parseFilters, toQuery } from './filters';

describe('people filters', () => {
  it('reads the URL and ignores unknown kinds', () => {
    expect(parseFilters(new URLSearchParams('q=mar%C3%ADa&kind=consultant'))).toEqual({ q: 'maría', kind: 'consultant' });
    expect(parseFilters(new URLSearchParams('kind=boss'))).toEqual({ q: '', kind: '' });
    expect(parseFilters(new URLSearchParams('q=' + 'x'.repeat(300))).q).toHaveLength(200);
  });
  it('round-trips through the URL, leaving empty filters out', () => {
    expect(filtersToParams({ q: '  ', kind: '' }).toString()).toBe('');
    const f = { q: 'ana', kind: 'employee' as const };
    expect(parseFilters(filtersToParams(f))).toEqual(f);
  });
  it('asks the API for a page with the trimmed text and the cursor', () => {
    expect(toQuery({ q: ' ana ', kind: '' }, null)).toEqual({ limit: 50, q: 'ana' });
    expect(toQuery({ q: '', kind: 'customer' }, 'abc')).toEqual({ limit: 50, kind: 'customer', cursor: 'abc' });
  });
});
