// The outsider page's states: the request (200), an expired or revoked link (410), an unknown link (404)
// or a failure worth retrying; read from the public API through the usual client.
import { ApiError } from '../../api/client';
import { tasksApi } from '../../api/issue6-tasks';
import type { PublicInfoRequest } from '../../api/issue6-tasks';

export type OutsiderState =
  | { kind: 'ready'; request: PublicInfoRequest }
  | { kind: 'gone'; message: string }
  | { kind: 'unknown' }
  | { kind: 'error'; message: string };

/** loadOutsider reads the request behind a link and says which page to show. */
export async function loadOutsider(token: string, signal?: AbortSignal): Promise<OutsiderState> {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) return { kind: 'unknown' };
  try {
    return { kind: 'ready', request: await tasksApi.publicInfoRequest(token, signal) };
  } catch (err) {
    if (err instanceof ApiError && err.status === 410) return { kind: 'gone', message: err.message };
    if (err instanceof ApiError && err.status === 404) return { kind: 'unknown' };
    if (err instanceof ApiError) return { kind: 'error', message: err.message };
    throw err;
  }
}

/** outsiderMayAnswer: the form shows while the request waits for an answer (open, which a request sent
 * back is again); an answer under review takes no second one. */
export function outsiderMayAnswer(r: Pick<PublicInfoRequest, 'status' | 'expires_at'>, now: number): boolean {
  if (r.status !== 'open') return false;
  const exp = Date.parse(r.expires_at);
  return Number.isNaN(exp) || exp > now;
}

export type SendResult = { kind: 'sent' } | { kind: 'gone'; message: string } | { kind: 'unknown' } | { kind: 'failed'; message: string; fields: Record<string, string> };

/** sendOutsiderAnswer posts the answer and says what the page shows next. */
export async function sendOutsiderAnswer(token: string, body: string, files: readonly File[]): Promise<SendResult> {
  try {
    await tasksApi.publicAnswer(token, body, files);
    return { kind: 'sent' };
  } catch (err) {
    if (err instanceof ApiError && err.status === 410) return { kind: 'gone', message: err.message };
    if (err instanceof ApiError && err.status === 404) return { kind: 'unknown' };
    if (err instanceof ApiError) return { kind: 'failed', message: err.message, fields: err.fields };
    throw err;
  }
}
