// Blueprint metrics in words and bar lengths (no charting library: plain CSS bars).
import type { TFunction } from 'i18next';
import { deskToday, deskZone } from '../auth/deskZone';

/** formatDuration says a number of seconds as days, hours or minutes (the two largest units). */
export function formatDuration(seconds: number, t: TFunction): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${t('workflows.metrics.d', { n: d })} ${t('workflows.metrics.h', { n: h })}` : t('workflows.metrics.d', { n: d });
  if (h > 0) return m > 0 ? `${t('workflows.metrics.h', { n: h })} ${t('workflows.metrics.m', { n: m })}` : t('workflows.metrics.h', { n: h });
  if (m > 0) return t('workflows.metrics.m', { n: m });
  return t('workflows.metrics.s', { n: s });
}

/** barPercent is a bar's length in percent of the largest value (0 when nothing is measured). */
export function barPercent(value: number, max: number): number {
  if (!(max > 0) || !(value > 0)) return 0;
  return Math.min(100, Math.round((value / max) * 1000) / 10);
}

/** defaultRange is the last 30 days as `from`/`to` dates (YYYY-MM-DD), days of the desk's zone. */
export function defaultRange(now: Date, zone: string = deskZone()): { from: string; to: string } {
  return { from: deskToday(new Date(now.getTime() - 30 * 86400_000), zone), to: deskToday(now, zone) };
}
