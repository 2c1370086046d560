import { describe, expect, it } from 'vitest';
import type { SLACalendar, SLAPolicy } from '../../api/issue6-sla';
import { adminHome, sectionsFor } from '../admin/sections';
import { fakeT } from '../tickets/testing';
import { calendarSummary, policySummary } from './summary';
import type { SlaChoices } from './useSlaData';

const choices: SlaChoices = {
  priorities: [
    { id: 1, label: 'Urgent' },
    { id: 2, label: 'High' },
  ],
  categories: [],
  queues: [{ id: 5, label: 'Level 1' }],
  channels: [],
  statuses: [],
};
const office: SLACalendar = {
  id: 3,
  name: { es: 'Oficina Bogotá', en: 'Bogotá office' },
  time_zone: 'America/Bogota',
  hours: [{ weekday: 1, start: '08:00', end: '18:00' }],
  holidays: [{ date: '2026-12-25', name: 'Navidad' }],
  version: 1,
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
};
const policy = (p: Partial<SLAPolicy>): SLAPolicy => ({
  id: 1,
  name: { es: 'Urgente', en: 'Urgent' },
  active: true,
  position: 1,
  priority_ids: [],
  category_ids: [],
  queue_ids: [],
  channel_ids: [],
  first_response_seconds: 1800,
  resolution_seconds: 14_400,
  at_risk_percent: 75,
  calendar_id: null,
  pause_status_ids: [],
  escalations: [],
  version: 1,
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
  ...p,
});

describe('SLA admin', () => {
  it('is a section of its own, for sla.manage', () => {
    expect(sectionsFor({ permissions: ['sla.manage'] }).map((s) => s.key)).toEqual(['sla']);
    expect(adminHome({ permissions: ['sla.manage'] })).toBe('/admin/sla');
    expect(sectionsFor({ permissions: ['catalog.manage'] }).map((s) => s.key)).not.toContain('sla');
  });

  it('summarises a policy: what it applies to, its targets, its calendar', () => {
    expect(policySummary(policy({ priority_ids: [1, 2], queue_ids: [5], calendar_id: 3 }), choices, [office], fakeT, 'en')).toBe(
      'Urgent, High · Level 1 · sla.admin.policies.targets{"first":"30m","resolution":"4h"} · sla.admin.policies.onCalendar{"calendar":"Bogotá office"}',
    );
    expect(policySummary(policy({}), choices, [], fakeT, 'es')).toBe('sla.admin.policies.anyTicket · sla.admin.policies.targets{"first":"30m","resolution":"4h"} · sla.admin.calendars.alwaysOpen');
  });

  it('summarises a calendar, 24×7 when it has no hours', () => {
    expect(calendarSummary(office, fakeT)).toBe('America/Bogota · sla.admin.calendars.intervals{"count":1} · sla.admin.calendars.holidays{"count":1}');
    expect(calendarSummary({ ...office, hours: [], holidays: [] }, fakeT)).toBe('America/Bogota · sla.admin.calendars.alwaysOpen');
  });
});
