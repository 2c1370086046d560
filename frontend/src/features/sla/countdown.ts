// The SLA countdown a card, a table row or the ticket page shows: from the clock the server sent and
// the time now, the time left, the state (a running clock turns at risk and breached here on the second,
// before the server's event arrives), the colour class and a sentence for screen readers.
// Plain functions: the tests drive them with fixed times.
import type { TFunction } from 'i18next';
import type { SLAInfo, SLAState } from '../../api/issue6-sla';

const minus = '\u2212';
/** fastUnderS: under ten minutes the countdown shows seconds and ticks every second. */
export const fastUnderS = 600;
/** slowTickMs: otherwise a clock is redrawn every 30 s (and on each of its boundaries). */
export const slowTickMs = 30_000;

const severity: Record<SLAState, number> = { met: 0, paused: 0, on_track: 1, at_risk: 2, breached: 3 };

/** liveState is the clock's state at `now`: the server's, or worse once at_risk_at or due_at has passed. */
export function liveState(sla: SLAInfo, now: number): SLAState {
  if (sla.state === 'met' || sla.state === 'paused' || sla.due_at === null) return sla.state;
  let s: SLAState = 'on_track';
  const due = Date.parse(sla.due_at);
  if (now >= due) s = 'breached';
  else if (sla.at_risk_at !== null && now >= Date.parse(sla.at_risk_at)) s = 'at_risk';
  return severity[sla.state] > severity[s] ? sla.state : s;
}

/** secondsLeft: until due_at for a running clock (negative once overdue); the frozen remainder when paused. */
export function secondsLeft(sla: SLAInfo, now: number): number {
  if (sla.state === 'paused' || sla.due_at === null) return sla.remaining_s;
  return Math.floor((Date.parse(sla.due_at) - now) / 1000);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** formatLeft writes a time left compactly: "2h 05m", "45m", "4m 30s", "1d 3h"; "−15m" when overdue. */
export function formatLeft(seconds: number): string {
  const sign = seconds < 0 ? minus : '';
  const s = Math.abs(seconds);
  if (s < fastUnderS) return `${sign}${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${sign}${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${sign}${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** spokenLeft says a duration for a screen reader: "2 h 5 min", "4 min 30 s", "1 d 3 h" (units via t). */
export function spokenLeft(seconds: number, t: TFunction): string {
  const s = Math.abs(seconds);
  const parts: string[] = [];
  if (s >= 86_400) {
    parts.push(t('sla.units.d', { n: Math.floor(s / 86_400) }));
    const h = Math.floor((s % 86_400) / 3600);
    if (h > 0) parts.push(t('sla.units.h', { n: h }));
  } else if (s >= 3600) {
    parts.push(t('sla.units.h', { n: Math.floor(s / 3600) }));
    const m = Math.floor((s % 3600) / 60);
    if (m > 0) parts.push(t('sla.units.m', { n: m }));
  } else if (s >= fastUnderS) {
    parts.push(t('sla.units.m', { n: Math.floor(s / 60) }));
  } else {
    if (s >= 60) parts.push(t('sla.units.m', { n: Math.floor(s / 60) }));
    if (s % 60 > 0 || s < 60) parts.push(t('sla.units.s', { n: s % 60 }));
  }
  return parts.join(' ');
}

/** SlaView is what a badge shows. */
export interface SlaView {
  state: SLAState;
  /** text: the compact time left ("2h 05m"), or the word for a met clock. */
  text: string;
  /** className: `sla sla--<state>`, the colour (never alone: the icon and the label say it too). */
  className: string;
  /** icon: a symbol per state, so the state does not rest on colour. */
  icon: string;
  /** label: the sentence for screen readers and the tooltip. */
  label: string;
  seconds: number;
}

const icons: Record<SLAState, string> = { on_track: '◷', at_risk: '⚠', breached: '✕', paused: '‖', met: '✓' };

/**
 * slaView describes a clock at `now`. statusName names the status that pauses it (from the catalog,
 * through paused_by); without one the paused label says only "Paused".
 */
export function slaView(sla: SLAInfo, now: number, t: TFunction, statusName?: (id: number) => string | undefined): SlaView {
  const state = liveState(sla, now);
  const seconds = secondsLeft(sla, now);
  const clock = t(`sla.clocks.${sla.clock}`);
  let text = formatLeft(seconds);
  let label: string;
  switch (state) {
    case 'met':
      text = t('sla.state.met');
      label = t('sla.label.met', { clock });
      break;
    case 'paused': {
      const name = sla.paused_by === null ? undefined : statusName?.(sla.paused_by);
      label = name ? t('sla.label.pausedBy', { clock, status: name, left: spokenLeft(seconds, t) }) : t('sla.label.paused', { clock, left: spokenLeft(seconds, t) });
      break;
    }
    case 'breached':
      label = seconds < 0 ? t('sla.label.breachedAgo', { clock, ago: spokenLeft(seconds, t) }) : t('sla.label.breached', { clock });
      break;
    case 'at_risk':
      label = t('sla.label.atRisk', { clock, left: spokenLeft(seconds, t) });
      break;
    default:
      label = t('sla.label.due', { clock, left: spokenLeft(seconds, t) });
  }
  return { state, text, className: `sla sla--${state}`, icon: icons[state], label, seconds };
}

/**
 * nextRedraw is when a clock's badge must be drawn again at the latest: each second under ten minutes
 * (before or after due), else every 30 s or at its next boundary (at risk, ten minutes left, due),
 * whichever comes first. Null for a clock that does not move (paused, met).
 */
export function nextRedraw(sla: SLAInfo | null | undefined, now: number): number | null {
  if (!sla || sla.state === 'met' || sla.state === 'paused' || sla.due_at === null) return null;
  const due = Date.parse(sla.due_at);
  const left = due - now;
  if (Math.abs(left) < fastUnderS * 1000) {
    // On the next whole second of the countdown, so the seconds step evenly.
    const frac = ((left % 1000) + 1000) % 1000;
    return now + (frac === 0 ? 1000 : frac);
  }
  let next = now + slowTickMs;
  for (const b of [sla.at_risk_at === null ? NaN : Date.parse(sla.at_risk_at), due - fastUnderS * 1000, due]) {
    if (b > now && b < next) next = b;
  }
  return next;
}
