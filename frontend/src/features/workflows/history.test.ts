import { describe, expect, it } from 'vitest';
import { formatHistory } from '../tickets/history';
import type { Lookups } from '../tickets/history';
import { fakeT } from '../tickets/testing';

const l = (lang: string): Lookups => ({ catalog: () => undefined, person: () => undefined, t: fakeT, lang });
const at = '2026-01-01T10:00:00Z';

describe('history of workflow transitions and actions', () => {
  it('names the transition in the language on screen', () => {
    const items = [{ id: 1, at, actor: { id: 7, name: 'Ana' }, field: 'transition', before: null, after: { key: 'accept_note', name_es: 'Aceptar nota', name_en: 'Accept note' } }];
    expect(formatHistory(items, l('es'))[0]).toMatchObject({ label: 'workflows.history.transition', after: 'Aceptar nota', before: '' });
    expect(formatHistory(items, l('en'))[0]!.after).toBe('Accept note');
  });
  it('says a domain action with its amount', () => {
    const items = [
      { id: 2, at, actor: null, field: 'action', before: null, after: { action: 'credit_note', movement_id: 4, amount: { amount: '125000.50', currency: 'COP' } } },
      { id: 3, at, actor: null, field: 'action', before: null, after: { action: 'backorder', backorder_id: 9 } },
    ];
    const lines = formatHistory(items, l('es'));
    expect(lines[0]).toMatchObject({ label: 'workflows.history.action', who: 'ticket.history.system' });
    expect(lines[0]!.after).toBe('workflows.actions.credit_note{"defaultValue":"credit_note"}: 125000.50 COP');
    expect(lines[1]!.after).toBe('workflows.actions.backorder{"defaultValue":"backorder"}');
  });
});
