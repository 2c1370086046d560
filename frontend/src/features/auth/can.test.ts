import { describe, expect, it } from 'vitest';
import { can } from './can';

describe('can', () => {
  it('reads the session permissions', () => {
    const user = { permissions: ['ticket.create', 'users.manage'] };
    expect(can(user, 'users.manage')).toBe(true);
    expect(can(user, 'catalog.manage')).toBe(false);
  });
  it('is false when logged out', () => {
    expect(can(null, 'ticket.create')).toBe(false);
    expect(can(undefined, 'ticket.create')).toBe(false);
  });
});
