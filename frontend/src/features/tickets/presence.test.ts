import { describe, expect, it } from 'vitest';
import { presenceText } from './presence';
import { fakeT } from './testing';

describe('presence text', () => {
  it('names the others viewing and typing, never the user', () => {
    const p = presenceText(
      [
        { id: 1, name: 'Yo Mismo', typing: true },
        { id: 2, name: 'Lucía Torres', typing: false },
        { id: 3, name: 'Mateo García', typing: true },
      ],
      1,
      fakeT,
      'es',
    );
    expect(p).toEqual({
      viewing: 'ticket.presence.viewing{"names":"Lucía Torres"}',
      typing: 'ticket.presence.typing{"names":"Mateo García","count":1}',
    });
  });

  it('joins names in the language, counts a user once, and says nothing when alone', () => {
    const p = presenceText(
      [
        { id: 2, name: 'Lucía Torres', typing: false },
        { id: 4, name: 'Ana Ruiz', typing: false },
        { id: 2, name: 'Lucía Torres', typing: false },
      ],
      1,
      fakeT,
      'es',
    );
    expect(p.viewing).toBe('ticket.presence.viewing{"names":"Ana Ruiz y Lucía Torres"}');
    expect(p.typing).toBeNull();
    expect(presenceText([{ id: 1, name: 'Yo', typing: true }], 1, fakeT, 'es')).toEqual({ viewing: null, typing: null });
  });
});
