// The downline tree's state: which persons are open and the children loaded under each, a page at a
// time. Children load when a person is first opened; closing keeps them, so reopening is instant.
import type { PersonCard } from '../../api/types';

export interface Branch {
  open: boolean;
  loading: boolean;
  items: PersonCard[];
  next: string | null;
  /** loaded is true once the first page arrived. */
  loaded: boolean;
  error: string | null;
}

export type TreeState = Record<number, Branch>;

export type TreeAction =
  | { type: 'toggle'; id: number }
  | { type: 'loading'; id: number }
  | { type: 'loaded'; id: number; items: PersonCard[]; next: string | null; append: boolean }
  | { type: 'failed'; id: number; message: string }
  | { type: 'reset' };

const empty: Branch = { open: false, loading: false, items: [], next: null, loaded: false, error: null };

export function branch(s: TreeState, id: number): Branch {
  return s[id] ?? empty;
}

export function treeReducer(s: TreeState, a: TreeAction): TreeState {
  switch (a.type) {
    case 'reset':
      return {};
    case 'toggle': {
      const b = branch(s, a.id);
      return { ...s, [a.id]: { ...b, open: !b.open } };
    }
    case 'loading':
      return { ...s, [a.id]: { ...branch(s, a.id), loading: true, error: null } };
    case 'loaded': {
      const b = branch(s, a.id);
      const items = a.append ? [...b.items, ...a.items.filter((p) => !b.items.some((q) => q.id === p.id))] : a.items;
      return { ...s, [a.id]: { ...b, loading: false, loaded: true, items, next: a.next, error: null } };
    }
    case 'failed':
      return { ...s, [a.id]: { ...branch(s, a.id), loading: false, error: a.message } };
  }
}

/** needsLoad reports whether opening this branch must fetch its first page. */
export function needsLoad(b: Branch): boolean {
  return b.open && !b.loaded && !b.loading && b.error === null;
}
