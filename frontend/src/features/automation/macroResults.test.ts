import { describe, expect, it } from 'vitest';
import { pageSelection, selectPage, summarize, toggleSelected } from './macroResults';

describe('macro results', () => {
  it('counts successes and lists failures with the ticket number and the message', () => {
    const s = summarize(
      [1, 2, 3, 4],
      [
        { ticket_id: 1, ok: true },
        { ticket_id: 2, ok: false, error: 'You may not change the queue' },
        { ticket_id: 3, ok: false },
      ],
      new Map([
        [1, 101],
        [2, 102],
      ]),
      'Unknown error',
    );
    expect(s.ok).toBe(1);
    expect(s.failed).toEqual([
      { ticketId: 2, number: 102, message: 'You may not change the queue' },
      { ticketId: 3, number: null, message: 'Unknown error' },
      { ticketId: 4, number: null, message: 'Unknown error' },
    ]);
    expect(s.missing).toEqual([4]);
  });
});

describe('selection', () => {
  it('toggles rows and the whole page', () => {
    let sel = toggleSelected(new Set(), 1);
    expect(pageSelection(sel, [1, 2])).toBe('some');
    sel = selectPage(sel, [1, 2]);
    expect(pageSelection(sel, [1, 2])).toBe('all');
    sel = selectPage(sel, [1, 2]);
    expect(pageSelection(sel, [1, 2])).toBe('none');
    expect(toggleSelected(new Set([3]), 3).size).toBe(0);
  });
});
