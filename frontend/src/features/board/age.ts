// Card age: a short relative time from created_at ("5m", "3h", "2d").
import type { TFunction } from 'i18next';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** formatAge says how long ago `iso` was, relative to `now`, in a few characters. */
export function formatAge(iso: string, now: number, t: TFunction): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms) || ms < minute) return t('age.now');
  if (ms < hour) return t('age.minutes', { count: Math.floor(ms / minute) });
  if (ms < day) return t('age.hours', { count: Math.floor(ms / hour) });
  return t('age.days', { count: Math.floor(ms / day) });
}
