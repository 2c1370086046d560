// Card age: a short relative time from created_at ("5m", "3h", "2d").
import type { TFunction } from 'i18next';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

// A board formats hundreds of ages at once, and most are the same few strings ("3 d"): each translation
// with a count goes through i18next's plural rules, so the strings are kept per translation function
// (one per language) and per unit and count.
const cache = new WeakMap<TFunction, Map<string, string>>();

function cached(t: TFunction, key: string, count?: number): string {
  let m = cache.get(t);
  if (m === undefined) {
    m = new Map();
    cache.set(t, m);
  }
  const k = count === undefined ? key : `${key}|${count}`;
  let s = m.get(k);
  if (s === undefined) {
    s = count === undefined ? t(key) : t(key, { count });
    m.set(k, s);
  }
  return s;
}

/** formatAge says how long ago `iso` was, relative to `now`, in a few characters. */
export function formatAge(iso: string, now: number, t: TFunction): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms) || ms < minute) return cached(t, 'age.now');
  if (ms < hour) return cached(t, 'age.minutes', Math.floor(ms / minute));
  if (ms < day) return cached(t, 'age.hours', Math.floor(ms / hour));
  return cached(t, 'age.days', Math.floor(ms / day));
}
