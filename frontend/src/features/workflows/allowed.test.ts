import { describe, expect, it } from 'vitest';
import { acceptance, canTransition, columnsAcceptance, dropTakes, needsInput, subjectOf } from './allowed';
import type { Subject } from './allowed';
import { creditNote, ROLE, S, tr } from './testing';

const agent: Subject = { admin: false, roleIds: [ROLE.agent], permissions: ['ticket.move', 'ticket.update'] };
const analyst: Subject = { admin: false, roleIds: [ROLE.analyst], permissions: ['ticket.move'] };
const viewer: Subject = { admin: false, roleIds: [ROLE.agent], permissions: ['ticket.update'] };
const admin: Subject = { admin: true, roleIds: [], permissions: [] };

describe('canTransition (mirrors access.CanTransition)', () => {
  it('no roles nor perms: anyone with ticket.move', () => {
    const t = tr({ key: 'x', from: [1], to: 2 });
    expect(canTransition(agent, t)).toBe(true);
    expect(canTransition(viewer, t)).toBe(false);
  });
  it('roles: one of them, and ticket.move', () => {
    const t = tr({ key: 'x', from: [1], to: 2, roles: [ROLE.analyst] });
    expect(canTransition(agent, t)).toBe(false);
    expect(canTransition(analyst, t)).toBe(true);
    expect(canTransition({ ...analyst, permissions: [] }, t)).toBe(false);
  });
  it('perms: one of them is enough, or one of the roles', () => {
    const t = tr({ key: 'x', from: [1], to: 2, roles: [ROLE.supervisor], perms: ['ticket.assign'] });
    expect(canTransition(agent, t)).toBe(false);
    expect(canTransition({ ...agent, permissions: ['ticket.move', 'ticket.assign'] }, t)).toBe(true);
    expect(canTransition({ ...agent, roleIds: [ROLE.agent, ROLE.supervisor] }, t)).toBe(true);
  });
  it('the admin always may', () => {
    expect(canTransition(admin, tr({ key: 'x', from: [1], to: 2, roles: [ROLE.analyst], perms: ['catalog.manage'] }))).toBe(true);
  });
});

describe('needsInput', () => {
  it('fields, a required comment or a confirmation need the dialog', () => {
    expect(needsInput(tr({ key: 'x', from: [1], to: 2 }))).toBe(false);
    expect(needsInput(tr({ key: 'x', from: [1], to: 2, fields: [{ key: 'reason', required: false }] }))).toBe(true);
    expect(needsInput(tr({ key: 'x', from: [1], to: 2, comment_required: true }))).toBe(true);
    expect(needsInput(tr({ key: 'x', from: [1], to: 2, confirm: true }))).toBe(true);
  });
});

describe('acceptance', () => {
  const def = creditNote();

  it('its own column is always "same"', () => {
    expect(acceptance(S.in_progress, S.in_progress, def, viewer)).toEqual({ kind: 'same' });
  });
  it('without ticket.move every other column is refused', () => {
    expect(acceptance(S.unattended, S.in_progress, def, viewer)).toEqual({ kind: 'refused', reason: 'no_move' });
    expect(acceptance(S.unattended, S.in_progress, null, viewer)).toEqual({ kind: 'refused', reason: 'no_move' });
  });
  it('no workflow: any status', () => {
    expect(acceptance(S.unattended, S.closed, null, agent)).toEqual({ kind: 'allowed', transition: null });
  });
  it('version still loading: unknown, and the drop goes to the server', () => {
    const a = acceptance(S.unattended, S.closed, undefined, agent);
    expect(a).toEqual({ kind: 'unknown' });
    expect(dropTakes(a)).toBe(true);
  });
  it('a status that is no state of the workflow is refused', () => {
    const a = acceptance(S.in_progress, S.waiting, def, agent);
    expect(a).toEqual({ kind: 'refused', reason: 'not_in_workflow' });
    expect(dropTakes(a)).toBe(false);
    // Even for the admin: the workflow does not have it.
    expect(acceptance(S.in_progress, S.closed, def, admin)).toEqual({ kind: 'refused', reason: 'not_in_workflow' });
  });
  it('a state with no transition from here is refused', () => {
    expect(acceptance(S.unattended, S.resolved, def, agent)).toEqual({ kind: 'refused', reason: 'no_transition' });
    expect(acceptance(S.resolved, S.unattended, def, admin)).toEqual({ kind: 'refused', reason: 'no_transition' });
  });
  it('a transition the role may not do is refused, naming it', () => {
    expect(acceptance(S.in_progress, S.resolved, def, agent)).toEqual({
      kind: 'refused',
      reason: 'role',
      names: [{ name_es: 'Aceptar nota', name_en: 'Accept note' }],
    });
  });
  it('a transition without input is a plain move', () => {
    const a = acceptance(S.unattended, S.in_progress, def, agent);
    expect(a.kind).toBe('allowed');
    expect(a.kind === 'allowed' && a.transition?.key).toBe('take');
    expect(dropTakes(a)).toBe(true);
  });
  it('a transition needing input opens the dialog', () => {
    const a = acceptance(S.in_progress, S.resolved, def, analyst);
    expect(a.kind === 'input' && a.transition.key).toBe('accept_note');
    expect(dropTakes(a)).toBe(false);
    const r = acceptance(S.in_progress, S.rejected, def, agent);
    expect(r.kind === 'input' && r.transition.key).toBe('reject_note');
    expect(acceptance(S.in_progress, S.resolved, def, admin).kind).toBe('input');
  });
  it('of two transitions to the same column, the plain one the user may do wins', () => {
    const d = creditNote();
    d.transitions.push(tr({ key: 'quick_resolve', from: [S.in_progress], to: S.resolved, perms: ['ticket.update'] }));
    const a = acceptance(S.in_progress, S.resolved, d, agent);
    expect(a.kind === 'allowed' && a.transition?.key).toBe('quick_resolve');
    // The analyst may do both: the plain one still wins (a plain move is what the server takes).
    expect(acceptance(S.in_progress, S.resolved, d, { ...analyst, permissions: ['ticket.move', 'ticket.update'] }).kind).toBe('allowed');
    // Without ticket.update the agent may do neither.
    expect(acceptance(S.in_progress, S.resolved, d, { ...agent, permissions: ['ticket.move'] }).kind).toBe('refused');
  });
  it('a transition from several states', () => {
    const d = creditNote();
    d.transitions.push(tr({ key: 'give_up', from: [S.unattended, S.in_progress], to: S.rejected }));
    expect(acceptance(S.unattended, S.rejected, d, agent).kind).toBe('allowed');
    expect(acceptance(S.in_progress, S.rejected, d, agent).kind).toBe('allowed');
  });
});

describe('columnsAcceptance', () => {
  it('gives every column of the board its answer', () => {
    const m = columnsAcceptance(S.in_progress, [S.unattended, S.in_progress, S.waiting, S.resolved, S.rejected], creditNote(), agent);
    expect([...m.entries()].map(([k, v]) => [k, v.kind === 'refused' ? `refused:${v.reason}` : v.kind])).toEqual([
      [S.unattended, 'refused:no_transition'],
      [S.in_progress, 'same'],
      [S.waiting, 'refused:not_in_workflow'],
      [S.resolved, 'refused:role'],
      [S.rejected, 'input'],
    ]);
  });
});

describe('subjectOf', () => {
  it('reads the session user; nobody holds nothing', () => {
    expect(subjectOf({ role: 'admin', role_ids: [1], permissions: ['x'] })).toEqual({ admin: true, roleIds: [1], permissions: ['x'] });
    expect(subjectOf(null)).toEqual({ admin: false, roleIds: [], permissions: [] });
  });
});
