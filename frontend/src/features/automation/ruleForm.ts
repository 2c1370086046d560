// The automation rule and macro editors' state: conditions and actions as the inputs hold them, the
// operators and value widgets of each field, the checks the server makes (errors by path, the same
// paths the server names: `name`, `conditions[0].value`, `actions[1].value.text_es`), and the bodies sent.
import type {
  ActionKind,
  AutomationRule,
  AutomationRuleInput,
  ConditionField,
  ConditionOp,
  Macro,
  MacroInput,
  RuleAction,
  RuleCondition,
  RuleMatch,
} from '../../api/issue5';

/** ValueType is the widget a condition's or an action's value needs. */
export type ValueType = 'text' | 'catalog' | 'person' | 'minutes' | 'field' | 'none' | 'roles' | 'notify';

/** CatalogRef names the catalog a catalog value is chosen from. */
export type CatalogRef = 'channels' | 'categories' | 'subcategories' | 'priorities' | 'queues' | 'statuses';

export const conditionFields: readonly ConditionField[] = [
  'subject',
  'description',
  'channel_id',
  'category_id',
  'subcategory_id',
  'priority_id',
  'queue_id',
  'status_id',
  'assignee_id',
  'tags',
  'minutes_in_state',
  'changed',
];

const idOps: ConditionOp[] = ['eq', 'neq', 'in', 'not_in', 'is_empty'];

/** opsFor lists a condition field's operators, the default first. */
export function opsFor(field: ConditionField): ConditionOp[] {
  switch (field) {
    case 'subject':
    case 'description':
      return ['contains', 'not_contains'];
    case 'tags':
      return ['contains'];
    case 'minutes_in_state':
      return ['gt', 'lt'];
    case 'changed':
      return ['eq'];
    default:
      return idOps;
  }
}

/** catalogOf says which catalog a field's ids come from (null: not a catalog field). */
export function catalogOf(field: ConditionField): CatalogRef | null {
  switch (field) {
    case 'channel_id':
      return 'channels';
    case 'category_id':
      return 'categories';
    case 'subcategory_id':
      return 'subcategories';
    case 'priority_id':
      return 'priorities';
    case 'queue_id':
      return 'queues';
    case 'status_id':
      return 'statuses';
    default:
      return null;
  }
}

/** conditionValueType is the widget of a condition's value. */
export function conditionValueType(field: ConditionField, op: ConditionOp): ValueType {
  if (op === 'is_empty') return 'none';
  if (field === 'minutes_in_state') return 'minutes';
  if (field === 'changed') return 'field';
  if (field === 'assignee_id') return 'person';
  if (catalogOf(field) !== null) return 'catalog';
  return 'text';
}

/** isListOp says the operator takes a list of ids. */
export function isListOp(op: ConditionOp): boolean {
  return op === 'in' || op === 'not_in';
}

/** changeableFields are what `changed` may name. */
export const changeableFields: readonly string[] = [
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
];

export const actionKinds: readonly ActionKind[] = [
  'set_priority',
  'set_queue',
  'set_assignee',
  'set_status',
  'add_tag',
  'remove_tag',
  'set_allowed_roles',
  'add_note',
  'notify',
];

/** actionValueType is the widget of an action's value. */
export function actionValueType(kind: ActionKind): ValueType {
  switch (kind) {
    case 'set_priority':
    case 'set_queue':
    case 'set_status':
      return 'catalog';
    case 'set_assignee':
      return 'person';
    case 'set_allowed_roles':
      return 'roles';
    case 'notify':
      return 'notify';
    default:
      return 'text';
  }
}

/** actionCatalog names the catalog of a catalog action. */
export function actionCatalog(kind: ActionKind): CatalogRef | null {
  if (kind === 'set_priority') return 'priorities';
  if (kind === 'set_queue') return 'queues';
  if (kind === 'set_status') return 'statuses';
  return null;
}

export type NotifyTo = 'requester' | 'assignee' | 'queue_supervisors' | 'user';
export const notifyTargets: readonly NotifyTo[] = ['requester', 'assignee', 'queue_supervisors', 'user'];

export interface NotifyDraft {
  to: NotifyTo;
  /** userId: for `user`, the user's id as text. */
  userId: string;
  text_es: string;
  text_en: string;
}

/** ConditionDraft is one condition as the inputs hold it: one value as text, a list as ids. */
export interface ConditionDraft {
  key: number;
  field: ConditionField;
  op: ConditionOp;
  value: string;
  list: number[];
}

export interface ActionDraft {
  key: number;
  kind: ActionKind;
  value: string;
  list: number[];
  notify: NotifyDraft;
}

export interface RuleDraft {
  name: string;
  active: boolean;
  on_create: boolean;
  on_update: boolean;
  match: RuleMatch;
  conditions: ConditionDraft[];
  actions: ActionDraft[];
}

export interface MacroDraft {
  name: string;
  description: string;
  /** canned_id: '' for none. */
  canned_id: string;
  reply: string;
  active: boolean;
  actions: ActionDraft[];
}

let nextKey = 1;
/** newKey gives rows a stable React key. */
export function newKey(): number {
  return nextKey++;
}

const emptyNotify = (): NotifyDraft => ({ to: 'assignee', userId: '', text_es: '', text_en: '' });

export function newCondition(field: ConditionField = 'subject'): ConditionDraft {
  return { key: newKey(), field, op: opsFor(field)[0] ?? 'eq', value: '', list: [] };
}

export function newAction(kind: ActionKind = 'set_priority'): ActionDraft {
  return { key: newKey(), kind, value: '', list: [], notify: emptyNotify() };
}

/** withField changes a condition's field: its operator and value start over when they no longer fit. */
export function withField(c: ConditionDraft, field: ConditionField): ConditionDraft {
  if (field === c.field) return c;
  return { ...c, field, op: opsFor(field)[0] ?? 'eq', value: '', list: [] };
}

/** withOp changes the operator, carrying one chosen id into a list and back. */
export function withOp(c: ConditionDraft, op: ConditionOp): ConditionDraft {
  const was = isListOp(c.op);
  const now = isListOp(op);
  if (!was && now) return { ...c, op, list: c.value !== '' && /^\d+$/.test(c.value) ? [Number(c.value)] : [] };
  if (was && !now) return { ...c, op, value: c.list[0] !== undefined ? String(c.list[0]) : '' };
  return { ...c, op };
}

/** withKind changes an action's kind; its value starts over. */
export function withKind(a: ActionDraft, kind: ActionKind): ActionDraft {
  if (kind === a.kind) return a;
  return { ...newAction(kind), key: a.key };
}

export function emptyRule(): RuleDraft {
  return { name: '', active: true, on_create: true, on_update: false, match: 'all', conditions: [], actions: [newAction()] };
}

export function emptyMacro(): MacroDraft {
  return { name: '', description: '', canned_id: '', reply: '', active: true, actions: [] };
}

function str(v: unknown): string {
  return typeof v === 'number' || typeof v === 'string' ? String(v) : '';
}

function ids(v: unknown): number[] {
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}

/** conditionDraft reads a stored condition. */
export function conditionDraft(c: RuleCondition): ConditionDraft {
  return { key: newKey(), field: c.field, op: c.op, value: isListOp(c.op) ? '' : str(c.value), list: isListOp(c.op) ? ids(c.value) : [] };
}

/** actionDraft reads a stored action. */
export function actionDraft(a: RuleAction): ActionDraft {
  const d = newAction(a.kind);
  if (a.kind === 'set_allowed_roles') d.list = ids(a.value);
  else if (a.kind === 'notify') {
    const v = (typeof a.value === 'object' && a.value !== null ? a.value : {}) as Record<string, unknown>;
    const to = str(v.to);
    d.notify = {
      to: to.startsWith('user:') ? 'user' : (notifyTargets as readonly string[]).includes(to) ? (to as NotifyTo) : 'assignee',
      userId: to.startsWith('user:') ? to.slice(5) : '',
      text_es: str(v.text_es),
      text_en: str(v.text_en),
    };
  } else d.value = str(a.value);
  return d;
}

export function ruleDraft(r: AutomationRule): RuleDraft {
  return {
    name: r.name,
    active: r.active,
    on_create: r.on_create,
    on_update: r.on_update,
    match: r.match,
    conditions: r.conditions.map(conditionDraft),
    actions: r.actions.map(actionDraft),
  };
}

export function macroDraft(m: Macro): MacroDraft {
  return {
    name: m.name,
    description: m.description,
    canned_id: m.canned_id === null ? '' : String(m.canned_id),
    reply: m.reply,
    active: m.active,
    actions: m.actions.map(actionDraft),
  };
}

/** Errors are message keys (under automation.errors) by path. */
export type Errors = Record<string, string>;

const intPattern = /^\d+$/;
// The server's limits (automation/check.go).
export const maxName = 80;
/** maxMatchText: a text condition's value; maxNote: an internal note; maxNotify: a notification's text. */
export const maxMatchText = 200;
export const maxNote = 5000;
export const maxNotify = 200;
export const maxMinutes = 525_600;
export const maxText = maxNote;

function checkCondition(c: ConditionDraft, path: string, errors: Errors): void {
  const type = conditionValueType(c.field, c.op);
  if (!opsFor(c.field).includes(c.op)) errors[`${path}.op`] = 'op';
  if (type === 'none') return;
  if (isListOp(c.op)) {
    if (c.list.length === 0) errors[`${path}.value`] = 'required';
    return;
  }
  const v = c.value.trim();
  if (v === '') errors[`${path}.value`] = 'required';
  else if (type === 'minutes' && !(intPattern.test(v) && Number(v) <= maxMinutes)) errors[`${path}.value`] = 'minutes';
  else if (type === 'text' && v.length > maxMatchText) errors[`${path}.value`] = 'tooLong';
}

function checkAction(a: ActionDraft, path: string, errors: Errors): void {
  const type = actionValueType(a.kind);
  if (type === 'roles') return; // no roles = the ticket's default roles
  if (type === 'notify') {
    if (a.notify.to === 'user' && !intPattern.test(a.notify.userId)) errors[`${path}.value.to`] = 'required';
    for (const f of ['text_es', 'text_en'] as const) {
      const n = a.notify[f].trim().length;
      if (n === 0) errors[`${path}.value.${f}`] = 'required';
      else if (n > maxNotify) errors[`${path}.value.${f}`] = 'tooLong';
    }
    return;
  }
  const v = a.value.trim();
  if (v === '') errors[`${path}.value`] = 'required';
  else if (v.length > (a.kind === 'add_note' ? maxNote : maxMatchText)) errors[`${path}.value`] = 'tooLong';
}

function checkName(name: string, errors: Errors): void {
  const n = name.trim().length;
  if (n === 0) errors.name = 'required';
  else if (n > maxName) errors.name = 'nameTooLong';
}

/** validateRule checks a rule as the server will; an empty result means it may be sent. */
export function validateRule(d: RuleDraft): Errors {
  const errors: Errors = {};
  checkName(d.name, errors);
  if (!d.on_create && !d.on_update) errors.when = 'when';
  d.conditions.forEach((c, i) => checkCondition(c, `conditions[${i}]`, errors));
  if (d.actions.length === 0) errors.actions = 'noActions';
  d.actions.forEach((a, i) => checkAction(a, `actions[${i}]`, errors));
  return errors;
}

export function validateMacro(d: MacroDraft): Errors {
  const errors: Errors = {};
  checkName(d.name, errors);
  if (d.description.trim().length > 500) errors.description = 'tooLong';
  if (d.reply.length > 10_000) errors.reply = 'tooLong';
  if (d.actions.length === 0 && d.canned_id === '' && d.reply.trim() === '') errors.actions = 'emptyMacro';
  d.actions.forEach((a, i) => checkAction(a, `actions[${i}]`, errors));
  return errors;
}

function conditionValue(c: ConditionDraft): unknown {
  const type = conditionValueType(c.field, c.op);
  if (type === 'none') return null;
  if (isListOp(c.op)) return [...c.list].sort((a, b) => a - b);
  if (type === 'catalog' || type === 'person' || type === 'minutes') return Number(c.value);
  return c.value.trim();
}

function actionValue(a: ActionDraft): unknown {
  switch (actionValueType(a.kind)) {
    case 'catalog':
    case 'person':
      return Number(a.value);
    case 'roles':
      return [...a.list].sort((x, y) => x - y);
    case 'notify':
      return {
        to: a.notify.to === 'user' ? `user:${a.notify.userId}` : a.notify.to,
        text_es: a.notify.text_es.trim(),
        text_en: a.notify.text_en.trim(),
      };
    default:
      return a.kind === 'add_note' ? a.value : a.value.trim();
  }
}

export function actionsBody(actions: readonly ActionDraft[]): RuleAction[] {
  return actions.map((a) => ({ kind: a.kind, value: actionValue(a) }));
}

/** ruleBody is POST /automation-rules' body, or PUT's with the version. */
export function ruleBody(d: RuleDraft, version?: number): AutomationRuleInput {
  const body: AutomationRuleInput = {
    name: d.name.trim(),
    active: d.active,
    on_create: d.on_create,
    on_update: d.on_update,
    match: d.match,
    conditions: d.conditions.map((c) => ({ field: c.field, op: c.op, value: conditionValue(c) })),
    actions: actionsBody(d.actions),
  };
  if (version !== undefined) body.version = version;
  return body;
}

export function macroBody(d: MacroDraft, version?: number): MacroInput {
  const body: MacroInput = {
    name: d.name.trim(),
    description: d.description.trim(),
    canned_id: d.canned_id === '' ? null : Number(d.canned_id),
    reply: d.reply,
    actions: actionsBody(d.actions),
    active: d.active,
  };
  if (version !== undefined) body.version = version;
  return body;
}

/** editorPathOf is where the editor shows a server error path: an id inside a list (`conditions[0].value[2]`)
 * shows on the list's value. */
export function editorPathOf(path: string): string {
  return path.replace(/^((?:conditions|actions)\[\d+\]\.value)\[\d+\]$/, '$1');
}

/** splitServerErrors keeps the server's field errors whose path the editor shows and lists the rest. */
export function splitServerErrors(fields: Record<string, string>, shown: (path: string) => boolean): { byPath: Errors; other: string[] } {
  const byPath: Errors = {};
  const other: string[] = [];
  for (const [raw, message] of Object.entries(fields)) {
    const path = editorPathOf(raw);
    if (shown(path)) byPath[path] = message;
    else other.push(message);
  }
  return { byPath, other };
}

/** rulePaths says whether a path names an input of the rule editor. */
export function editorPath(d: { conditions?: readonly unknown[]; actions: readonly unknown[] }, path: string): boolean {
  if (['name', 'when', 'on_create', 'on_update', 'match', 'actions', 'conditions', 'description', 'reply', 'canned_id'].includes(path)) return true;
  const m = /^(conditions|actions)\[(\d+)\]\.(op|field|kind|value(?:\.(?:to|text_es|text_en))?)$/.exec(path);
  if (!m) return false;
  const list = m[1] === 'conditions' ? d.conditions : d.actions;
  return list !== undefined && Number(m[2]) < list.length;
}

/** move returns the list with the item at `from` moved to `to` (drag or keyboard reordering). */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length || to < 0 || to >= out.length) return out;
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x as T);
  return out;
}
