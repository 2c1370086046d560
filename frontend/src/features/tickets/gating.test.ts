import { describe, expect, it } from 'vitest';
import { fieldGate, gateOf } from './gating';

describe('ticket fields gating (can.fields)', () => {
  it('lets the user change only the fields the server lists', () => {
    const gate = fieldGate({ fields: ['status_id', 'queue_id', 'assignee_id'] }, false);
    expect(gate('status_id')).toBe(true);
    expect(gate('queue_id')).toBe(true);
    expect(gate('subject')).toBe(false);
    expect(gate('allowed_roles')).toBe(false);
    expect(gate('requester_id')).toBe(false);
  });

  it('needs every field an editor sends (a category change may clear the subcategory)', () => {
    const gate = fieldGate({ fields: ['category_id'] }, false);
    expect(gate('category_id')).toBe(true);
    expect(gate('category_id', 'subcategory_id')).toBe(false);
    expect(fieldGate({ fields: ['category_id', 'subcategory_id'] }, false)('category_id', 'subcategory_id')).toBe(true);
    expect(gate()).toBe(false);
  });

  it('shows everything read-only to a user with no fields (a customer) and on a merged ticket', () => {
    expect(fieldGate({ fields: [] }, false)('subject')).toBe(false);
    const merged = gateOf({ can: { edit: true, comment_public: true, comment_internal: true, merge: true, fields: ['subject', 'allowed_roles'] }, merged_into: { id: 2, number: 2, subject: 'x' } });
    expect(merged('subject')).toBe(false);
    expect(merged('allowed_roles')).toBe(false);
  });

  it('lets a user with ticket.set_roles change the allowed roles', () => {
    const gate = gateOf({ can: { edit: true, comment_public: true, comment_internal: true, merge: false, fields: ['allowed_roles'] }, merged_into: null });
    expect(gate('allowed_roles')).toBe(true);
    expect(gate('status_id')).toBe(false);
  });
});
