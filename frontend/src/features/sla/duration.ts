// Durations as admins write them: "4h 30m", "1d 2h", "45s". The API stores seconds; the editor shows
// and reads these short forms in both languages (d, h, m, s are the same in Spanish and English).

const units: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };
const order = ['d', 'h', 'm', 's'] as const;

/** minSeconds and maxSeconds are the bounds the server accepts for a target (10 s .. 366 days). */
export const minSeconds = 10;
export const maxSeconds = 366 * 86_400;

/**
 * parseDuration reads "1d 2h 30m 15s" (any subset of the units, each once, largest first, spaces
 * optional) into seconds; null when the text is not such a duration.
 */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (s === '') return null;
  const re = /(\d{1,6})\s*([dhms])\s*/y;
  let total = 0;
  let last = -1;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (m === null) return null;
    const unit = m[2] as (typeof order)[number];
    const rank = order.indexOf(unit);
    // Each unit once, from the largest down: "30m 2h" or "1h 1h" are typing slips, not durations.
    if (rank <= last) return null;
    last = rank;
    total += Number(m[1]) * units[unit]!;
    pos = re.lastIndex;
  }
  return total;
}

/** formatDuration writes seconds in the same short form, leaving out the zero parts: 16200 → "4h 30m". */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const u of order) {
    const n = Math.floor(rest / units[u]!);
    rest -= n * units[u]!;
    if (n > 0) parts.push(`${n}${u}`);
  }
  return parts.join(' ');
}

/** DurationError names what is wrong with a duration input (a key under sla.errors). */
export type DurationError = 'durationFormat' | 'durationRange';

/** checkDuration validates a duration input against the server's bounds. */
export function checkDuration(text: string): { seconds: number } | { error: DurationError } {
  const seconds = parseDuration(text);
  if (seconds === null) return { error: 'durationFormat' };
  if (seconds < minSeconds || seconds > maxSeconds) return { error: 'durationRange' };
  return { seconds };
}
