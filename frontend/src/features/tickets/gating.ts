// Which of a ticket's fields the user may change: the server lists them in `can.fields` (the PATCH
// fields it would accept from this user); every other field is shown read-only. A ticket merged into
// another is read-only whatever the list says.
import type { TicketDetail } from '../../api/types';

/** FieldGate tells whether every named PATCH field may be changed. */
export type FieldGate = (...fields: string[]) => boolean;

/** fieldGate reads the editable fields out of a ticket's permissions. */
export function fieldGate(can: Pick<TicketDetail['can'], 'fields'>, merged: boolean): FieldGate {
  const editable = new Set(merged ? [] : can.fields);
  return (...fields) => fields.length > 0 && fields.every((f) => editable.has(f));
}

/** gateOf is the field gate of a ticket as shown. */
export function gateOf(t: Pick<TicketDetail, 'can' | 'merged_into'>): FieldGate {
  return fieldGate(t.can, t.merged_into !== null);
}
