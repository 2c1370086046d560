import { describe, expect, it } from 'vitest';
import type { QueueOp } from '../../api/issue5';
import { allowedOps, canQueueOp, needsInput, opApplies, queueOps, reasonError } from './queueOps';
import type { QueueRole } from './queueOps';

const none: QueueRole = { member: false, supervisor: false, assignee: false, admin: false };
const roles: Record<string, QueueRole> = {
  nobody: none,
  member: { ...none, member: true },
  supervisor: { ...none, supervisor: true },
  assignee: { ...none, assignee: true },
  admin: { ...none, admin: true },
};

// ops × roles, as the contract says who may.
const table: Record<QueueOp, string[]> = {
  accept: ['member', 'supervisor', 'admin'],
  dispatch: ['assignee', 'admin'],
  transfer: ['member', 'supervisor', 'admin'],
  escalate: ['member', 'supervisor', 'assignee', 'admin'],
  reject: ['member', 'supervisor', 'assignee', 'admin'],
  assign: ['supervisor', 'admin'],
  yank: ['supervisor', 'admin'],
};

describe('canQueueOp', () => {
  for (const op of queueOps) {
    for (const [name, r] of Object.entries(roles)) {
      const want = table[op].includes(name);
      it(`${op} by ${name}: ${want ? 'allowed' : 'refused'}`, () => {
        expect(canQueueOp(op, r)).toBe(want);
      });
    }
  }
});

describe('canQueueOp: only those who may be assigned', () => {
  it('refuses every operation to a user without ticket.update, even an admin-like flag', () => {
    for (const op of queueOps) expect(canQueueOp(op, { ...none, supervisor: true, admin: true, assignable: false })).toBe(false);
  });
});

describe('queue ops on a ticket', () => {
  it('offers accept to a member of the queue, not once the ticket is theirs', () => {
    const q = { member_ids: [5], supervisor_ids: [] };
    expect(allowedOps({ queueId: 1, assigneeId: null }, q, 5, false)).toEqual(['accept', 'transfer', 'escalate', 'reject']);
    expect(allowedOps({ queueId: 1, assigneeId: 5 }, q, 5, false)).toEqual(['dispatch', 'transfer', 'escalate', 'reject']);
  });
  it('offers assign and yank to a supervisor; yank only when someone has the ticket', () => {
    const q = { member_ids: [], supervisor_ids: [9] };
    expect(allowedOps({ queueId: 1, assigneeId: null }, q, 9, false)).toEqual(['accept', 'transfer', 'escalate', 'reject', 'assign']);
    expect(allowedOps({ queueId: 1, assigneeId: 5 }, q, 9, false)).toContain('yank');
  });
  it('offers nothing of a queue to a stranger, only dispatch to the assignee of a ticket out of any queue', () => {
    expect(allowedOps({ queueId: 1, assigneeId: 3 }, { member_ids: [], supervisor_ids: [] }, 5, false)).toEqual([]);
    expect(allowedOps({ queueId: null, assigneeId: 5 }, undefined, 5, false)).toEqual(['dispatch', 'reject']);
    expect(opApplies('accept', { queueId: null, assigneeId: null }, 5)).toBe(false);
  });
  it('says what each operation asks for, and checks a rejection reason', () => {
    expect(needsInput('transfer')).toBe('queue');
    expect(needsInput('assign')).toBe('person');
    expect(needsInput('reject')).toBe('reason');
    expect(needsInput('yank')).toBeNull();
    expect(reasonError('  ')).toBe('required');
    expect(reasonError('x'.repeat(2001))).toBe('tooLong');
    expect(reasonError('duplicate')).toBeNull();
  });
});
