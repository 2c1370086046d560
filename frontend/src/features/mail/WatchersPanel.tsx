// Who follows the ticket by email: watch or stop watching myself; with ticket.assign, add or remove
// others, picked from the desk's users.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { mailApi } from '../../api/issue6-mail';
import { useCan } from '../auth/can';
import { useAssignees } from '../board/catalog';

export function WatchersPanel({ ticketId, meId }: { ticketId: number; meId: number | null }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ['watchers', ticketId] as const;
  const watchers = useQuery({ queryKey: key, queryFn: ({ signal }) => mailApi.watchers(ticketId, signal) });
  const mayAssign = useCan('ticket.assign');
  const users = useAssignees();
  const [pick, setPick] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const list = watchers.data?.items ?? [];
  const watching = meId !== null && list.some((w) => w.id === meId);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await qc.invalidateQueries({ queryKey: key });
    } catch (x) {
      setError(x instanceof ApiError ? x.message : t('errors.unknown'));
    } finally {
      setBusy(false);
    }
  };

  const others = (users.data ?? []).filter((u) => !list.some((w) => w.id === u.id));
  return (
    <section className="work-panel" aria-labelledby={`watchers-title-${ticketId}`} data-testid="watchers-panel">
      <div className="work-panel__head">
        <h2 id={`watchers-title-${ticketId}`} className="work-panel__title">
          {t('mail.watchers.title')}
        </h2>
        {meId !== null && (
          <button
            type="button"
            className="btn btn--small"
            disabled={busy || watchers.isPending}
            aria-pressed={watching}
            data-testid="watch-toggle"
            onClick={() => void run(() => (watching ? mailApi.unwatch(ticketId, meId) : mailApi.watch(ticketId, meId)))}
          >
            {watching ? t('mail.watchers.unwatch') : t('mail.watchers.watch')}
          </button>
        )}
      </div>
      {watchers.isError ? (
        <p className="form-alert" role="alert">
          {watchers.error.message}
        </p>
      ) : list.length === 0 ? (
        <p className="form-field__hint">{watchers.isPending ? t('common.loading') : t('mail.watchers.empty')}</p>
      ) : (
        <ul className="watcher-list">
          {list.map((w) => (
            <li key={w.id} className="watcher-list__item" data-testid={`watcher-${w.id}`}>
              <span>{w.id === meId ? t('mail.watchers.me', { name: w.name }) : w.name}</span>
              {mayAssign && w.id !== meId && (
                <button
                  type="button"
                  className="btn btn--ghost btn--small"
                  disabled={busy}
                  aria-label={t('mail.watchers.remove', { name: w.name })}
                  onClick={() => void run(() => mailApi.unwatch(ticketId, w.id))}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayAssign && (
        <form
          className="watcher-add"
          onSubmit={(e) => {
            e.preventDefault();
            if (pick === '') return;
            void run(() => mailApi.watch(ticketId, Number(pick))).then(() => setPick(''));
          }}
        >
          <label htmlFor={`watcher-pick-${ticketId}`} className="visually-hidden">
            {t('mail.watchers.pick')}
          </label>
          <select id={`watcher-pick-${ticketId}`} className="input" value={pick} data-testid="watcher-pick" onChange={(e) => setPick(e.target.value)}>
            <option value="">{t('mail.watchers.pick')}</option>
            {others.map((u) => (
              <option key={u.id} value={String(u.id)}>
                {u.name}
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn--small" disabled={busy || pick === ''} data-testid="watcher-add">
            {t('mail.watchers.add')}
          </button>
        </form>
      )}
      {error !== null && (
        <p className="form-alert" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
