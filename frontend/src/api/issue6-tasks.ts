// Issue 6 (tasks): the API shapes of ticket tasks, their comments and files, information requests and
// the outsider page, written by hand from the contract's Tasks section. The response shapes are the OpenAPI
// document's generated types (shared/ts/api.gen.ts).
import type { components } from '@shared/api.gen';
import { apiBase, request, upload, withQuery } from './client';

export type Task = components['schemas']['Task'];

export interface NewTask {
  title: string;
  assignee_id: number | null;
  due_at: string | null;
}

export interface TaskPatch extends Partial<NewTask> {
  done?: boolean;
  version: number;
}

export type TaskComment = components['schemas']['TaskComment'];

/** FileRef is a file of a task or of an answer; url is absent on the outsider page. */
export interface FileRef {
  id: number;
  name: string;
  content_type: string;
  size: number;
  created_at: string;
  url?: string;
}

/** A request sent back is open again, so there is no "returned" status. */
export type InfoRequestStatus = 'open' | 'answered' | 'accepted' | 'revoked' | 'expired';

export type InfoMessage = components['schemas']['InfoRequestMessage'];

export type InfoRequest = components['schemas']['InfoRequest'];

/** NewInfoRequest goes to a user in the app (to_user_id) or to an outsider (to_email, to_name, lang). */
export type NewInfoRequest =
  | { to_user_id: number; question: string; expires_in_days: number }
  | { to_email: string; to_name: string; lang: 'es' | 'en'; question: string; expires_in_days: number };

export type PublicInfoRequest = components['schemas']['PublicInfoRequest'];

type Items<T> = { items: T[] };
/** Page is a keyset page; next is empty at the end. */
type Page<T> = { items: T[]; next: string };

/** answerForm is the multipart body of an answer: its text and up to five files. */
export function answerForm(body: string, files: readonly File[]): FormData {
  const form = new FormData();
  form.append('body', body);
  for (const f of files) form.append('files', f, f.name);
  return form;
}

export const tasksApi = {
  tasks: (ticketId: number, signal?: AbortSignal) => request<Items<Task>>('GET', `/tickets/${ticketId}/tasks`, undefined, signal),
  createTask: (ticketId: number, body: NewTask) => request<Task>('POST', `/tickets/${ticketId}/tasks`, body),
  updateTask: (id: number, body: TaskPatch) => request<Task>('PATCH', `/tasks/${id}`, body),
  deleteTask: (id: number, version: number) => request<void>('DELETE', withQuery(`/tasks/${id}`, { version })),
  taskComments: (id: number, signal?: AbortSignal) => request<Items<TaskComment>>('GET', `/tasks/${id}/comments`, undefined, signal),
  taskFiles: (id: number, signal?: AbortSignal) => request<Items<FileRef>>('GET', `/tasks/${id}/files`, undefined, signal),
  addTaskComment: (id: number, body: string) => request<TaskComment>('POST', `/tasks/${id}/comments`, { body }),
  uploadTaskFile: (id: number, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return upload<FileRef>(`/tasks/${id}/files`, form);
  },
  taskFileUrl: (id: number) => `${apiBase}/task-files/${id}`,
  infoFileUrl: (id: number) => `${apiBase}/info-request-files/${id}`,
  myTasks: (after: string, signal?: AbortSignal) =>
    request<Page<Task>>('GET', withQuery('/me/tasks', { open: true, ...(after === '' ? {} : { after }) }), undefined, signal),

  infoRequests: (ticketId: number, signal?: AbortSignal) => request<Items<InfoRequest>>('GET', `/tickets/${ticketId}/info-requests`, undefined, signal),
  createInfoRequest: (ticketId: number, body: NewInfoRequest) => request<InfoRequest>('POST', `/tickets/${ticketId}/info-requests`, body),
  myInfoRequests: (signal?: AbortSignal) => request<Page<InfoRequest>>('GET', withQuery('/me/info-requests', { open: true }), undefined, signal),
  acceptInfoRequest: (id: number) => request<InfoRequest>('POST', `/info-requests/${id}/accept`),
  returnInfoRequest: (id: number, body: string) => request<InfoRequest>('POST', `/info-requests/${id}/return`, { body }),
  revokeInfoRequest: (id: number) => request<InfoRequest>('POST', `/info-requests/${id}/revoke`),
  answerInfoRequest: (id: number, body: string, files: readonly File[]) => upload<InfoRequest>(`/info-requests/${id}/answer`, answerForm(body, files)),

  publicInfoRequest: (token: string, signal?: AbortSignal) =>
    request<PublicInfoRequest>('GET', `/public/info-requests/${encodeURIComponent(token)}`, undefined, signal),
  publicAnswer: (token: string, body: string, files: readonly File[]) =>
    upload<PublicInfoRequest | undefined>(`/public/info-requests/${encodeURIComponent(token)}/answer`, answerForm(body, files)),
};
