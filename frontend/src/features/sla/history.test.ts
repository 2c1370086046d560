import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../api/types';
import { formatHistory } from '../tickets/history';
import type { Lookups } from '../tickets/history';
import { fakeT } from '../tickets/testing';
import { slaHistoryText } from './history';

const l: Lookups = {
  catalog: (field, id) => (field === 'status_id' ? { 4: 'Waiting' }[id] : undefined),
  person: () => undefined,
  t: fakeT,
  lang: 'en',
};
const now = Date.parse('2026-12-04T12:00:00');

describe('SLA history entries', () => {
  it('say a pause with the status that caused it', () => {
    expect(slaHistoryText({ event: 'paused', clock: 'resolution', reason: 'status_paused', status_id: 4 }, l, now)).toBe(
      'sla.history.clockEvents.paused{"clock":"sla.clocks.resolution"}: sla.history.reasons.status_paused_by{"status":"Waiting"}',
    );
  });

  it('say a recalculation with its reason and the new due time (the time alone when it is today)', () => {
    const due = new Date('2026-12-04T14:30:00').toISOString();
    const text = slaHistoryText({ event: 'recalculated', reason: 'priority_changed', due_at: due }, l, now);
    const time = new Intl.DateTimeFormat('en', { timeStyle: 'short' }).format(new Date(due));
    expect(text).toBe(`sla.history.events.recalculated: sla.history.reasons.priority_changed{"defaultValue":"priority changed"}, sla.history.due{"time":"${time}"}`);
  });

  it('are lines of the ticket history under the SLA label', () => {
    const e: HistoryEntry = { id: 1, at: '2026-12-04T10:00:00Z', actor: null, field: 'sla', before: null, after: { event: 'breached', clock: 'first_response' } };
    const [line] = formatHistory([e], l);
    expect(line).toMatchObject({ label: 'sla.history.label', before: '', after: 'sla.history.clockEvents.breached{"clock":"sla.clocks.first_response"}' });
    expect(slaHistoryText('nonsense', l)).toBe('—');
  });
});
