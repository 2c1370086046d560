import { describe, expect, it } from 'vitest';
import type { PersonCard } from '../../api/types';
import { branch, needsLoad, treeReducer } from './tree';
import type { TreeState } from './tree';

const card = (id: number): PersonCard => ({
  id,
  name: `P${id}`,
  email: `p${id}@x.test`,
  kind: 'consultant',
  document_id: null,
  rank: null,
  commercial_status: 'active',
  sponsor: null,
  has_login: false,
  direct_count: 1,
});

describe('downline tree', () => {
  it('loads a branch once when first opened and keeps it when closed', () => {
    let s: TreeState = {};
    s = treeReducer(s, { type: 'toggle', id: 1 });
    expect(needsLoad(branch(s, 1))).toBe(true);
    s = treeReducer(s, { type: 'loading', id: 1 });
    expect(needsLoad(branch(s, 1))).toBe(false);
    s = treeReducer(s, { type: 'loaded', id: 1, items: [card(2), card(3)], next: 'c1', append: false });
    s = treeReducer(s, { type: 'toggle', id: 1 });
    s = treeReducer(s, { type: 'toggle', id: 1 });
    expect(branch(s, 1)).toMatchObject({ open: true, loaded: true, next: 'c1' });
    expect(needsLoad(branch(s, 1))).toBe(false);
  });
  it('appends further pages without repeating anyone', () => {
    let s = treeReducer({}, { type: 'loaded', id: 1, items: [card(2), card(3)], next: 'c1', append: false });
    s = treeReducer(s, { type: 'loaded', id: 1, items: [card(3), card(4)], next: null, append: true });
    expect(branch(s, 1).items.map((p) => p.id)).toEqual([2, 3, 4]);
    expect(branch(s, 1).next).toBeNull();
  });
  it('keeps an error until a retry, and does not reload by itself', () => {
    let s = treeReducer({}, { type: 'toggle', id: 5 });
    s = treeReducer(s, { type: 'failed', id: 5, message: 'offline' });
    expect(needsLoad(branch(s, 5))).toBe(false);
    s = treeReducer(s, { type: 'loading', id: 5 });
    expect(branch(s, 5).error).toBeNull();
    expect(treeReducer(s, { type: 'reset' })).toEqual({});
  });
});
