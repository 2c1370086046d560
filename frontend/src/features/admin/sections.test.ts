import { describe, expect, it } from 'vitest';
import { adminHome, sectionsFor } from './sections';

describe('admin sections', () => {
  it('follow the permissions', () => {
    expect(sectionsFor({ permissions: ['catalog.manage', 'users.manage'] }).map((s) => s.key)).toEqual(['catalogs', 'users', 'roles']);
    expect(sectionsFor({ permissions: ['users.manage'] }).map((s) => s.key)).toEqual(['users', 'roles']);
    expect(adminHome({ permissions: ['users.manage'] })).toBe('/admin/users');
    expect(adminHome({ permissions: ['ticket.create'] })).toBeNull();
  });
});
