// The web form's checks and the form and tracking page states from the public API's answers, with
// fetch mocked at the client boundary.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Tracking } from '../../api/issue7-webform';
import { checkForm, emptyForm, loadTrack, sendReply, statusLabel, submitForm } from './webform';

interface Call {
  url: string;
  init: RequestInit;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const token = 'Zx9_-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab';
const track: Tracking = {
  number: 1042,
  subject: 'Parcel missing',
  description: 'Parcel missing\nDue last week.',
  status: { label_es: 'En curso', label_en: 'In progress', group: 'doing', color: '#2563eb' },
  created_at: '2026-12-01T10:00:00Z',
  updated_at: '2026-12-02T10:00:00Z',
  expires_at: '2026-12-31T10:00:00Z',
  lang: 'en',
  conversation: [],
  attachments: [],
};
const valid = { ...emptyForm, name: 'Ana', email: 'ana@example.com', category_id: '3', description: 'Help' };

describe('web form checks', () => {
  it('names every field to fix at once', () => {
    expect(checkForm(emptyForm)).toEqual({ name: 'required', email: 'required', category_id: 'required', description: 'required' });
    expect(checkForm({ ...valid, email: 'ana@', order_number: 'no spaces' })).toEqual({ email: 'email', order_number: 'order' });
    expect(checkForm(valid)).toEqual({});
    expect(checkForm({ ...valid, order_number: 'ORD-77' })).toEqual({});
  });
});

describe('web form and tracking page', () => {
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

  it('posts the form as multipart with the language, the honeypot and the files, and shows the case number', async () => {
    answer = () => json(201, { number: 77 });
    const files = [new File(['%PDF'], 'receipt.pdf', { type: 'application/pdf' })];
    await expect(submitForm({ ...valid, subcategory_id: '4' }, files, 'en-US')).resolves.toEqual({ kind: 'sent', number: 77 });
    const post = calls.find((c) => c.init.method === 'POST');
    expect(post?.url).toBe('/api/v1/public/tickets');
    const form = post?.init.body as FormData;
    expect(form.get('name')).toBe('Ana');
    expect(form.get('subcategory_id')).toBe('4');
    expect(form.get('order_number')).toBeNull();
    expect(form.get('website')).toBeNull();
    expect(form.get('lang')).toBe('en');
    expect(form.getAll('files').map((f) => (f as File).name)).toEqual(['receipt.pdf']);
  });

  it('turns a 422 into field messages and a 429 into a wait message', async () => {
    answer = () => json(422, { error: { code: 'invalid', message: 'Check the form.', fields: { email: 'Enter a valid email address.' } } });
    await expect(submitForm(valid, [], 'en')).resolves.toEqual({ kind: 'invalid', message: 'Check the form.', fields: { email: 'Enter a valid email address.' } });
    answer = () => json(429, { error: { code: 'rate_limited', message: 'Wait 60 seconds.' } });
    await expect(submitForm(valid, [], 'en')).resolves.toEqual({ kind: 'limited', message: 'Wait 60 seconds.' });
  });

  it('shows the ticket on 200, gone on 410, unknown on 404, and never asks about a malformed token', async () => {
    answer = () => json(200, track);
    await expect(loadTrack(token)).resolves.toEqual({ kind: 'ready', track });
    expect(calls[0]?.url).toBe(`/api/v1/public/track/${token}`);
    answer = () => json(410, { error: { code: 'gone', message: 'This tracking link no longer works.' } });
    await expect(loadTrack(token)).resolves.toEqual({ kind: 'gone', message: 'This tracking link no longer works.' });
    answer = () => json(404, { error: { code: 'not_found', message: 'Not found.' } });
    await expect(loadTrack(token)).resolves.toEqual({ kind: 'unknown' });
    const before = calls.length;
    await expect(loadTrack('../../admin')).resolves.toEqual({ kind: 'unknown' });
    expect(calls).toHaveLength(before);
  });

  it('posts a reply with its files, and a 410 while replying turns the page to gone', async () => {
    answer = () => json(201, track);
    await expect(sendReply(token, 'Here', [new File(['x'], 'door.jpg')])).resolves.toEqual({ kind: 'sent', track });
    const post = calls.find((c) => c.init.method === 'POST');
    expect(post?.url).toBe(`/api/v1/public/track/${token}/replies`);
    expect((post?.init.body as FormData).get('body')).toBe('Here');
    answer = () => json(410, { error: { code: 'gone', message: 'Revoked.' } });
    await expect(sendReply(token, 'x', [])).resolves.toEqual({ kind: 'gone', message: 'Revoked.' });
  });

  it('labels the status in the page language', () => {
    expect(statusLabel(track.status, 'en')).toBe('In progress');
    expect(statusLabel(track.status, 'es')).toBe('En curso');
  });
});
