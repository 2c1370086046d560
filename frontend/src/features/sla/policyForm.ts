// The policy editor's draft and its checks, mirroring the server's: both names, targets as durations
// ("4h 30m", 10 s to 366 days), an at-risk share of 1 to 99 %, each escalation once. Errors are message
// keys under sla.errors, by input path.
import type { EscalationAction, EscalationClock, EscalationOn, SLAEscalation, SLAPolicy, SLAPolicyInput } from '../../api/issue6-sla';
import { rowKey } from './calendarForm';
import { checkDuration, formatDuration, parseDuration } from './duration';
import type { Errors } from './errors';

export const maxName = 80;
export const escalationOns: readonly EscalationOn[] = ['at_risk', 'breach'];
export const escalationClocks: readonly EscalationClock[] = ['any', 'first_response', 'resolution'];
export const escalationActions: readonly EscalationAction[] = ['notify_supervisors', 'notify_assignee', 'raise_priority', 'next_queue'];

export interface EscalationDraft extends SLAEscalation {
  key: number;
}

export interface PolicyDraft {
  name_es: string;
  name_en: string;
  active: boolean;
  priority_ids: number[];
  category_ids: number[];
  queue_ids: number[];
  channel_ids: number[];
  /** first_response and resolution: durations as typed ("4h 30m"). */
  first_response: string;
  resolution: string;
  at_risk_percent: string;
  calendar_id: number | null;
  pause_status_ids: number[];
  escalations: EscalationDraft[];
}

export function emptyPolicy(): PolicyDraft {
  return {
    name_es: '',
    name_en: '',
    active: true,
    priority_ids: [],
    category_ids: [],
    queue_ids: [],
    channel_ids: [],
    first_response: '4h',
    resolution: '1d',
    at_risk_percent: '75',
    calendar_id: null,
    pause_status_ids: [],
    escalations: [],
  };
}

export function policyDraft(p: SLAPolicy): PolicyDraft {
  return {
    name_es: p.name.es,
    name_en: p.name.en,
    active: p.active,
    priority_ids: [...p.priority_ids],
    category_ids: [...p.category_ids],
    queue_ids: [...p.queue_ids],
    channel_ids: [...p.channel_ids],
    first_response: formatDuration(p.first_response_seconds),
    resolution: formatDuration(p.resolution_seconds),
    at_risk_percent: String(p.at_risk_percent),
    calendar_id: p.calendar_id,
    pause_status_ids: [...p.pause_status_ids],
    escalations: p.escalations.map((e) => ({ key: rowKey(), ...e })),
  };
}

export function newEscalation(): EscalationDraft {
  return { key: rowKey(), on: 'breach', clock: 'any', action: 'notify_supervisors' };
}

/** policyBody is the request of a validated draft. */
export function policyBody(d: PolicyDraft, version?: number): SLAPolicyInput {
  return {
    name: { es: d.name_es.trim(), en: d.name_en.trim() },
    active: d.active,
    priority_ids: d.priority_ids,
    category_ids: d.category_ids,
    queue_ids: d.queue_ids,
    channel_ids: d.channel_ids,
    first_response_seconds: parseDuration(d.first_response) ?? 0,
    resolution_seconds: parseDuration(d.resolution) ?? 0,
    at_risk_percent: Number(d.at_risk_percent),
    calendar_id: d.calendar_id,
    pause_status_ids: d.pause_status_ids,
    escalations: d.escalations.map(({ on, clock, action }) => ({ on, clock, action })),
    ...(version !== undefined ? { version } : {}),
  };
}

export function validatePolicy(d: PolicyDraft): Errors {
  const e: Errors = {};
  for (const lang of ['es', 'en'] as const) {
    const v = (lang === 'es' ? d.name_es : d.name_en).trim();
    if (v === '') e[`name.${lang}`] = 'required';
    else if (v.length > maxName) e[`name.${lang}`] = 'nameTooLong';
  }
  const fr = checkDuration(d.first_response);
  if ('error' in fr) e.first_response_seconds = fr.error;
  const res = checkDuration(d.resolution);
  if ('error' in res) e.resolution_seconds = res.error;
  if (!/^\d{1,2}$/.test(d.at_risk_percent.trim()) || Number(d.at_risk_percent) < 1 || Number(d.at_risk_percent) > 99) e.at_risk_percent = 'percent';
  const seen = new Set<string>();
  d.escalations.forEach((x, i) => {
    const k = `${x.on}|${x.clock}|${x.action}`;
    if (seen.has(k)) e[`escalations[${i}]`] = 'duplicateEscalation';
    seen.add(k);
  });
  return e;
}

/** policyPath says whether a path names an input of the policy editor. */
export function policyPath(d: PolicyDraft, path: string): boolean {
  const fixed = ['name.es', 'name.en', 'active', 'priority_ids', 'category_ids', 'queue_ids', 'channel_ids', 'first_response_seconds', 'resolution_seconds', 'at_risk_percent', 'calendar_id', 'pause_status_ids', 'escalations'];
  if (fixed.includes(path)) return true;
  const m = /^escalations\[(\d+)\](?:\.(on|clock|action))?$/.exec(path);
  return m !== null && Number(m[1]) < d.escalations.length;
}
