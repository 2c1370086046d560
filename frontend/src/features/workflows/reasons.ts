// The words for a column's acceptance during a drag: the reason a column refuses the card, or what a
// drop there does (shown as the column's title and read by screen readers).
import type { TFunction } from 'i18next';
import type { Acceptance } from './allowed';

export interface ReasonNames {
  workflow: string;
  from: string;
  to: string;
  lang: string;
}

/** acceptanceText says what a drop on a column does, or why it does nothing; null for the card's own column. */
export function acceptanceText(a: Acceptance, n: ReasonNames, t: TFunction): string | null {
  const name = (x: { name_es: string; name_en: string }) => (n.lang === 'en' ? x.name_en : x.name_es);
  switch (a.kind) {
    case 'same':
      return null;
    case 'unknown':
      return null;
    case 'allowed':
      return a.transition ? t('workflows.board.allowed', { name: name(a.transition), to: n.to }) : t('workflows.board.allowedPlain', { to: n.to });
    case 'input':
      return t('workflows.board.input', { name: name(a.transition) });
    case 'refused':
      switch (a.reason) {
        case 'no_move':
          return t('workflows.board.refused.no_move');
        case 'not_in_workflow':
          return t('workflows.board.refused.not_in_workflow', { workflow: n.workflow, to: n.to });
        case 'no_transition':
          return t('workflows.board.refused.no_transition', { workflow: n.workflow, from: n.from, to: n.to });
        case 'role':
          return t('workflows.board.refused.role', { name: (a.names ?? []).map(name).join(', ') });
      }
  }
}
