// The records table of one view: rows, sortable headers, "load more" (and infinite scroll), the total,
// and live updates (rows in place; a banner for what would add or reorder rows).
import { useQueryClient } from '@tanstack/react-query';
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { CSSProperties, KeyboardEvent, MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { Card, Catalogs, Status } from '../../api/types';
import type { LiveChange } from '../../live/client';
import { useLive } from '../../live/useLive';
import { ApplyMacroDialog } from '../automation/ApplyMacroDialog';
import { pageSelection, selectPage, toggleSelected } from '../automation/macroResults';
import { useCan } from '../auth/can';
import { SlaBadge } from '../sla/SlaBadge';
import { invalidateCatalogs } from '../catalog/useCatalogs';
import type { Labelled } from '../catalog/useCatalogs';
import { useLiveStatus } from '../layout/liveStatus';
import { ariaSort, nextSort } from './filters';
import type { SortColumn, TicketFilters } from './filters';
import { formatDateTime, formatRelative, groupDigits } from './format';
import { keepStore, obtainStore } from './ticketsStore';

const topics = ['board'];

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

interface Maps {
  statuses: Map<number, Status>;
  priorities: Map<number, Catalogs['priorities'][number]>;
  categories: Map<number, Catalogs['categories'][number]>;
  channels: Map<number, Catalogs['channels'][number]>;
  queues: Map<number, Catalogs['queues'][number]>;
}

interface Props {
  searchKey: string;
  filters: TicketFilters;
  meId: number | null;
  /** session tells sessions apart (when the session was last read): a new one never shows kept rows. */
  session: number;
  maps: Maps;
  label: (e: Labelled | null | undefined) => string;
  onSort: (sort: TicketFilters['sort']) => void;
  /** onRequesterName reports the requester filter's name, read from the rows. */
  onRequesterName: (name: string | null) => void;
}

/** TimeCell shows a time relative to now, the exact time on hover. */
function TimeCell({ iso, now, lang }: { iso: string; now: number; lang: string }) {
  const exact = formatDateTime(iso, lang);
  return (
    <time dateTime={iso} title={exact}>
      {formatRelative(iso, now, lang)}
    </time>
  );
}

interface RowProps {
  card: Card;
  maps: Maps;
  label: (e: Labelled | null | undefined) => string;
  now: number;
  lang: string;
  unassigned: string;
  /** selectable: the row has a checkbox (for "Apply macro"); selected: it is checked. */
  selectable: boolean;
  selected: boolean;
  onToggle: (id: number) => void;
  selectLabel: string;
}

const Row = memo(function Row({ card, maps, label, now, lang, unassigned, selectable, selected, onToggle, selectLabel }: RowProps) {
  const navigate = useNavigate();
  const href = `/tickets/${card.id}`;
  const status = maps.statuses.get(card.status_id);
  const priority = maps.priorities.get(card.priority_id);
  const category = card.category_id === null ? null : maps.categories.get(card.category_id);
  const subcategory = card.subcategory_id === null ? null : maps.categories.get(card.subcategory_id);
  const type = [label(category), label(subcategory)].filter((s) => s !== '').join(' / ');
  const onClick = (e: MouseEvent<HTMLTableRowElement>) => {
    if ((e.target as HTMLElement).closest('a, button, input, label')) return; // a link inside does its own thing
    if (window.getSelection()?.toString()) return; // the user is selecting text to copy
    if (e.ctrlKey || e.metaKey || e.shiftKey) {
      window.open(href, '_blank', 'noopener');
      return;
    }
    void navigate(href);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      void navigate(href);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
      if (next instanceof HTMLElement) next.focus();
    }
  };
  return (
    <tr className="tickets-row" data-testid={`ticket-row-${card.number}`} tabIndex={0} onClick={onClick} onKeyDown={onKeyDown}>
      {selectable && (
        <td className="tickets-cell tickets-cell--select">
          <input type="checkbox" aria-label={selectLabel} data-testid={`ticket-select-${card.number}`} checked={selected} onChange={() => onToggle(card.id)} />
        </td>
      )}
      <td className="tickets-cell tickets-cell--number">
        <Link to={href} tabIndex={-1}>
          #{card.number}
        </Link>
      </td>
      <td className="tickets-cell tickets-cell--subject">
        <Link to={href} tabIndex={-1} className="tickets-subject">
          {card.subject}
        </Link>
      </td>
      <td className="tickets-cell tickets-cell--type">{type || '—'}</td>
      <td className="tickets-cell tickets-cell--status">
        {status ? (
          <span className="status-badge" style={{ '--badge': status.color } as CSSProperties}>
            {label(status)}
          </span>
        ) : (
          '—'
        )}
      </td>
      <td className="tickets-cell tickets-cell--priority">
        {priority ? (
          <span className="chip" style={{ '--chip': priority.color } as CSSProperties}>
            {label(priority)}
          </span>
        ) : (
          '—'
        )}
      </td>
      {/* SLA (issue 6): the clock's countdown. */}
      <td className="tickets-cell tickets-cell--sla">
        <SlaBadge sla={card.sla} />
      </td>
      <td className="tickets-cell tickets-cell--queue">{card.queue_id === null ? '—' : label(maps.queues.get(card.queue_id)) || '—'}</td>
      <td className={`tickets-cell tickets-cell--assignee${card.assignee ? '' : ' tickets-cell--muted'}`}>{card.assignee?.name ?? unassigned}</td>
      <td className="tickets-cell tickets-cell--requester">{card.requester?.name ?? '—'}</td>
      <td className="tickets-cell tickets-cell--channel">{card.channel_id === null ? '—' : label(maps.channels.get(card.channel_id)) || '—'}</td>
      <td className="tickets-cell tickets-cell--created">
        <TimeCell iso={card.created_at} now={now} lang={lang} />
      </td>
      <td className="tickets-cell tickets-cell--updated">
        <TimeCell iso={card.updated_at} now={now} lang={lang} />
      </td>
    </tr>
  );
});

function SortHeader({ column, sort, onSort, children }: { column: SortColumn; sort: TicketFilters['sort']; onSort: Props['onSort']; children: string }) {
  const { t } = useTranslation();
  const dir = ariaSort(sort, column);
  return (
    <th scope="col" aria-sort={dir} className={`tickets-th tickets-th--${column}`}>
      <button type="button" className="tickets-sort" data-testid={`sort-${column}`} onClick={() => onSort(nextSort(sort, column))} title={t('tickets.table.sortBy', { column: children })}>
        {children}
        <span aria-hidden="true" className="tickets-sort__arrow">
          {dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}

export function TicketsList({ searchKey, filters, meId, session, maps, label, onSort, onRequesterName }: Props) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const { setState: setLiveState } = useLiveStatus();
  const [{ store }] = useState(() => obtainStore(searchKey, filters, meId, session));
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const scrollRef = useRef<HTMLDivElement>(null);
  const sentinelRef = useRef<HTMLDivElement>(null);
  // The selection for "Apply macro" (issue 5, FQ).
  const selectable = useCan('canned.use');
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set());
  const [applying, setApplying] = useState(false);
  const onToggle = useCallback((id: number) => setSelected((s) => toggleSelected(s, id)), []);
  const now = useNow(60_000);
  const lang = i18n.language;

  useEffect(() => {
    if (store.getSnapshot().list === null) store.load().catch(() => undefined);
    return () => {
      keepStore(store);
      store.dispose();
    };
  }, [store]);

  // Back from a ticket: the same rows, where the user left them.
  useLayoutEffect(() => {
    if (scrollRef.current && store.scrollTop > 0) scrollRef.current.scrollTop = store.scrollTop;
  }, [store]);

  const onChange = (msg: LiveChange) => {
    if (msg.type === 'event' && msg.name === 'catalog.changed') void invalidateCatalogs(qc);
    store.applyLive(msg);
  };
  useLive({ key: store, after: snap.list?.seq ?? null, topics, onChange, onReload: () => store.load(), onState: setLiveState });
  useEffect(() => {
    setLiveState('connecting');
    return () => setLiveState(null);
  }, [setLiveState]);

  const rows = snap.list?.rows;
  const requesterName = filters.requester === null ? null : (rows?.find((r) => r.requester?.id === filters.requester)?.requester?.name ?? null);
  useEffect(() => {
    if (requesterName !== null) onRequesterName(requesterName);
  }, [requesterName, onRequesterName]);

  // Infinite scroll: the next page when the end of the table comes near.
  const canMore = snap.list?.nextCursor != null && !snap.loadingMore && snap.moreError === null;
  useEffect(() => {
    const el = sentinelRef.current;
    if (!canMore || el === null || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void store.loadMore();
      },
      { root: scrollRef.current, rootMargin: '400px 0px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [canMore, store]);

  if (snap.phase === 'loading' && snap.list === null) return <p className="page-status">{t('tickets.loading')}</p>;
  if (snap.phase === 'error' || snap.list === null) {
    return (
      <div className="page-status" role="alert">
        <p>{snap.error}</p>
        <button type="button" className="btn" onClick={() => void store.load().catch(() => undefined)}>
          {t('common.retry')}
        </button>
      </div>
    );
  }

  const list = snap.list;
  const total = list.total.capped ? t('tickets.totalCapped', { n: groupDigits(list.total.count) }) : t('tickets.total', { count: list.total.count, n: groupDigits(list.total.count) });
  const changed = list.changed.size;
  const unassigned = t('ticket.unassigned');
  const pageIds = list.rows.map((r) => r.id);
  const pageSel = pageSelection(selected, pageIds);
  const chosen = pageIds.filter((id) => selected.has(id));

  return (
    <div className="tickets-list">
      <p className="tickets-total" data-testid="tickets-total" aria-live="polite">
        {total}
      </p>
      {changed > 0 && (
        <div className="tickets-banner" role="status">
          <button type="button" className="tickets-banner__button" data-testid="tickets-refresh" disabled={snap.refreshing} onClick={() => void store.load().catch(() => undefined)}>
            {t('tickets.banner', { count: changed })}
          </button>
        </div>
      )}
      {selectable && chosen.length > 0 && (
        <div className="tickets-toolbar" role="toolbar" aria-label={t('automation.macros.selection')} data-testid="tickets-toolbar">
          <span>{t('automation.macros.selected', { count: chosen.length })}</span>
          <button type="button" className="btn btn--primary btn--small" data-testid="tickets-apply-macro" onClick={() => setApplying(true)}>
            {t('automation.macros.apply')}
          </button>
          <button type="button" className="btn btn--ghost btn--small" onClick={() => setSelected(new Set())}>
            {t('automation.macros.clear')}
          </button>
        </div>
      )}
      {applying && (
        <ApplyMacroDialog
          ticketIds={chosen}
          numbers={new Map(list.rows.map((r) => [r.id, r.number]))}
          onClose={() => setApplying(false)}
        />
      )}
      <div
        className="tickets-scroll"
        ref={scrollRef}
        aria-busy={snap.refreshing}
        onScroll={(e) => store.rememberScroll(e.currentTarget.scrollTop)}
      >
        {list.rows.length === 0 ? (
          <p className="page-status">{t('tickets.empty')}</p>
        ) : (
          <table className="tickets-table" data-testid="tickets-table">
            <caption className="visually-hidden">{t('tickets.table.caption')}</caption>
            <thead>
              <tr>
                {selectable && (
                  <th scope="col" className="tickets-th tickets-th--select">
                    <input
                      type="checkbox"
                      aria-label={t('automation.macros.selectPage')}
                      data-testid="ticket-select-page"
                      checked={pageSel === 'all'}
                      ref={(el) => {
                        if (el) el.indeterminate = pageSel === 'some';
                      }}
                      onChange={() => setSelected((s) => selectPage(s, pageIds))}
                    />
                  </th>
                )}
                <SortHeader column="number" sort={filters.sort} onSort={onSort}>
                  {t('tickets.table.number')}
                </SortHeader>
                <th scope="col" className="tickets-th">
                  {t('ticket.fields.subject')}
                </th>
                <th scope="col" className="tickets-th tickets-th--type">
                  {t('tickets.table.type')}
                </th>
                <th scope="col" className="tickets-th">
                  {t('ticket.fields.status_id')}
                </th>
                <th scope="col" className="tickets-th">
                  {t('ticket.fields.priority_id')}
                </th>
                {/* SLA (issue 6): display only; the list API has no SLA sort. */}
                <th scope="col" className="tickets-th tickets-th--sla">
                  {t('sla.column')}
                </th>
                <th scope="col" className="tickets-th tickets-th--queue">
                  {t('ticket.fields.queue_id')}
                </th>
                <th scope="col" className="tickets-th tickets-th--assignee">
                  {t('ticket.fields.assignee_id')}
                </th>
                <th scope="col" className="tickets-th tickets-th--requester">
                  {t('ticket.fields.requester_id')}
                </th>
                <th scope="col" className="tickets-th tickets-th--channel">
                  {t('ticket.fields.channel_id')}
                </th>
                <SortHeader column="created" sort={filters.sort} onSort={onSort}>
                  {t('tickets.table.created')}
                </SortHeader>
                <SortHeader column="updated" sort={filters.sort} onSort={onSort}>
                  {t('tickets.table.updated')}
                </SortHeader>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((c) => (
                <Row
                  key={c.id}
                  card={c}
                  maps={maps}
                  label={label}
                  now={now}
                  lang={lang}
                  unassigned={unassigned}
                  selectable={selectable}
                  selected={selected.has(c.id)}
                  onToggle={onToggle}
                  selectLabel={t('automation.macros.selectRow', { number: c.number })}
                />
              ))}
            </tbody>
          </table>
        )}
        <div ref={sentinelRef} className="tickets-more">
          {list.nextCursor !== null && (
            <button type="button" className="btn" data-testid="load-more" disabled={snap.loadingMore} onClick={() => void store.loadMore()}>
              {snap.loadingMore ? t('common.loading') : t('tickets.loadMore')}
            </button>
          )}
          {snap.moreError !== null && (
            <p className="tickets-more__error" role="alert">
              {snap.moreError}
            </p>
          )}
        </div>
      </div>
    </div>
  );
}
