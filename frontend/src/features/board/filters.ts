// The board's filters live in the URL query string, so a view can be shared.
import type { BoardQueryWithWorkflow } from '../../api/issue5';
import type { BoardFilters } from './boardState';

/** filtersFromSearch reads the filters from a query string. */
export function filtersFromSearch(sp: URLSearchParams): BoardFilters {
  const assignee = sp.get('assignee');
  const priority = Number(sp.get('priority'));
  const workflow = Number(sp.get('workflow_id'));
  return {
    assignee: assignee && /^(me|none|[0-9]+)$/.test(assignee) ? assignee : null,
    priority: Number.isInteger(priority) && priority > 0 ? priority : null,
    q: (sp.get('q') ?? '').slice(0, 200),
    ...(Number.isInteger(workflow) && workflow > 0 ? { workflow } : {}),
  };
}

/** searchWithFilters writes filters into a copy of the query string, leaving other keys alone. */
export function searchWithFilters(sp: URLSearchParams, f: Partial<BoardFilters>): URLSearchParams {
  const out = new URLSearchParams(sp);
  const set = (k: string, v: string | null) => (v === null || v === '' ? out.delete(k) : out.set(k, v));
  if ('assignee' in f) set('assignee', f.assignee ?? null);
  if ('priority' in f) set('priority', f.priority === null || f.priority === undefined ? null : String(f.priority));
  if ('q' in f) set('q', f.q ?? null);
  if ('workflow' in f) set('workflow_id', f.workflow ? String(f.workflow) : null);
  return out;
}

/** toQuery turns the filters into the API query. */
export function toQuery(f: BoardFilters): BoardQueryWithWorkflow {
  const q: BoardQueryWithWorkflow = {};
  if (f.workflow) q.workflow_id = f.workflow;
  if (f.assignee) q.assignee = f.assignee;
  if (f.priority !== null) q.priority = f.priority;
  if (f.q.trim() !== '') q.q = f.q.trim();
  return q;
}
