// Default managers' table: rows (category or any, queue or any, user) as the inputs hold them, the
// checks the server makes (a user on each row, no two rows for the same category and queue), the body.
import type { DefaultManager } from '../../api/issue5';

export interface ManagerRow {
  key: number;
  /** '' for any. */
  category_id: string;
  queue_id: string;
  user_id: string;
}

let next = 1;
export function newRow(): ManagerRow {
  return { key: next++, category_id: '', queue_id: '', user_id: '' };
}

export function rowsOf(items: readonly DefaultManager[]): ManagerRow[] {
  return items.map((m) => ({
    key: next++,
    category_id: m.category_id === null ? '' : String(m.category_id),
    queue_id: m.queue_id === null ? '' : String(m.queue_id),
    user_id: String(m.user_id),
  }));
}

/** validateRows returns message keys by path (`items[2].user_id`). */
export function validateRows(rows: readonly ManagerRow[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (r.user_id === '') errors[`items[${i}].user_id`] = 'required';
    const k = `${r.category_id}|${r.queue_id}`;
    if (seen.has(k)) errors[`items[${i}].queue_id`] = 'duplicate';
    seen.add(k);
  });
  return errors;
}

export function rowsBody(rows: readonly ManagerRow[]): DefaultManager[] {
  return rows.map((r) => ({
    category_id: r.category_id === '' ? null : Number(r.category_id),
    queue_id: r.queue_id === '' ? null : Number(r.queue_id),
    user_id: Number(r.user_id),
  }));
}
