// Who else is on a ticket: "También viendo: Lucía Torres", "Mateo García está escribiendo…".
import type { TFunction } from 'i18next';
import type { PresenceFrame } from '@shared/live.gen';

export type Viewer = PresenceFrame['viewers'][number];

/** PresenceText is the two lines the detail shows (null: nothing to say). */
export interface PresenceText {
  viewing: string | null;
  typing: string | null;
}

function joinNames(names: readonly string[], lang: string): string {
  try {
    return new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}

/**
 * presenceText words the viewers of a ticket other than the user (`meId`): those typing on one line,
 * the others on the other. A user with several tabs counts once (typing if any tab types).
 */
export function presenceText(viewers: readonly Viewer[], meId: number | null, t: TFunction, lang: string): PresenceText {
  const byId = new Map<number, Viewer>();
  for (const v of viewers) {
    if (v.id === meId) continue;
    const had = byId.get(v.id);
    byId.set(v.id, had ? { ...had, typing: had.typing || v.typing } : v);
  }
  const others = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, lang));
  const typing = others.filter((v) => v.typing).map((v) => v.name);
  const viewing = others.filter((v) => !v.typing).map((v) => v.name);
  return {
    viewing: viewing.length > 0 ? t('ticket.presence.viewing', { names: joinNames(viewing, lang) }) : null,
    typing: typing.length > 0 ? t('ticket.presence.typing', { names: joinNames(typing, lang), count: typing.length }) : null,
  };
}
