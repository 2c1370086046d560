// Test definitions shaped like the seeded built-ins (issue 5 §1): a credit-note workflow and a
// generic one, with made-up status and role ids.
import type { WorkflowDefinition, WorkflowTransition } from '../../api/issue5';

export const S = { unattended: 1, in_progress: 2, waiting: 3, resolved: 4, closed: 5, rejected: 6, other: 99 } as const;
export const ROLE = { agent: 10, analyst: 20, supervisor: 30 } as const;

export function tr(p: Partial<WorkflowTransition> & Pick<WorkflowTransition, 'key' | 'from' | 'to'>): WorkflowTransition {
  return { name_es: p.key, name_en: p.key, roles: [], perms: [], fields: [], comment_required: false, confirm: false, actions: [], ...p };
}

/** creditNote: unattended → in_progress (take) → resolved (accept_note, needs input, analysts only) or
 * rejected (reject_note, comment). */
export function creditNote(): WorkflowDefinition {
  return {
    states: [
      { status_id: S.unattended, start: true, final: false, limit_minutes: null, x: 40, y: 80 },
      { status_id: S.in_progress, start: false, final: false, limit_minutes: 240, x: 260, y: 80 },
      { status_id: S.resolved, start: false, final: true, limit_minutes: null, x: 480, y: 20 },
      { status_id: S.rejected, start: false, final: true, limit_minutes: null, x: 480, y: 160 },
    ],
    transitions: [
      tr({ key: 'take', name_es: 'Tomar', name_en: 'Take', from: [S.unattended], to: S.in_progress }),
      tr({
        key: 'accept_note',
        name_es: 'Aceptar nota',
        name_en: 'Accept note',
        from: [S.in_progress],
        to: S.resolved,
        roles: [ROLE.analyst],
        fields: [
          { key: 'amount', required: true },
          { key: 'note_reason_id', required: true },
          { key: 'reason', required: false },
        ],
        confirm: true,
        actions: [{ kind: 'domain', action: 'credit_note' }],
      }),
      tr({ key: 'reject_note', name_es: 'Rechazar nota', name_en: 'Reject note', from: [S.in_progress], to: S.rejected, comment_required: true }),
    ],
  };
}
