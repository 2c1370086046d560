import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, upload } from '../../api/client';
import { api } from '../../api/endpoints';
import { uploadAll, uploadErrorMessage } from './uploads';
import type { UploadState } from './uploads';

interface Call {
  url: string;
  init: RequestInit;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('upload client', () => {
  let calls: Call[];
  let answer: () => Response | Promise<Response>;

  beforeEach(() => {
    calls = [];
    vi.stubGlobal('document', { cookie: 'other=1; atiende_csrf=tok%2B1', documentElement: {} });
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

  const attachment = {
    id: 5,
    ticket_id: 42,
    comment_id: null,
    filename: 'factura.pdf',
    content_type: 'application/pdf',
    size: 3,
    created_at: '2026-11-23T10:00:00Z',
    url: '/api/v1/attachments/5',
  };

  it('posts one file as multipart with the CSRF token and the language, no JSON content type', async () => {
    answer = () => json(201, attachment);
    const f = new File(['%PD'], 'factura.pdf', { type: 'application/pdf' });
    await expect(api.uploadAttachment(42, f)).resolves.toEqual(attachment);
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0] as Call;
    expect(url).toBe('/api/v1/tickets/42/attachments');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    const headers = init.headers as Record<string, string>;
    expect(headers['X-CSRF-Token']).toBe('tok+1');
    expect(headers['Accept-Language']).toMatch(/^(es|en)$/);
    expect(headers.Accept).toBe('application/json');
    expect(headers['Content-Type']).toBeUndefined();
    expect(init.body).toBeInstanceOf(FormData);
    const sent = (init.body as FormData).get('file');
    expect(sent).toBeInstanceOf(File);
    expect((sent as File).name).toBe('factura.pdf');
    // The dialog's files belong to the ticket itself, so the requester sees them too.
    expect((init.body as FormData).get('attach_to')).toBe('ticket');
  });

  it("turns the server's refusal into an ApiError with its message and fields", async () => {
    answer = () =>
      json(422, { error: { code: 'invalid', message: 'El tipo no coincide', fields: { file: 'attachment.type_mismatch' } } });
    const err = await upload('/tickets/1/attachments', new FormData()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'invalid', message: 'El tipo no coincide', fields: { file: 'attachment.type_mismatch' } });
    expect(uploadErrorMessage(err, 'too large', 'unknown')).toBe('El tipo no coincide');
  });

  it('a 413 without a JSON body (a proxy) reads as too large', async () => {
    answer = () => new Response('<html>413</html>', { status: 413 });
    const err = await upload('/tickets/1/attachments', new FormData()).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 413, code: 'too_large' });
    expect(uploadErrorMessage(err, 'too large', 'unknown')).toBe('too large');
  });

  it("the server's own 413 keeps its message", async () => {
    answer = () => json(413, { error: { code: 'too_large', message: 'Máximo 10 MiB' } });
    const err = await upload('/tickets/1/attachments', new FormData()).catch((e: unknown) => e);
    expect(uploadErrorMessage(err, 'too large', 'unknown')).toBe('Máximo 10 MiB');
  });

  it('a lost network is a network ApiError', async () => {
    answer = () => Promise.reject(new TypeError('Failed to fetch'));
    const err = await upload('/tickets/1/attachments', new FormData()).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: 'network' });
  });

  it('createTicket sends the Idempotency-Key header with the JSON body', async () => {
    answer = () => json(201, { id: 9, number: 123 });
    await api.createTicket({ subject: 'Hola', category_id: 1 }, 'key-1');
    const { url, init } = calls[0] as Call;
    expect(url).toBe('/api/v1/tickets');
    const headers = init.headers as Record<string, string>;
    expect(headers['Idempotency-Key']).toBe('key-1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers['X-CSRF-Token']).toBe('tok+1');
    expect(JSON.parse(init.body as string)).toEqual({ subject: 'Hola', category_id: 1 });
  });
});

describe("uploading a new ticket's files", () => {
  it("uploads in order, keeps going after a failure, and says each file's result", async () => {
    const states: [number, UploadState][] = [];
    const ok = await uploadAll(
      ['a', 'b', 'c'],
      [{ state: 'pending' }, { state: 'pending' }, { state: 'pending' }],
      (f) => (f === 'b' ? Promise.reject(new Error('nope')) : Promise.resolve()),
      (i, s) => states.push([i, s]),
      (err) => (err as Error).message,
    );
    expect(ok).toBe(false);
    expect(states).toEqual([
      [0, { state: 'uploading' }],
      [0, { state: 'done' }],
      [1, { state: 'uploading' }],
      [1, { state: 'error', message: 'nope' }],
      [2, { state: 'uploading' }],
      [2, { state: 'done' }],
    ]);
  });

  it('a retry sends only the files not done yet', async () => {
    const sent: string[] = [];
    const ok = await uploadAll(
      ['a', 'b'],
      [{ state: 'done' }, { state: 'error', message: 'x' }],
      (f) => {
        sent.push(f);
        return Promise.resolve();
      },
      () => undefined,
      () => '',
    );
    expect(ok).toBe(true);
    expect(sent).toEqual(['b']);
  });

  it('an error that is not an ApiError reads as unknown', () => {
    expect(uploadErrorMessage(new Error('x'), 'too large', 'unknown')).toBe('unknown');
  });
});
