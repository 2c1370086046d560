// The editable fields of a ticket: how to read one from a TicketDetail, compare values, show a pending
// edit, check input, and which fields a stale edit collides with (the conflict panel).
import type { PersonRef, TicketDetail, TicketPatch, UserRef } from '../../api/types';

export const editableFields = [
  'subject',
  'description',
  'status_id',
  'priority_id',
  'category_id',
  'subcategory_id',
  'channel_id',
  'queue_id',
  'assignee_id',
  'requester_id',
  'affected_id',
  'order_number',
  'tags',
  'due_at',
  'allowed_roles',
] as const;

export type EditableField = (typeof editableFields)[number];

/** PatchFields is a TicketPatch without its version: the fields one edit changes. */
export type PatchFields = Omit<TicketPatch, 'version'>;

export type FieldValue = string | number | null | readonly string[] | readonly number[];

/** fieldValue reads a field the way PATCH and the history name it (ids for references). */
export function fieldValue(t: TicketDetail, f: EditableField): FieldValue {
  switch (f) {
    case 'assignee_id':
      return t.assignee?.id ?? null;
    case 'requester_id':
      return t.requester?.id ?? null;
    case 'affected_id':
      return t.affected?.id ?? null;
    default:
      return t[f];
  }
}

/** patchValue reads a field from a patch (undefined: not in the patch). */
export function patchValue(p: PatchFields, f: EditableField): FieldValue | undefined {
  return p[f];
}

/** sameValue compares two field values: tags and roles as sets, times as instants, the rest exactly. */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const as = [...(a as readonly (string | number)[])].map(String).sort();
    const bs = [...(b as readonly (string | number)[])].map(String).sort();
    return as.length === bs.length && as.every((x, i) => x === bs[i]);
  }
  if (typeof a === 'string' && typeof b === 'string' && a !== b) {
    const ta = timeOf(a);
    const tb = timeOf(b);
    return ta !== null && ta === tb;
  }
  return (a ?? null) === (b ?? null);
}

function timeOf(s: string): number | null {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

/** changedFields lists the fields whose values differ between two states of a ticket. */
export function changedFields(a: TicketDetail, b: TicketDetail): EditableField[] {
  return editableFields.filter((f) => !sameValue(fieldValue(a, f), fieldValue(b, f)));
}

/** patchFields lists the fields a patch sets. */
export function patchFields(p: PatchFields): EditableField[] {
  return editableFields.filter((f) => p[f] !== undefined);
}

/** Refs names the people a patch points to, so a pending edit shows them by name. */
export interface Refs {
  assignee?: UserRef | null;
  requester?: PersonRef | null;
  affected?: PersonRef | null;
}

/** overlay shows a patch on a ticket before the server confirms it. */
export function overlay(t: TicketDetail, p: PatchFields, refs: Refs = {}): TicketDetail {
  const out: TicketDetail = { ...t };
  if (p.subject !== undefined) out.subject = p.subject;
  if (p.description !== undefined) {
    // The server renders the HTML; until it answers, the page shows the Markdown as text.
    out.description = p.description;
    out.description_html = '';
  }
  if (p.status_id !== undefined) out.status_id = p.status_id;
  if (p.priority_id !== undefined) out.priority_id = p.priority_id;
  if (p.channel_id !== undefined) out.channel_id = p.channel_id;
  if (p.category_id !== undefined) out.category_id = p.category_id;
  if (p.subcategory_id !== undefined) out.subcategory_id = p.subcategory_id;
  if (p.queue_id !== undefined) out.queue_id = p.queue_id;
  if (p.order_number !== undefined) out.order_number = p.order_number;
  if (p.tags !== undefined) out.tags = p.tags;
  if (p.due_at !== undefined) out.due_at = p.due_at;
  if (p.allowed_roles !== undefined) out.allowed_roles = p.allowed_roles;
  if (p.assignee_id !== undefined) out.assignee = p.assignee_id === null ? null : (refs.assignee ?? { id: p.assignee_id, name: `#${p.assignee_id}` });
  if (p.requester_id !== undefined) out.requester = refs.requester ?? { id: p.requester_id, name: `#${p.requester_id}`, email: '' };
  if (p.affected_id !== undefined) out.affected = p.affected_id === null ? null : (refs.affected ?? { id: p.affected_id, name: `#${p.affected_id}`, email: '' });
  return out;
}

/** ConflictRow is one field a colleague changed since the version an edit was based on. */
export interface ConflictRow {
  field: EditableField;
  /** yours: the value of the edit, or the value the user saw when they did not edit this field. */
  yours: FieldValue;
  /** now: the value on the server now. */
  now: FieldValue;
  /** mine: the user's edit sets this field. */
  mine: boolean;
}

/** conflictRows lists, for a stale edit, each field that differs between its base and the current ticket. */
export function conflictRows(base: TicketDetail, mine: PatchFields, current: TicketDetail): ConflictRow[] {
  const rows: ConflictRow[] = [];
  for (const f of editableFields) {
    const was = fieldValue(base, f);
    const now = fieldValue(current, f);
    if (sameValue(was, now)) continue;
    const p = patchValue(mine, f);
    rows.push({ field: f, yours: p === undefined ? was : p, now, mine: p !== undefined });
  }
  return rows;
}

/** collides tells whether an edit touches a field that changed between its base and `latest`. */
export function collides(base: TicketDetail, mine: PatchFields, latest: TicketDetail): boolean {
  return patchFields(mine).some((f) => !sameValue(fieldValue(base, f), fieldValue(latest, f)));
}

/** minimalPatch keeps only the fields of an edit that differ from the ticket (only the changed field is sent). */
export function minimalPatch(t: TicketDetail, p: PatchFields): PatchFields {
  const out: PatchFields = {};
  for (const f of patchFields(p)) {
    if (!sameValue(fieldValue(t, f), patchValue(p, f))) Object.assign(out, { [f]: p[f] });
  }
  return out;
}

// Input checks, the same as the server's (it answers field errors anyway; these give them sooner).

export const orderNumberPattern = /^[A-Za-z0-9-]{1,40}$/;
const tagPattern = /^[\p{L}\p{N}_-]{1,30}$/u;
export const maxTags = 10;

export type TagsResult = { ok: true; tags: string[] } | { ok: false; error: 'tooMany' | 'badTag'; tag?: string };

/** parseTags reads tags typed as words separated by commas or spaces: lower-cased and deduplicated. */
export function parseTags(text: string): TagsResult {
  const tags: string[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    const tag = raw.trim().replace(/^#/, '').toLowerCase();
    if (tag === '') continue;
    if (!tagPattern.test(tag)) return { ok: false, error: 'badTag', tag };
    if (!tags.includes(tag)) tags.push(tag);
  }
  if (tags.length > maxTags) return { ok: false, error: 'tooMany' };
  return { ok: true, tags };
}

/** localInputFromIso turns an RFC 3339 time into a datetime-local input value in the browser's zone. */
export function localInputFromIso(iso: string | null): string {
  if (iso === null) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** isoFromLocalInput turns a datetime-local value (browser zone) into RFC 3339 UTC; '' is null. */
export function isoFromLocalInput(v: string): string | null | undefined {
  if (v.trim() === '') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.000Z$/, 'Z');
}
