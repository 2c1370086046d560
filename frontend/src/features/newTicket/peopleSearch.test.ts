import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DebouncedSearch } from './peopleSearch';

interface Person {
  id: number;
  name: string;
}

describe('people search', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup() {
    const calls: { q: string; signal: AbortSignal; resolve: (p: Person[]) => void; reject: (e: unknown) => void }[] = [];
    const fetcher = (q: string, signal: AbortSignal) =>
      new Promise<Person[]>((resolve, reject) => {
        calls.push({ q, signal, resolve, reject });
      });
    const search = new DebouncedSearch<Person>(fetcher, (e) => String(e));
    return { search, calls };
  }

  it('searches once, 250 ms after the last keystroke', async () => {
    const { search, calls } = setup();
    search.setQuery('an');
    await vi.advanceTimersByTimeAsync(200);
    search.setQuery('ana');
    await vi.advanceTimersByTimeAsync(249);
    expect(calls).toHaveLength(0);
    expect(search.getSnapshot().status).toBe('waiting');
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.q)).toEqual(['ana']);
    expect(search.getSnapshot().status).toBe('loading');
    calls[0]?.resolve([{ id: 1, name: 'Ana' }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(search.getSnapshot()).toEqual({ query: 'ana', status: 'done', items: [{ id: 1, name: 'Ana' }], error: null });
  });

  it('does not search under 2 characters (spaces do not count)', async () => {
    const { search, calls } = setup();
    search.setQuery('a');
    search.setQuery(' b ');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(0);
    expect(search.getSnapshot().status).toBe('idle');
  });

  it('sends the trimmed text', async () => {
    const { search, calls } = setup();
    search.setQuery('  ana  ');
    await vi.advanceTimersByTimeAsync(250);
    expect(calls[0]?.q).toBe('ana');
  });

  it('aborts an older request and ignores its late answer', async () => {
    const { search, calls } = setup();
    search.setQuery('an');
    await vi.advanceTimersByTimeAsync(250);
    search.setQuery('bo');
    expect(calls[0]?.signal.aborted).toBe(true);
    calls[0]?.resolve([{ id: 1, name: 'Ana' }]);
    await vi.advanceTimersByTimeAsync(250);
    calls[1]?.resolve([{ id: 2, name: 'Bob' }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(search.getSnapshot().items).toEqual([{ id: 2, name: 'Bob' }]);
  });

  it('clearing the box cancels a pending search', async () => {
    const { search, calls } = setup();
    search.setQuery('ana');
    search.setQuery('');
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(0);
    expect(search.getSnapshot()).toEqual({ query: '', status: 'idle', items: [], error: null });
  });

  it('shows an error and tells subscribers', async () => {
    const { search, calls } = setup();
    const seen: string[] = [];
    const off = search.subscribe(() => seen.push(search.getSnapshot().status));
    search.setQuery('ana');
    await vi.advanceTimersByTimeAsync(250);
    calls[0]?.reject('boom');
    await vi.advanceTimersByTimeAsync(0);
    expect(search.getSnapshot()).toMatchObject({ status: 'error', error: 'boom', items: [] });
    expect(seen).toEqual(['waiting', 'loading', 'error']);
    off();
  });

  it('dispose stops a pending search', async () => {
    const { search, calls } = setup();
    search.setQuery('ana');
    search.dispose();
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(0);
  });
});
