// The eight catalogs an admin manages: their names in the API, where each sits in GET /catalog's
// answer, and what each allows (priorities are fixed: no create, delete or reorder).
import type { AnyCatalogEntry, CatalogEntryOf, CatalogKind, Catalogs } from '../../api/types';

/** catalogKinds is the admin's list of catalogs, in the order the side list shows them. */
export const catalogKinds: readonly CatalogKind[] = [
  'categories',
  'kb-categories',
  'statuses',
  'priorities',
  'channels',
  'queues',
  'note-reasons',
  'canned-responses',
];

/** isCatalogKind tells whether a URL segment names a catalog. */
export function isCatalogKind(s: string | undefined): s is CatalogKind {
  return s !== undefined && (catalogKinds as readonly string[]).includes(s);
}

const field = {
  categories: 'categories',
  'kb-categories': 'kb_categories',
  statuses: 'statuses',
  priorities: 'priorities',
  channels: 'channels',
  queues: 'queues',
  'note-reasons': 'note_reasons',
  'canned-responses': 'canned_responses',
} as const satisfies Record<CatalogKind, Exclude<keyof Catalogs, 'priority_scheme'>>;

/** entriesOf is one catalog's entries out of GET /catalog's answer. */
export function entriesOf<K extends CatalogKind>(c: Catalogs, kind: K): CatalogEntryOf[K][] {
  return c[field[kind]] as CatalogEntryOf[K][];
}

/** withEntries returns a copy of the catalogs with one catalog's entries replaced. */
export function withEntries<K extends CatalogKind>(c: Catalogs, kind: K, entries: CatalogEntryOf[K][]): Catalogs {
  return { ...c, [field[kind]]: entries };
}

/** canCreate: every catalog but priorities takes new entries. */
export function canCreate(kind: CatalogKind): boolean {
  return kind !== 'priorities';
}

/** canReorder: priorities keep the Eisenhower order. */
export function canReorder(kind: CatalogKind): boolean {
  return kind !== 'priorities';
}

/** deletable tells whether an entry may be deleted: never a priority, otherwise only when unused. */
export function deletable(kind: CatalogKind, entry: AnyCatalogEntry): boolean {
  return kind !== 'priorities' && entry.in_use === 0;
}

/** tracksUse: kinds that tickets reference, whose `in_use` counts mean something. */
export function tracksUse(kind: CatalogKind): boolean {
  return kind === 'categories' || kind === 'statuses' || kind === 'priorities' || kind === 'channels' || kind === 'queues';
}
