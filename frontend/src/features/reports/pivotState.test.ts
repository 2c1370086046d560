import { describe, expect, it } from 'vitest';
import type { Pivot } from '../../api/issue7-reports';
import { defaultPivot, drillHref, formatSeconds, formatValue, grid, pivotFromSearch, pivotQuery, withPivot } from './pivotState';

describe('pivot builder state', () => {
  it('reads the URL, falling back to defaults for anything unknown', () => {
    expect(pivotFromSearch(new URLSearchParams(''))).toEqual(defaultPivot);
    const p = pivotFromSearch(new URLSearchParams('rows=queue&cols=created_week&measure=sla_compliance&from=2026-11-01&to=2026-11-30&queue=3&channel=x'));
    expect(p).toMatchObject({ rows: 'queue', cols: 'created_week', measure: 'sla_compliance', from: '2026-11-01', queue: '3', channel: '' });
    expect(pivotFromSearch(new URLSearchParams('rows=color&measure=mean&from=yesterday'))).toEqual(defaultPivot);
  });

  it('never keeps rows and columns on one dimension', () => {
    expect(pivotFromSearch(new URLSearchParams('rows=status&cols=status')).cols).toBe('none');
    // Rows taking the columns' dimension swap the two.
    expect(withPivot(defaultPivot, { rows: 'priority' })).toMatchObject({ rows: 'priority', cols: 'status' });
    expect(withPivot(defaultPivot, { cols: 'status' })).toMatchObject({ rows: 'status', cols: 'none' });
  });

  it('writes the API query without empty values, and round-trips through the URL', () => {
    const p = withPivot(defaultPivot, { measure: 'resolution_p90', category: '7' });
    expect(pivotQuery(p)).toEqual({ rows: 'status', cols: 'priority', measure: 'resolution_p90', category: '7' });
    expect(pivotFromSearch(new URLSearchParams(pivotQuery(p)))).toEqual(p);
  });
});

const pivot: Pivot = {
  rows_dim: 'status',
  cols_dim: 'priority',
  measure: 'count',
  from: '2026-11-05',
  to: '2026-12-04',
  rows: [
    { id: '1', label: 'Nuevo' },
    { id: '2', label: 'En curso' },
  ],
  cols: [
    { id: '10', label: 'Alta' },
    { id: 'none', label: '(ninguno)' },
  ],
  cells: [
    { row: '1', col: '10', value: 3, count: 3, drill: 'status=1&priority=10' },
    { row: '2', col: 'none', value: 1, count: 1, drill: null },
  ],
  row_totals: [
    { row: '1', value: 3, count: 3, drill: 'status=1' },
    { row: '2', value: 1, count: 1, drill: 'status=2' },
  ],
  col_totals: [{ col: '10', value: 3, count: 3, drill: 'priority=10' }],
  total: { value: 4, count: 4, drill: 'created_from=2026-11-05&created_to=2026-12-04' },
};

describe('pivot table', () => {
  it('places each cell under its row and column, with empty places and totals', () => {
    const g = grid(pivot);
    expect(g.cols.map((c) => [c.label, c.total?.count ?? null])).toEqual([
      ['Alta', 3],
      ['(ninguno)', null],
    ]);
    expect(g.rows.map((r) => [r.label, r.cells.map((c) => c?.count ?? null), r.total?.count])).toEqual([
      ['Nuevo', [3, null], 3],
      ['En curso', [null, 1], 1],
    ]);
    expect(g.total.count).toBe(4);
  });

  it('drills into the records table only where the table can list the cell', () => {
    const g = grid(pivot);
    expect(drillHref(g.rows[0]?.cells[0])).toBe('/tickets?status=1&priority=10');
    expect(drillHref(g.rows[1]?.cells[1])).toBeNull(); // no filter for "no priority"
    expect(drillHref(g.rows[0]?.cells[1])).toBeNull(); // an empty place
  });

  it('shows each measure in its unit', () => {
    expect(formatValue('count', { value: 1234, count: 1234, drill: null }, 'en')).toBe('1,234');
    expect(formatValue('resolution_median', { value: 5400, count: 2, drill: null }, 'en')).toBe('1 h 30 min');
    expect(formatValue('first_response_p90', { value: null, count: 2, drill: null }, 'en')).toBe('—');
    expect(formatValue('sla_compliance', { value: 92.5, count: 8, drill: null }, 'en')).toBe('92.5 %');
    expect(formatSeconds(42)).toBe('42 s');
    expect(formatSeconds(2 * 86400 + 3 * 3600 + 10)).toBe('2 d 3 h');
  });
});
