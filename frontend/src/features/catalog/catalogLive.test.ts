import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { Catalogs } from '../../api/types';
import type { LiveChange } from '../../live/client';
import { catalogLiveHandlers } from './catalogLive';
import { catalogsKey } from './useCatalogs';

const empty: Catalogs = {
  statuses: [],
  priorities: [],
  categories: [],
  kb_categories: [],
  channels: [],
  queues: [],
  note_reasons: [],
  canned_responses: [],
  priority_scheme: 'eisenhower',
};

function event(name: 'catalog.changed' | 'ticket.updated', seq: number): LiveChange {
  return { type: 'event', seq, prev: seq - 1, name, at: '2026-11-23T10:00:00Z', ticket: null, previous: null, actor: null, catalog: 'statuses' };
}

function stale(qc: QueryClient): boolean {
  return qc.getQueryState(catalogsKey)?.isInvalidated ?? false;
}

describe('app-wide catalog connection', () => {
  it('refetches the catalogs on catalog.changed only', () => {
    const qc = new QueryClient();
    qc.setQueryData(catalogsKey, empty);
    const h = catalogLiveHandlers(qc, () => Promise.resolve(1));
    h.onChange(event('ticket.updated', 2));
    expect(stale(qc)).toBe(false);
    h.onChange(event('catalog.changed', 3));
    expect(stale(qc)).toBe(true);
    h.onChange({ type: 'remove', seq: 4, prev: 3, ticket_id: 1 });
  });

  it('starts after the seq read, refetching catalogs loaded before it', async () => {
    const qc = new QueryClient();
    qc.setQueryData(catalogsKey, empty);
    const fetchSeq = vi.fn(() => Promise.resolve(41));
    const h = catalogLiveHandlers(qc, fetchSeq);
    await expect(h.start()).resolves.toBe(41);
    expect(fetchSeq).toHaveBeenCalledOnce();
    expect(stale(qc)).toBe(true);
  });

  it('does not touch catalogs that are not loaded yet (they load after the seq)', async () => {
    const qc = new QueryClient();
    const h = catalogLiveHandlers(qc, () => Promise.resolve(7));
    await expect(h.start()).resolves.toBe(7);
    expect(qc.getQueryState(catalogsKey)).toBeUndefined();
  });

  it('on reload reads a new seq, then refetches', async () => {
    const qc = new QueryClient();
    qc.setQueryData(catalogsKey, empty);
    const order: string[] = [];
    const h = catalogLiveHandlers(qc, () => {
      order.push(stale(qc) ? 'seq after refetch' : 'seq first');
      return Promise.resolve(99);
    });
    await expect(h.onReload()).resolves.toBe(99);
    expect(order).toEqual(['seq first']);
    expect(stale(qc)).toBe(true);
  });
});
