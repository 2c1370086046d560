import { describe, expect, it } from 'vitest';
import type { AutomationRule } from '../../api/issue5';
import {
  conditionValueType,
  editorPath,
  emptyRule,
  macroBody,
  move,
  newAction,
  newCondition,
  opsFor,
  ruleBody,
  ruleDraft,
  splitServerErrors,
  validateMacro,
  validateRule,
  withField,
  withKind,
  withOp,
  emptyMacro,
} from './ruleForm';
import type { RuleDraft } from './ruleForm';

const stored: AutomationRule = {
  id: 3,
  name: 'VIP to level 2',
  position: 1,
  active: true,
  on_create: true,
  on_update: true,
  match: 'any',
  conditions: [
    { field: 'subject', op: 'contains', value: 'urgente' },
    { field: 'queue_id', op: 'in', value: [4, 2] },
    { field: 'assignee_id', op: 'is_empty', value: null },
    { field: 'minutes_in_state', op: 'gt', value: 30 },
  ],
  actions: [
    { kind: 'set_queue', value: 2 },
    { kind: 'set_allowed_roles', value: [5] },
    { kind: 'notify', value: { to: 'user:12', text_es: 'Hola', text_en: 'Hi' } },
    { kind: 'add_tag', value: 'vip' },
  ],
  version: 7,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

describe('rule editor: operators and widgets per field', () => {
  it('offers the contract operators', () => {
    expect(opsFor('subject')).toEqual(['contains', 'not_contains']);
    expect(opsFor('priority_id')).toEqual(['eq', 'neq', 'in', 'not_in', 'is_empty']);
    expect(opsFor('tags')).toEqual(['contains']);
    expect(opsFor('minutes_in_state')).toEqual(['gt', 'lt']);
    expect(conditionValueType('queue_id', 'eq')).toBe('catalog');
    expect(conditionValueType('assignee_id', 'eq')).toBe('person');
    expect(conditionValueType('assignee_id', 'is_empty')).toBe('none');
    expect(conditionValueType('changed', 'eq')).toBe('field');
  });
  it('starts the operator over with a new field, and carries an id between one and a list', () => {
    const c = { ...newCondition('priority_id'), value: '3' };
    expect(withOp(c, 'in').list).toEqual([3]);
    expect(withOp({ ...c, op: 'in', list: [4, 5] }, 'eq').value).toBe('4');
    const t = withField(c, 'subject');
    expect(t.op).toBe('contains');
    expect(t.value).toBe('');
    expect(withKind({ ...newAction('add_tag'), value: 'x' }, 'notify').value).toBe('');
  });
});

describe('rule editor: validation', () => {
  it('asks for a name, a trigger and an action', () => {
    const d: RuleDraft = { ...emptyRule(), on_create: false, actions: [] };
    expect(validateRule(d)).toEqual({ name: 'required', when: 'when', actions: 'noActions' });
  });
  it('checks each condition and action value by path', () => {
    const d: RuleDraft = {
      ...emptyRule(),
      name: 'x',
      conditions: [newCondition('subject'), { ...newCondition('minutes_in_state'), value: '-1' }, { ...newCondition('queue_id'), op: 'in' }, { ...newCondition('assignee_id'), op: 'is_empty' }],
      actions: [newAction('set_priority'), { ...newAction('notify'), notify: { to: 'user', userId: '', text_es: 'a', text_en: '' } }, newAction('set_allowed_roles')],
    };
    expect(validateRule(d)).toEqual({
      'conditions[0].value': 'required',
      'conditions[1].value': 'minutes',
      'conditions[2].value': 'required',
      'actions[0].value': 'required',
      'actions[1].value.to': 'required',
      'actions[1].value.text_en': 'required',
    });
  });
  it('refuses an empty macro but accepts a reply alone', () => {
    expect(validateMacro({ ...emptyMacro(), name: 'm' })).toEqual({ actions: 'emptyMacro' });
    expect(validateMacro({ ...emptyMacro(), name: 'm', reply: 'Hola' })).toEqual({});
  });
});

describe('rule editor: serialisation', () => {
  it('reads a stored rule and writes it back the same', () => {
    const body = ruleBody(ruleDraft(stored), stored.version);
    expect(body).toEqual({
      name: 'VIP to level 2',
      active: true,
      on_create: true,
      on_update: true,
      match: 'any',
      conditions: [
        { field: 'subject', op: 'contains', value: 'urgente' },
        { field: 'queue_id', op: 'in', value: [2, 4] },
        { field: 'assignee_id', op: 'is_empty', value: null },
        { field: 'minutes_in_state', op: 'gt', value: 30 },
      ],
      actions: stored.actions,
      version: 7,
    });
  });
  it('writes a macro with no canned response as null', () => {
    expect(macroBody({ ...emptyMacro(), name: ' Close ', reply: 'Bye', actions: [{ ...newAction('set_status'), value: '5' }] })).toEqual({
      name: 'Close',
      description: '',
      canned_id: null,
      reply: 'Bye',
      actions: [{ kind: 'set_status', value: 5 }],
      active: true,
    });
  });
});

describe('rule editor: server errors and order', () => {
  it('shows the server errors on the inputs it names, the rest above', () => {
    const d = ruleDraft(stored);
    const { byPath, other } = splitServerErrors(
      { name: 'Taken', 'conditions[1].value[1]': 'No such queue', 'actions[2].value.text_en': 'Too long', 'conditions[9].value': 'x', position: 'y' },
      (p) => editorPath(d, p),
    );
    expect(byPath).toEqual({ name: 'Taken', 'conditions[1].value': 'No such queue', 'actions[2].value.text_en': 'Too long' });
    expect(other).toEqual(['x', 'y']);
  });
  it('moves an item', () => {
    expect(move([1, 2, 3], 0, 2)).toEqual([2, 3, 1]);
    expect(move([1, 2, 3], 2, 0)).toEqual([3, 1, 2]);
    expect(move([1, 2, 3], 5, 0)).toEqual([1, 2, 3]);
  });
});
