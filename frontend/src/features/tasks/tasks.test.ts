import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import type { InfoRequest, Task } from '../../api/issue6-tasks';
import {
  addFiles,
  answerError,
  conflictTask,
  emptyRequest,
  emptyTask,
  fromLocalInput,
  isClosedRequest,
  isOverdue,
  mayAnswer,
  requestActions,
  requestBody,
  sortTasks,
  taskBody,
  taskDraft,
  toLocalInput,
  validateRequest,
  validateTask,
} from './tasks';

const now = Date.parse('2026-12-04T12:00:00Z');

function task(id: number, over: Partial<Task> = {}): Task {
  return {
    id,
    ticket_id: 42,
    title: `Task ${id}`,
    description: '',
    assignee: null,
    due_at: null,
    done: false,
    done_at: null,
    created_by: { id: 1, name: 'Admin' },
    created_at: '2026-12-01T00:00:00Z',
    updated_at: '2026-12-01T00:00:00Z',
    version: 1,
    comments_count: 0,
    files_count: 0,
    ticket_number: 42,
    ticket_subject: 'Invoice',
    can_edit: true,
    ...over,
  };
}

describe('overdue and ordering', () => {
  it('marks only open tasks whose due time has passed', () => {
    expect(isOverdue(task(1, { due_at: '2026-12-04T11:59:00Z' }), now)).toBe(true);
    expect(isOverdue(task(1, { due_at: '2026-12-04T12:01:00Z' }), now)).toBe(false);
    expect(isOverdue(task(1, { due_at: '2026-12-01T00:00:00Z', done: true }), now)).toBe(false);
    expect(isOverdue(task(1), now)).toBe(false);
  });

  it('puts overdue first, then by due time, undated last, and done ones at the end, latest done first', () => {
    const list = [
      task(1, { done: true, done_at: '2026-12-02T00:00:00Z', due_at: '2026-11-01T00:00:00Z' }),
      task(2),
      task(3, { due_at: '2026-12-10T00:00:00Z' }),
      task(4, { due_at: '2026-12-03T00:00:00Z' }),
      task(5, { done: true, done_at: '2026-12-03T00:00:00Z' }),
      task(6, { due_at: '2026-12-01T00:00:00Z' }),
      task(7, { due_at: '2026-12-05T00:00:00Z' }),
    ];
    expect(sortTasks(list, now).map((t) => t.id)).toEqual([6, 4, 7, 3, 2, 5, 1]);
  });
});

describe('task form', () => {
  it('requires a title and refuses one too long', () => {
    expect(validateTask(emptyTask())).toEqual({ title: 'required' });
    expect(validateTask({ ...emptyTask(), title: '   ' })).toEqual({ title: 'required' });
    expect(validateTask({ ...emptyTask(), title: 'x'.repeat(201) })).toEqual({ title: 'tooLong' });
    expect(validateTask({ ...emptyTask(), title: 'Call the bank', due: 'not a date' })).toEqual({ due: 'date' });
    expect(validateTask({ ...emptyTask(), title: 'Call the bank' })).toEqual({});
  });

  it('sends trimmed values, the assignee as a number or null, and the due time as an instant', () => {
    const due = toLocalInput('2026-12-24T15:30:00Z');
    expect(taskBody({ title: ' Call ', assignee: '7', due })).toEqual({
      title: 'Call',
      assignee_id: 7,
      due_at: '2026-12-24T15:30:00.000Z',
    });
    expect(taskBody({ title: 'Call', assignee: '', due: '' })).toMatchObject({ assignee_id: null, due_at: null });
  });

  it('reads a task back into the form unchanged', () => {
    const t = task(3, { title: 'Check', assignee: { id: 9, name: 'Ana' }, due_at: '2026-12-24T15:30:00.000Z' });
    const d = taskDraft(t);
    expect(d.assignee).toBe('9');
    expect(fromLocalInput(d.due)).toBe('2026-12-24T15:30:00.000Z');
  });

  it('takes the current task from a 409 and nothing from other refusals', () => {
    const current = task(3, { version: 4, done: true });
    expect(conflictTask(new ApiError(409, 'conflict', 'changed', {}, { error: { code: 'conflict', message: 'changed' }, current }))).toEqual(current);
    expect(conflictTask(new ApiError(409, 'conflict', 'changed', {}, { error: { code: 'conflict', message: 'changed' } }))).toBeNull();
    expect(conflictTask(new ApiError(422, 'invalid', 'bad', {}, { current }))).toBeNull();
    expect(conflictTask(new Error('x'))).toBeNull();
  });
});

describe('information request form', () => {
  it('asks for a user, or an email and a name, a question and 1..30 days', () => {
    const d = emptyRequest('en');
    expect(d.lang).toBe('en');
    expect(validateRequest(d)).toEqual({ user: 'required', question: 'required' });
    expect(validateRequest({ ...d, mode: 'email', email: 'nope', question: 'Invoice?', days: '31' })).toEqual({ email: 'email', name: 'required', days: 'days' });
    expect(validateRequest({ ...d, mode: 'email', email: 'a@b.co', name: 'Ana', question: 'Invoice?', days: '0' })).toEqual({ days: 'days' });
    expect(validateRequest({ ...d, user: '5', question: 'Invoice?', days: '30' })).toEqual({});
  });

  it('sends either the user or the outsider, never both', () => {
    const d = { ...emptyRequest('es'), user: '5', email: 'x@y.z', name: 'N', question: ' Invoice? ', days: '3' };
    expect(requestBody(d)).toEqual({ to_user_id: 5, question: 'Invoice?', expires_in_days: 3 });
    expect(requestBody({ ...d, mode: 'email', lang: 'en' })).toEqual({ to_email: 'x@y.z', to_name: 'N', lang: 'en', question: 'Invoice?', expires_in_days: 3 });
  });
});

describe('request actions and answering', () => {
  const req = (over: Partial<InfoRequest>): InfoRequest => ({
    id: 1,
    ticket_id: 42,
    to: { user: { id: 7, name: 'Ana' }, email: 'ana@x.co', name: 'Ana' },
    lang: 'es',
    question: 'Invoice?',
    status: 'open',
    expires_at: '2026-12-10T00:00:00Z',
    messages: [],
    created_by: { id: 1, name: 'Admin' },
    created_at: '2026-12-01T00:00:00Z',
    version: 1,
    ticket_number: 42,
    ticket_subject: 'Invoice',
    ...over,
  });

  it('offers accept and send back only on an answer, revoke while it is alive', () => {
    expect(requestActions(req({ status: 'answered' }))).toEqual(['accept', 'return', 'revoke']);
    expect(requestActions(req({ status: 'open' }))).toEqual(['revoke']);
    for (const s of ['accepted', 'revoked', 'expired'] as const) expect(requestActions(req({ status: s }))).toEqual([]);
  });

  it('lets only the in-app recipient answer, while open and before expiry', () => {
    expect(mayAnswer(req({}), 7, now)).toBe(true);
    expect(mayAnswer(req({}), 8, now)).toBe(false);
    expect(mayAnswer(req({ status: 'answered' }), 7, now)).toBe(false);
    expect(mayAnswer(req({ expires_at: '2026-12-04T11:00:00Z' }), 7, now)).toBe(false);
    expect(isClosedRequest(req({ status: 'accepted' }), now)).toBe(true);
  });

  it('keeps at most five files, without duplicates, and counts those left out', () => {
    const f = (n: string, size = 3) => new File(['x'.repeat(size)], n);
    const first = addFiles([], [f('a'), f('b'), f('a')]);
    expect(first.files.map((x) => x.name)).toEqual(['a', 'b']);
    const more = addFiles(first.files, [f('c'), f('d'), f('e'), f('f'), f('g')]);
    expect(more.files.map((x) => x.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(more.refused).toBe(2);
  });

  it('wants text or a file in an answer', () => {
    expect(answerError('  ', [])).toBe('answerEmpty');
    expect(answerError('', [new File(['x'], 'a.pdf')])).toBeNull();
    expect(answerError('Here it is', [])).toBeNull();
    expect(answerError('x'.repeat(10001), [])).toBe('tooLong');
  });
});
