import { describe, expect, it } from 'vitest';
import { checkDuration, formatDuration, parseDuration } from './duration';

describe('durations', () => {
  it('reads the short forms admins write', () => {
    expect(parseDuration('4h 30m')).toBe(4 * 3600 + 30 * 60);
    expect(parseDuration('1d 2h')).toBe(86_400 + 7200);
    expect(parseDuration('45s')).toBe(45);
    expect(parseDuration(' 1D2H ')).toBe(86_400 + 7200);
    expect(parseDuration('2h 0m 5s')).toBe(7205);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', '4', '4x', 'h', '30m 2h', '1h 1h', '1.5h', '-3m', '4 horas']) expect(parseDuration(bad), bad).toBeNull();
  });

  it('writes seconds back without the zero parts, and reads its own output', () => {
    expect(formatDuration(16_200)).toBe('4h 30m');
    expect(formatDuration(93_600)).toBe('1d 2h');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(0)).toBe('0s');
    for (const n of [10, 59, 61, 3599, 3601, 86_399, 90_061, 366 * 86_400]) expect(parseDuration(formatDuration(n))).toBe(n);
  });

  it('checks the bounds the server accepts (10 s to 366 days)', () => {
    expect(checkDuration('9s')).toEqual({ error: 'durationRange' });
    expect(checkDuration('10s')).toEqual({ seconds: 10 });
    expect(checkDuration('366d')).toEqual({ seconds: 366 * 86_400 });
    expect(checkDuration('366d 1s')).toEqual({ error: 'durationRange' });
    expect(checkDuration('soon')).toEqual({ error: 'durationFormat' });
  });
});
