// What POST /macros/{id}/apply answered, for the user: how many tickets took the macro and, for each
// that did not, its number and the server's message.
import type { MacroResult } from '../../api/issue5';

export interface MacroFailure {
  ticketId: number;
  /** number is the ticket's number when known (the selection's rows), else null. */
  number: number | null;
  message: string;
}

export interface MacroSummary {
  ok: number;
  failed: MacroFailure[];
  /** missing lists tickets asked for that the answer does not mention (counted as failed). */
  missing: number[];
}

/** summarize maps the results to the asked tickets; numbers names the tickets by id. */
export function summarize(asked: readonly number[], results: readonly MacroResult[], numbers: ReadonlyMap<number, number>, unknownError: string): MacroSummary {
  const byId = new Map(results.map((r) => [r.ticket_id, r]));
  const out: MacroSummary = { ok: 0, failed: [], missing: [] };
  for (const id of asked) {
    const r = byId.get(id);
    if (r === undefined) {
      out.missing.push(id);
      out.failed.push({ ticketId: id, number: numbers.get(id) ?? null, message: unknownError });
    } else if (r.ok) out.ok++;
    else out.failed.push({ ticketId: id, number: numbers.get(id) ?? r.ticket?.number ?? null, message: r.error ?? unknownError });
  }
  return out;
}

export const maxMacroTickets = 100;

/** toggleSelected adds or removes one id. */
export function toggleSelected(selected: ReadonlySet<number>, id: number): Set<number> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** pageSelection says whether all, some or none of the page's rows are selected (the header box). */
export function pageSelection(selected: ReadonlySet<number>, page: readonly number[]): 'all' | 'some' | 'none' {
  const n = page.filter((id) => selected.has(id)).length;
  if (n === 0) return 'none';
  return n === page.length ? 'all' : 'some';
}

/** selectPage selects every row of the page, or clears them when all already are. */
export function selectPage(selected: ReadonlySet<number>, page: readonly number[]): Set<number> {
  const next = new Set(selected);
  if (pageSelection(selected, page) === 'all') for (const id of page) next.delete(id);
  else for (const id of page) next.add(id);
  return next;
}
