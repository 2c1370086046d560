import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useCallback, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Priority, Status } from '../../api/types';
import type { ColumnState } from './boardState';
import { SortableCard } from './BoardCard';
import { labelOf } from './catalog';
import { useWindowedRows } from './useWindowedRows';

/** cardPitch is a card's height plus the space below it, in px (see .card in styles.css). */
export const cardPitch = 108;
/** virtualiseAbove: columns with more loaded cards than this render only the visible ones (and a few
 * either side): a first page of 50 cards in each of five columns would otherwise put 250 sortable cards
 * in the page before the board can be used, where a screen shows a fifth of them. */
export const virtualiseAbove = 20;

export function columnDropId(statusId: number): string {
  return `col:${statusId}`;
}

interface Props {
  column: ColumnState;
  status: Status;
  priorities: ReadonlyMap<number, Priority>;
  now: number;
  loadingMore: boolean;
  /** canMove: cards may be dragged (ticket.move). */
  canMove: boolean;
  onLoadMore: (statusId: number) => void;
  /** accept: during a drag, whether this column takes the card (issue 5 workflows), with its words. */
  accept?: { kind: 'same' | 'allowed' | 'input' | 'refused' | 'unknown'; text: string | null } | undefined;
}

export function BoardColumn({ column, status, priorities, now, loadingMore, canMove, onLoadMore, accept }: Props) {
  const { t, i18n } = useTranslation();
  // A column the dragged card may not enter is no drop target at all, so the keyboard's arrows go past
  // it to the next column that takes the card.
  const refused = accept?.kind === 'refused';
  const { setNodeRef, isOver } = useDroppable({ id: columnDropId(column.statusId), data: { statusId: column.statusId }, disabled: refused });
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const setRefs = useCallback(
    (el: HTMLDivElement | null) => {
      scrollRef.current = el;
      setNodeRef(el);
    },
    [setNodeRef],
  );
  const virtual = column.cards.length > virtualiseAbove;
  const win = useWindowedRows(scrollRef, column.cards.length, cardPitch, virtual);
  const name = labelOf(status, i18n.language);
  const wip = status.wip_limit;
  const countClass =
    wip === null ? 'column__count' : column.count > wip ? 'column__count column__count--over' : column.count === wip ? 'column__count column__count--full' : 'column__count';
  const headingId = `column-title-${column.statusId}`;
  const ids = column.cards.map((c) => c.id);
  const shown = column.cards.slice(win.start, win.end);
  const acceptId = `column-accept-${column.statusId}`;
  const roleDescription = t('dnd.roleDescription');
  const classes = ['column', isOver && accept?.kind !== 'refused' ? 'column--over' : '', accept ? `column--${accept.kind}` : ''].filter(Boolean).join(' ');

  return (
    <section
      className={classes}
      data-testid={`column-${status.key}`}
      data-accept={accept?.kind}
      aria-labelledby={headingId}
      aria-describedby={accept?.text ? acceptId : undefined}
      title={accept?.text ?? undefined}
    >
      {accept?.text && (
        <span id={acceptId} className="visually-hidden" data-testid={`column-reason-${status.key}`}>
          {accept.text}
        </span>
      )}
      <header className="column__head">
        <span className="column__dot" style={{ background: status.color }} aria-hidden="true" />
        <h3 className="column__name" id={headingId}>
          {name}
        </h3>
        <span
          className={countClass}
          data-testid={`column-count-${status.key}`}
          title={wip === null ? t('column.count', { count: column.count }) : t('column.countWip', { count: column.count, limit: wip })}
        >
          {wip === null ? column.count : `${column.count} / ${wip}`}
        </span>
      </header>
      <div className="column__list" ref={setRefs}>
        <SortableContext id={columnDropId(column.statusId)} items={ids} strategy={verticalListSortingStrategy} disabled={!canMove}>
          {win.padTop > 0 && <div style={{ height: win.padTop }} aria-hidden="true" />}
          {shown.map((card) => (
            <SortableCard
              key={card.id}
              card={card}
              priority={priorities.get(card.priority_id)}
              now={now}
              t={t}
              lang={i18n.language}
              statusKey={status.key}
              roleDescription={roleDescription}
              dropDisabled={refused}
            />
          ))}
          {win.padBottom > 0 && <div style={{ height: win.padBottom }} aria-hidden="true" />}
        </SortableContext>
        {column.cards.length === 0 && column.nextCursor === null && <p className="column__empty">{t('column.empty')}</p>}
        {column.nextCursor !== null && (
          <button type="button" className="btn btn--subtle column__more" onClick={() => onLoadMore(column.statusId)} disabled={loadingMore}>
            {loadingMore ? t('common.loading') : t('column.loadMore')}
          </button>
        )}
      </div>
    </section>
  );
}
