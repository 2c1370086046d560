// The notification settings form: one checkbox per email event, all on by default.
import { mailEvents } from '../../api/issue6-mail';
import type { MailEvent, MailPreferences } from '../../api/issue6-mail';

export type PrefsDraft = Record<MailEvent, boolean>;

/** prefsDraft reads the server's preferences, taking an event it does not mention as on (the default). */
export function prefsDraft(p: Partial<MailPreferences> | undefined): PrefsDraft {
  const out = {} as PrefsDraft;
  for (const e of mailEvents) out[e] = p?.events?.[e] ?? true;
  return out;
}

export function prefsBody(d: PrefsDraft): MailPreferences {
  const events = {} as PrefsDraft;
  for (const e of mailEvents) events[e] = d[e];
  return { events };
}

/** prefsChanged: the form differs from what is saved. */
export function prefsChanged(d: PrefsDraft, saved: PrefsDraft): boolean {
  return mailEvents.some((e) => d[e] !== saved[e]);
}
