import { describe, expect, it } from 'vitest';
import { fakeT } from '../tickets/testing';
import { barPercent, defaultRange, formatDuration } from './metrics';

describe('blueprint metrics', () => {
  it('says durations with their two largest units', () => {
    expect(formatDuration(42, fakeT)).toBe('workflows.metrics.s{"n":42}');
    expect(formatDuration(3 * 3600 + 120, fakeT)).toBe('workflows.metrics.h{"n":3} workflows.metrics.m{"n":2}');
    expect(formatDuration(2 * 86400, fakeT)).toBe('workflows.metrics.d{"n":2}');
  });
  it('scales bars to the largest value', () => {
    expect(barPercent(50, 200)).toBe(25);
    expect(barPercent(0, 0)).toBe(0);
    expect(barPercent(300, 200)).toBe(100);
  });
  it('defaults to the last 30 days', () => {
    expect(defaultRange(new Date('2026-11-23T12:00:00Z'))).toEqual({ from: '2026-10-24', to: '2026-11-23' });
    // The desk's days: 02:00 UTC on the 24th is still the 23rd in Bogotá.
    expect(defaultRange(new Date('2026-11-24T02:00:00Z'), 'America/Bogota')).toEqual({ from: '2026-10-24', to: '2026-11-23' });
    expect(defaultRange(new Date('2026-11-24T02:00:00Z'), 'UTC')).toEqual({ from: '2026-10-25', to: '2026-11-24' });
  });
});
