// Which board columns accept a card while it is dragged, computed from the ticket's (immutable, cached)
// workflow version and the session, mirroring the server's rules (access.CanTransition and
// Flow.Moved): a plain move is allowed iff a transition from the card's status to the column exists
// that the user may do and that needs no fields, no comment and no confirmation. The server decides
// again on the drop; this only says beforehand what it would answer.
import type { WorkflowDefinition, WorkflowTransition } from '../../api/issue5';

/** Subject is who drags: the session's roles and permissions (the admin may do every transition). */
export interface Subject {
  admin: boolean;
  roleIds: readonly number[];
  permissions: readonly string[];
}

/** subjectOf reads the subject from the session user. */
export function subjectOf(user: { role?: string; role_ids?: number[]; permissions?: string[] } | null | undefined): Subject {
  return { admin: user?.role === 'admin', roleIds: user?.role_ids ?? [], permissions: user?.permissions ?? [] };
}

export type RefusalReason = 'no_move' | 'not_in_workflow' | 'no_transition' | 'role';

export type Acceptance =
  /** same: the card's own column (reordering inside it is a plain move). */
  | { kind: 'same' }
  /** allowed: a plain move does it (no workflow, or a transition needing no input). */
  | { kind: 'allowed'; transition: WorkflowTransition | null }
  /** input: the transition needs fields, a comment or a confirmation: the drop opens its dialog. */
  | { kind: 'input'; transition: WorkflowTransition }
  /** refused: a drop there does nothing; `names` are the transitions the user's role may not do. */
  | { kind: 'refused'; reason: RefusalReason; names?: { name_es: string; name_en: string }[] }
  /** unknown: the workflow version is not loaded yet; the server decides on the drop. */
  | { kind: 'unknown' };

/** canTransition mirrors access.CanTransition: ticket.move and (no restriction, or one of the roles,
 * or one of the permissions); the admin always may. */
export function canTransition(s: Subject, t: Pick<WorkflowTransition, 'roles' | 'perms'>): boolean {
  if (s.admin) return true;
  if (!s.permissions.includes('ticket.move')) return false;
  if (t.roles.length === 0 && t.perms.length === 0) return true;
  return t.roles.some((r) => s.roleIds.includes(r)) || t.perms.some((p) => s.permissions.includes(p));
}

/** needsInput tells whether a transition cannot be done by a plain move. */
export function needsInput(t: Pick<WorkflowTransition, 'fields' | 'comment_required' | 'confirm'>): boolean {
  return t.fields.length > 0 || t.comment_required || t.confirm;
}

/**
 * acceptance says what a drop of a card in status `from` on the column of status `to` does.
 * `def` is the card's workflow definition: null when the ticket follows no workflow (any status
 * change allowed), undefined while it is loading.
 */
export function acceptance(from: number, to: number, def: WorkflowDefinition | null | undefined, s: Subject): Acceptance {
  if (from === to) return { kind: 'same' };
  if (!s.admin && !s.permissions.includes('ticket.move')) return { kind: 'refused', reason: 'no_move' };
  if (def === undefined) return { kind: 'unknown' };
  if (def === null) return { kind: 'allowed', transition: null };
  if (!def.states.some((st) => st.status_id === to)) return { kind: 'refused', reason: 'not_in_workflow' };
  const candidates = def.transitions.filter((t) => t.to === to && t.from.includes(from));
  if (candidates.length === 0) return { kind: 'refused', reason: 'no_transition' };
  const mine = candidates.filter((t) => canTransition(s, t));
  if (mine.length === 0) {
    return { kind: 'refused', reason: 'role', names: candidates.map(({ name_es, name_en }) => ({ name_es, name_en })) };
  }
  const plain = mine.find((t) => !needsInput(t));
  if (plain) return { kind: 'allowed', transition: plain };
  return { kind: 'input', transition: mine[0]! };
}

/** columnsAcceptance computes the acceptance of every column for one card. */
export function columnsAcceptance(
  from: number,
  columns: readonly number[],
  def: WorkflowDefinition | null | undefined,
  s: Subject,
): Map<number, Acceptance> {
  return new Map(columns.map((to) => [to, acceptance(from, to, def, s)]));
}

/** dropTakes tells whether a drop on a column with that acceptance should be sent to the server. */
export function dropTakes(a: Acceptance | undefined): boolean {
  return a === undefined || a.kind === 'same' || a.kind === 'allowed' || a.kind === 'unknown';
}
