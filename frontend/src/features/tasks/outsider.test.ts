// The outsider page's states from the public API's answers, with fetch mocked at the client boundary.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PublicInfoRequest } from '../../api/issue6-tasks';
import { loadOutsider, outsiderMayAnswer, sendOutsiderAnswer } from './outsider';

interface Call {
  url: string;
  init: RequestInit;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const token = 'Zx9_-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab';
const req: PublicInfoRequest = {
  ticket_number: 1042,
  ticket_subject: 'Invoice missing',
  question: 'Could you send the invoice?',
  thread: [],
  status: 'open',
  expires_at: '2026-12-10T00:00:00Z',
  lang: 'en',
  recipient_name: 'Carlos Ruiz',
};

describe('outsider page', () => {
  let calls: Call[];
  let answer: () => Response;

  beforeEach(() => {
    calls = [];
    vi.stubGlobal('document', { cookie: 'atiende_csrf=tok', documentElement: {} });
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string, init: RequestInit) => {
        calls.push({ url, init });
        return Promise.resolve(answer());
      }),
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('shows the request on 200', async () => {
    answer = () => json(200, req);
    await expect(loadOutsider(token)).resolves.toEqual({ kind: 'ready', request: req });
    expect(calls[0]?.url).toBe(`/api/v1/public/info-requests/${token}`);
    expect(calls[0]?.init.method).toBe('GET');
  });

  it('says the link expired or was revoked on 410, with the server message', async () => {
    answer = () => json(410, { error: { code: 'gone', message: 'This link has expired.' } });
    await expect(loadOutsider(token)).resolves.toEqual({ kind: 'gone', message: 'This link has expired.' });
  });

  it('says the link is unknown on 404', async () => {
    answer = () => json(404, { error: { code: 'not_found', message: 'Not found.' } });
    await expect(loadOutsider(token)).resolves.toEqual({ kind: 'unknown' });
  });

  it('does not ask the server about a malformed token', async () => {
    answer = () => json(200, req);
    await expect(loadOutsider('../../admin')).resolves.toEqual({ kind: 'unknown' });
    expect(calls).toHaveLength(0);
  });

  it('offers a retry on other failures', async () => {
    answer = () => json(429, { error: { code: 'rate_limited', message: 'Too many requests.' } });
    await expect(loadOutsider(token)).resolves.toEqual({ kind: 'error', message: 'Too many requests.' });
  });

  it('posts the answer as multipart with its text and files', async () => {
    answer = () => json(200, { ...req, status: 'answered' });
    const files = [new File(['%PDF'], 'invoice.pdf', { type: 'application/pdf' }), new File(['png'], 'photo.png')];
    await expect(sendOutsiderAnswer(token, 'Here it is', files)).resolves.toEqual({ kind: 'sent' });
    const post = calls.find((c) => c.init.method === 'POST');
    expect(post?.url).toBe(`/api/v1/public/info-requests/${token}/answer`);
    const form = post?.init.body as FormData;
    expect(form.get('body')).toBe('Here it is');
    expect(form.getAll('files').map((f) => (f as File).name)).toEqual(['invoice.pdf', 'photo.png']);
    expect((post?.init.headers as Record<string, string>)['Content-Type']).toBeUndefined();
  });

  it('turns a 410 while answering into the expired page, and a 422 into a message on the form', async () => {
    answer = () => json(410, { error: { code: 'gone', message: 'Revoked.' } });
    await expect(sendOutsiderAnswer(token, 'x', [])).resolves.toEqual({ kind: 'gone', message: 'Revoked.' });
    answer = () => json(422, { error: { code: 'invalid', message: 'Check the form.', fields: { files: 'Too large.' } } });
    await expect(sendOutsiderAnswer(token, 'x', [])).resolves.toEqual({ kind: 'failed', message: 'Check the form.', fields: { files: 'Too large.' } });
  });

  it('shows the form only while the request is open (not under review) and has not expired', () => {
    const now = Date.parse('2026-12-04T00:00:00Z');
    expect(outsiderMayAnswer(req, now)).toBe(true);
    expect(outsiderMayAnswer({ ...req, status: 'answered' }, now)).toBe(false);
    expect(outsiderMayAnswer(req, Date.parse('2026-12-11T00:00:00Z'))).toBe(false);
  });
});
