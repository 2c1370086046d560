// Times, sizes and counts in the language on screen.

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const relCache = new Map<string, Intl.RelativeTimeFormat>();
const dtCache = new Map<string, Intl.DateTimeFormat>();

function rel(lang: string): Intl.RelativeTimeFormat {
  let f = relCache.get(lang);
  if (!f) {
    f = new Intl.RelativeTimeFormat(lang, { numeric: 'auto', style: 'short' });
    relCache.set(lang, f);
  }
  return f;
}

function dt(lang: string): Intl.DateTimeFormat {
  let f = dtCache.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    dtCache.set(lang, f);
  }
  return f;
}

/** formatRelative says how long ago (or in how long) `iso` is from `now`: "hace 5 min", "in 2 days". */
export function formatRelative(iso: string, now: number, lang: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const ms = t - now;
  const abs = Math.abs(ms);
  if (abs < minute) return rel(lang).format(0, 'second');
  if (abs < hour) return rel(lang).format(Math.trunc(ms / minute), 'minute');
  if (abs < day) return rel(lang).format(Math.trunc(ms / hour), 'hour');
  if (abs < 30 * day) return rel(lang).format(Math.trunc(ms / day), 'day');
  if (abs < 365 * day) return rel(lang).format(Math.trunc(ms / (30 * day)), 'month');
  return rel(lang).format(Math.trunc(ms / (365 * day)), 'year');
}

/** formatDateTime is a date and time in the browser's zone: "12 mar 2026, 10:05". */
export function formatDateTime(iso: string, lang: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dt(lang).format(t);
}

/** formatBytes is a file size in the units the upload limit is stated in: "820 B", "12 KiB", "3,4 MiB". */
export function formatBytes(n: number, lang: string): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = v < 10 ? 1 : 0;
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(v)} ${units[u]}`;
}

/** groupDigits writes a count with a space between thousands from five digits on: 9999, 10 000. */
export function groupDigits(n: number): string {
  const s = String(Math.trunc(n));
  return s.length < 5 ? s : s.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
