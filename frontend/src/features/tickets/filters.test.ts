import { describe, expect, it } from 'vitest';
import { card } from '../../test/fixtures';
import {
  activeFilterCount,
  ariaSort,
  canonicalSearch,
  compareBySort,
  filtersFromSearch,
  matches,
  nextSort,
  noFilters,
  searchFromFilters,
  toApiQuery,
  withFilters,
} from './filters';
import { drillChips } from './drillChips';
import { exportUrl } from './exportUrl';
import en from '../../i18n/en.json';
import es from '../../i18n/es.json';

describe('records table filters in the URL', () => {
  const full =
    'status=3&priority=2&queue=1&channel=4&category=5&subcategory=51&requester=77&assignee=me&created_from=2026-01-01&created_to=2026-01-31&q=pedido+roto&sort=number';

  it('reads every filter under the API parameter names', () => {
    expect(filtersFromSearch(new URLSearchParams(full))).toEqual({
      ...noFilters,
      status: 3,
      priority: 2,
      queue: 1,
      channel: 4,
      category: 5,
      subcategory: 51,
      requester: 77,
      assignee: 'me',
      created_from: '2026-01-01',
      created_to: '2026-01-31',
      q: 'pedido roto',
      sort: 'number',
    });
  });

  it('round-trips: parse → write → parse gives the same view, and the string is canonical', () => {
    const f = filtersFromSearch(new URLSearchParams(full));
    const s = searchFromFilters(f).toString();
    expect(s).toBe(full);
    expect(filtersFromSearch(new URLSearchParams(s))).toEqual(f);
    // Another key order, the default sort and blank values give the same canonical string.
    expect(canonicalSearch('sort=-updated&q=&assignee=none&status=3')).toBe('status=3&assignee=none');
    expect(canonicalSearch('')).toBe('');
  });

  it('the URL query is the API query: GET /tickets?<url query> reproduces the view', () => {
    const f = filtersFromSearch(new URLSearchParams(full));
    const api = new URLSearchParams(Object.entries(toApiQuery(f)).map(([k, v]) => [k, String(v)]));
    expect(api.toString()).toBe(full);
    expect(toApiQuery(noFilters, { cursor: 'abc', limit: 50 })).toEqual({ cursor: 'abc', limit: 50 });
  });

  it('drops values the API would refuse', () => {
    const f = filtersFromSearch(
      new URLSearchParams('status=0&priority=-1&queue=x&assignee=bob&created_from=2026-02-30&created_to=26-01-01&sort=subject&q=' + 'a'.repeat(300)),
    );
    expect({ ...f, q: f.q.length }).toEqual({ ...noFilters, q: 200 });
  });

  it('keeps subcategory and category consistent', () => {
    const parentOf = (id: number) => ({ 51: 5, 61: 6 })[id];
    const f = withFilters(noFilters, { subcategory: 61 }, parentOf);
    expect([f.category, f.subcategory]).toEqual([6, 61]);
    const g = withFilters(f, { category: 5 }, parentOf);
    expect([g.category, g.subcategory]).toEqual([5, null]);
    const h = withFilters(f, { category: null }, parentOf);
    expect([h.category, h.subcategory]).toEqual([null, null]);
  });

  it('counts the filters set', () => {
    expect(activeFilterCount(noFilters)).toBe(0);
    expect(activeFilterCount(filtersFromSearch(new URLSearchParams('status=1&q=x&sort=number')))).toBe(2);
  });
});

describe('dashboard drill-down parameters', () => {
  const drill =
    'status=3&open=true&resolved_from=2026-11-05&resolved_to=2026-12-04&responded_from=2026-11-01&responded_to=2026-11-30&sla_state=at_risk&sla_clock=resolution&sla_result=breached&sla_from=2026-11-05&sla_to=2026-12-04';

  it('reads each drill parameter, keeps it in the URL and sends it to GET /tickets and the export', () => {
    const f = filtersFromSearch(new URLSearchParams(drill));
    expect(f).toMatchObject({
      status: 3,
      open: true,
      resolved_from: '2026-11-05',
      resolved_to: '2026-12-04',
      responded_from: '2026-11-01',
      responded_to: '2026-11-30',
      sla_state: 'at_risk',
      sla_clock: 'resolution',
      sla_result: 'breached',
      sla_from: '2026-11-05',
      sla_to: '2026-12-04',
    });
    expect(searchFromFilters(f).toString()).toBe(drill);
    const api = new URLSearchParams(Object.entries(toApiQuery(f)).map(([k, v]) => [k, String(v)]));
    expect(api.toString()).toBe(drill);
    const url = new URL(exportUrl(f), 'http://x');
    for (const [k, v] of new URLSearchParams(drill)) expect(url.searchParams.get(k)).toBe(v);
    expect(activeFilterCount(f)).toBe(11);
  });

  it('a widget’s drill string is its own canonical form, whatever the server’s key order', () => {
    expect(canonicalSearch('open=true&status=12')).toBe('status=12&open=true');
    expect(canonicalSearch('sla_to=2026-12-04&sla_from=2026-11-05&sla_result=met&sla_clock=first_response')).toBe(
      'sla_clock=first_response&sla_result=met&sla_from=2026-11-05&sla_to=2026-12-04',
    );
  });

  it('drops drill values the API would refuse', () => {
    const f = filtersFromSearch(
      new URLSearchParams('open=yes&resolved_from=2026-13-01&responded_to=x&sla_state=paused&sla_clock=any&sla_result=late&sla_from=2026-02-30'),
    );
    expect(f).toEqual(noFilters);
  });

  it('the live list cannot tell the drill parameters from a card: such a view is "maybe", a wrong number still "no"', () => {
    const open = filtersFromSearch(new URLSearchParams('open=true'));
    expect(matches(card({ id: 7 }), open, null)).toBe('maybe');
    expect(matches(card({ id: 7 }), { ...open, q: '#8' }, null)).toBe('no');
    const state = filtersFromSearch(new URLSearchParams('sla_state=breached'));
    expect(matches(card({ id: 7, sla: null }), state, null)).toBe('no');
  });
});

describe('drill-down chips', () => {
  it('names each drill filter, and removing a chip removes exactly its parameters', () => {
    const f = filtersFromSearch(
      new URLSearchParams('queue=2&open=true&resolved_from=2026-12-01&resolved_to=2026-12-01&responded_from=2026-11-01&sla_state=on_track&sla_clock=first_response&sla_result=met&sla_from=2026-11-05&sla_to=2026-12-04'),
    );
    const chips = drillChips(f);
    expect(chips.map((c) => [c.id, c.label, c.values])).toEqual([
      ['open', 'tickets.chips.open', {}],
      ['resolved', 'tickets.chips.resolvedOn', { day: '2026-12-01' }],
      ['responded', 'tickets.chips.respondedFrom', { from: '2026-11-01' }],
      ['sla_state', 'tickets.chips.slaState.on_track', {}],
      ['sla', 'tickets.chips.slaRange', { clock: 'first_response', result: 'met', from: '2026-11-05', to: '2026-12-04' }],
    ]);
    const after = (id: string) => {
      const c = chips.find((x) => x.id === id)!;
      return searchFromFilters(withFilters(f, c.remove)).toString();
    };
    expect(after('open')).toBe(
      'queue=2&resolved_from=2026-12-01&resolved_to=2026-12-01&responded_from=2026-11-01&sla_state=on_track&sla_clock=first_response&sla_result=met&sla_from=2026-11-05&sla_to=2026-12-04',
    );
    expect(after('sla')).toBe('queue=2&open=true&resolved_from=2026-12-01&resolved_to=2026-12-01&responded_from=2026-11-01&sla_state=on_track');
    expect(after('resolved')).not.toContain('resolved_');
    expect(drillChips(filtersFromSearch(new URLSearchParams('status=3&q=x')))).toEqual([]);
  });

  it('every chip label exists in Spanish and English', () => {
    const f = filtersFromSearch(
      new URLSearchParams('open=true&resolved_to=2026-12-01&responded_from=2026-11-01&responded_to=2026-11-02&sla_state=breached&sla_clock=resolution&sla_to=2026-12-04'),
    );
    for (const res of [es, en]) {
      for (const c of drillChips(f)) {
        const text = c.label.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], res);
        expect(typeof text, c.label).toBe('string');
      }
    }
  });
});

describe('sorting by header', () => {
  it('toggles newest first, then oldest first, and says aria-sort', () => {
    expect(nextSort('-updated', 'updated')).toBe('updated');
    expect(nextSort('updated', 'updated')).toBe('-updated');
    expect(nextSort('-updated', 'number')).toBe('-number');
    expect(ariaSort('-created', 'created')).toBe('descending');
    expect(ariaSort('created', 'created')).toBe('ascending');
    expect(ariaSort('created', 'number')).toBe('none');
  });

  it('compares cards as the server orders them', () => {
    const a = card({ id: 1, number: 10, updated_at: '2026-01-02T00:00:00Z' });
    const b = card({ id: 2, number: 20, updated_at: '2026-01-01T00:00:00Z' });
    expect(compareBySort(a, b, '-updated')).toBeLessThan(0);
    expect(compareBySort(a, b, 'number')).toBeLessThan(0);
    expect(compareBySort(a, b, '-number')).toBeGreaterThan(0);
  });
});

describe('matches', () => {
  const c = card({ id: 1, number: 42, status_id: 3, assignee: { id: 7, name: 'Ana' }, created_at: '2026-01-15T23:00:00Z' });
  it('checks what the client can, and says maybe for text search', () => {
    const f = (s: string) => filtersFromSearch(new URLSearchParams(s));
    expect(matches(c, f('status=3&assignee=me'), 7)).toBe('yes');
    expect(matches(c, f('assignee=none'), 7)).toBe('no');
    expect(matches(c, f('status=4'), 7)).toBe('no');
    expect(matches(c, f('created_from=2026-01-15&created_to=2026-01-15'), 7)).toBe('yes');
    expect(matches(c, f('created_from=2026-01-16'), 7)).toBe('no');
    expect(matches(c, f('q=%2342'), 7)).toBe('yes');
    expect(matches(c, f('q=43'), 7)).toBe('no');
    expect(matches(c, f('q=pedido'), 7)).toBe('maybe');
  });
});
