import { describe, expect, it } from 'vitest';
import { adminHome, catalogKindsFor, sectionsFor } from './sections';

describe('admin sections', () => {
  it('follow the permissions', () => {
    expect(sectionsFor({ permissions: ['catalog.manage', 'users.manage'] }).map((s) => s.key)).toEqual([
      'catalogs',
      'users',
      'roles',
      'workflows',
      'default-managers',
      'rules',
      'macros',
    ]);
    expect(sectionsFor({ permissions: ['users.manage'] }).map((s) => s.key)).toEqual(['users', 'roles']);
    expect(adminHome({ permissions: ['users.manage'] })).toBe('/admin/users');
    expect(adminHome({ permissions: ['ticket.create'] })).toBeNull();
  });

  it('open the knowledge-base categories to kb.manage alone', () => {
    expect(sectionsFor({ permissions: ['kb.manage'] }).map((s) => s.key)).toEqual(['catalogs']);
    expect(adminHome({ permissions: ['kb.manage'] })).toBe('/admin/catalogs/kb-categories');
    expect(catalogKindsFor({ permissions: ['kb.manage'] })).toEqual(['kb-categories']);
    expect(catalogKindsFor({ permissions: ['catalog.manage'] })).not.toContain('kb-categories');
    expect(catalogKindsFor({ permissions: ['catalog.manage', 'kb.manage'] })).toHaveLength(8);
  });
});
