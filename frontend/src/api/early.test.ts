// The early requests the app sends as it starts: the page's first GET of that path takes the answer
// instead of asking again; a failed early request is asked again, so that its error (401, 403) is the
// usual one; an answer is used once. fetch is mocked at the client boundary.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, get, requestEarly } from './client';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('early requests', () => {
  it('the first GET of the path takes the early answer; the next one asks the server', async () => {
    const answers = [json(200, { n: 1 }), json(200, { n: 2 })];
    const fetchMock = vi.fn(() => Promise.resolve(answers.shift()!));
    vi.stubGlobal('fetch', fetchMock);
    void requestEarly('/board');
    expect(await get<{ n: number }>('/board')).toEqual({ n: 1 });
    expect(await get<{ n: number }>('/board')).toEqual({ n: 2 });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('another path is not answered by it', async () => {
    const fetchMock = vi.fn((url: string) => Promise.resolve(json(200, { url })));
    vi.stubGlobal('fetch', fetchMock);
    void requestEarly('/board?assignee=me');
    expect(await get<{ url: string }>('/board')).toEqual({ url: '/api/v1/board' });
  });

  it('a failed early request is sent again and its error reaches the caller', async () => {
    const answers = [json(403, { error: { code: 'forbidden', message: 'No' } }), json(403, { error: { code: 'forbidden', message: 'No puedes' } })];
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(answers.shift()!)));
    void requestEarly('/workflows');
    const err = await get('/workflows').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect((err as ApiError).message).toBe('No puedes');
  });
});
