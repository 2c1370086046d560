// The fixed vocabulary of workflow definitions (field keys, actions) and the client-side validation
// that mirrors the server's rules (issue 5 §1), so the editor shows mistakes at once; the server's
// 422 (same paths) stays the authority and is shown the same way.
import type {
  DomainAction,
  NotifyTarget,
  SetFieldName,
  TransitionFieldKey,
  WorkflowAction,
  WorkflowDefinition,
  WorkflowTransition,
} from '../../api/issue5';

export const ticketFieldKeys = [
  'priority_id',
  'queue_id',
  'assignee_id',
  'category_id',
  'subcategory_id',
  'due_at',
  'order_number',
] as const satisfies readonly TransitionFieldKey[];
export const inputFieldKeys = ['amount', 'note_reason_id', 'credit_limit', 'credit_type', 'reason'] as const satisfies readonly TransitionFieldKey[];
/** fieldKeys is the fixed set of keys a transition may ask for (labels: workflows.fieldKeys.*). */
export const fieldKeys: readonly TransitionFieldKey[] = [...ticketFieldKeys, ...inputFieldKeys];

export const domainActions: readonly DomainAction[] = ['credit_note', 'backorder', 'credit_limit'];
export const setFieldNames: readonly SetFieldName[] = ['priority_id', 'queue_id', 'assignee_id', 'tags_add', 'allowed_roles'];
export const notifyTargets: readonly NotifyTarget[] = ['requester', 'assignee', 'queue_supervisors'];
/** creditTypes are commerce.CreditTypes. */
export const creditTypes = ['none', 'cash', 'credit_30', 'credit_60', 'credit_90'] as const;

/** domainNeeds lists the fields a domain action needs among its transition's fields. */
export const domainNeeds: Record<DomainAction, readonly TransitionFieldKey[]> = {
  credit_note: ['amount', 'note_reason_id'],
  backorder: ['order_number'],
  credit_limit: ['credit_limit', 'credit_type'],
};

export const transitionKeyPattern = /^[a-z][a-z0-9_]{0,39}$/;
export const maxLimitMinutes = 525600;

/** Issue is one validation error: where (a server-style path) and what (an i18n key under
 * workflows.errors with its values). */
export interface Issue {
  path: string;
  code: string;
  values?: Record<string, string | number>;
}

/** ValidationContext is what the rules check against: the statuses, roles and permissions that exist
 * (null: not loaded, that rule is left to the server). */
export interface ValidationContext {
  statusIds: ReadonlySet<number> | null;
  roleIds: ReadonlySet<number> | null;
  perms: ReadonlySet<string> | null;
}

function isKnownAction(a: WorkflowAction): boolean {
  switch (a.kind) {
    case 'domain':
      return domainActions.includes(a.action);
    case 'set_field':
      return setFieldNames.includes(a.field);
    case 'notify':
      return notifyTargets.includes(a.to);
    default:
      return false;
  }
}

/** reachable is the set of state indexes reachable from the start state through the transitions. */
export function reachable(def: WorkflowDefinition): Set<number> {
  const start = def.states.findIndex((s) => s.start);
  const out = new Set<number>();
  if (start < 0) return out;
  const indexOf = new Map(def.states.map((s, i) => [s.status_id, i]));
  const queue = [start];
  out.add(start);
  while (queue.length > 0) {
    const at = def.states[queue.shift()!]!;
    for (const t of def.transitions) {
      if (!t.from.includes(at.status_id)) continue;
      const j = indexOf.get(t.to);
      if (j !== undefined && !out.has(j)) {
        out.add(j);
        queue.push(j);
      }
    }
  }
  return out;
}

function validateTransition(t: WorkflowTransition, i: number, def: WorkflowDefinition, ctx: ValidationContext, out: Issue[]): void {
  const p = `transitions[${i}]`;
  const stateIds = new Set(def.states.map((s) => s.status_id));
  if (!transitionKeyPattern.test(t.key)) out.push({ path: `${p}.key`, code: 'keyFormat' });
  else if (def.transitions.findIndex((o) => o.key === t.key) !== i) out.push({ path: `${p}.key`, code: 'keyDuplicate' });
  if (t.name_es.trim() === '') out.push({ path: `${p}.name_es`, code: 'nameRequired' });
  if (t.name_en.trim() === '') out.push({ path: `${p}.name_en`, code: 'nameRequired' });
  if (t.from.length === 0) out.push({ path: `${p}.from`, code: 'fromRequired' });
  else if (t.from.some((f) => !stateIds.has(f))) out.push({ path: `${p}.from`, code: 'fromNotState' });
  else if (t.from.includes(t.to)) out.push({ path: `${p}.from`, code: 'fromHasTo' });
  if (!stateIds.has(t.to)) out.push({ path: `${p}.to`, code: 'toNotState' });
  if (ctx.roleIds !== null && t.roles.some((r) => !ctx.roleIds!.has(r))) out.push({ path: `${p}.roles`, code: 'roleUnknown' });
  if (ctx.perms !== null && t.perms.some((x) => !ctx.perms!.has(x))) out.push({ path: `${p}.perms`, code: 'permUnknown' });
  const seen = new Set<string>();
  t.fields.forEach((f, j) => {
    if (!fieldKeys.includes(f.key)) out.push({ path: `${p}.fields[${j}].key`, code: 'fieldUnknown' });
    else if (seen.has(f.key)) out.push({ path: `${p}.fields[${j}].key`, code: 'fieldDuplicate' });
    seen.add(f.key);
  });
  t.actions.forEach((a, k) => {
    if (!isKnownAction(a)) {
      out.push({ path: `${p}.actions[${k}]`, code: 'actionUnknown' });
      return;
    }
    if (a.kind === 'domain') {
      const missing = domainNeeds[a.action].filter((need) => !seen.has(need));
      if (missing.length > 0) out.push({ path: `${p}.actions[${k}]`, code: 'actionNeedsFields', values: { fields: missing.join(', ') } });
    }
  });
}

/** validateDefinition lists every mistake of a definition, with server-style paths. */
export function validateDefinition(def: WorkflowDefinition, ctx: ValidationContext): Issue[] {
  const out: Issue[] = [];
  const starts = def.states.filter((s) => s.start).length;
  if (def.states.length === 0) out.push({ path: 'states', code: 'noStates' });
  else if (starts === 0) out.push({ path: 'states', code: 'noStart' });
  else if (starts > 1) {
    def.states.forEach((s, i) => {
      if (s.start) out.push({ path: `states[${i}].start`, code: 'manyStarts' });
    });
  }
  if (def.states.length > 0 && !def.states.some((s) => s.final)) out.push({ path: 'states', code: 'noFinal' });
  const reach = starts === 1 ? reachable(def) : null;
  def.states.forEach((s, i) => {
    const p = `states[${i}]`;
    if (ctx.statusIds !== null && !ctx.statusIds.has(s.status_id)) out.push({ path: `${p}.status_id`, code: 'statusUnknown' });
    else if (def.states.findIndex((o) => o.status_id === s.status_id) !== i) out.push({ path: `${p}.status_id`, code: 'statusDuplicate' });
    if (s.limit_minutes !== null && !(Number.isInteger(s.limit_minutes) && s.limit_minutes >= 1 && s.limit_minutes <= maxLimitMinutes)) {
      out.push({ path: `${p}.limit_minutes`, code: 'limitRange', values: { max: maxLimitMinutes } });
    }
    if (reach !== null && !reach.has(i)) out.push({ path: p, code: 'unreachable' });
    if (!s.final && !def.transitions.some((t) => t.from.includes(s.status_id))) out.push({ path: p, code: 'noOutgoing' });
  });
  def.transitions.forEach((t, i) => validateTransition(t, i, def, ctx, out));
  return out;
}
