import { describe, expect, it } from 'vitest';
import type { CannedResponse, Category, Queue, Status } from '../../api/types';
import { conflictCurrent, conflictFields, merged, reapply } from './conflict';
import {
  createBody,
  emptyValues,
  fieldsOf,
  insertAt,
  patchBody,
  serverErrors,
  unknownPlaceholders,
  validate,
  valuesOf,
} from './entryForm';
import type { Values } from './entryForm';

const status: Status = {
  id: 4,
  key: 'in_progress',
  name_es: 'En curso',
  name_en: 'In progress',
  group: 'doing',
  position: 1,
  color: '#2952cc',
  wip_limit: 5,
  pauses_sla: false,
  active: true,
  version: 3,
  in_use: 12,
};

const sub: Category = {
  id: 11,
  key: 'late',
  name_es: 'Retraso',
  name_en: 'Late',
  parent_id: 1,
  description_es: 'El pedido no llegó',
  description_en: 'The order did not arrive',
  position: 1,
  active: true,
  version: 2,
  in_use: 0,
  role_ids: [],
  workflow_id: null,
};

function v(p: Partial<Values>): Values {
  return { ...emptyValues(), name_es: 'Nombre', name_en: 'Name', ...p };
}

describe('admin entry form: fields', () => {
  it('gives each catalog its fields; the key only when creating', () => {
    expect(fieldsOf('statuses', 'create')).toEqual(['key', 'name_es', 'name_en', 'group', 'color', 'wip_limit', 'pauses_sla']);
    expect(fieldsOf('statuses', 'edit')).toEqual(['name_es', 'name_en', 'group', 'color', 'wip_limit', 'pauses_sla']);
    expect(fieldsOf('categories', 'edit')).toEqual(['name_es', 'name_en', 'parent_id', 'description_es', 'description_en', 'role_ids']);
    expect(fieldsOf('queues', 'edit')).toEqual(['name_es', 'name_en', 'level', 'role_ids', 'supervisor_ids', 'member_ids', 'assignment', 'max_per_agent']);
    expect(fieldsOf('priorities', 'edit')).toEqual(['name_es', 'name_en', 'color']);
    expect(fieldsOf('canned-responses', 'create')).toContain('body_en');
    expect(fieldsOf('channels', 'edit')).toEqual(['name_es', 'name_en']);
  });

  it('fills the form from an entry', () => {
    expect(valuesOf(status)).toMatchObject({ key: 'in_progress', group: 'doing', color: '#2952cc', wip_limit: '5', pauses_sla: false });
    expect(valuesOf({ ...status, wip_limit: null }).wip_limit).toBe('');
    expect(valuesOf(sub)).toMatchObject({ parent_id: '1', description_en: 'The order did not arrive' });
  });
});

describe('admin entry form: validation', () => {
  it('requires both names, at most 80 characters', () => {
    expect(validate('channels', 'create', v({ name_es: ' ', name_en: 'x'.repeat(81) }))).toEqual({
      name_es: { key: 'required' },
      name_en: { key: 'tooLong', params: { max: 80 } },
    });
    expect(validate('channels', 'create', v({}))).toEqual({});
  });

  it('checks an optional key, colour, WIP limit and level', () => {
    expect(validate('channels', 'create', v({ key: 'Bad Key' })).key).toEqual({ key: 'keyPattern' });
    expect(validate('channels', 'create', v({ key: 'good_key_1' })).key).toBeUndefined();
    expect(validate('statuses', 'edit', v({ color: 'red' })).color).toEqual({ key: 'color' });
    expect(validate('statuses', 'edit', v({ color: '#A1b2C3' })).color).toBeUndefined();
    expect(validate('statuses', 'edit', v({ wip_limit: '0' })).wip_limit).toEqual({ key: 'wipLimit' });
    expect(validate('statuses', 'edit', v({ wip_limit: '2.5' })).wip_limit).toEqual({ key: 'wipLimit' });
    expect(validate('statuses', 'edit', v({ wip_limit: '' })).wip_limit).toBeUndefined();
    expect(validate('queues', 'edit', v({ level: '10' })).level).toEqual({ key: 'level' });
    expect(validate('queues', 'edit', v({ level: '9' })).level).toBeUndefined();
  });

  it('checks descriptions up to 500 and canned bodies with known placeholders', () => {
    expect(validate('categories', 'edit', v({ description_es: 'x'.repeat(501) })).description_es).toEqual({
      key: 'tooLong',
      params: { max: 500 },
    });
    const canned = v({ body_es: 'Hola {{requester.name}}, ticket #{{ticket.number}}', body_en: 'Hi {{ requester.nombre }}' });
    expect(validate('canned-responses', 'edit', canned)).toEqual({
      body_en: { key: 'placeholder', params: { names: '{{requester.nombre}}' } },
    });
    expect(validate('canned-responses', 'edit', v({ body_es: '', body_en: 'x' })).body_es).toEqual({ key: 'required' });
  });

  it('lists unknown placeholders once each', () => {
    expect(unknownPlaceholders('{{a}} {{agent.email}} {{a}} {{ b }}')).toEqual(['{{a}}', '{{b}}']);
  });

  it('inserts a placeholder at the caret or over the selection', () => {
    expect(insertAt('Hola !', 5, 5, '{{requester.name}}')).toEqual({ value: 'Hola {{requester.name}}!', caret: 23 });
    expect(insertAt('Hola XX', 5, 7, '{{agent.name}}')).toEqual({ value: 'Hola {{agent.name}}', caret: 19 });
    expect(insertAt('ab', 99, 99, 'c')).toEqual({ value: 'abc', caret: 3 });
  });
});

describe('admin entry form: request bodies', () => {
  it('creates with typed values and no key when left empty', () => {
    expect(createBody('statuses', v({ group: 'todo', color: '#112233', wip_limit: '', pauses_sla: true }))).toEqual({
      name_es: 'Nombre',
      name_en: 'Name',
      group: 'todo',
      color: '#112233',
      wip_limit: null,
      pauses_sla: true,
    });
    expect(createBody('categories', v({ key: 'late', parent_id: '1' }))).toEqual({
      key: 'late',
      name_es: 'Nombre',
      name_en: 'Name',
      parent_id: 1,
      description_es: '',
      description_en: '',
    });
    expect(createBody('queues', v({ level: '2' }))).toEqual({ name_es: 'Nombre', name_en: 'Name', level: 2 });
  });

  it('edits only the changed fields, with the version', () => {
    const original = valuesOf(status);
    expect(patchBody('statuses', original, { ...original, wip_limit: '', name_en: ' Doing ' }, 3)).toEqual({
      version: 3,
      name_en: 'Doing',
      wip_limit: null,
    });
    expect(patchBody('statuses', original, original, 3)).toEqual({ version: 3 });
    const cat = valuesOf(sub);
    expect(patchBody('categories', cat, { ...cat, parent_id: '' }, 2)).toEqual({ version: 2, parent_id: null });
  });

  it("places the server's field errors by the form's fields", () => {
    expect(serverErrors('statuses', 'edit', { color: 'color inválido', active: 'último estado por hacer' })).toEqual({
      byField: { color: 'color inválido' },
      other: ['último estado por hacer'],
    });
    // The key is a field only when creating.
    expect(serverErrors('channels', 'edit', { key: 'x' }).other).toEqual(['x']);
    expect(serverErrors('channels', 'create', { key: 'x' }).byField).toEqual({ key: 'x' });
  });
});

describe('admin entry form: roles and supervisors', () => {
  const queue: Queue = {
    id: 2,
    key: 'billing',
    name_es: 'Facturación',
    name_en: 'Billing',
    level: 1,
    position: 1,
    active: true,
    version: 5,
    in_use: 0,
    role_ids: [9, 3],
    supervisor_ids: [12],
    member_ids: [],
    assignment: 'manual',
    max_per_agent: null,
  };

  it('fills the form with sorted id sets', () => {
    expect(valuesOf(queue)).toMatchObject({ role_ids: [3, 9], supervisor_ids: [12] });
    expect(valuesOf(sub).role_ids).toEqual([]);
  });

  it('creates with the chosen roles and supervisors, leaving empty sets out', () => {
    expect(createBody('queues', v({ level: '1', role_ids: [4], supervisor_ids: [12, 7] }))).toEqual({
      name_es: 'Nombre',
      name_en: 'Name',
      level: 1,
      role_ids: [4],
      supervisor_ids: [7, 12],
    });
    expect(createBody('categories', v({ role_ids: [] }))).not.toHaveProperty('role_ids');
  });

  it('sends a set only when it changed as a set, and can empty it', () => {
    const o = valuesOf(queue);
    expect(patchBody('queues', o, { ...o, role_ids: [9, 3] }, 5)).toEqual({ version: 5 });
    expect(patchBody('queues', o, { ...o, role_ids: [3] }, 5)).toEqual({ version: 5, role_ids: [3] });
    expect(patchBody('queues', o, { ...o, supervisor_ids: [] }, 5)).toEqual({ version: 5, supervisor_ids: [] });
  });

  it("shows the server's role and supervisor errors next to those fields", () => {
    expect(serverErrors('queues', 'edit', { role_ids: 'Ese rol no existe.', supervisor_ids: 'No puede supervisar.' }).byField).toEqual({
      role_ids: 'Ese rol no existe.',
      supervisor_ids: 'No puede supervisar.',
    });
    expect(serverErrors('categories', 'edit', { role_ids: 'x' }).byField).toEqual({ role_ids: 'x' });
  });

  it('reapplies a role change on a stored entry someone else changed', () => {
    const o = valuesOf(queue);
    const current: Queue = { ...queue, name_en: 'Invoices', supervisor_ids: [12, 13], version: 6 };
    expect(conflictFields('queues', o, { ...o, role_ids: [3] }, current)).toEqual([
      { field: 'name_en', theirs: 'Invoices' },
      { field: 'supervisor_ids', theirs: [12, 13] },
    ]);
    expect(reapply('queues', o, { ...o, role_ids: [3] }, current)).toEqual({ version: 6, role_ids: [3] });
  });
});

describe('admin stale edit', () => {
  const original = valuesOf(status);
  const mine = { ...original, name_es: 'Trabajando', wip_limit: '8' };
  const current: Status = { ...status, name_en: 'Working on it', wip_limit: 6, version: 4 };

  it('finds the stored entry in a 409, and only there', () => {
    expect(conflictCurrent({ error: { code: 'conflict', message: 'x' }, current })).toBe(current);
    expect(conflictCurrent({ error: { code: 'conflict', message: 'en uso' } })).toBeNull();
    expect(conflictCurrent(undefined)).toBeNull();
  });

  it("shows what someone else changed and where it clashes with this admin's change", () => {
    expect(conflictFields('statuses', original, mine, current)).toEqual([
      { field: 'name_en', theirs: 'Working on it' },
      { field: 'wip_limit', theirs: '6', mine: '8' },
    ]);
  });

  it("reapplies this admin's changes on the stored entry at its version", () => {
    expect(merged('statuses', original, mine, current)).toMatchObject({ name_es: 'Trabajando', name_en: 'Working on it', wip_limit: '8' });
    expect(reapply('statuses', original, mine, current)).toEqual({ version: 4, name_es: 'Trabajando', wip_limit: 8 });
  });

  it('has nothing to reapply when the stored entry already holds the same changes', () => {
    const same: Status = { ...current, name_es: 'Trabajando', wip_limit: 8 };
    expect(reapply('statuses', original, mine, same)).toBeNull();
    expect(reapply('statuses', original, original, current)).toBeNull();
  });

  it('works for canned responses too', () => {
    const c: CannedResponse = {
      id: 1,
      key: 'hello',
      name_es: 'Saludo',
      name_en: 'Greeting',
      body_es: 'Hola',
      body_en: 'Hi',
      position: 1,
      active: true,
      version: 1,
      in_use: 0,
    };
    const o = valuesOf(c);
    expect(reapply('canned-responses', o, { ...o, body_en: 'Hello' }, { ...c, body_es: 'Buenas', version: 2 })).toEqual({
      version: 2,
      body_en: 'Hello',
    });
  });
});

describe('admin entry form: queue assignment settings (issue 5, FQ)', () => {
  const queue = {
    id: 4, key: 'l1', name_es: 'Nivel 1', name_en: 'Level 1', level: 1, position: 1, active: true, version: 2, in_use: 0,
    role_ids: [], supervisor_ids: [], member_ids: [8, 3], assignment: 'round_robin', max_per_agent: 5,
  } as unknown as Parameters<typeof valuesOf>[0];
  it('reads members, mode and cap, and sends only what changed', () => {
    const o = valuesOf(queue);
    expect(o).toMatchObject({ member_ids: [3, 8], assignment: 'round_robin', max_per_agent: '5' });
    expect(patchBody('queues', o, { ...o, max_per_agent: '' }, 2)).toEqual({ version: 2, max_per_agent: null });
    expect(patchBody('queues', o, { ...o, assignment: 'least_loaded', member_ids: [3] }, 2)).toEqual({ version: 2, member_ids: [3], assignment: 'least_loaded' });
  });
  it('checks the cap: empty or a whole number from 1', () => {
    const o = valuesOf(queue);
    expect(validate('queues', 'edit', { ...o, max_per_agent: '0' }).max_per_agent).toEqual({ key: 'wipLimit' });
    expect(validate('queues', 'edit', { ...o, max_per_agent: '' }).max_per_agent).toBeUndefined();
  });
  it('creates with the server defaults left out', () => {
    expect(createBody('queues', { ...emptyValues(), name_es: 'A', name_en: 'A', member_ids: [2], assignment: 'least_loaded', max_per_agent: '3' })).toEqual({
      name_es: 'A', name_en: 'A', level: 1, member_ids: [2], assignment: 'least_loaded', max_per_agent: 3,
    });
  });
});
