import { describe, expect, it } from 'vitest';
import type { SLAInfo } from '../../api/issue6-sla';
import { fakeT } from '../tickets/testing';
import { formatLeft, liveState, nextRedraw, secondsLeft, slaView } from './countdown';

const t0 = Date.parse('2026-12-04T12:00:00Z');
const at = (s: number) => new Date(t0 + s * 1000).toISOString();
const running = (p: Partial<SLAInfo> = {}): SLAInfo => ({
  clock: 'resolution',
  state: 'on_track',
  due_at: at(7500),
  at_risk_at: at(5400),
  remaining_s: 7500,
  paused_by: null,
  ...p,
});
const statuses = (id: number) => ({ 4: 'Waiting for customer' })[id];

describe('countdown format', () => {
  it('shows hours and minutes, seconds under ten minutes, a minus sign when overdue', () => {
    expect(formatLeft(2 * 3600 + 5 * 60 + 40)).toBe('2h 05m');
    expect(formatLeft(45 * 60)).toBe('45m');
    expect(formatLeft(4 * 60 + 30)).toBe('4m 30s');
    expect(formatLeft(9)).toBe('0m 09s');
    expect(formatLeft(-15 * 60)).toBe('\u221215m');
    expect(formatLeft(-90)).toBe('\u22121m 30s');
    expect(formatLeft(3 * 86_400 + 4 * 3600 + 59)).toBe('3d 4h');
  });
});

describe('countdown state', () => {
  it('turns at risk at at_risk_at and breached at due_at, before the server says so', () => {
    const c = running();
    expect(liveState(c, t0)).toBe('on_track');
    expect(liveState(c, t0 + 5399_000)).toBe('on_track');
    expect(liveState(c, t0 + 5400_000)).toBe('at_risk');
    expect(liveState(c, t0 + 7499_999)).toBe('at_risk');
    expect(liveState(c, t0 + 7500_000)).toBe('breached');
  });

  it('never shows a clock better than the server said it is', () => {
    expect(liveState(running({ state: 'breached' }), t0)).toBe('breached');
    expect(liveState(running({ state: 'at_risk' }), t0)).toBe('at_risk');
  });

  it('keeps a paused clock frozen at its remainder, whatever the time', () => {
    const c = running({ state: 'paused', due_at: null, at_risk_at: null, remaining_s: 1800, paused_by: 4 });
    expect(liveState(c, t0 + 86_400_000)).toBe('paused');
    expect(secondsLeft(c, t0 + 86_400_000)).toBe(1800);
  });

  it('describes each state in words, not colour alone', () => {
    const due = slaView(running({ clock: 'first_response' }), t0, fakeT);
    expect(due).toMatchObject({ state: 'on_track', text: '2h 05m', className: 'sla sla--on_track' });
    expect(due.label).toBe('sla.label.due{"clock":"sla.clocks.first_response","left":"sla.units.h{\\"n\\":2} sla.units.m{\\"n\\":5}"}');

    const late = slaView(running(), t0 + (7500 + 15 * 60) * 1000, fakeT);
    expect(late).toMatchObject({ state: 'breached', text: '\u221215m', seconds: -900, icon: '✕' });
    expect(late.label).toBe('sla.label.breachedAgo{"clock":"sla.clocks.resolution","ago":"sla.units.m{\\"n\\":15}"}');

    const soon = slaView(running(), t0 + (7500 - 270) * 1000, fakeT);
    expect(soon).toMatchObject({ state: 'at_risk', text: '4m 30s', icon: '⚠' });
    expect(soon.label).toContain('sla.label.atRisk');

    const paused = slaView(running({ state: 'paused', due_at: null, at_risk_at: null, remaining_s: 1800, paused_by: 4 }), t0, fakeT, statuses);
    expect(paused).toMatchObject({ state: 'paused', text: '30m', icon: '‖' });
    expect(paused.label).toContain('"status":"Waiting for customer"');

    const met = slaView(running({ state: 'met', due_at: at(100) }), t0 + 999_000, fakeT);
    expect(met).toMatchObject({ state: 'met', text: 'sla.state.met' });
  });
});

describe('redraws', () => {
  it('ticks every 30 s far from due, stops on each boundary, and each second under ten minutes', () => {
    const c = running();
    expect(nextRedraw(c, t0)).toBe(t0 + 30_000);
    // 10 s before at risk: the redraw is at the boundary, not 30 s later.
    expect(nextRedraw(c, t0 + 5390_000)).toBe(t0 + 5400_000);
    // 10 s before the ten-minute mark (7500 - 600 = 6900 s).
    expect(nextRedraw(c, t0 + 6890_000)).toBe(t0 + 6900_000);
    expect(nextRedraw(c, t0 + 7000_000)).toBe(t0 + 7001_000);
    expect(nextRedraw(c, t0 + 7000_400)).toBe(t0 + 7001_000);
    // Overdue by under ten minutes: still every second.
    expect(nextRedraw(c, t0 + 7600_000)).toBe(t0 + 7601_000);
    expect(nextRedraw(running({ state: 'paused', due_at: null }), t0)).toBeNull();
    expect(nextRedraw(null, t0)).toBeNull();
  });
});
