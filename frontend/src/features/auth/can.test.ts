import { describe, expect, it } from 'vitest';
import { can } from './can';

describe('can', () => {
  it('lets the admin do everything, others what their permissions say', () => {
    expect(can({ role: 'admin', permissions: [] }, 'people.view')).toBe(true);
    expect(can({ role: 'agent', permissions: ['people.view'] }, 'people.view')).toBe(true);
    expect(can({ role: 'agent', permissions: ['people.view'] }, 'people.manage')).toBe(false);
    // A custom role may grant what the primary role does not: the role name decides nothing.
    expect(can({ role: 'customer', permissions: ['people.view'] }, 'people.view')).toBe(true);
    expect(can({ role: 'supervisor' }, 'people.view')).toBe(false);
    expect(can(null, 'people.view')).toBe(false);
    expect(can(undefined, 'people.view')).toBe(false);
  });
});
