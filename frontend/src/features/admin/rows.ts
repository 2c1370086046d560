// The admin table's rows: catalogs in display order, subcategories nested under their category, and
// the group of siblings each row can be moved within (POST /catalog/{kind}/reorder takes one group:
// the top-level categories, one category's subcategories, one status group, or a whole catalog).
import type { AnyCatalogEntry, Category, CatalogKind, Status, StatusGroup } from '../../api/types';

/** Row is one line of the admin table. */
export interface Row<E extends AnyCatalogEntry = AnyCatalogEntry> {
  entry: E;
  /** depth is 1 for a subcategory shown under its category. */
  depth: 0 | 1;
  /** scope is the ids of the entries this row is ordered among, in display order. */
  scope: number[];
  /** index is the row's place in scope. */
  index: number;
}

const groupOrder: Record<StatusGroup, number> = { todo: 0, doing: 1, done: 2 };

function byPosition<E extends AnyCatalogEntry>(a: E, b: E): number {
  return a.position - b.position || a.id - b.id;
}

function scoped<E extends AnyCatalogEntry>(list: E[], depth: 0 | 1): Row<E>[] {
  const scope = list.map((e) => e.id);
  return list.map((entry, index) => ({ entry, depth, scope, index }));
}

/** rowsOf puts a catalog's entries in the order the admin table shows them. */
export function rowsOf(kind: CatalogKind, entries: readonly AnyCatalogEntry[]): Row[] {
  if (kind === 'categories') return categoryRows(entries as Category[]);
  if (kind === 'statuses') return statusRows(entries as Status[]);
  return scoped([...entries].sort(byPosition), 0);
}

function categoryRows(all: Category[]): Row[] {
  const top = all.filter((c) => c.parent_id === null).sort(byPosition);
  const topIds = new Set(top.map((c) => c.id));
  const children = new Map<number, Category[]>();
  const orphans: Category[] = [];
  for (const c of all) {
    if (c.parent_id === null) continue;
    if (!topIds.has(c.parent_id)) {
      orphans.push(c);
      continue;
    }
    const list = children.get(c.parent_id) ?? [];
    list.push(c);
    children.set(c.parent_id, list);
  }
  const out: Row[] = [];
  for (const row of scoped(top, 0)) {
    out.push(row);
    out.push(...scoped((children.get(row.entry.id) ?? []).sort(byPosition), 1));
  }
  // A subcategory whose category is missing (should not happen): still shown, at the end.
  out.push(...scoped(orphans.sort(byPosition), 1));
  return out;
}

function statusRows(all: Status[]): Row[] {
  const sorted = [...all].sort((a, b) => groupOrder[a.group] - groupOrder[b.group] || byPosition(a, b));
  const out: Row[] = [];
  for (const g of ['todo', 'doing', 'done'] as const) out.push(...scoped(sorted.filter((s) => s.group === g), 0));
  return out;
}

/** moved returns the scope with id moved one place up (-1) or down (+1), or null at an end. */
export function moved(scope: readonly number[], id: number, delta: -1 | 1): number[] | null {
  const i = scope.indexOf(id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= scope.length) return null;
  const out = [...scope];
  [out[i], out[j]] = [out[j] as number, out[i] as number];
  return out;
}

/** withPositions gives the entries listed in ids the positions 1..n in that order (as the server
 * will), leaving the others as they are: the table shows a move before the server answers. */
export function withPositions<E extends AnyCatalogEntry>(entries: readonly E[], ids: readonly number[]): E[] {
  const pos = new Map(ids.map((id, i) => [id, i + 1]));
  return entries.map((e) => {
    const p = pos.get(e.id);
    return p === undefined || p === e.position ? e : { ...e, position: p };
  });
}
