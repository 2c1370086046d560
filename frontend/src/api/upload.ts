// uploadFile: POST /tickets/{id}/attachments as multipart/form-data (one file per request). Kept apart
// from client.ts's JSON `request`: the body is a FormData whose boundary the browser sets, so no
// Content-Type header here. Same cookies, CSRF header, Accept-Language and ApiError as `request`.
import i18n from '../i18n';
import { ApiError, apiBase, readCookie } from './client';
import type { Attachment, ErrorBody } from './types';

const csrfCookie = 'atiende_csrf';
const csrfHeader = 'X-CSRF-Token';

function isErrorBody(v: unknown): v is ErrorBody {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = v.error;
  return typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string';
}

/** uploadFile stores one file on a ticket and resolves to its Attachment (not yet on a comment). */
export async function uploadFile(ticketId: number, file: File, signal?: AbortSignal, fetchFn: typeof fetch = fetch): Promise<Attachment> {
  if (readCookie(csrfCookie) === null) {
    // Any /api/v1 answer sets the cookie when it is missing.
    await fetchFn(`${apiBase}/auth/me`, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).catch(() => undefined);
  }
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': i18n.language || 'es' };
  const token = readCookie(csrfCookie);
  if (token !== null) headers[csrfHeader] = token;
  const form = new FormData();
  form.append('file', file, file.name);
  let res: Response;
  try {
    res = await fetchFn(`${apiBase}/tickets/${ticketId}/attachments`, { method: 'POST', headers, body: form, credentials: 'same-origin', signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    if (isErrorBody(parsed)) throw new ApiError(res.status, parsed.error.code, parsed.error.message, parsed.error.fields ?? {}, parsed);
    // A 413 from a proxy in front of the server has no JSON body.
    if (res.status === 413) throw new ApiError(413, 'too_large', i18n.t('ticket.composer.tooLarge'));
    throw new ApiError(res.status, 'internal', i18n.t('errors.http', { status: res.status }), {}, parsed);
  }
  return parsed as Attachment;
}
