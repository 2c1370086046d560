// Links to other tickets (related / duplicate), and merging this ticket into another.
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { LinkKind, TicketDetail } from '../../api/types';
import { useToast } from '../toast/toast';
import type { DetailStore } from './detailStore';
import { Dialog } from './Dialog';
import { parseNumber } from './text';

function errorOf(err: unknown, field: string, fallback: string): string {
  if (err instanceof ApiError) return err.fields[field] ?? err.message;
  return err instanceof Error ? err.message : fallback;
}

function hasCurrent(v: unknown): v is { current: TicketDetail } {
  return typeof v === 'object' && v !== null && 'current' in v && typeof v.current === 'object' && v.current !== null && 'can' in v.current;
}

export function LinksTab({ ticket, store }: { ticket: TicketDetail; store: DetailStore }) {
  const { t } = useTranslation();
  const toast = useToast();
  const ids = { number: useId(), numberError: useId(), kind: useId(), merge: useId(), mergeError: useId() };
  const [number, setNumber] = useState('');
  const [kind, setKind] = useState<LinkKind>('related');
  const [linkError, setLinkError] = useState<string | null>(null);
  const [linking, setLinking] = useState(false);
  const [removing, setRemoving] = useState<number | null>(null);
  const [mergeText, setMergeText] = useState('');
  const [mergeError, setMergeError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<number | null>(null);
  const [merging, setMerging] = useState(false);
  const edit = ticket.can.edit;
  const canMerge = ticket.can.merge && ticket.merged_into === null;

  const addLink = async (e: FormEvent) => {
    e.preventDefault();
    const n = parseNumber(number);
    if (n === null) {
      setLinkError(t('ticket.links.badNumber'));
      return;
    }
    setLinking(true);
    setLinkError(null);
    try {
      store.adopt(await api.linkTicket(ticket.id, { number: n, kind }));
      setNumber('');
    } catch (err) {
      setLinkError(errorOf(err, 'number', t('errors.unknown')));
    } finally {
      setLinking(false);
    }
  };

  const unlink = async (otherId: number) => {
    setRemoving(otherId);
    try {
      store.adopt(await api.unlinkTicket(ticket.id, otherId));
    } catch (err) {
      toast.show(errorOf(err, '', t('errors.unknown')));
    } finally {
      setRemoving(null);
    }
  };

  const askMerge = (e: FormEvent) => {
    e.preventDefault();
    const n = parseNumber(mergeText);
    if (n === null) {
      setMergeError(t('ticket.links.badNumber'));
      return;
    }
    if (n === ticket.number) {
      setMergeError(t('ticket.merge.self'));
      return;
    }
    setMergeError(null);
    setConfirm(n);
  };

  const merge = async () => {
    if (confirm === null) return;
    setMerging(true);
    try {
      store.adopt(await api.mergeTicket(ticket.id, { into_number: confirm, version: ticket.version }));
      setConfirm(null);
      setMergeText('');
    } catch (err) {
      if (err instanceof ApiError && hasCurrent(err.body)) store.adopt(err.body.current);
      setMergeError(errorOf(err, 'into_number', t('errors.unknown')));
      setConfirm(null);
    } finally {
      setMerging(false);
    }
  };

  return (
    <div className="links">
      {ticket.links.length === 0 ? (
        <p className="conversation__empty">{t('ticket.links.empty')}</p>
      ) : (
        <ul className="links__list">
          {ticket.links.map((l) => (
            <li key={l.ticket.id} className="links__item" data-testid={`link-${l.ticket.number}`}>
              <Link to={`/tickets/${l.ticket.id}`} className="links__ticket">
                #{l.ticket.number} {l.ticket.subject}
              </Link>
              <span className={`links__kind links__kind--${l.kind}`}>{t(`ticket.links.kinds.${l.kind}`)}</span>
              {edit && (
                <button
                  type="button"
                  className="btn btn--ghost btn--small"
                  data-testid={`link-remove-${l.ticket.number}`}
                  disabled={removing === l.ticket.id}
                  aria-label={t('ticket.links.remove', { number: l.ticket.number })}
                  onClick={() => void unlink(l.ticket.id)}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}

      {ticket.merged_from.length > 0 && (
        <div className="links__merged">
          <h3 className="ticket-section__title">{t('ticket.merge.mergedFrom')}</h3>
          <ul className="links__list">
            {ticket.merged_from.map((r) => (
              <li key={r.id} className="links__item" data-testid={`merged-from-${r.number}`}>
                <Link to={`/tickets/${r.id}`}>
                  #{r.number} {r.subject}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      )}

      {edit && (
        <form className="links__form" onSubmit={(e) => void addLink(e)} noValidate>
          <div className="field">
            <label htmlFor={ids.number} className="field__label">
              {t('ticket.links.number')}
            </label>
            <input
              id={ids.number}
              data-testid="link-number"
              className="input"
              inputMode="numeric"
              value={number}
              placeholder="#123"
              aria-invalid={linkError !== null || undefined}
              aria-describedby={linkError !== null ? ids.numberError : undefined}
              onChange={(e) => {
                setNumber(e.target.value);
                setLinkError(null);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.kind} className="field__label">
              {t('ticket.links.kind')}
            </label>
            <select id={ids.kind} data-testid="link-kind" value={kind} onChange={(e) => setKind(e.target.value as LinkKind)}>
              <option value="related">{t('ticket.links.kinds.related')}</option>
              <option value="duplicate">{t('ticket.links.kinds.duplicate')}</option>
            </select>
          </div>
          <button type="submit" className="btn" data-testid="link-add" disabled={linking}>
            {t('ticket.links.add')}
          </button>
          {linkError !== null && (
            <p id={ids.numberError} className="field__error links__error" role="alert">
              {linkError}
            </p>
          )}
        </form>
      )}

      {canMerge && (
        <form className="links__form links__form--merge" onSubmit={askMerge} noValidate>
          <div className="field">
            <label htmlFor={ids.merge} className="field__label">
              {t('ticket.merge.into')}
            </label>
            <input
              id={ids.merge}
              data-testid="merge-number"
              className="input"
              inputMode="numeric"
              value={mergeText}
              placeholder="#123"
              aria-invalid={mergeError !== null || undefined}
              aria-describedby={mergeError !== null ? ids.mergeError : undefined}
              onChange={(e) => {
                setMergeText(e.target.value);
                setMergeError(null);
              }}
            />
          </div>
          <button type="submit" className="btn btn--danger-outline" data-testid="merge-submit">
            {t('ticket.merge.start')}
          </button>
          {mergeError !== null && (
            <p id={ids.mergeError} className="field__error links__error" role="alert">
              {mergeError}
            </p>
          )}
        </form>
      )}

      <Dialog open={confirm !== null} title={t('ticket.merge.confirmTitle')} onClose={() => setConfirm(null)} testId="merge-dialog">
        <p>{t('ticket.merge.confirmText', { from: ticket.number, into: confirm ?? '' })}</p>
        <div className="dialog__actions">
          <button type="button" className="btn" onClick={() => setConfirm(null)}>
            {t('ticket.cancel')}
          </button>
          <button type="button" className="btn btn--danger" data-testid="merge-confirm" disabled={merging} onClick={() => void merge()}>
            {t('ticket.merge.confirm', { into: confirm ?? '' })}
          </button>
        </div>
      </Dialog>
    </div>
  );
}
