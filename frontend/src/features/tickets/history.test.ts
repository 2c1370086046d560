import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../api/types';
import { formatChange, formatHistory, formatValue, withPeople } from './history';
import type { Lookups } from './history';
import { fakeT } from './testing';

const names: Record<string, Record<number, string>> = {
  status_id: { 1: 'Sin atender', 2: 'En curso' },
  category_id: { 5: 'Pedidos' },
  queue_id: { 1: 'Nivel 1' },
};
const l: Lookups = {
  catalog: (field, id) => names[field]?.[id],
  person: (id) => ({ 7: 'Ana Ruiz', 9: 'Mateo García' })[id],
  t: fakeT,
  lang: 'es',
};
const entry = (id: number, field: string, before: unknown, after: unknown, actor: HistoryEntry['actor'] = { id: 7, name: 'Ana Ruiz' }): HistoryEntry => ({
  id,
  at: '2026-01-01T10:00:00Z',
  actor,
  field,
  before,
  after,
});

describe('history formatting', () => {
  it('resolves ids to names through the catalogs and the users', () => {
    const lines = formatHistory(
      [
        entry(1, 'created', null, { subject: 'Pedido roto', status_id: 1 }),
        entry(2, 'status_id', 1, 2),
        entry(3, 'rank', 'a', 'b'),
        entry(4, 'assignee_id', null, 9),
        entry(5, 'queue_id', 1, 3, null),
        entry(6, 'tags', [], ['vip', 'envío']),
        entry(7, 'link', null, { ticket_id: 4, number: 12, kind: 'related' }),
        entry(8, 'merged_into', null, { ticket_id: 4, number: 12 }),
        entry(9, 'attachment', null, { id: 3, filename: 'factura.pdf', size: 2048 }),
      ],
      l,
    );
    expect(lines.map((x) => [x.who, x.label, x.before, x.after])).toEqual([
      ['Ana Ruiz', 'ticket.history.events.created', '', 'Pedido roto'],
      ['Ana Ruiz', 'ticket.fields.status_id', 'Sin atender', 'En curso'],
      ['Ana Ruiz', 'ticket.fields.assignee_id', 'ticket.unassigned', 'Mateo García'],
      ['ticket.history.system', 'ticket.fields.queue_id', 'Nivel 1', '#3'],
      ['Ana Ruiz', 'ticket.fields.tags', '—', 'vip, envío'],
      ['Ana Ruiz', 'ticket.history.events.link', '—', '#12 (ticket.links.kinds.related)'],
      ['Ana Ruiz', 'ticket.history.events.merged_into', '', '#12'],
      ['Ana Ruiz', 'ticket.history.events.attachment', '', 'factura.pdf (2 KiB)'],
    ]);
  });

  it('says tasks, information requests, tracking links and time limits in words, never as JSON', () => {
    const w = (key: string) => `ticket.history.words.${key}{"defaultValue":"${key.split('.').pop()}"}`;
    const after = (field: string, v: unknown) => formatChange(field, null, v, l).after;
    expect(after('task', { event: 'created', id: 3, title: 'Llamar a la transportadora', assignee_id: 9 })).toBe(
      `${w('task.created')} · Llamar a la transportadora · Mateo García`,
    );
    expect(formatChange('task', { event: 'reassigned', id: 3, title: 'T', assignee_id: 7 }, { event: 'reassigned', id: 3, title: 'T', assignee_id: 42 }, l)).toMatchObject({
      before: `${w('task.reassigned')} · T · Ana Ruiz`,
      after: `${w('task.reassigned')} · T · #42`,
    });
    expect(after('info_request', { event: 'created', id: 1, round: 1, to_name: 'Pat', to_email: 'pat@x.co' })).toBe(`${w('info_request.created')} · Pat <pat@x.co>`);
    expect(after('info_request', { event: 'returned', id: 1, round: 2, to_user_id: 9, message: 'Falta la factura' })).toBe(
      `${w('info_request.returned')} · Mateo García · ticket.history.words.round{"n":2} · “Falta la factura”`,
    );
    expect(after('info_request', { event: 'answered', id: 1, round: 1, to_email: 'pat@x.co', files: ['a.pdf', 'b.png'] })).toBe(
      `${w('info_request.answered')} · pat@x.co · a.pdf, b.png`,
    );
    expect(after('tracking_link', { event: 'revoked', id: 2, email: 'ana@example.com' })).toBe(`${w('tracking_link.revoked')} · ana@example.com`);
    expect(after('tracking_link', { event: 'sent', id: 2, email: 'ana@example.com', expires_at: '2027-01-03T15:00:00Z' })).toMatch(
      /^ticket\.history\.words\.tracking_link\.sent.* · ana@example\.com · ticket\.history\.words\.expires\{"at":".*2027.*"\}$/,
    );
    expect(after('state_limit', { event: 'over', status_id: 2, limit_minutes: 90 })).toBe('ticket.history.words.state_limit{"minutes":90,"status":"En curso"}');
    expect(after('task', 'not an event')).toBe('—');
  });

  it('shortens descriptions and keeps unknown fields readable', () => {
    expect(formatValue('description', 'x'.repeat(200), l)).toHaveLength(80);
    expect(formatValue('order_number', null, l)).toBe('—');
    expect(formatHistory([entry(1, 'watchers', [1], { a: 1 })], l)[0]).toMatchObject({ label: 'watchers', before: '[1]', after: '{"a":1}' });
  });

  it('says one change, as the history report shows its rows', () => {
    expect(formatChange('status_id', 1, 2, l)).toEqual({ label: 'ticket.fields.status_id', before: 'Sin atender', after: 'En curso' });
    expect(formatChange('assignee_id', null, 9, l)).toEqual({ label: 'ticket.fields.assignee_id', before: 'ticket.unassigned', after: 'Mateo García' });
    expect(formatChange('created', null, { subject: 'Caja rota' }, l)).toEqual({ label: 'ticket.history.events.created', before: '', after: 'Caja rota' });
    expect(formatChange('task', null, { event: 'created' }, l).label).toBe('ticket.history.events.task');
  });

  it('names a former requester through the people the history sends', () => {
    const lines = formatHistory([entry(1, 'requester_id', 6, 9), entry(2, 'affected_id', 11, null)], withPeople(l, [{ id: 6, name: 'Camilo Pérez' }]));
    expect(lines.map((x) => `${x.before} → ${x.after}`)).toEqual(['Camilo Pérez → Mateo García', '#11 → —']);
    // Nobody to add: the same lookups.
    expect(withPeople(l, [])).toBe(l);
  });
});

describe('history of queue operations and rules (issue 5, FQ)', () => {
  it('labels queue_op and rule rows and says what happened', () => {
    const lines = formatHistory(
      [
        entry(1, 'queue_op', null, { op: 'transfer', queue_id: 1, assignee_id: null, reason: null }),
        entry(2, 'queue_op', null, { op: 'assign', queue_id: 1, assignee_id: 9 }),
        entry(3, 'queue_op', null, { op: 'reject', queue_id: null, reason: 'Not ours' }),
        entry(4, 'queue_op', null, { op: 'auto_assign', mode: 'round_robin' }, null),
        entry(5, 'rule', null, { id: 3, name: 'VIP to level 2' }, null),
      ],
      l,
    );
    expect(lines.map((x) => x.label)).toEqual(['queues.history.label', 'queues.history.label', 'queues.history.label', 'queues.history.label', 'automation.history.label']);
    expect(lines[0]?.after).toBe('queues.history.ops.transfer · Nivel 1');
    expect(lines[1]?.after).toBe('queues.history.ops.assign · Nivel 1 · Mateo García');
    expect(lines[2]?.after).toBe('queues.history.ops.reject · “Not ours”');
    expect(lines[3]?.after).toBe('queues.history.ops.auto_assign · queues.modes.round_robin');
    expect(lines[4]?.after).toBe('VIP to level 2');
  });
});
