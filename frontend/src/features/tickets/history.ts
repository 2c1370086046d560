// Field values and history entries in words: ids resolved to names through the catalogs and the
// users, times and sizes in the language on screen. Plain functions (a test passes its own t).
import type { TFunction } from 'i18next';
import type { HistoryEntry, UserRef } from '../../api/types';
import { editableFields } from './fields';
import type { EditableField } from './fields';
import { formatBytes, formatDateTime } from './format';
import { slaHistoryText } from '../sla/history';

/** CatalogField names the fields whose values are catalog ids. */
export type CatalogField = 'status_id' | 'priority_id' | 'category_id' | 'subcategory_id' | 'channel_id' | 'queue_id';
export type PersonField = 'assignee_id' | 'requester_id' | 'affected_id';

/** Lookups name what ids stand for; undefined when unknown. */
export interface Lookups {
  catalog: (field: CatalogField, id: number) => string | undefined;
  person: (id: number) => string | undefined;
  /** role names a role id (allowed roles); optional: ids show as `#id` without it. */
  role?: (id: number) => string | undefined;
  t: TFunction;
  lang: string;
}

const catalogFields = new Set<string>(['status_id', 'priority_id', 'category_id', 'subcategory_id', 'channel_id', 'queue_id']);
const personFields = new Set<string>(['assignee_id', 'requester_id', 'affected_id']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const excerptLength = 80;

function excerpt(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > excerptLength ? `${one.slice(0, excerptLength - 1)}…` : one;
}

/** formatValue says a field's value in words; null and missing values are an em dash. */
export function formatValue(field: string, value: unknown, l: Lookups): string {
  if (value === null || value === undefined || value === '') {
    if (field === 'assignee_id') return l.t('ticket.unassigned');
    return '—';
  }
  if (catalogFields.has(field) && typeof value === 'number') return l.catalog(field as CatalogField, value) ?? `#${value}`;
  if (personFields.has(field) && typeof value === 'number') return l.person(value) ?? `#${value}`;
  if (field === 'tags' && Array.isArray(value)) return value.length === 0 ? '—' : value.map(String).join(', ');
  if (field === 'allowed_roles' && Array.isArray(value)) {
    return value.length === 0 ? '—' : value.map((id) => (typeof id === 'number' ? (l.role?.(id) ?? `#${id}`) : String(id))).join(', ');
  }
  if (field === 'due_at' && typeof value === 'string') return formatDateTime(value, l.lang);
  if (field === 'description' && typeof value === 'string') return excerpt(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** historyFields are the fields history entries are recorded under, each with its label (fieldLabel). */
export const historyFields: readonly string[] = [
  ...editableFields,
  'created',
  'link',
  'merged_into',
  'merged_from',
  'attachment',
  'rank',
  'transition',
  'action',
  'queue_op',
  'rule',
  'sla',
  'task',
  'info_request',
  'tracking_link',
  'state_limit',
];

/** fieldLabel is a field's name in the language on screen. */
export function fieldLabel(field: string, t: TFunction): string {
  if (field === 'allowed_roles') return t('access.allowedRoles.label');
  if ((editableFields as readonly string[]).includes(field)) return t(`ticket.fields.${field as EditableField}`);
  switch (field) {
    // Besides the ticket's own events: tasks, information requests, tracking links (issue 6) and time
    // limits in a status (SLA).
    case 'created':
    case 'link':
    case 'merged_into':
    case 'merged_from':
    case 'attachment':
    case 'rank':
    case 'task':
    case 'info_request':
    case 'tracking_link':
    case 'state_limit':
      return t(`ticket.history.events.${field}`);
    // Workflows (issue 5, FW).
    case 'transition':
    case 'action':
      return t(`workflows.history.${field}`);
    // Queue operations and automation rules (issue 5, FQ).
    case 'queue_op':
      return t('queues.history.label');
    case 'rule':
      return t('automation.history.label');
    // SLA clocks (issue 6).
    case 'sla':
      return t('sla.history.label');
    default:
      return field;
  }
}

function linkText(v: unknown, t: TFunction): string {
  if (!isRecord(v)) return '—';
  const kind = v.kind === 'duplicate' || v.kind === 'related' ? t(`ticket.links.kinds.${v.kind}`) : '';
  const n = typeof v.number === 'number' ? `#${v.number}` : '';
  return kind ? `${n} (${kind})` : n || '—';
}

/** withPeople names people through the history's own `people` first (a former requester is no longer
 * on the ticket nor among the assignees), then through the lookups. */
export function withPeople(l: Lookups, people: readonly UserRef[]): Lookups {
  if (people.length === 0) return l;
  const names = new Map(people.map((p) => [p.id, p.name]));
  return { ...l, person: (id) => names.get(id) ?? l.person(id) };
}

/** transitionText names a workflow transition of the history (`{key,name_es,name_en}`). */
export function transitionText(v: unknown, lang: string): string {
  if (!isRecord(v)) return '—';
  const name = lang === 'en' ? v.name_en : v.name_es;
  return typeof name === 'string' && name !== '' ? name : typeof v.key === 'string' ? v.key : '—';
}

/** actionText says a workflow action of the history (`{"action":"credit_note","movement_id":…,"amount":…}`). */
export function actionText(v: unknown, l: Lookups): string {
  if (!isRecord(v) || typeof v.action !== 'string') return '—';
  const name = l.t(`workflows.actions.${v.action}`, { defaultValue: v.action });
  const a = v.amount;
  const amount = isRecord(a) && typeof a.amount === 'string' ? `${a.amount} ${typeof a.currency === 'string' ? a.currency : ''}`.trim() : typeof a === 'string' ? a : '';
  return amount ? `${name}: ${amount}` : name;
}

/**
 * eventText says a step of a ticket's task (`{event,title,assignee_id}`), information request
 * (`{event,round,to_user_id|to_name,to_email,message?,files?}`) or tracking link (`{event,email,expires_at}`),
 * or a time limit in a status that passed (`{status_id,limit_minutes}`), as the history export does.
 */
export function eventText(field: string, v: unknown, l: Lookups): string {
  if (!isRecord(v)) return '—';
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  const num = (x: unknown) => (typeof x === 'number' ? x : 0);
  if (field === 'state_limit') {
    const sid = num(v.status_id);
    if (sid === 0) return '—';
    return l.t('ticket.history.words.state_limit', { minutes: num(v.limit_minutes), status: l.catalog('status_id', sid) ?? `#${sid}` });
  }
  const ev = str(v.event);
  if (ev === '') return '—';
  const parts = [l.t(`ticket.history.words.${field}.${ev}`, { defaultValue: ev })];
  const person = (id: number) => l.person(id) ?? `#${id}`;
  if (field === 'task') {
    parts.push(str(v.title));
    if (num(v.assignee_id) > 0) parts.push(person(num(v.assignee_id)));
  } else if (field === 'info_request') {
    const name = str(v.to_name);
    const email = str(v.to_email);
    if (num(v.to_user_id) > 0) parts.push(person(num(v.to_user_id)));
    else if (name && email) parts.push(`${name} <${email}>`);
    else parts.push(email);
    if (num(v.round) > 1) parts.push(l.t('ticket.history.words.round', { n: num(v.round) }));
    if (str(v.message)) parts.push(`“${str(v.message)}”`);
    if (Array.isArray(v.files) && v.files.length > 0) parts.push(v.files.map(String).join(', '));
  } else if (field === 'tracking_link') {
    parts.push(str(v.email));
    if (str(v.expires_at)) parts.push(l.t('ticket.history.words.expires', { at: formatDateTime(str(v.expires_at), l.lang) }));
  }
  return parts.filter((p) => p !== '').join(' · ');
}

/** HistoryLine is one history entry ready to show. */
export interface HistoryLine extends ChangeText {
  id: number;
  at: string;
  who: string;
}

/** ChangeText is a change's field and values in words. */
export interface ChangeText {
  label: string;
  before: string;
  after: string;
}

/** formatChange says one change in words: its field's label and its before and after values. */
export function formatChange(field: string, before: unknown, after: unknown, l: Lookups): ChangeText {
  const out: ChangeText = { label: fieldLabel(field, l.t), before: '', after: '' };
  switch (field) {
    case 'created': {
      const subject = isRecord(after) && typeof after.subject === 'string' ? after.subject : '';
      out.after = subject;
      break;
    }
    case 'link':
      out.before = linkText(before, l.t);
      out.after = after === null ? l.t('ticket.history.removed') : linkText(after, l.t);
      break;
    case 'merged_into':
    case 'merged_from':
      out.after = isRecord(after) && typeof after.number === 'number' ? `#${after.number}` : '—';
      break;
    case 'attachment': {
      const a = after;
      out.after = isRecord(a) && typeof a.filename === 'string' ? `${a.filename}${typeof a.size === 'number' ? ` (${formatBytes(a.size, l.lang)})` : ''}` : '—';
      break;
    }
    // Workflows (issue 5, FW): the transition's name; a domain action in words.
    case 'transition':
      out.after = transitionText(after, l.lang);
      break;
    case 'action':
      out.after = actionText(after, l);
      break;
    // Queue operations and automation rules (issue 5, FQ).
    case 'queue_op':
      out.after = queueOpText(after, l);
      break;
    case 'rule':
      out.after = isRecord(after) && typeof after.name === 'string' ? after.name : '—';
      break;
    // SLA clocks (issue 6): a sentence per start, pause, recalculation, breach…
    case 'sla':
      out.after = slaHistoryText(after, l);
      break;
    // Tasks, information requests and tracking links (issue 6), time limits in a status (SLA).
    case 'task':
    case 'info_request':
    case 'tracking_link':
    case 'state_limit':
      out.before = before === null || before === undefined ? '' : eventText(field, before, l);
      out.after = after === null || after === undefined ? '' : eventText(field, after, l);
      break;
    default:
      out.before = formatValue(field, before, l);
      out.after = formatValue(field, after, l);
  }
  return out;
}

/**
 * formatHistory turns the history into lines, oldest first. The card's place in its column (`rank`)
 * is left out: it changes with every move and says nothing a reader needs.
 */
export function formatHistory(items: readonly HistoryEntry[], l: Lookups): HistoryLine[] {
  const out: HistoryLine[] = [];
  for (const e of items) {
    if (e.field === 'rank') continue;
    const who = e.actor?.name ?? l.t('ticket.history.system');
    out.push({ id: e.id, at: e.at, who, ...formatChange(e.field, e.before, e.after, l) });
  }
  return out;
}

// Queue operations (issue 5, FQ): after = {op, queue_id, assignee_id, reason} or {op: "auto_assign", mode}.
const queueOpNames = new Set(['accept', 'dispatch', 'transfer', 'escalate', 'reject', 'assign', 'yank', 'auto_assign']);
const assignmentModes = new Set(['manual', 'round_robin', 'least_loaded']);

/** queueOpText says a queue operation in words: the operation, then its queue, person, mode or reason. */
export function queueOpText(v: unknown, l: Lookups): string {
  if (!isRecord(v) || typeof v.op !== 'string') return '—';
  const parts = [queueOpNames.has(v.op) ? l.t(`queues.history.ops.${v.op}`) : v.op];
  if (typeof v.queue_id === 'number') parts.push(formatValue('queue_id', v.queue_id, l));
  if (typeof v.assignee_id === 'number') parts.push(formatValue('assignee_id', v.assignee_id, l));
  if (typeof v.mode === 'string') parts.push(assignmentModes.has(v.mode) ? l.t(`queues.modes.${v.mode}`) : v.mode);
  if (typeof v.reason === 'string' && v.reason !== '') parts.push(`“${excerpt(v.reason)}”`);
  return parts.join(' · ');
}
