import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { uploadFile } from '../../api/upload';
import { insertAt, parseNumber } from './text';

describe('ticket numbers and canned text', () => {
  it('reads a ticket number typed as 123 or #123', () => {
    expect(parseNumber(' #123 ')).toBe(123);
    expect(parseNumber('45')).toBe(45);
    expect(parseNumber('0')).toBeNull();
    expect(parseNumber('12a')).toBeNull();
  });
  it('inserts at the caret, replacing a selection', () => {
    expect(insertAt('Hola , adiós', 'Carmen', 5, 5)).toEqual({ body: 'Hola Carmen, adiós', caret: 11 });
    expect(insertAt('abcdef', 'X', 2, 4)).toEqual({ body: 'abXef', caret: 3 });
    expect(insertAt('ab', 'X', 9, 9)).toEqual({ body: 'abX', caret: 3 });
  });
});

describe('uploadFile', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('posts one file as multipart with the CSRF header, and maps refusals to ApiError', async () => {
    vi.stubGlobal('document', { cookie: 'atiende_csrf=tok123' });
    const attachment = { id: 9, ticket_id: 4, comment_id: null, filename: 'a.pdf', content_type: 'application/pdf', size: 3, created_at: '', url: '/api/v1/attachments/9' };
    const fetchFn = vi
      .fn<typeof fetch>()
      .mockResolvedValueOnce(new Response(JSON.stringify(attachment), { status: 201 }))
      .mockResolvedValueOnce(
        new Response(JSON.stringify({ error: { code: 'invalid', message: 'Tipo no permitido', fields: { file: 'Un .png que es un PDF' } } }), { status: 422 }),
      );
    const file = new File(['abc'], 'a.pdf', { type: 'application/pdf' });
    expect(await uploadFile(4, file, undefined, fetchFn)).toEqual(attachment);
    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe('/api/v1/tickets/4/attachments');
    expect((init!.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok123');
    expect((init!.body as FormData).get('file')).toBeInstanceOf(File);
    const err = await uploadFile(4, file, undefined, fetchFn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).fields.file).toBe('Un .png que es un PDF');
  });
});
