// The fetch client of /api/v1: cookies, the CSRF header on unsafe requests, Accept-Language, and
// errors turned into ApiError with the server's message (already in the user's language).
import i18n from '../i18n';
import type { ErrorBody, ErrorCode } from './types';

export const apiBase = '/api/v1';
const csrfCookie = 'atiende_csrf';
const csrfHeader = 'X-CSRF-Token';

/** ApiError is a refused or failed request; message is meant for the user. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'network';
  readonly fields: Record<string, string>;
  /** body is the parsed JSON answer, when there was one (a 409 carries `current`). */
  readonly body: unknown;

  constructor(status: number, code: ErrorCode | 'network', message: string, fields: Record<string, string> = {}, body?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.body = body;
  }
}

/** readCookie returns a cookie's value, or null. */
export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** withQuery appends the defined, non-empty values of q to path. */
export function withQuery(path: string, q: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

let onUnauthorized: (() => void) | null = null;

/** setUnauthorizedHandler registers what happens when the session is gone (a 401 outside /auth). */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

function isErrorBody(v: unknown): v is ErrorBody {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = v.error;
  return typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string';
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function ensureCsrfCookie(): Promise<void> {
  if (readCookie(csrfCookie) !== null) return;
  // Any /api/v1 answer sets the cookie when it is missing.
  await fetch(`${apiBase}/auth/me`, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).catch(() => undefined);
}

/** An early request: a GET sent while the app starts (requestEarly), kept for the page's first call. */
const early = new Map<string, { at: number; answer: Promise<unknown> }>();
/** earlyFor is how long an early answer may stand in for a call: the first render, not a later visit. */
const earlyFor = 15_000;

/** requestEarly sends a GET while the app starts, before React has rendered, so that its answer is on the
 * way when the page first asks for it (get). What a failure means is left to the call made in its place.
 * It returns the answer, for requests that follow from it. */
export function requestEarly<T>(path: string): Promise<T> {
  const answer = fetch(apiBase + path, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Accept-Language': i18n.language || 'es' },
  }).then(async (res) => {
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return (await res.json()) as T;
  });
  answer.catch(() => undefined);
  early.set(path, { at: performance.now(), answer });
  return answer;
}

/** get sends a GET, or takes the answer of the early request of that path (once, while recent); when
 * that failed, it sends the GET itself, whose error the caller sees. */
export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  const e = early.get(path);
  if (e !== undefined) {
    early.delete(path);
    if (performance.now() - e.at < earlyFor) {
      try {
        return (await e.answer) as T;
      } catch {
        // Sent again below, with the usual errors.
      }
    }
  }
  return request<T>('GET', path, undefined, signal);
}

/** request sends one API call and returns its parsed JSON body (undefined for 204). `headers` adds
 * request headers (e.g. `Idempotency-Key`). */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  headers?: Record<string, string>,
): Promise<T> {
  const h: Record<string, string> = { ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  return send<T>(method, path, body === undefined ? undefined : JSON.stringify(body), h, signal);
}

/** upload POSTs a multipart form (files) with the same cookies, CSRF header, Accept-Language and
 * errors as request; the browser sets the multipart Content-Type with its boundary. */
export async function upload<T>(path: string, form: FormData, signal?: AbortSignal): Promise<T> {
  return send<T>('POST', path, form, {}, signal);
}

async function send<T>(
  method: string,
  path: string,
  body: BodyInit | undefined,
  extra: Record<string, string>,
  signal?: AbortSignal,
): Promise<T> {
  const headers: Record<string, string> = {
    ...extra,
    Accept: 'application/json',
    'Accept-Language': i18n.language || 'es',
  };
  if (unsafe.has(method)) {
    await ensureCsrfCookie();
    const token = readCookie(csrfCookie);
    if (token !== null) headers[csrfHeader] = token;
  }
  let res: Response;
  try {
    res = await fetch(apiBase + path, { method, headers, credentials: 'same-origin', body, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/auth/')) onUnauthorized?.();
    if (isErrorBody(parsed)) {
      const e = parsed.error;
      throw new ApiError(res.status, e.code, e.message, e.fields ?? {}, parsed);
    }
    // A proxy's 413 has no JSON body: keep the code so the caller can say the file is too large.
    const code = res.status === 413 ? 'too_large' : 'internal';
    throw new ApiError(res.status, code, i18n.t('errors.http', { status: res.status }), {}, parsed);
  }
  return parsed as T;
}
