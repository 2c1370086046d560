import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../../api/issue5';
import { reachable, validateDefinition } from './definition';
import type { ValidationContext } from './definition';
import { addState, addTransition, removeState, updateState } from './draft';
import { dropElementErrors, errorsOf, fieldError, indexErrors, mergeErrors, targetOf } from './errorPaths';
import { arrowBetween, arrowsOf, borderPoint, canvasSize, centerOf, clampPos, keyMove, nodeHeight, nodeWidth } from './geometry';
import { creditNote, ROLE, S, tr } from './testing';

const ctx: ValidationContext = {
  statusIds: new Set(Object.values(S).filter((s) => s !== S.other)),
  roleIds: new Set(Object.values(ROLE)),
  perms: new Set(['ticket.move', 'ticket.assign']),
};
const paths = (d: WorkflowDefinition, c: ValidationContext = ctx) => validateDefinition(d, c).map((i) => `${i.path} ${i.code}`);

describe('validateDefinition', () => {
  it('accepts the credit-note workflow', () => {
    expect(paths(creditNote())).toEqual([]);
  });
  it('exactly one start state', () => {
    const d = creditNote();
    d.states[0]!.start = false;
    expect(paths(d)).toContain('states noStart');
    d.states[0]!.start = true;
    d.states[1]!.start = true;
    expect(paths(d)).toEqual(['states[0].start manyStarts', 'states[1].start manyStarts']);
  });
  it('every state reachable from the start; every non-final one with a way out; a final one', () => {
    const d = creditNote();
    d.transitions = d.transitions.filter((t) => t.key !== 'reject_note');
    expect(paths(d)).toEqual(['states[3] unreachable']);
    d.states[2]!.final = false;
    d.states[3]!.final = false;
    expect(paths(d)).toEqual(['states noFinal', 'states[2] noOutgoing', 'states[3] unreachable', 'states[3] noOutgoing']);
  });
  it('statuses exist and are not used twice; limits in range', () => {
    const d = creditNote();
    d.states[1]!.status_id = S.other;
    d.transitions[0]!.to = S.other;
    d.transitions[1]!.from = [S.other];
    d.transitions[2]!.from = [S.other];
    expect(paths(d)).toEqual(['states[1].status_id statusUnknown']);
    const e = creditNote();
    e.states[3]!.status_id = S.resolved;
    expect(paths(e)).toContain('states[3].status_id statusDuplicate');
    const f = creditNote();
    f.states[1]!.limit_minutes = 0;
    f.states[2]!.limit_minutes = 525601;
    f.states[3]!.limit_minutes = 525600;
    expect(paths(f)).toEqual(['states[1].limit_minutes limitRange', 'states[2].limit_minutes limitRange']);
  });
  it('transition keys: format and unique; names in both languages', () => {
    const d = creditNote();
    d.transitions[0]!.key = 'Take';
    d.transitions[2]!.key = 'accept_note';
    d.transitions[1]!.name_en = ' ';
    expect(paths(d)).toEqual(['transitions[0].key keyFormat', 'transitions[1].name_en nameRequired', 'transitions[2].key keyDuplicate']);
  });
  it('from and to are states, to not among from', () => {
    const d = creditNote();
    d.transitions[0]!.from = [S.unattended, S.in_progress];
    d.transitions[2]!.to = S.waiting;
    d.transitions[1]!.from = [];
    const p = paths(d);
    expect(p).toContain('transitions[0].from fromHasTo');
    expect(p).toContain('transitions[1].from fromRequired');
    expect(p).toContain('transitions[2].to toNotState');
  });
  it('roles and perms exist (when known)', () => {
    const d = creditNote();
    d.transitions[0]!.roles = [777];
    d.transitions[0]!.perms = ['ticket.fly'];
    expect(paths(d)).toEqual(['transitions[0].roles roleUnknown', 'transitions[0].perms permUnknown']);
    expect(paths(d, { statusIds: null, roleIds: null, perms: null })).toEqual([]);
  });
  it('field keys known and not twice; domain actions need their fields', () => {
    const d = creditNote();
    d.transitions[1]!.fields = [
      { key: 'amount', required: true },
      { key: 'amount', required: false },
    ];
    expect(paths(d)).toEqual(['transitions[1].fields[1].key fieldDuplicate', 'transitions[1].actions[0] actionNeedsFields']);
    expect(validateDefinition(d, ctx)[1]!.values).toEqual({ fields: 'note_reason_id' });
    const e = creditNote();
    e.transitions[0]!.actions = [{ kind: 'notify', to: 'requester' }, { kind: 'domain', action: 'backorder' }];
    expect(paths(e)).toEqual(['transitions[0].actions[1] actionNeedsFields']);
  });
  it('reachable follows the arrows from the start', () => {
    expect([...reachable(creditNote())].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('error paths → elements', () => {
  it('maps server paths to the state or transition and the control', () => {
    expect(targetOf('states[1].status_id')).toEqual({ element: { kind: 'state', index: 1 }, field: 'status_id' });
    expect(targetOf('transitions[0].to')).toEqual({ element: { kind: 'transition', index: 0 }, field: 'to' });
    expect(targetOf('definition.transitions[2].fields[0].key')).toEqual({ element: { kind: 'transition', index: 2 }, field: 'fields' });
    expect(targetOf('transitions[3].actions[1]')).toEqual({ element: { kind: 'transition', index: 3 }, field: 'actions' });
    expect(targetOf('states[4]')).toEqual({ element: { kind: 'state', index: 4 }, field: '' });
    expect(targetOf('states')).toEqual({ element: { kind: 'workflow' }, field: 'states' });
    expect(targetOf('name_es')).toEqual({ element: { kind: 'workflow' }, field: 'name_es' });
  });
  it('indexes messages by element and control', () => {
    const idx = indexErrors({ 'transitions[0].to': 'Not a state.', 'transitions[0].key': 'Taken.', 'states[1]': 'Unreachable.', 'states[1].status_id': 'Twice.' });
    const t0 = errorsOf(idx, { kind: 'transition', index: 0 });
    expect(fieldError(t0, 'to')).toBe('Not a state.');
    expect(fieldError(t0, 'key')).toBe('Taken.');
    expect(fieldError(t0, 'from')).toBeUndefined();
    expect(errorsOf(idx, { kind: 'state', index: 1 }).size).toBe(2);
    expect(errorsOf(idx, { kind: 'state', index: 0 }).size).toBe(0);
  });
  it('merges client and server messages; drops an edited element’s', () => {
    expect(mergeErrors({ a: 'x' }, { a: 'y', b: 'z' }, { a: 'y' })).toEqual({ a: 'x y', b: 'z' });
    expect(dropElementErrors({ 'transitions[0].to': 'a', 'transitions[1].to': 'b', 'transitions[0].fields[0].key': 'c' }, { kind: 'transition', index: 0 })).toEqual({
      'transitions[1].to': 'b',
    });
  });
});

describe('diagram geometry', () => {
  it('arrows leave and enter the boxes at their border', () => {
    const c = centerOf({ x: 0, y: 0 });
    expect(c).toEqual({ x: nodeWidth / 2, y: nodeHeight / 2 });
    expect(borderPoint(c, { x: 1000, y: c.y })).toEqual({ x: nodeWidth, y: c.y });
    expect(borderPoint(c, { x: c.x, y: -500 })).toEqual({ x: c.x, y: 0 });
    const a = arrowBetween({ x: 0, y: 0 }, { x: 300, y: 0 }, 0);
    expect(a.start).toEqual({ x: nodeWidth, y: nodeHeight / 2 });
    expect(a.end).toEqual({ x: 300, y: nodeHeight / 2 });
    expect(a.d).toBe(`M150,24 L300,24`);
    expect(a.label).toEqual({ x: 225, y: 24 });
  });
  it('two arrows between the same states bend to opposite sides', () => {
    const d = creditNote();
    d.transitions.push(tr({ key: 'back', from: [S.in_progress], to: S.unattended }));
    const arrows = arrowsOf(d);
    const take = arrows.find((a) => a.transition === 0)!;
    const back = arrows.find((a) => a.transition === 3)!;
    expect(take.d).toMatch(/ Q/);
    expect(back.d).toMatch(/ Q/);
    // Both states on one row: one label above the line, one below.
    const lineY = 80 + nodeHeight / 2;
    expect(Math.sign(take.label.y - lineY)).toBe(-Math.sign(back.label.y - lineY));
    // Alone between their states: straight.
    expect(arrows.find((a) => a.transition === 1)!.d).toMatch(/ L/);
  });
  it('one arrow per from state; none to a missing state', () => {
    const d = creditNote();
    d.transitions.push(tr({ key: 'give_up', from: [S.unattended, S.in_progress], to: S.rejected }));
    d.transitions.push(tr({ key: 'nowhere', from: [S.unattended], to: S.other }));
    const arrows = arrowsOf(d);
    expect(arrows.filter((a) => a.transition === 3).map((a) => a.from)).toEqual([S.unattended, S.in_progress]);
    expect(arrows.some((a) => a.transition === 4)).toBe(false);
  });
  it('canvas fits every box; keyboard moves in steps and stays on the canvas', () => {
    expect(canvasSize([{ x: 900, y: 500 }])).toEqual({ width: 900 + nodeWidth + 40, height: 500 + nodeHeight + 40 });
    expect(canvasSize([])).toEqual({ width: 600, height: 320 });
    expect(keyMove({ x: 40, y: 40 }, 'ArrowRight', false)).toEqual({ x: 50, y: 40 });
    expect(keyMove({ x: 40, y: 40 }, 'ArrowUp', true)).toEqual({ x: 40, y: 0 });
    expect(keyMove({ x: 40, y: 40 }, 'Enter', false)).toBeNull();
    expect(clampPos({ x: -5.4, y: 99999 })).toEqual({ x: 0, y: 4000 });
  });
});

describe('draft edits', () => {
  it('adding, re-pointing and removing states keeps transitions consistent', () => {
    let d = addState({ states: [], transitions: [] }, S.unattended);
    expect(d.states[0]!.start).toBe(true);
    d = addState(d, S.in_progress);
    expect(d.states[1]!.start).toBe(false);
    expect(d.states[1]!.x).toBeGreaterThan(d.states[0]!.x);
    d = addTransition(d, S.unattended, S.in_progress);
    expect(d.transitions[0]!.key).toBe('transition_1');
    d = updateState(d, 1, { status_id: S.waiting });
    expect(d.transitions[0]!.to).toBe(S.waiting);
    d = updateState(d, 1, { start: true });
    expect(d.states.map((s) => s.start)).toEqual([false, true]);
    d = removeState(d, 1);
    expect(d.transitions).toEqual([]);
    const c = removeState(creditNote(), 0);
    expect(c.transitions.map((t) => t.key)).toEqual(['accept_note', 'reject_note']);
  });
});
