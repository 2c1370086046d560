import { describe, expect, it } from 'vitest';
import { collides, conflictRows, isoFromLocalInput, minimalPatch, overlay, parseTags, sameValue } from './fields';
import { detail } from './testing';

describe('conflict diff', () => {
  const base = detail({ id: 1, version: 3, subject: 'Pedido roto', status_id: 1, assignee: null, tags: ['a', 'b'] });
  const current = detail({
    id: 1,
    version: 5,
    subject: 'Pedido roto',
    status_id: 2,
    assignee: { id: 9, name: 'Mateo García' },
    tags: ['b', 'a'],
  });

  it('lists each field that differs between the base and the current ticket, with yours and now', () => {
    expect(conflictRows(base, { status_id: 4 }, current)).toEqual([
      { field: 'status_id', yours: 4, now: 2, mine: true },
      { field: 'assignee_id', yours: null, now: 9, mine: false },
    ]);
  });

  it('compares tags as sets and times as instants', () => {
    expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameValue('2026-01-01T10:00:00Z', '2026-01-01T10:00:00.000Z')).toBe(true);
    expect(sameValue('abc', 'abd')).toBe(false);
    expect(sameValue(null, undefined)).toBe(true);
  });

  it('tells an edit that collides with a colleague change from one that does not', () => {
    expect(collides(base, { status_id: 4 }, current)).toBe(true);
    expect(collides(base, { subject: 'Otro' }, current)).toBe(false);
  });

  it('sends only the changed fields', () => {
    expect(minimalPatch(current, { status_id: 2, subject: 'Nuevo', tags: ['a', 'b'] })).toEqual({ subject: 'Nuevo' });
    expect(minimalPatch(current, { assignee_id: null })).toEqual({ assignee_id: null });
  });

  it('shows a pending edit with the names it points to', () => {
    const t = overlay(base, { assignee_id: 9, queue_id: null }, { assignee: { id: 9, name: 'Mateo García' } });
    expect([t.assignee, t.queue_id, t.version]).toEqual([{ id: 9, name: 'Mateo García' }, null, 3]);
  });
});

describe('field input', () => {
  it('reads tags lower-cased and deduplicated, refusing bad ones', () => {
    expect(parseTags('VIP, urgente  #vip,envío')).toEqual({ ok: true, tags: ['vip', 'urgente', 'envío'] });
    expect(parseTags('a b c d e f g h i j k')).toEqual({ ok: false, error: 'tooMany' });
    expect(parseTags('ok bad!')).toEqual({ ok: false, error: 'badTag', tag: 'bad!' });
    expect(parseTags('  ')).toEqual({ ok: true, tags: [] });
  });
  it('reads a due date input', () => {
    expect(isoFromLocalInput('')).toBeNull();
    expect(isoFromLocalInput('nope')).toBeUndefined();
    expect(isoFromLocalInput('2026-03-10T10:30')).toMatch(/^2026-03-1[01]T\d\d:30:00Z$/);
  });
});

describe('allowed roles as a field', () => {
  it('compares roles as sets, shows a pending change and sends only a real change', () => {
    const t = detail({ id: 1, version: 2, allowed_roles: [3, 5] });
    expect(sameValue([5, 3], [3, 5])).toBe(true);
    expect(sameValue([3], [3, 5])).toBe(false);
    expect(overlay(t, { allowed_roles: [7] }).allowed_roles).toEqual([7]);
    expect(minimalPatch(t, { allowed_roles: [5, 3] })).toEqual({});
    expect(minimalPatch(t, { allowed_roles: [3] })).toEqual({ allowed_roles: [3] });
  });

  it('is a conflict when a colleague changed the roles the user is editing', () => {
    const base = detail({ id: 1, version: 2, allowed_roles: [3] });
    const now = detail({ id: 1, version: 3, allowed_roles: [3, 9] });
    expect(collides(base, { allowed_roles: [4] }, now)).toBe(true);
    expect(conflictRows(base, { allowed_roles: [4] }, now)).toEqual([{ field: 'allowed_roles', yours: [4], now: [3, 9], mine: true }]);
  });
});
