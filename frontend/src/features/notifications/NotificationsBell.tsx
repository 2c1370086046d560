// The header's notifications bell: the unread count (live), and a panel listing the newest
// notifications, each linking its ticket; mark one read, or all.
import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime } from '../tickets/format';
import { notifications } from './notifications';
import { notificationTitle } from './notificationsStore';

export function NotificationsBell() {
  const { t, i18n } = useTranslation();
  const snap = useSyncExternalStore(notifications.subscribe, notifications.getSnapshot);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    void notifications.load();
  }, []);
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <div
      className="bell"
      ref={wrap}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          close();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        className="btn btn--ghost bell__button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t('notifications.label', { count: snap.unread })}
        data-testid="bell"
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">🔔</span>
        {snap.unread > 0 && (
          <span className="bell__count" data-testid="bell-count" aria-hidden="true">
            {snap.unread > 99 ? '99+' : snap.unread}
          </span>
        )}
      </button>
      <span className="visually-hidden" role="status">
        {snap.unread > 0 ? t('notifications.label', { count: snap.unread }) : ''}
      </span>
      {open && (
        <div className="bell__panel" id={panelId} role="region" aria-label={t('notifications.title')} data-testid="bell-panel">
          <div className="bell__head">
            <h2 className="bell__title">{t('notifications.title')}</h2>
            <button type="button" className="btn btn--small" data-testid="bell-read-all" disabled={snap.unread === 0} onClick={() => void notifications.markAll()}>
              {t('notifications.readAll')}
            </button>
          </div>
          {snap.error !== null && (
            <p className="field__error" role="alert">
              {snap.error}
            </p>
          )}
          {snap.items.length === 0 && !snap.loading ? (
            <p className="bell__empty">{t('notifications.empty')}</p>
          ) : (
            <ul className="bell__list">
              {snap.items.map((n) => (
                <li key={n.id} className={`bell__item${n.read_at === null ? ' bell__item--unread' : ''}`} data-testid={`notification-${n.id}`}>
                  {n.ticket_id !== null ? (
                    <Link
                      to={`/tickets/${n.ticket_id}`}
                      className="bell__link"
                      onClick={() => {
                        void notifications.markRead([n.id]);
                        setOpen(false);
                      }}
                    >
                      {notificationTitle(n, i18n.language)}
                    </Link>
                  ) : (
                    <span className="bell__link">{notificationTitle(n, i18n.language)}</span>
                  )}
                  <time className="bell__time" dateTime={n.created_at}>
                    {formatDateTime(n.created_at, i18n.language)}
                  </time>
                  {n.read_at === null && (
                    <button type="button" className="btn btn--ghost btn--small" data-testid={`notification-read-${n.id}`} onClick={() => void notifications.markRead([n.id])}>
                      {t('notifications.markRead')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {snap.more && (
            <button type="button" className="btn btn--small bell__more" disabled={snap.loading} onClick={() => void notifications.loadMore()}>
              {snap.loading ? t('common.loading') : t('notifications.more')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
