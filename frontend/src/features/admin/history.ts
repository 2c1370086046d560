// A catalog entry's change log (GET /catalog/{kind}/{id}/history) as lines "field: before → after".
import type { CatalogChange } from '../../api/types';

/** FieldChange is one field of one change; a missing side is undefined (created, deleted). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

// Bookkeeping the server changes on every write: not what the admin did.
const skipped = new Set(['id', 'version', 'in_use']);

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** fieldChanges lists the fields whose value differs between a change's before and after, in the
 * order the entry lists them. */
export function fieldChanges(change: Pick<CatalogChange, 'before' | 'after'>): FieldChange[] {
  const before = asRecord(change.before);
  const after = asRecord(change.after);
  const names: string[] = [];
  for (const o of [before, after]) {
    for (const k of Object.keys(o ?? {})) if (!skipped.has(k) && !names.includes(k)) names.push(k);
  }
  const out: FieldChange[] = [];
  for (const field of names) {
    const b = before?.[field];
    const a = after?.[field];
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    out.push({ field, before: b, after: a });
  }
  return out;
}

/** formatValue shows a stored JSON value; yes/no are the words for booleans, empty for none. */
export function formatValue(v: unknown, words: { yes: string; no: string; empty: string }): string {
  if (v === undefined || v === null || v === '') return words.empty;
  if (typeof v === 'boolean') return v ? words.yes : words.no;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}
