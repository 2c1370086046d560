import { describe, expect, it } from 'vitest';
import type { Category, Channel, Status, StatusGroup } from '../../api/types';
import { canCreate, canReorder, deletable, isCatalogKind } from './kinds';
import { moved, rowsOf, withPositions } from './rows';

function cat(id: number, parent: number | null, position: number): Category {
  return {
    id,
    key: `c${id}`,
    name_es: `c${id}`,
    name_en: `c${id}`,
    parent_id: parent,
    description_es: '',
    description_en: '',
    position,
    active: true,
    version: 1,
    in_use: 0,
    role_ids: [],
    workflow_id: null,
  };
}

function status(id: number, group: StatusGroup, position: number): Status {
  return {
    id,
    key: `s${id}`,
    name_es: `s${id}`,
    name_en: `s${id}`,
    group,
    position,
    color: '#000000',
    wip_limit: null,
    pauses_sla: false,
    active: true,
    version: 1,
    in_use: 0,
  };
}

function channel(id: number, position: number, in_use = 0): Channel {
  return { id, key: `ch${id}`, name_es: `ch${id}`, name_en: `ch${id}`, position, active: true, version: 1, in_use };
}

describe('admin table rows', () => {
  it('nests subcategories under their category, each level by position', () => {
    const rows = rowsOf('categories', [cat(1, null, 2), cat(11, 1, 2), cat(2, null, 1), cat(12, 1, 1), cat(21, 2, 1)]);
    expect(rows.map((r) => [r.entry.id, r.depth, r.index])).toEqual([
      [2, 0, 0],
      [21, 1, 0],
      [1, 0, 1],
      [12, 1, 0],
      [11, 1, 1],
    ]);
    // Each row moves among its siblings only.
    expect(rows[0]?.scope).toEqual([2, 1]);
    expect(rows[3]?.scope).toEqual([12, 11]);
    expect(rows[1]?.scope).toEqual([21]);
  });

  it('keeps a subcategory whose category is missing, at the end', () => {
    const rows = rowsOf('categories', [cat(1, null, 1), cat(99, 50, 1)]);
    expect(rows.map((r) => [r.entry.id, r.depth])).toEqual([
      [1, 0],
      [99, 1],
    ]);
  });

  it('orders statuses by group, then position, and moves them within their group', () => {
    const rows = rowsOf('statuses', [status(5, 'done', 1), status(3, 'doing', 2), status(2, 'doing', 1), status(1, 'todo', 1)]);
    expect(rows.map((r) => r.entry.id)).toEqual([1, 2, 3, 5]);
    expect(rows[1]?.scope).toEqual([2, 3]);
    expect(rows[3]?.scope).toEqual([5]);
  });

  it('orders other catalogs by position (ties by id)', () => {
    const rows = rowsOf('channels', [channel(3, 2), channel(1, 2), channel(2, 1)]);
    expect(rows.map((r) => r.entry.id)).toEqual([2, 1, 3]);
    expect(rows.every((r) => r.scope.join() === '2,1,3')).toBe(true);
  });
});

describe('admin reorder', () => {
  it('moves an id one place up or down, null at an end', () => {
    expect(moved([1, 2, 3], 2, -1)).toEqual([2, 1, 3]);
    expect(moved([1, 2, 3], 2, 1)).toEqual([1, 3, 2]);
    expect(moved([1, 2, 3], 1, -1)).toBeNull();
    expect(moved([1, 2, 3], 3, 1)).toBeNull();
    expect(moved([1, 2, 3], 9, 1)).toBeNull();
  });

  it('gives the reordered ids positions 1..n as the server will, before it answers', () => {
    const before = [channel(1, 1), channel(2, 2), channel(3, 3)];
    const after = withPositions(before, [3, 1, 2]);
    expect(after.map((c) => [c.id, c.position])).toEqual([
      [1, 2],
      [2, 3],
      [3, 1],
    ]);
    expect(rowsOf('channels', after).map((r) => r.entry.id)).toEqual([3, 1, 2]);
    // Unchanged entries stay the same objects.
    expect(withPositions(before, [1])[0]).toBe(before[0]);
  });

  it('moves a subcategory among its siblings without touching other categories', () => {
    const all = [cat(1, null, 1), cat(2, null, 2), cat(11, 1, 1), cat(12, 1, 2)];
    const sub = rowsOf('categories', all).find((r) => r.entry.id === 12);
    const ids = sub ? moved(sub.scope, 12, -1) : null;
    expect(ids).toEqual([12, 11]);
    const rows = rowsOf('categories', withPositions(all, ids ?? []));
    expect(rows.map((r) => r.entry.id)).toEqual([1, 12, 11, 2]);
  });
});

describe('admin catalog rules', () => {
  it('knows the eight catalogs', () => {
    expect(isCatalogKind('note-reasons')).toBe(true);
    expect(isCatalogKind('users')).toBe(false);
    expect(isCatalogKind(undefined)).toBe(false);
  });

  it('priorities: no create, no reorder, no delete', () => {
    expect(canCreate('priorities')).toBe(false);
    expect(canReorder('priorities')).toBe(false);
    expect(canCreate('channels')).toBe(true);
    expect(canReorder('statuses')).toBe(true);
    expect(deletable('priorities', channel(1, 1))).toBe(false);
  });

  it('an entry can be deleted only while no ticket uses it', () => {
    expect(deletable('channels', channel(1, 1, 0))).toBe(true);
    expect(deletable('channels', channel(1, 1, 3))).toBe(false);
  });

});
