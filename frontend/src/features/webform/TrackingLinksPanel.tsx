// The ticket's tracking links (web form): each with its state (active, expired, revoked), who sent or
// revoked it, a revoke button, and "send a new link", which mails the requester again. Shown only when
// the ticket has links or its requester has no login, and only to those the server lets manage links
// (anyone else gets 403/404 and sees nothing).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { webformApi } from '../../api/issue7-webform';
import { formatDateTime } from '../tickets/format';

export function TrackingLinksPanel({ ticketId, revision }: { ticketId: number; revision: string }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const key = ['tracking-links', ticketId];
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => webformApi.links(ticketId, signal),
    retry: (n, err) => !(err instanceof ApiError && (err.status === 403 || err.status === 404)) && n < 1,
  });
  // Links are recorded on the ticket's history: a change of the ticket is the moment to read them again.
  const seen = useRef(revision);
  useEffect(() => {
    if (seen.current === revision) return;
    seen.current = revision;
    void qc.invalidateQueries({ queryKey: ['tracking-links', ticketId] });
  }, [qc, ticketId, revision]);
  const refresh = () => void qc.invalidateQueries({ queryKey: ['tracking-links', ticketId] });
  const send = useMutation({ mutationFn: () => webformApi.sendLink(ticketId), onSuccess: refresh });
  const revoke = useMutation({ mutationFn: (id: number) => webformApi.revokeLink(ticketId, id), onSuccess: refresh });

  const data = q.data;
  if (data === undefined || (data.items.length === 0 && !data.requester_without_login)) return null;
  const failed = send.error ?? revoke.error;
  return (
    <section className="work-panel" aria-labelledby={`tracking-title-${ticketId}`} data-testid="tracking-links-panel">
      <div className="work-panel__head">
        <h2 id={`tracking-title-${ticketId}`} className="work-panel__title">
          {t('webform.links.title')}
        </h2>
        <button type="button" className="btn btn--small" disabled={send.isPending} data-testid="tracking-send" onClick={() => send.mutate()}>
          {t('webform.links.send')}
        </button>
      </div>
      {failed !== null && (
        <p className="form-alert" role="alert">
          {failed.message}
        </p>
      )}
      {send.isSuccess && (
        <p className="form-field__hint" role="status">
          {t('webform.links.sent', { email: send.data.email })}
        </p>
      )}
      {data.items.length === 0 ? (
        <p className="form-field__hint">{t('webform.links.empty')}</p>
      ) : (
        <ul className="tracking-links">
          {data.items.map((l) => (
            <li key={l.id} className="tracking-links__item" data-testid="tracking-link">
              <span className={`req-chip tracking-links__state--${l.state}`} data-testid="tracking-link-state">
                {t(`webform.links.state.${l.state}`)}
              </span>
              <span className="tracking-links__what">
                {l.email} · {t('webform.links.created', { at: formatDateTime(l.created_at, i18n.language), by: l.created_by?.name ?? t('webform.links.form') })}
                {l.state === 'revoked' && l.revoked_at !== null
                  ? ` · ${t('webform.links.revokedBy', { at: formatDateTime(l.revoked_at, i18n.language), by: l.revoked_by?.name ?? '' })}`
                  : ` · ${t('webform.links.expires', { at: formatDateTime(l.expires_at, i18n.language) })}`}
              </span>
              {l.state === 'active' && (
                <button type="button" className="btn btn--small" disabled={revoke.isPending} data-testid="tracking-revoke" onClick={() => revoke.mutate(l.id)}>
                  {t('webform.links.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
