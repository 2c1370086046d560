// The conflict panel: a stale edit, what a colleague changed meanwhile, and the two ways out.
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conflict, DetailStore } from './detailStore';
import { conflictRows, patchFields } from './fields';
import { fieldLabel, formatValue } from './history';
import type { Lookups } from './history';

export function ConflictPanel({ conflict, store, lookups }: { conflict: Conflict; store: DetailStore; lookups: Lookups }) {
  const { t } = useTranslation();
  const titleId = useId();
  const ref = useRef<HTMLElement>(null);
  const rows = conflictRows(conflict.base, conflict.mine, conflict.current);
  // The user's own edit, when no colleague touched those fields: what "apply mine again" sends.
  const untouched = patchFields(conflict.mine).filter((f) => !rows.some((r) => r.field === f));
  useEffect(() => {
    // Where the user's attention must go: their edit did not go through.
    ref.current?.focus();
  }, [conflict.current.version]);
  return (
    <section ref={ref} className="conflict" data-testid="conflict-panel" role="alert" aria-labelledby={titleId} tabIndex={-1}>
      <h2 id={titleId} className="conflict__title">
        {t('ticket.conflict.title')}
      </h2>
      {rows.length === 0 ? (
        <p>{t('ticket.conflict.none')}</p>
      ) : (
        <ul className="conflict__rows">
          {rows.map((r) => (
            <li key={r.field} className={r.mine ? 'conflict__row conflict__row--mine' : 'conflict__row'} data-testid={`conflict-row-${r.field}`}>
              {t('ticket.conflict.row', {
                field: fieldLabel(r.field, t),
                yours: formatValue(r.field, r.yours, lookups),
                now: formatValue(r.field, r.now, lookups),
              })}
            </li>
          ))}
        </ul>
      )}
      {untouched.length > 0 && (
        <p className="conflict__mine">
          {t('ticket.conflict.yourChange', {
            changes: untouched.map((f) => `${fieldLabel(f, t)} → ${formatValue(f, conflict.mine[f], lookups)}`).join('; '),
          })}
        </p>
      )}
      {conflict.error !== null && (
        <p className="field__error" role="alert">
          {conflict.error}
        </p>
      )}
      <div className="conflict__actions">
        <button type="button" className="btn" data-testid="conflict-keep-theirs" onClick={() => store.keepTheirs()}>
          {t('ticket.conflict.keepTheirs')}
        </button>
        <button type="button" className="btn btn--primary" data-testid="conflict-apply-mine" disabled={conflict.busy} onClick={() => void store.applyMine()}>
          {t('ticket.conflict.applyMine')}
        </button>
      </div>
    </section>
  );
}
