// The catalog entry form: which fields each catalog has, the values as the inputs hold them, the same
// checks the server makes, and the create and partial-edit bodies sent to the API.
import { normalizeIds, sameIds } from '../roles/roleOptions';
import type { AssignmentMode } from '../../api/issue5';
import type {
  AnyCatalogEntry,
  CatalogKind,
  CatalogPatchOf,
  NewCatalogEntryOf,
  StatusGroup,
} from '../../api/types';

/** FieldName is a form field; each is named as the API field it edits. */
export type FieldName =
  | 'key'
  | 'name_es'
  | 'name_en'
  | 'parent_id'
  | 'description_es'
  | 'description_en'
  | 'group'
  | 'color'
  | 'wip_limit'
  | 'pauses_sla'
  | 'level'
  | 'kind'
  | 'body_es'
  | 'body_en'
  | 'role_ids'
  | 'supervisor_ids'
  // A queue's assignment settings (issue 5, FQ).
  | 'member_ids'
  | 'assignment'
  | 'max_per_agent';

/** idListFields are the fields holding sets of ids (roles, supervisors). */
export const idListFields: readonly FieldName[] = ['role_ids', 'supervisor_ids', 'member_ids'];

/** queueSettingFields are a queue's assignment settings (issue 5, FQ), named in the queues namespace. */
const queueSettingFields = new Set<FieldName>(['member_ids', 'assignment', 'max_per_agent']);

/** fieldLabelKey is the i18n key of a field's name (the access fields live in the access namespace). */
export function fieldLabelKey(f: FieldName): string {
  if (queueSettingFields.has(f)) return `queues.fields.${f}`;
  return f === 'role_ids' || f === 'supervisor_ids' ? `access.fields.${f}` : `admin.fields.${f}`;
}

/** Values is what the form's inputs hold (numbers as text, '' for none). */
export interface Values {
  key: string;
  name_es: string;
  name_en: string;
  /** parent_id: '' for a top-level category, else the category's id. */
  parent_id: string;
  description_es: string;
  description_en: string;
  group: StatusGroup;
  color: string;
  /** wip_limit: '' for no limit. */
  wip_limit: string;
  pauses_sla: boolean;
  level: string;
  kind: 'credit' | 'debit';
  body_es: string;
  body_en: string;
  /** role_ids: roles that see the entry's tickets (queues, categories), ascending. */
  role_ids: number[];
  /** supervisor_ids: users who supervise a queue, ascending. */
  supervisor_ids: number[];
  /** member_ids: the queue's members (who accept its tickets and are assigned them), ascending. */
  member_ids: number[];
  assignment: AssignmentMode;
  /** max_per_agent: '' for no cap. */
  max_per_agent: string;
}

/** Mode: a new entry, or an edit of an existing one. */
export type Mode = 'create' | 'edit';

const kindFields: Record<CatalogKind, FieldName[]> = {
  categories: ['parent_id', 'description_es', 'description_en', 'role_ids'],
  'kb-categories': [],
  statuses: ['group', 'color', 'wip_limit', 'pauses_sla'],
  priorities: ['color'],
  channels: [],
  queues: ['level', 'role_ids', 'supervisor_ids', 'member_ids', 'assignment', 'max_per_agent'],
  'note-reasons': ['kind'],
  'canned-responses': ['body_es', 'body_en'],
};

/** fieldsOf lists the form fields of a catalog; the key is chosen only when creating (it never changes). */
export function fieldsOf(kind: CatalogKind, mode: Mode): FieldName[] {
  return [...(mode === 'create' ? (['key'] as FieldName[]) : []), 'name_es', 'name_en', ...kindFields[kind]];
}

/** emptyValues is a new entry's form. */
export function emptyValues(parentId: number | null = null): Values {
  return {
    key: '',
    name_es: '',
    name_en: '',
    parent_id: parentId === null ? '' : String(parentId),
    description_es: '',
    description_en: '',
    group: 'doing',
    color: '#8c95a3',
    wip_limit: '',
    pauses_sla: false,
    level: '1',
    kind: 'credit',
    body_es: '',
    body_en: '',
    role_ids: [],
    supervisor_ids: [],
    member_ids: [],
    assignment: 'manual',
    max_per_agent: '',
  };
}

/** valuesOf fills the form from an entry. */
export function valuesOf(entry: AnyCatalogEntry): Values {
  const v = emptyValues();
  v.key = entry.key;
  v.name_es = entry.name_es;
  v.name_en = entry.name_en;
  if ('parent_id' in entry) {
    v.parent_id = entry.parent_id === null ? '' : String(entry.parent_id);
    v.description_es = entry.description_es;
    v.description_en = entry.description_en;
  }
  if ('group' in entry) {
    v.group = entry.group;
    v.wip_limit = entry.wip_limit === null ? '' : String(entry.wip_limit);
    v.pauses_sla = entry.pauses_sla;
  }
  if ('color' in entry) v.color = entry.color;
  if ('level' in entry) v.level = String(entry.level);
  if ('kind' in entry) v.kind = entry.kind;
  if ('body_es' in entry) {
    v.body_es = entry.body_es;
    v.body_en = entry.body_en;
  }
  if ('role_ids' in entry) v.role_ids = normalizeIds(entry.role_ids);
  if ('supervisor_ids' in entry) v.supervisor_ids = normalizeIds(entry.supervisor_ids);
  // A queue's assignment settings (issue 5, FQ): absent until the backend sends them.
  const q = entry as Partial<{ member_ids: number[]; assignment: AssignmentMode; max_per_agent: number | null }>;
  if (Array.isArray(q.member_ids)) v.member_ids = normalizeIds(q.member_ids);
  if (q.assignment) v.assignment = q.assignment;
  if (q.max_per_agent !== undefined) v.max_per_agent = q.max_per_agent === null ? '' : String(q.max_per_agent);
  return v;
}

/** placeholders are the fields a canned response may name, filled from the ticket when it is used. */
export const placeholders = [
  '{{requester.name}}',
  '{{requester.email}}',
  '{{ticket.number}}',
  '{{ticket.subject}}',
  '{{agent.name}}',
  '{{agent.email}}',
] as const;

/** unknownPlaceholders lists the `{{…}}` of a body that are not placeholders (the server refuses them). */
export function unknownPlaceholders(body: string): string[] {
  const known = new Set<string>(placeholders);
  const out: string[] = [];
  for (const m of body.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    const p = `{{${m[1] ?? ''}}}`;
    if (!known.has(p) && !out.includes(p)) out.push(p);
  }
  return out;
}

/** insertAt puts text in place of value's selection [start, end) and says where the caret goes. */
export function insertAt(value: string, start: number, end: number, text: string): { value: string; caret: number } {
  const s = Math.max(0, Math.min(start, value.length));
  const e = Math.max(s, Math.min(end, value.length));
  return { value: value.slice(0, s) + text + value.slice(e), caret: s + text.length };
}

/** FieldError is a message key under admin.errors with its parameters. */
export interface FieldError {
  key: string;
  params?: Record<string, string | number>;
}

export type Errors = Partial<Record<FieldName, FieldError>>;

const keyPattern = /^[a-z0-9_]{1,40}$/;
const colorPattern = /^#[0-9a-fA-F]{6}$/;
const intPattern = /^\d+$/;

function length(v: string, min: number, max: number): FieldError | undefined {
  const n = v.trim().length;
  if (n < min) return { key: 'required' };
  if (n > max) return { key: 'tooLong', params: { max } };
  return undefined;
}

/** validate checks the form as the server will; an empty result means it may be sent. */
export function validate(kind: CatalogKind, mode: Mode, v: Values): Errors {
  const errors: Errors = {};
  const set = (f: FieldName, e: FieldError | undefined) => {
    if (e) errors[f] = e;
  };
  for (const f of fieldsOf(kind, mode)) {
    switch (f) {
      case 'key':
        if (v.key !== '' && !keyPattern.test(v.key)) set(f, { key: 'keyPattern' });
        break;
      case 'name_es':
      case 'name_en':
        set(f, length(v[f], 1, 80));
        break;
      case 'description_es':
      case 'description_en':
        set(f, length(v[f], 0, 500));
        break;
      case 'color':
        if (!colorPattern.test(v.color)) set(f, { key: 'color' });
        break;
      case 'wip_limit':
      case 'max_per_agent':
        if (f === 'max_per_agent') {
          if (v.max_per_agent.trim() !== '' && !(intPattern.test(v.max_per_agent.trim()) && Number(v.max_per_agent) >= 1)) set(f, { key: 'wipLimit' });
          break;
        }
        if (v.wip_limit.trim() !== '' && !(intPattern.test(v.wip_limit.trim()) && Number(v.wip_limit) >= 1)) {
          set(f, { key: 'wipLimit' });
        }
        break;
      case 'level': {
        const n = Number(v.level);
        if (!intPattern.test(v.level.trim()) || n < 1 || n > 9) set(f, { key: 'level' });
        break;
      }
      case 'body_es':
      case 'body_en': {
        const e = length(v[f], 1, 10_000);
        if (e) set(f, e);
        else {
          const bad = unknownPlaceholders(v[f]);
          if (bad.length > 0) set(f, { key: 'placeholder', params: { names: bad.join(', ') } });
        }
        break;
      }
      case 'parent_id':
      case 'group':
      case 'pauses_sla':
      case 'kind':
      case 'role_ids':
      case 'supervisor_ids':
      case 'member_ids':
      case 'assignment':
        // Chosen from lists; the server checks that each still exists.
        break;
    }
  }
  return errors;
}

/** fieldValue is the API value of one form field. */
function fieldValue(f: FieldName, v: Values): unknown {
  switch (f) {
    case 'parent_id':
      return v.parent_id === '' ? null : Number(v.parent_id);
    case 'wip_limit':
      return v.wip_limit.trim() === '' ? null : Number(v.wip_limit);
    case 'max_per_agent':
      return v.max_per_agent.trim() === '' ? null : Number(v.max_per_agent);
    case 'level':
      return Number(v.level);
    case 'name_es':
    case 'name_en':
    case 'key':
      return v[f].trim();
    case 'role_ids':
    case 'supervisor_ids':
    case 'member_ids':
      return normalizeIds(v[f]);
    default:
      return v[f];
  }
}

/** sameApiValue compares two API values: id sets as sets, the rest exactly. */
function sameApiValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return sameIds(a as number[], b as number[]);
  return a === b;
}

/** createBody is POST /catalog/{kind}'s body; an empty key lets the server derive one from name_en. */
export function createBody<K extends keyof NewCatalogEntryOf>(kind: K, v: Values): NewCatalogEntryOf[K] {
  const body: Record<string, unknown> = {};
  for (const f of fieldsOf(kind, 'create')) {
    if (f === 'key' && v.key.trim() === '') continue;
    // No roles or supervisors: the server's default, left out.
    if ((f === 'role_ids' || f === 'supervisor_ids' || f === 'member_ids') && v[f].length === 0) continue;
    // The server's defaults: manual assignment, no cap.
    if ((f === 'assignment' && v.assignment === 'manual') || (f === 'max_per_agent' && v.max_per_agent.trim() === '')) continue;
    body[f] = fieldValue(f, v);
  }
  return body as unknown as NewCatalogEntryOf[K];
}

/** changedFields lists the fields whose API value differs between two forms. */
export function changedFields(kind: CatalogKind, from: Values, to: Values): FieldName[] {
  return fieldsOf(kind, 'edit').filter((f) => !sameApiValue(fieldValue(f, from), fieldValue(f, to)));
}

/** patchBody is PATCH /catalog/{kind}/{id}'s body: the version and only the fields the admin changed
 * since `original` (so a reapply after a conflict sends the admin's changes, not stale values). */
export function patchBody<K extends CatalogKind>(kind: K, original: Values, mine: Values, version: number): CatalogPatchOf[K] {
  const body: Record<string, unknown> = { version };
  for (const f of changedFields(kind, original, mine)) body[f] = fieldValue(f, mine);
  return body as unknown as CatalogPatchOf[K];
}

/** serverErrors splits the server's field errors into those the form shows by a field and the rest. */
export function serverErrors(
  kind: CatalogKind,
  mode: Mode,
  fields: Record<string, string>,
): { byField: Partial<Record<FieldName, string>>; other: string[] } {
  const names = new Set<string>(fieldsOf(kind, mode));
  const byField: Partial<Record<FieldName, string>> = {};
  const other: string[] = [];
  for (const [name, message] of Object.entries(fields)) {
    if (names.has(name)) byField[name as FieldName] = message;
    else other.push(message);
  }
  return { byField, other };
}
