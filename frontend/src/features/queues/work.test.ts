import { describe, expect, it, vi } from 'vitest';
import type { WorkMember } from '../../api/issue5';
import type { LiveChange } from '../../live/client';
import { mayBeAssigned, membersByQueue, movesWork, throttle } from './work';

const ev = (name: string) => ({ type: 'event', seq: 2, prev: 1, name, at: '', ticket: null, previous: null, actor: null }) as unknown as LiveChange;

describe('my work', () => {
  it('moves on ticket changes and removals, not on catalog changes', () => {
    expect(movesWork(ev('ticket.updated'))).toBe(true);
    expect(movesWork(ev('ticket.created'))).toBe(true);
    expect(movesWork(ev('catalog.changed'))).toBe(false);
    expect(movesWork(ev('ticket.commented'))).toBe(false);
    expect(movesWork({ type: 'remove', seq: 3, prev: 2, ticket_id: 4 } as unknown as LiveChange)).toBe(true);
  });
  it('groups members by queue, online first', () => {
    const m = (q: number, id: number, name: string, online: boolean): WorkMember => ({ queue_id: q, user: { id, name }, online, open: 0 });
    const g = membersByQueue([m(1, 1, 'Zoe', true), m(1, 2, 'Ana', false), m(2, 3, 'Luis', false), m(1, 4, 'Bea', true)]);
    expect(g.get(1)?.map((x) => x.user.name)).toEqual(['Bea', 'Zoe', 'Ana']);
    expect(g.get(2)?.length).toBe(1);
  });
  it('shows the page to those who may be assigned', () => {
    expect(mayBeAssigned({ role: 'agent', permissions: ['ticket.update'] })).toBe(true);
    expect(mayBeAssigned({ role: 'customer', permissions: ['ticket.create'] })).toBe(false);
    expect(mayBeAssigned({ role: 'admin', permissions: [] })).toBe(true);
  });
  it('throttles a burst into one call', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const th = throttle(fn, 200);
    th.call();
    th.call();
    th.call();
    vi.advanceTimersByTime(250);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });
});
