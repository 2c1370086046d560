import { describe, expect, it } from 'vitest';
import { newRow, rowsBody, rowsOf, validateRows } from './managers';

describe('default managers table', () => {
  it('round-trips rows with "any" as null', () => {
    const items = [
      { id: 1, category_id: 4, queue_id: null, user_id: 7 },
      { id: 2, category_id: null, queue_id: null, user_id: 9 },
    ];
    expect(rowsBody(rowsOf(items))).toEqual([
      { category_id: 4, queue_id: null, user_id: 7 },
      { category_id: null, queue_id: null, user_id: 9 },
    ]);
  });
  it('asks for a user and refuses two rows for the same category and queue', () => {
    const a = { ...newRow(), user_id: '3' };
    const b = { ...newRow() };
    expect(validateRows([a, b])).toEqual({ 'items[1].user_id': 'required', 'items[1].queue_id': 'duplicate' });
  });
});
