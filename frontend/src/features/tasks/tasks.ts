// The logic of tasks and information requests: ordering, overdue, the task and request forms and their
// checks, what a version conflict carries, and which actions a request offers to whom.
import { ApiError } from '../../api/client';
import type { InfoRequest, NewInfoRequest, NewTask, Task } from '../../api/issue6-tasks';

export const maxTitle = 200;
export const maxQuestion = 10000;
export const maxAnswer = 10000;
export const maxFiles = 5;

/** isOverdue: an open task whose due time has passed. */
export function isOverdue(task: Pick<Task, 'done' | 'due_at'>, now: number): boolean {
  if (task.done || task.due_at === null) return false;
  const due = Date.parse(task.due_at);
  return !Number.isNaN(due) && due < now;
}

function dueOf(t: Pick<Task, 'due_at'>): number {
  const d = t.due_at === null ? NaN : Date.parse(t.due_at);
  return Number.isNaN(d) ? Infinity : d;
}

/** sortTasks orders a ticket's tasks: open ones first — overdue, then by due time, undated last — then
 * the done ones, most recently done first. */
export function sortTasks<T extends Task>(tasks: readonly T[], now: number): T[] {
  const rank = (t: T) => (t.done ? 2 : isOverdue(t, now) ? 0 : 1);
  return [...tasks].sort((a, b) => {
    const r = rank(a) - rank(b);
    if (r !== 0) return r;
    if (a.done) return Date.parse(b.done_at ?? '') - Date.parse(a.done_at ?? '') || b.id - a.id;
    return dueOf(a) - dueOf(b) || a.id - b.id;
  });
}

/** TaskDraft is the task dialog's state; `due` is a datetime-local value in the browser's zone. */
export interface TaskDraft {
  title: string;
  assignee: string;
  due: string;
}

export type TaskErrors = Partial<Record<'title' | 'due', string>>;

export function emptyTask(): TaskDraft {
  return { title: '', assignee: '', due: '' };
}

/** toLocalInput writes an instant as a datetime-local value in the browser's zone. */
export function toLocalInput(iso: string | null): string {
  if (iso === null) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** fromLocalInput reads a datetime-local value (browser's zone) as an ISO instant, or null. */
export function fromLocalInput(v: string): string | null {
  if (v.trim() === '') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function taskDraft(t: Task): TaskDraft {
  return { title: t.title, assignee: t.assignee ? String(t.assignee.id) : '', due: toLocalInput(t.due_at) };
}

/** validateTask returns the i18n keys (under tasks.errors) of the form's problems. */
export function validateTask(d: TaskDraft): TaskErrors {
  const e: TaskErrors = {};
  const title = d.title.trim();
  if (title === '') e.title = 'required';
  else if ([...title].length > maxTitle) e.title = 'tooLong';
  if (d.due.trim() !== '' && fromLocalInput(d.due) === null) e.due = 'date';
  return e;
}

export function taskBody(d: TaskDraft): NewTask {
  return {
    title: d.title.trim(),
    assignee_id: d.assignee === '' ? null : Number(d.assignee),
    due_at: fromLocalInput(d.due),
  };
}

/** conflictTask is the task as it is now when a change was refused for its stale version (409), else null. */
export function conflictTask(err: unknown): Task | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const b = err.body;
  if (typeof b !== 'object' || b === null || !('current' in b)) return null;
  const c = b.current;
  return typeof c === 'object' && c !== null && 'id' in c && 'version' in c && 'title' in c ? (c as Task) : null;
}

/** RequestDraft is the new-request dialog's state. */
export interface RequestDraft {
  mode: 'user' | 'email';
  user: string;
  email: string;
  name: string;
  lang: 'es' | 'en';
  question: string;
  days: string;
}

export type RequestErrors = Partial<Record<'user' | 'email' | 'name' | 'question' | 'days', string>>;

export function emptyRequest(lang: string): RequestDraft {
  return { mode: 'user', user: '', email: '', name: '', lang: lang === 'en' ? 'en' : 'es', question: '', days: '7' };
}

const emailRe = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** validateRequest returns the i18n keys (under tasks.errors) of the request form's problems. */
export function validateRequest(d: RequestDraft): RequestErrors {
  const e: RequestErrors = {};
  if (d.mode === 'user') {
    if (d.user === '') e.user = 'required';
  } else {
    if (d.email.trim() === '') e.email = 'required';
    else if (!emailRe.test(d.email.trim())) e.email = 'email';
    if (d.name.trim() === '') e.name = 'required';
    else if ([...d.name.trim()].length > 200) e.name = 'tooLong';
  }
  const q = d.question.trim();
  if (q === '') e.question = 'required';
  else if ([...q].length > maxQuestion) e.question = 'tooLong';
  if (!/^\d{1,2}$/.test(d.days.trim()) || Number(d.days) < 1 || Number(d.days) > 30) e.days = 'days';
  return e;
}

export function requestBody(d: RequestDraft): NewInfoRequest {
  const base = { question: d.question.trim(), expires_in_days: Number(d.days) };
  if (d.mode === 'user') return { to_user_id: Number(d.user), ...base };
  return { to_email: d.email.trim(), to_name: d.name.trim(), lang: d.lang, ...base };
}

export type RequestAction = 'accept' | 'return' | 'revoke';

/** requestActions lists what a member of staff may do with a request in its state: accept or send back
 * an answer, and revoke while it is still waiting or answered. */
export function requestActions(r: Pick<InfoRequest, 'status'>): RequestAction[] {
  switch (r.status) {
    case 'answered':
      return ['accept', 'return', 'revoke'];
    case 'open':
      return ['revoke'];
    default:
      return [];
  }
}

/** isClosedRequest: nothing more will happen on it. */
export function isClosedRequest(r: Pick<InfoRequest, 'status' | 'expires_at'>, now: number): boolean {
  if (r.status === 'accepted' || r.status === 'revoked' || r.status === 'expired') return true;
  const exp = Date.parse(r.expires_at);
  return !Number.isNaN(exp) && exp <= now;
}

/** mayAnswer: the in-app recipient may answer while the request waits for them (open, which a request
 * sent back is again) and has not expired. */
export function mayAnswer(r: Pick<InfoRequest, 'status' | 'expires_at' | 'to'>, meId: number | null, now: number): boolean {
  if (meId === null || r.to.user?.id !== meId) return false;
  return r.status === 'open' && !isClosedRequest(r, now);
}

/** addFiles adds picked or dropped files to those chosen, at most maxFiles, skipping duplicates by name
 * and size; `refused` counts those left out for the limit. */
export function addFiles(chosen: readonly File[], added: readonly File[]): { files: File[]; refused: number } {
  const out = [...chosen];
  let refused = 0;
  for (const f of added) {
    if (out.some((x) => x.name === f.name && x.size === f.size)) continue;
    if (out.length >= maxFiles) {
      refused++;
      continue;
    }
    out.push(f);
  }
  return { files: out, refused };
}

/** answerError is the i18n key (under tasks.errors) of why an answer cannot be sent yet, or null. */
export function answerError(body: string, files: readonly File[]): string | null {
  if (body.trim() === '' && files.length === 0) return 'answerEmpty';
  if ([...body].length > maxAnswer) return 'tooLong';
  if (files.length > maxFiles) return 'tooManyFiles';
  return null;
}
