// The web form's and the tracking page's logic: checking the form before sending (the server checks
// again), reading the answers into the states the pages show, and a tracking link's state label.
import { ApiError } from '../../api/client';
import { webformApi } from '../../api/issue7-webform';
import type { Tracking, WebFormValues } from '../../api/issue7-webform';

export const maxDescription = 50000;
export const maxName = 120;
export const emptyForm: WebFormValues = { name: '', email: '', category_id: '', subcategory_id: '', order_number: '', description: '', website: '' };

/** FieldErrors maps a field to the message key (webform.errors.*) or the server's message. */
export type FieldErrors = Partial<Record<keyof WebFormValues | 'files', string>>;

const emailRe = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const orderRe = /^[A-Za-z0-9-]{1,40}$/;

/** checkForm returns the fields a visitor must fix, as message keys, before the form is sent. */
export function checkForm(v: WebFormValues): FieldErrors {
  const out: FieldErrors = {};
  if (v.name.trim() === '') out.name = 'required';
  else if (v.name.trim().length > maxName) out.name = 'tooLong';
  if (v.email.trim() === '') out.email = 'required';
  else if (!emailRe.test(v.email.trim())) out.email = 'email';
  if (v.category_id === '') out.category_id = 'required';
  if (v.order_number.trim() !== '' && !orderRe.test(v.order_number.trim())) out.order_number = 'order';
  if (v.description.trim() === '') out.description = 'required';
  else if (v.description.length > maxDescription) out.description = 'tooLong';
  return out;
}

export type SubmitResult =
  | { kind: 'sent'; number: number }
  | { kind: 'invalid'; message: string; fields: Record<string, string> }
  | { kind: 'limited'; message: string }
  | { kind: 'failed'; message: string };

/** submitForm sends the form and says what the page shows next. */
export async function submitForm(v: WebFormValues, files: readonly File[], lang: string): Promise<SubmitResult> {
  try {
    const r = await webformApi.submit(v, files, lang);
    return { kind: 'sent', number: r.number };
  } catch (err) {
    if (err instanceof ApiError && err.status === 422) return { kind: 'invalid', message: err.message, fields: err.fields };
    if (err instanceof ApiError && err.status === 429) return { kind: 'limited', message: err.message };
    if (err instanceof ApiError) return { kind: 'failed', message: err.message };
    throw err;
  }
}

export type TrackState =
  | { kind: 'ready'; track: Tracking }
  | { kind: 'gone'; message: string }
  | { kind: 'unknown' }
  | { kind: 'error'; message: string };

/** loadTrack reads the ticket behind a link: ready (200), gone (410: expired or revoked), unknown (404). */
export async function loadTrack(token: string, signal?: AbortSignal): Promise<TrackState> {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) return { kind: 'unknown' };
  try {
    return { kind: 'ready', track: await webformApi.track(token, signal) };
  } catch (err) {
    if (err instanceof ApiError && err.status === 410) return { kind: 'gone', message: err.message };
    if (err instanceof ApiError && err.status === 404) return { kind: 'unknown' };
    if (err instanceof ApiError) return { kind: 'error', message: err.message };
    throw err;
  }
}

export type ReplyResult =
  | { kind: 'sent'; track: Tracking }
  | { kind: 'gone'; message: string }
  | { kind: 'unknown' }
  | { kind: 'failed'; message: string; fields: Record<string, string> };

/** sendReply posts a reply through the link and says what the page shows next. */
export async function sendReply(token: string, body: string, files: readonly File[]): Promise<ReplyResult> {
  try {
    return { kind: 'sent', track: await webformApi.reply(token, body, files) };
  } catch (err) {
    if (err instanceof ApiError && err.status === 410) return { kind: 'gone', message: err.message };
    if (err instanceof ApiError && err.status === 404) return { kind: 'unknown' };
    if (err instanceof ApiError) return { kind: 'failed', message: err.message, fields: err.fields };
    throw err;
  }
}

/** statusLabel is a tracked ticket's status in the page's language. */
export function statusLabel(s: Tracking['status'], lang: string): string {
  return lang.startsWith('en') ? s.label_en : s.label_es;
}
