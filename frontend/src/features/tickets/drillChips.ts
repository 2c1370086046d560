// The dashboard's drill-down parameters shown in the records table as removable chips: a link from a
// widget lands on a view the filters bar has no control for, so each such filter says what it does
// and can be taken away on its own.
import type { TicketFilters } from './filters';

export interface DrillChip {
  /** id names the chip (its data-testid is `filter-chip-<id>`). */
  id: 'open' | 'resolved' | 'responded' | 'sla_state' | 'sla';
  /** label is an i18n key under tickets.chips and its values. */
  label: string;
  values: Record<string, string>;
  /** remove is the filters patch that takes the chip away. */
  remove: Partial<TicketFilters>;
}

/** range names a day range's label key suffix: both days, only the first, or only the last. */
function range(from: string | null, to: string | null): { suffix: string; values: Record<string, string> } {
  if (from !== null && to !== null) return from === to ? { suffix: 'On', values: { day: from } } : { suffix: 'Range', values: { from, to } };
  if (from !== null) return { suffix: 'From', values: { from } };
  return { suffix: 'To', values: { to: to ?? '' } };
}

/** drillChips lists the chips of a view's drill-down filters, in a fixed order. */
export function drillChips(f: TicketFilters): DrillChip[] {
  const out: DrillChip[] = [];
  if (f.open) out.push({ id: 'open', label: 'tickets.chips.open', values: {}, remove: { open: false } });
  if (f.resolved_from !== null || f.resolved_to !== null) {
    const r = range(f.resolved_from, f.resolved_to);
    out.push({ id: 'resolved', label: `tickets.chips.resolved${r.suffix}`, values: r.values, remove: { resolved_from: null, resolved_to: null } });
  }
  if (f.responded_from !== null || f.responded_to !== null) {
    const r = range(f.responded_from, f.responded_to);
    out.push({ id: 'responded', label: `tickets.chips.responded${r.suffix}`, values: r.values, remove: { responded_from: null, responded_to: null } });
  }
  if (f.sla_state !== null) out.push({ id: 'sla_state', label: `tickets.chips.slaState.${f.sla_state}`, values: {}, remove: { sla_state: null } });
  if (f.sla_clock !== null || f.sla_result !== null || f.sla_from !== null || f.sla_to !== null) {
    // The clock, its outcome and its days make one question: they go together.
    const values: Record<string, string> = { clock: f.sla_clock ?? 'any', result: f.sla_result ?? 'any' };
    let suffix = '';
    if (f.sla_from !== null || f.sla_to !== null) {
      const r = range(f.sla_from, f.sla_to);
      suffix = r.suffix;
      Object.assign(values, r.values);
    }
    out.push({ id: 'sla', label: `tickets.chips.sla${suffix}`, values, remove: { sla_clock: null, sla_result: null, sla_from: null, sla_to: null } });
  }
  return out;
}
