import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { CSSProperties, KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { PresenceFrame } from '@shared/live.gen';
import type { LiveChange } from '../../live/client';
import { useLive } from '../../live/useLive';
import { TicketMacroButton } from '../automation/TicketMacroButton';
import { useCan } from '../auth/can';
import { invalidateCatalogs } from '../catalog/useCatalogs';
import { useLiveStatus } from '../layout/liveStatus';
import { TransitionButtons } from '../workflows/TransitionButtons';
import { AttachmentsTab } from './AttachmentsTab';
import { Composer } from './Composer';
import { ConflictPanel } from './ConflictPanel';
import { CommentList } from './Conversation';
import { DetailStore } from './detailStore';
import { formatDateTime } from './format';
import { gateOf } from './gating';
import { HistoryTab } from './HistoryTab';
import { LinksTab } from './LinksTab';
import { QueueMenu } from '../queues/QueueMenu';
import { refreshesSla, slaKey, slaRevision } from '../sla/panel';
import { SlaBadge } from '../sla/SlaBadge';
import { SlaPanel } from '../sla/SlaPanel';
import { presenceText } from './presence';
import { Description, TextField, TicketFields } from './TicketFields';
import { lastListHref } from './ticketsStore';
import { useTicketLookups } from './useLookups';
import { TicketWorkPanels } from '../tasks/TicketWorkPanels';
import { TrackingLinksPanel } from '../webform/TrackingLinksPanel';

const heartbeatMs = 10_000;
const idleMs = 3_000;
const tabs = ['conversation', 'history', 'attachments', 'links'] as const;
type Tab = (typeof tabs)[number];

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** TicketDetailPage is the /tickets/:ticketId route. */
export default function TicketDetailPage() {
  const { t } = useTranslation();
  const { ticketId } = useParams();
  const id = ticketId !== undefined && /^[1-9][0-9]{0,17}$/.test(ticketId) ? Number(ticketId) : null;
  if (id === null) {
    return (
      <main className="ticket-page">
        <p className="page-status" role="alert">
          {t('ticket.notFound')}
        </p>
      </main>
    );
  }
  return <TicketView key={id} id={id} />;
}

function TicketView({ id }: { id: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { setState: setLiveState } = useLiveStatus();
  const [store] = useState(() => new DetailStore(id));
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [viewers, setViewers] = useState<PresenceFrame['viewers']>([]);
  const [tab, setTab] = useState<Tab>('conversation');
  const now = useNow(30_000);
  const ticket = snap.ticket;
  const c = snap.conflict;
  const lk = useTicketLookups([
    ticket?.assignee,
    ticket?.requester,
    ticket?.affected,
    c?.current.assignee,
    c?.current.requester,
    c?.current.affected,
    c?.base.assignee,
    c?.base.requester,
    c?.base.affected,
    c?.refs.assignee,
    c?.refs.requester,
    c?.refs.affected,
  ]);
  const meId = lk.me?.id ?? null;

  useEffect(() => {
    store.load().catch(() => undefined);
    return () => store.dispose();
  }, [store]);

  const onChange = (msg: LiveChange) => {
    if (msg.type === 'event' && msg.name === 'catalog.changed') void invalidateCatalogs(qc);
    store.applyLive(msg);
    // SLA (issue 6): the panel follows the ticket's clock and changes.
    if (refreshesSla(msg, id)) void qc.invalidateQueries({ queryKey: slaKey(id) });
  };
  const live = useLive({
    key: store,
    after: snap.seq,
    topics: [`ticket:${id}`],
    onChange,
    onReload: () => store.load(),
    onState: setLiveState,
    onPresence: (f) => {
      if (f.ticket_id === id) setViewers(f.viewers);
    },
  });
  useEffect(() => {
    setLiveState('connecting');
    return () => setLiveState(null);
  }, [setLiveState]);

  // Presence (those who see internal notes): on opening, every 10 s, and when the composer starts or
  // stops being typed in.
  const staff = useCan('ticket.comment_internal');
  const cannedUse = useCan('canned.use');
  const typing = useRef(false);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const presence = live.presence;
  const connected = live.state === 'live';
  useEffect(() => {
    if (!staff || !connected) return;
    presence(id, typing.current);
    const beat = setInterval(() => presence(id, typing.current), heartbeatMs);
    return () => clearInterval(beat);
  }, [staff, connected, id, presence]);
  // A layout effect's cleanup runs before useLive's (passive) one closes the socket: the server hears
  // that the user left.
  useLayoutEffect(
    () => () => {
      if (idle.current !== null) clearTimeout(idle.current);
      presence(null, false);
    },
    [presence],
  );
  const setTyping = useCallback(
    (on: boolean) => {
      if (typing.current === on) return;
      typing.current = on;
      if (staff) presence(id, on);
    },
    [staff, presence, id],
  );
  const onBody = useCallback(
    (body: string) => {
      if (idle.current !== null) clearTimeout(idle.current);
      if (body.trim() === '') {
        setTyping(false);
        return;
      }
      setTyping(true);
      idle.current = setTimeout(() => setTyping(false), idleMs);
    },
    [setTyping],
  );

  const titleNumber = ticket?.number;
  const titleSubject = ticket?.subject;
  useEffect(() => {
    if (titleNumber === undefined) return;
    const before = document.title;
    document.title = `#${titleNumber} ${titleSubject ?? ''} — Atiende`;
    return () => {
      document.title = before;
    };
  }, [titleNumber, titleSubject]);

  const who = useMemo(() => presenceText(viewers, meId, t, lk.lang), [viewers, meId, t, lk.lang]);

  if (snap.phase === 'loading' || (snap.phase !== 'error' && ticket === null)) return <p className="page-status">{t('ticket.loading')}</p>;
  if (snap.phase === 'error' || ticket === null) {
    return (
      <main className="ticket-page">
        <div className="page-status" role="alert">
          <p>{snap.errorStatus === 404 ? t('ticket.notFound') : snap.error}</p>
          {snap.errorStatus !== 404 && (
            <button type="button" className="btn" onClick={() => void store.load().catch(() => undefined)}>
              {t('common.retry')}
            </button>
          )}
          <p>
            <Link to={lastListHref()}>{t('ticket.back')}</Link>
          </p>
        </div>
      </main>
    );
  }

  // Access lost while viewing (a live removal, or a reload that no longer finds it): say so instead
  // of showing what may be stale.
  if (snap.phase === 'gone') {
    return (
      <main className="ticket-page" data-testid="ticket-detail">
        <div className="page-status ticket-gone" role="alert" data-testid="ticket-gone">
          <p>{t('access.gone')}</p>
          <p>
            <Link to={lastListHref()}>{t('ticket.back')}</Link>
          </p>
        </div>
      </main>
    );
  }

  const gate = gateOf(ticket);
  const status = lk.statuses.get(ticket.status_id);
  const priority = lk.priorities.get(ticket.priority_id);
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = tabs.indexOf(tab);
    let next: Tab | undefined;
    if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
    else if (e.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
    else if (e.key === 'Home') next = tabs[0];
    else if (e.key === 'End') next = tabs[tabs.length - 1];
    if (next === undefined) return;
    e.preventDefault();
    setTab(next);
    document.getElementById(`ticket-tab-${next}`)?.focus();
  };
  const tabLabel = (k: Tab) => {
    if (k === 'conversation') return t('ticket.tabs.conversation', { n: snap.comments.length });
    if (k === 'links') return t('ticket.tabs.links', { n: ticket.links.length + ticket.merged_from.length });
    return t(`ticket.tabs.${k}`);
  };

  return (
    <main className="ticket-page" data-testid="ticket-detail">
      <nav className="ticket-crumbs" aria-label={t('ticket.crumbs')}>
        <Link to={lastListHref()}>{t('ticket.back')}</Link>
      </nav>
      {ticket.merged_into !== null && (
        <p className="ticket-banner ticket-banner--merged" data-testid="merged-banner">
          <Link to={`/tickets/${ticket.merged_into.id}`}>{t('ticket.merge.mergedInto', { number: ticket.merged_into.number })}</Link>
        </p>
      )}
      <header className="ticket-head">
        <h1 className="visually-hidden">
          #{ticket.number} {ticket.subject}
        </h1>
        <span className="ticket-head__number" aria-hidden="true">
          #{ticket.number}
        </span>
        <TextField
          name="subject"
          label={t('ticket.fields.subject')}
          apiKeys={['subject']}
          store={store}
          ticket={ticket}
          editable={gate('subject')}
          value={ticket.subject}
          display={ticket.subject}
          maxLength={300}
          className="ticket-head__subject"
          parse={(text) => (text.trim() === '' ? t('ticket.errors.subjectRequired') : { subject: text.trim() })}
        />
        <div className="ticket-head__chips">
          {status && (
            <span className="status-badge" style={{ '--badge': status.color } as CSSProperties}>
              {lk.label(status)}
            </span>
          )}
          {priority && (
            <span className="chip" style={{ '--chip': priority.color } as CSSProperties}>
              {lk.label(priority)}
            </span>
          )}
          {/* SLA (issue 6): the clock the card shows, live. */}
          <SlaBadge sla={ticket.sla} />
        </div>
        <div className="presence" data-testid="presence" aria-live="polite">
          {who.viewing !== null && <p className="presence__line">{who.viewing}</p>}
          {who.typing !== null && <p className="presence__line presence__line--typing">{who.typing}</p>}
        </div>
      </header>
      <TransitionButtons ticket={ticket} onDone={(d) => store.adopt(d)} />
      {c !== null && <ConflictPanel conflict={c} store={store} lookups={lk.lookups} />}
      <div className="ticket-layout">
        <div className="ticket-main">
          <Description store={store} ticket={ticket} editable={gate('description')} />
          <div className="tabs" role="tablist" aria-label={t('ticket.tabs.label')}>
            {tabs.map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                id={`ticket-tab-${k}`}
                data-testid={`tab-${k}`}
                aria-selected={tab === k}
                aria-controls={`ticket-panel-${k}`}
                tabIndex={tab === k ? 0 : -1}
                className="tabs__tab"
                onClick={() => setTab(k)}
                onKeyDown={onTabKey}
              >
                {tabLabel(k)}
              </button>
            ))}
          </div>
          <div className="tabs__panel" role="tabpanel" id={`ticket-panel-${tab}`} aria-labelledby={`ticket-tab-${tab}`}>
            {tab === 'conversation' && (
              <>
                <CommentList comments={snap.comments} now={now} />
                <Composer
                  ticketId={ticket.id}
                  can={ticket.can}
                  cannedUse={cannedUse}
                  canned={lk.catalogs?.canned_responses ?? []}
                  label={lk.label}
                  lang={lk.lang}
                  onSent={(cm) => store.addComments([cm])}
                  onBody={onBody}
                />
              </>
            )}
            {tab === 'history' && <HistoryTab ticketId={ticket.id} revision={`${ticket.version}:${snap.comments.length}:${slaRevision(ticket.sla)}`} lookups={lk.lookups} />}
            {tab === 'attachments' && <AttachmentsTab ticketId={ticket.id} revision={`${ticket.version}:${snap.comments.length}`} lang={lk.lang} />}
            {tab === 'links' && <LinksTab ticket={ticket} store={store} />}
          </div>
          {/* Watchers, tasks and information requests (issue 6). */}
          <TicketWorkPanels ticketId={ticket.id} revision={`${ticket.version}:${snap.comments.length}`} />
          {/* Tracking links of the web form (issue 7). */}
          <TrackingLinksPanel ticketId={ticket.id} revision={`${ticket.version}:${snap.comments.length}`} />
        </div>
        <aside className="ticket-side" aria-label={t('ticket.fieldsLabel')}>
          {/* Queue operations and macros (issue 5, FQ). */}
          <div className="ticket-queue-actions">
            <QueueMenu ticket={ticket} onSaved={(saved) => store.adopt(saved)} />
            <TicketMacroButton ticketId={ticket.id} number={ticket.number} onApplied={() => void store.load().catch(() => undefined)} />
          </div>
          {/* SLA (issue 6): the clocks, their due times and the state limit. */}
          <SlaPanel ticketId={ticket.id} />
          <TicketFields store={store} ticket={ticket} lk={lk} />
          <dl className="ticket-meta">
            <dt>{t('tickets.table.created')}</dt>
            <dd>
              <time dateTime={ticket.created_at}>{formatDateTime(ticket.created_at, lk.lang)}</time>
            </dd>
            <dt>{t('tickets.table.updated')}</dt>
            <dd>
              <time dateTime={ticket.updated_at}>{formatDateTime(ticket.updated_at, lk.lang)}</time>
            </dd>
          </dl>
        </aside>
      </div>
    </main>
  );
}
