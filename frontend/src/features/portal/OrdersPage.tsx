// /orders: the customer's and consultant's home. Their orders (a consultant's also their downline's,
// with whose each is), newest first with "load more"; on each, the tickets about it with their live
// status, and a "Create ticket" button that opens the new-ticket form with the order filled in.
import { lazy, Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/endpoints';
import { portalApi } from '../../api/issue7-portal';
import type { PortalOrder } from '../../api/issue7-portal';
import { useLive } from '../../live/useLive';
import { useCan } from '../auth/can';
import { useSession } from '../auth/session';
import { labelOf, useStatuses } from '../board/catalog';
import { useLiveStatus } from '../layout/liveStatus';
import { emptyDraft, IdempotencyKeys } from '../newTicket/form';
import type { Draft } from '../newTicket/form';
import { formatMoney, OrdersStore } from './orders';

const NewTicketDialog = lazy(() => import('../newTicket/NewTicketDialog'));
const topics = ['board'];

export default function OrdersPage() {
  const { t, i18n } = useTranslation();
  const { data: user } = useSession();
  const mayCreate = useCan('ticket.create');
  const statuses = useStatuses();
  const { setState: setLiveState } = useLiveStatus();
  const [store] = useState(
    () =>
      new OrdersStore({
        liveSeq: () => api.liveSeq(),
        orders: (c) => portalApi.orders(c),
      }),
  );
  const view = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const state = view.state;
  const [creating, setCreating] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [keys, setKeys] = useState(() => new IdempotencyKeys());

  useEffect(() => {
    store.load().catch(() => undefined); // the store keeps the error to show
  }, [store]);
  useLive({
    key: store,
    after: view.seq,
    topics,
    onChange: (msg) => store.apply(msg),
    onReload: () => store.load(false),
    onState: setLiveState,
  });
  useEffect(() => {
    setLiveState('connecting');
    return () => setLiveState(null);
  }, [setLiveState]);

  const openCreate = (number: string) => {
    setDraft({ ...emptyDraft, order: number });
    setKeys(new IdempotencyKeys());
    setCreating(number);
  };

  const statusById = new Map((statuses.data ?? []).map((s) => [s.id, s]));
  const lang = i18n.language;
  const dateFmt = new Intl.DateTimeFormat(lang === 'en' ? 'en-US' : 'es-CO', {
    dateStyle: 'medium',
  });
  const network = user?.role === 'consultant';

  const error = view.error;
  if (error !== null && view.seq === null) {
    return (
      <main className="portal">
        <p className="page-status" role="alert">
          {error}
        </p>
      </main>
    );
  }
  if (view.seq === null) return <p className="page-status">{t('common.loading')}</p>;
  return (
    <main className="portal" data-testid="portal-orders">
      <h1 className="portal__title">{network ? t('portal.orders.titleNetwork') : t('portal.orders.title')}</h1>
      {state.orders.length === 0 && <p className="portal__empty">{t('portal.orders.empty')}</p>}
      <ul className="portal__list">
        {state.orders.map((o) => (
          <OrderItem
            key={o.number}
            order={o}
            showPerson={network}
            date={dateFmt.format(new Date(o.created_at))}
            total={formatMoney(o.total, lang)}
            statusOf={(id) => {
              const s = statusById.get(id);
              return s ? { label: labelOf(s, lang), color: s.color } : { label: '…', color: '#6b7280' };
            }}
            onCreate={mayCreate ? () => openCreate(o.number) : null}
          />
        ))}
      </ul>
      {error !== null && (
        <p className="login__error" role="alert">
          {error}
        </p>
      )}
      {state.nextCursor !== '' && (
        <button
          type="button"
          className="btn portal__more"
          data-testid="portal-more"
          onClick={() => void store.more()}
          disabled={view.loadingMore}
        >
          {view.loadingMore ? t('common.loading') : t('portal.orders.more')}
        </button>
      )}
      {creating !== null && (
        <Suspense fallback={null}>
          <NewTicketDialog
            draft={draft}
            setDraft={setDraft}
            keys={keys}
            staff={false}
            stay
            onClose={() => setCreating(null)}
            onCreated={() => {
              setDraft({ ...emptyDraft, order: creating });
              setKeys(new IdempotencyKeys());
            }}
          />
        </Suspense>
      )}
    </main>
  );
}

interface OrderItemProps {
  order: PortalOrder;
  showPerson: boolean;
  date: string;
  total: string;
  statusOf: (id: number) => { label: string; color: string };
  onCreate: (() => void) | null;
}

function OrderItem({ order, showPerson, date, total, statusOf, onCreate }: OrderItemProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(true);
  const bodyId = `portal-order-${order.number}`;
  return (
    <li className="portal-order" data-testid={`order-${order.number}`}>
      <div className="portal-order__head">
        <button
          type="button"
          className="portal-order__toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen((v) => !v)}
        >
          <span className="portal-order__number">{t('portal.orders.number', { number: order.number })}</span>
          <span className="portal-order__date">{date}</span>
        </button>
        <span className={`portal-order__status portal-order__status--${order.status}`}>{t(`portal.orderStatus.${order.status}`)}</span>
        <span className="portal-order__total">{total}</span>
        {showPerson && <span className="portal-order__person">{order.person.name}</span>}
      </div>
      {open && (
        <div className="portal-order__body" id={bodyId}>
          {order.tickets.length === 0 ? (
            <p className="portal-order__none">{t('portal.orders.noTickets')}</p>
          ) : (
            <ul className="portal-order__tickets">
              {order.tickets.map((c) => {
                const s = statusOf(c.status_id);
                return (
                  <li key={c.id} className="portal-ticket" data-testid={`portal-ticket-${c.id}`} data-status={c.status_id}>
                    <Link to={`/tickets/${c.id}`} className="portal-ticket__link">
                      <span className="portal-ticket__number">#{c.number}</span> {c.subject}
                    </Link>
                    <span
                      className="portal-ticket__status"
                      style={{ borderColor: s.color, color: s.color }}
                      data-testid="portal-ticket-status"
                    >
                      {s.label}
                    </span>
                  </li>
                );
              })}
            </ul>
          )}
          {onCreate && (
            <button
              type="button"
              className="btn btn--primary portal-order__create"
              data-testid={`order-create-${order.number}`}
              onClick={onCreate}
            >
              {t('portal.orders.create')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}
