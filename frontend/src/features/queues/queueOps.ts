// Which queue operations a user may do on a ticket, mirroring the server's access.CanQueueOp (contract
// §2): the menu only shows what the server would allow; the server decides again on every request.
import type { QueueOp } from '../../api/issue5';

/** QueueRole is the user's relation to the ticket's queue and to the ticket. */
export interface QueueRole {
  /** member: the user is a member of the ticket's queue. */
  member: boolean;
  /** supervisor: the user supervises the ticket's queue. */
  supervisor: boolean;
  /** assignee: the ticket is assigned to the user. */
  assignee: boolean;
  /** admin: the admin may do every operation. */
  admin: boolean;
  /** assignable: the user may be given tickets (holds ticket.update); nobody else does queue operations.
   * Left out: assumed. */
  assignable?: boolean;
}

export const queueOps: readonly QueueOp[] = ['accept', 'dispatch', 'transfer', 'escalate', 'reject', 'assign', 'yank'];

/** canQueueOp is the access rule of one operation (who may), apart from the ticket's state. */
export function canQueueOp(op: QueueOp, r: QueueRole): boolean {
  if (r.assignable === false) return false;
  if (r.admin) return true;
  switch (op) {
    case 'accept':
    case 'transfer':
      return r.member || r.supervisor;
    case 'dispatch':
      return r.assignee;
    case 'reject':
    case 'escalate':
      return r.assignee || r.member || r.supervisor;
    case 'assign':
    case 'yank':
      return r.supervisor;
  }
}

/** TicketQueueState is what of the ticket an operation depends on. */
export interface TicketQueueState {
  queueId: number | null;
  assigneeId: number | null;
}

/** opApplies says whether an operation makes sense for the ticket as it is (in a queue, assigned…). */
export function opApplies(op: QueueOp, t: TicketQueueState, meId: number | null): boolean {
  const inQueue = t.queueId !== null;
  switch (op) {
    case 'accept':
      return inQueue && (meId === null || t.assigneeId !== meId);
    case 'dispatch':
    case 'reject':
      return true;
    case 'transfer':
    case 'escalate':
    case 'assign':
      return inQueue;
    case 'yank':
      return inQueue && t.assigneeId !== null;
  }
}

/** QueueFacts are the queue catalog's membership and supervision lists. */
export interface QueueFacts {
  member_ids?: readonly number[];
  supervisor_ids?: readonly number[];
}

/** roleOn is the user's QueueRole for a ticket. */
export function roleOn(t: TicketQueueState, queue: QueueFacts | undefined, meId: number | null, admin: boolean, assignable = true): QueueRole {
  const me = meId ?? -1;
  return {
    assignable,
    member: queue?.member_ids?.includes(me) ?? false,
    supervisor: queue?.supervisor_ids?.includes(me) ?? false,
    assignee: meId !== null && t.assigneeId === meId,
    admin,
  };
}

/** allowedOps lists the operations to offer on a ticket, in menu order. */
export function allowedOps(t: TicketQueueState, queue: QueueFacts | undefined, meId: number | null, admin: boolean, assignable = true): QueueOp[] {
  const r = roleOn(t, queue, meId, admin, assignable);
  return queueOps.filter((op) => canQueueOp(op, r) && opApplies(op, t, meId));
}

/** needsInput says what an operation asks for before it is sent. */
export function needsInput(op: QueueOp): 'queue' | 'person' | 'reason' | null {
  if (op === 'dispatch' || op === 'transfer') return 'queue';
  if (op === 'assign') return 'person';
  if (op === 'reject') return 'reason';
  return null;
}

export const maxReason = 2000;

/** reasonError checks a rejection's reason as the server does: required, at most 2000 characters. */
export function reasonError(reason: string): 'required' | 'tooLong' | null {
  const n = reason.trim().length;
  if (n === 0) return 'required';
  if (n > maxReason) return 'tooLong';
  return null;
}
