import { describe, expect, it } from 'vitest';
import { labelsOf, normalizeIds, roleLabel, roleOptions, sameIds, toggleId, withMissing } from './roleOptions';
import type { RoleOption } from './useRoles';

const roles: RoleOption[] = [
  { id: 1, key: 'admin', name_es: 'Administración', name_en: 'Admin' },
  { id: 3, key: 'agent', name_es: 'Agente', name_en: 'Agent' },
  { id: 7, key: 'billing', name_es: 'Facturación', name_en: 'Billing' },
];

describe('roles multi-select: value mapping', () => {
  it('keeps the value a sorted set of ids, as the server stores it', () => {
    expect(normalizeIds([7, 3, 7, 1])).toEqual([1, 3, 7]);
    expect(toggleId([7], 3, true)).toEqual([3, 7]);
    expect(toggleId([3, 7], 3, true)).toEqual([3, 7]);
    expect(toggleId([3, 7], 7, false)).toEqual([3]);
    expect(toggleId([], 7, false)).toEqual([]);
  });

  it('compares values as sets', () => {
    expect(sameIds([7, 3], [3, 7])).toBe(true);
    expect(sameIds([3], [3, 7])).toBe(false);
    expect(sameIds([], [])).toBe(true);
  });

  it("names roles in the user's language", () => {
    expect(roleOptions(roles, 'es').map((o) => o.label)).toEqual(['Administración', 'Agente', 'Facturación']);
    expect(roleOptions(roles, 'en').map((o) => o.label)).toEqual(['Admin', 'Agent', 'Billing']);
    expect(roleLabel(roles[2]!, 'en-GB')).toBe('Billing');
  });

  it('keeps a chosen role the list no longer has, so it can be seen and removed', () => {
    const opts = roleOptions(roles, 'en', [3, 42]);
    expect(opts.map((o) => o.id)).toEqual([1, 3, 7, 42]);
    expect(opts[3]).toEqual({ id: 42, label: '#42' });
    expect(withMissing([], [5, 2])).toEqual([
      { id: 2, label: '#2' },
      { id: 5, label: '#5' },
    ]);
  });

  it('lists the names of the chosen ids in the options order', () => {
    expect(labelsOf(roleOptions(roles, 'es'), [7, 1])).toEqual(['Administración', 'Facturación']);
    expect(labelsOf(roleOptions(roles, 'es'), [9])).toEqual(['#9']);
    expect(labelsOf(roleOptions(roles, 'es'), [])).toEqual([]);
  });
});
