import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { TicketDetail, TicketPatch } from '../../api/types';
import { card } from '../../test/fixtures';
import { DetailStore, mergeComments } from './detailStore';
import { comment, detail, event, list } from './testing';

function conflict(current: TicketDetail): ApiError {
  return new ApiError(409, 'conflict', 'Changed meanwhile', {}, { error: { code: 'conflict', message: 'Changed meanwhile' }, current });
}

function setup(t: TicketDetail = detail({ id: 1, version: 3, status_id: 1 })) {
  const calls: string[] = [];
  const api = {
    tickets: vi.fn(() => {
      calls.push('seq');
      return Promise.resolve(list(40, []));
    }),
    ticket: vi.fn(() => {
      calls.push('ticket');
      return Promise.resolve(t);
    }),
    comments: vi.fn(() => {
      calls.push('comments');
      return Promise.resolve({ items: [comment({ id: 10 }), comment({ id: 11 })] });
    }),
    updateTicket: vi.fn<(id: number, body: TicketPatch) => Promise<TicketDetail>>(),
  };
  const store = new DetailStore(1, { api, refetchAfterMs: 0 });
  return { api, store, calls, snap: () => store.getSnapshot() };
}

describe('comment dedupe', () => {
  it('adds each comment once, in time order', () => {
    const have = [comment({ id: 1 }), comment({ id: 3 })];
    const out = mergeComments(have, [comment({ id: 3 }), comment({ id: 2 })]);
    expect(out.map((c) => c.id)).toEqual([1, 2, 3]);
    expect(mergeComments(out, [comment({ id: 2 })])).toBe(out);
  });
});

describe('DetailStore', () => {
  it('reads the seq before the data, and resumes after it', async () => {
    const { store, calls, snap } = setup();
    expect(await store.load()).toBe(40);
    expect(calls[0]).toBe('seq');
    expect(snap().comments.map((c) => c.id)).toEqual([10, 11]);
  });

  it('applies newer live states, drops older ones, then fetches the detail-only fields', async () => {
    const { api, store, snap } = setup();
    await store.load();
    store.applyLive(event(41, 'ticket.updated', card({ id: 1, version: 2, status_id: 9 })));
    expect(snap().ticket!.status_id).toBe(1);
    api.ticket.mockResolvedValueOnce(detail({ id: 1, version: 4, status_id: 2, tags: ['nuevo'] }));
    store.applyLive(event(42, 'ticket.updated', card({ id: 1, version: 4, status_id: 2 })));
    expect([snap().ticket!.status_id, snap().ticket!.version]).toEqual([2, 4]);
    await vi.waitFor(() => expect(snap().ticket!.tags).toEqual(['nuevo']));
  });

  it('appends live comments once (the reply the user sent, and its event)', async () => {
    const { store, snap } = setup();
    await store.load();
    const mine = comment({ id: 12 });
    store.addComments([mine]);
    store.applyLive(event(41, 'ticket.commented', card({ id: 1, version: 3 }), null, { comment: mine }));
    store.applyLive(event(42, 'ticket.commented', card({ id: 1, version: 3 }), null, { comment: comment({ id: 13 }) }));
    expect(snap().comments.map((c) => c.id)).toEqual([10, 11, 12, 13]);
  });

  it('shows an edit at once and sends only that field with the newest version', async () => {
    const { api, store, snap } = setup();
    await store.load();
    let resolve!: (t: TicketDetail) => void;
    api.updateTicket.mockImplementationOnce(() => new Promise((r) => (resolve = r)));
    const base = snap().ticket!;
    const done = store.save({ status_id: 2 }, {}, base);
    expect(snap().ticket!.status_id).toBe(2);
    await vi.waitFor(() => expect(api.updateTicket).toHaveBeenCalled());
    resolve(detail({ id: 1, version: 4, status_id: 2 }));
    expect(await done).toBe('saved');
    expect(api.updateTicket).toHaveBeenCalledWith(1, { status_id: 2, version: 3 });
    expect(snap().ticket!.version).toBe(4);
  });

  it('opens the conflict panel on 409; keep theirs adopts the current ticket', async () => {
    const { api, store, snap } = setup();
    await store.load();
    const current = detail({ id: 1, version: 5, status_id: 3, subject: 'Cambiado' });
    api.updateTicket.mockRejectedValueOnce(conflict(current));
    expect(await store.save({ status_id: 2 }, {}, snap().ticket!)).toBe('conflict');
    const c = snap().conflict!;
    expect([c.base.version, c.current.version, c.mine]).toEqual([3, 5, { status_id: 2 }]);
    store.keepTheirs();
    expect(snap().conflict).toBeNull();
    expect([snap().ticket!.status_id, snap().ticket!.subject]).toEqual([3, 'Cambiado']);
  });

  it('apply mine again re-sends the edit on the current version', async () => {
    const { api, store, snap } = setup();
    await store.load();
    api.updateTicket.mockRejectedValueOnce(conflict(detail({ id: 1, version: 5, status_id: 3 })));
    await store.save({ status_id: 2 }, {}, snap().ticket!);
    api.updateTicket.mockResolvedValueOnce(detail({ id: 1, version: 6, status_id: 2 }));
    await store.applyMine();
    expect(api.updateTicket).toHaveBeenLastCalledWith(1, { status_id: 2, version: 5 });
    expect([snap().conflict, snap().ticket!.status_id]).toEqual([null, 2]);
  });

  it('does not send an edit of a field a colleague changed while the user was editing it', async () => {
    const { api, store, snap } = setup(detail({ id: 1, version: 3, subject: 'Antes' }));
    await store.load();
    const base = snap().ticket!;
    store.applyLive(event(41, 'ticket.updated', card({ id: 1, version: 4, subject: 'De un colega' })));
    expect(await store.save({ subject: 'Mío' }, {}, base)).toBe('conflict');
    expect(api.updateTicket).not.toHaveBeenCalled();
    expect(snap().conflict!.current.subject).toBe('De un colega');
  });

  it('rejects with field errors and shows the server value again', async () => {
    const { api, store, snap } = setup();
    await store.load();
    api.updateTicket.mockRejectedValueOnce(new ApiError(422, 'invalid', 'Invalid', { order_number: 'Bad' }));
    await expect(store.save({ order_number: 'x y' }, {}, snap().ticket!)).rejects.toMatchObject({ fields: { order_number: 'Bad' } });
    expect(snap().ticket!.order_number).toBeNull();
  });

  it('marks a ticket that left the user view', async () => {
    const { store, snap } = setup();
    await store.load();
    store.applyLive({ type: 'remove', seq: 41, prev: 40, ticket_id: 1 });
    expect(snap().phase).toBe('gone');
  });

  it('ignores the removal of another ticket', async () => {
    const { store, snap } = setup();
    await store.load();
    store.applyLive({ type: 'remove', seq: 41, prev: 40, ticket_id: 2 });
    expect(snap().phase).toBe('ready');
  });

  it('marks the ticket gone when a reload (roles changed) no longer finds it, and still resumes', async () => {
    const { api, store, snap } = setup();
    await store.load();
    api.ticket.mockRejectedValueOnce(new ApiError(404, 'not_found', 'Not found'));
    expect(await store.load()).toBe(40);
    expect(snap().phase).toBe('gone');
  });

  it('shows the ticket again when a later reload finds it', async () => {
    const { api, store, snap } = setup();
    await store.load();
    store.applyLive({ type: 'remove', seq: 41, prev: 40, ticket_id: 1 });
    api.ticket.mockResolvedValueOnce(detail({ id: 1, version: 4 }));
    await store.load();
    expect(snap().phase).toBe('ready');
  });

  it('keeps a first-load 404 an error (never seen, not lost)', async () => {
    const { api, store, snap } = setup();
    api.ticket.mockRejectedValueOnce(new ApiError(404, 'not_found', 'Not found'));
    await expect(store.load()).rejects.toBeInstanceOf(ApiError);
    expect([snap().phase, snap().errorStatus]).toEqual(['error', 404]);
  });
});
