import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import type { AccessRole, AdminUser } from '../../api/types';
import { parseUserFilters, userFiltersToParams, userQuery } from './filters';
import { conflictRole, dirtyRoles, groupPermissions, lockedRole, samePerms, togglePerm } from './roles';
import { homeFor, tokenFromHash, validatePassword } from './setPassword';
import { conflictUser, editDraftOf, editPatch, inviteBody, serverErrors, toggleId, validateInvite } from './userForm';

const user: AdminUser = {
  id: 7,
  name: 'Ana',
  email: 'ana@x.test',
  role: 'agent',
  role_ids: [12],
  locale: 'es',
  kind: 'employee',
  status: 'active',
  invite_expires_at: null,
  created_at: '2026-01-01T00:00:00Z',
  version: 3,
};

const role = (id: number, key: string, permissions: string[], builtin = false): AccessRole => ({
  id,
  key,
  name_es: key,
  name_en: key,
  builtin,
  permissions,
  users_count: 0,
  version: 1,
});

describe('users filters', () => {
  it('round-trip through the URL, dropping unknown values', () => {
    const f = parseUserFilters(new URLSearchParams('q=ana&role=agent&status=invited'));
    expect(f).toEqual({ q: 'ana', role: 'agent', status: 'invited' });
    expect(userFiltersToParams(f).toString()).toBe('q=ana&role=agent&status=invited');
    expect(parseUserFilters(new URLSearchParams('role=boss&status=gone'))).toEqual({ q: '', role: '', status: '' });
    expect(userFiltersToParams({ q: '  ', role: '', status: '' }).toString()).toBe('');
  });
  it('make the API query with a cursor', () => {
    expect(userQuery({ q: ' ana ', role: '', status: 'disabled' }, 'c1')).toEqual({ q: 'ana', status: 'disabled', cursor: 'c1' });
  });
});

describe('invite and edit forms', () => {
  it('check name and email', () => {
    const d = { name: ' ', email: 'nope', role: 'agent' as const, roleIds: [], locale: 'es' as const };
    expect(validateInvite(d)).toEqual({ name: 'accounts.errors.required', email: 'accounts.errors.email' });
    expect(validateInvite({ ...d, name: 'x'.repeat(121), email: '' })).toEqual({
      name: 'accounts.errors.nameTooLong',
      email: 'accounts.errors.required',
    });
    expect(validateInvite({ ...d, name: 'Ana', email: 'ana@x.test' })).toEqual({});
  });
  it('send trimmed values and sorted role ids', () => {
    expect(inviteBody({ name: ' Ana ', email: ' a@x.test ', role: 'agent', roleIds: [9, 3], locale: 'en' })).toEqual({
      name: 'Ana',
      email: 'a@x.test',
      role: 'agent',
      role_ids: [3, 9],
      locale: 'en',
    });
  });
  it('patch only what changed, with the version', () => {
    const d = editDraftOf(user);
    expect(editPatch(user, d)).toBeNull();
    expect(editPatch(user, { ...d, name: 'Ana M', roleIds: toggleId(d.roleIds, 4, true) })).toEqual({
      version: 3,
      name: 'Ana M',
      role_ids: [4, 12],
    });
    expect(editPatch(user, { ...d, roleIds: [12], role: 'supervisor' })).toEqual({ version: 3, role: 'supervisor' });
  });
  it('map server refusals to fields or a message', () => {
    const err = new ApiError(422, 'invalid', 'Check the data', { email: 'Taken' });
    expect(serverErrors(err, ['email', 'name'])).toEqual({ fields: { email: 'Taken' }, message: null });
    expect(serverErrors(err, ['name'])).toEqual({ fields: {}, message: 'Check the data' });
    const stale = new ApiError(409, 'conflict', 'Changed', {}, { error: {}, current: { ...user, version: 4 } });
    expect(conflictUser(stale)?.version).toBe(4);
    expect(conflictUser(err)).toBeNull();
  });
});

describe('roles grid', () => {
  it('groups permissions by area in order', () => {
    const groups = groupPermissions([
      { key: 'ticket.create', group: 'ticket' },
      { key: 'ticket.move', group: 'ticket' },
      { key: 'canned.use', group: 'canned' },
    ]);
    expect(groups).toEqual([
      { group: 'ticket', keys: ['ticket.create', 'ticket.move'] },
      { group: 'canned', keys: ['canned.use'] },
    ]);
  });
  it('toggles, compares and finds unsaved roles', () => {
    expect(togglePerm(['ticket.move'], 'canned.use', true)).toEqual(['canned.use', 'ticket.move']);
    expect(togglePerm(['ticket.move', 'canned.use'], 'ticket.move', false)).toEqual(['canned.use']);
    expect(samePerms(['a', 'b'], ['b', 'a'])).toBe(true);
    const roles = [role(1, 'agent', ['a'], true), role(2, 'billing', ['b'])];
    expect(dirtyRoles(roles, { 1: ['a'], 2: ['b', 'c'] })).toEqual([2]);
    expect(lockedRole(roles[0] ?? role(0, '', []))).toBe(false);
    expect(lockedRole(role(3, 'admin', [], true))).toBe(true);
    const stale = new ApiError(409, 'conflict', 'Changed', {}, { current: role(2, 'billing', ['x']) });
    expect(conflictRole(stale)?.permissions).toEqual(['x']);
  });
});

describe('set password', () => {
  it('reads the token from the fragment', () => {
    expect(tokenFromHash('#token=abc_-1')).toBe('abc_-1');
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
  });
  it('checks length and confirmation', () => {
    expect(validatePassword('short', 'short')).toEqual({ password: 'accounts.setPassword.tooShort' });
    expect(validatePassword('long-enough-1', 'long-enough-2')).toEqual({ confirm: 'accounts.setPassword.mismatch' });
    expect(validatePassword('long-enough-1', 'long-enough-1')).toEqual({});
  });
  it('lands staff on the board and others on their tickets', () => {
    expect(homeFor({ permissions: ['ticket.update'] })).toBe('/');
    expect(homeFor({ permissions: ['ticket.create'] })).toBe('/tickets');
  });
});
