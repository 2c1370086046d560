// Editing a definition: pure functions the editor applies to its draft (add, change and remove states
// and transitions, keeping the transitions pointing at existing states).
import type { WorkflowDefinition, WorkflowState, WorkflowTransition } from '../../api/issue5';
import { nextFreeSpot } from './geometry';

/** addState adds a status as a state, placed right of the others. */
export function addState(def: WorkflowDefinition, statusId: number): WorkflowDefinition {
  const at = nextFreeSpot(def.states);
  const state: WorkflowState = { status_id: statusId, start: def.states.length === 0, final: false, limit_minutes: null, x: at.x, y: at.y };
  return { ...def, states: [...def.states, state] };
}

/** updateState changes one state; making it the start unmarks any other start. */
export function updateState(def: WorkflowDefinition, index: number, patch: Partial<WorkflowState>): WorkflowDefinition {
  const old = def.states[index];
  if (!old) return def;
  const next = { ...old, ...patch };
  const states = def.states.map((s, i) => (i === index ? next : patch.start === true ? { ...s, start: false } : s));
  // A changed status: the transitions follow it.
  const transitions =
    patch.status_id !== undefined && patch.status_id !== old.status_id
      ? def.transitions.map((t) => ({
          ...t,
          from: t.from.map((f) => (f === old.status_id ? next.status_id : f)),
          to: t.to === old.status_id ? next.status_id : t.to,
        }))
      : def.transitions;
  return { states, transitions };
}

/** removeState removes a state, its status from every `from`, and the transitions that led to it or
 * no longer start anywhere. */
export function removeState(def: WorkflowDefinition, index: number): WorkflowDefinition {
  const gone = def.states[index];
  if (!gone) return def;
  const transitions = def.transitions
    .filter((t) => t.to !== gone.status_id)
    .map((t) => ({ ...t, from: t.from.filter((f) => f !== gone.status_id) }))
    .filter((t) => t.from.length > 0);
  return { states: def.states.filter((_, i) => i !== index), transitions };
}

/** newTransitionKey is the first free `transition_<n>` key. */
export function newTransitionKey(def: WorkflowDefinition): string {
  const keys = new Set(def.transitions.map((t) => t.key));
  let n = def.transitions.length + 1;
  while (keys.has(`transition_${n}`)) n++;
  return `transition_${n}`;
}

/** addTransition adds a transition from one state to another (names to fill in). */
export function addTransition(def: WorkflowDefinition, from: number, to: number): WorkflowDefinition {
  const t: WorkflowTransition = {
    key: newTransitionKey(def),
    name_es: '',
    name_en: '',
    from: [from],
    to,
    roles: [],
    perms: [],
    fields: [],
    comment_required: false,
    confirm: false,
    actions: [],
  };
  return { ...def, transitions: [...def.transitions, t] };
}

export function updateTransition(def: WorkflowDefinition, index: number, patch: Partial<WorkflowTransition>): WorkflowDefinition {
  return { ...def, transitions: def.transitions.map((t, i) => (i === index ? { ...t, ...patch } : t)) };
}

export function removeTransition(def: WorkflowDefinition, index: number): WorkflowDefinition {
  return { ...def, transitions: def.transitions.filter((_, i) => i !== index) };
}

/** emptyDefinition is a new workflow's start: no states yet. */
export const emptyDefinition: WorkflowDefinition = { states: [], transitions: [] };
