// A stale edit (409 with `current`): what the other person changed, what this admin changed, and the
// edit that reapplies this admin's changes on top of the stored entry.
import type { AnyCatalogEntry, CatalogKind, CatalogPatchOf } from '../../api/types';
import { changedFields, patchBody, valuesOf } from './entryForm';
import type { FieldName, Values } from './entryForm';

/** ConflictField is one field someone else changed, with the stored value and this admin's value. */
export interface ConflictField {
  field: FieldName;
  theirs: Values[FieldName];
  /** mine is set when this admin changed the same field to something else (the changes clash). */
  mine?: Values[FieldName];
}

/** conflictCurrent is the stored entry of a stale-version 409, or null for other refusals (a 409 such
 * as `catalog.in_use` carries none). */
export function conflictCurrent(body: unknown): AnyCatalogEntry | null {
  if (typeof body !== 'object' || body === null || !('current' in body)) return null;
  const c = body.current;
  if (typeof c !== 'object' || c === null || !('id' in c) || !('version' in c)) return null;
  return c as AnyCatalogEntry;
}

/** conflictFields lists the fields the stored entry changed since the form was opened. */
export function conflictFields(kind: CatalogKind, original: Values, mine: Values, current: AnyCatalogEntry): ConflictField[] {
  const theirs = valuesOf(current);
  const minesChanged = new Set(changedFields(kind, original, mine));
  return changedFields(kind, original, theirs).map((field) =>
    minesChanged.has(field) && changedFields(kind, theirs, mine).includes(field)
      ? { field, theirs: theirs[field], mine: mine[field] }
      : { field, theirs: theirs[field] },
  );
}

/** merged is the stored entry with this admin's changes on top: what the form shows on reapplying. */
export function merged(kind: CatalogKind, original: Values, mine: Values, current: AnyCatalogEntry): Values {
  const out = valuesOf(current);
  for (const f of changedFields(kind, original, mine)) (out as unknown as Record<FieldName, unknown>)[f] = mine[f];
  return out;
}

/** reapply is the edit that puts this admin's changes on the stored entry, at its version; null when
 * nothing of this admin's differs from what is stored. */
export function reapply<K extends CatalogKind>(
  kind: K,
  original: Values,
  mine: Values,
  current: AnyCatalogEntry,
): CatalogPatchOf[K] | null {
  const stored = valuesOf(current);
  const next = merged(kind, original, mine, current);
  if (changedFields(kind, stored, next).length === 0) return null;
  return patchBody(kind, stored, next, current.version);
}
