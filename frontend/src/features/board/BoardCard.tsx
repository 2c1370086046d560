import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { TFunction } from 'i18next';
import { memo } from 'react';
import type { CSSProperties } from 'react';
import type { Card, Priority } from '../../api/types';
import { SlaBadge } from '../sla/SlaBadge';
import { formatDateTime } from '../tickets/format';
import { formatAge } from './age';
import { labelOf } from './catalog';

// A board shows hundreds of cards at once, so a card does as little as it can: the translation function
// and the language come from its column (one useTranslation per column, not per card: the hook copies
// the i18next instance for each caller), dates go through a cached formatter, and the SLA badge, whose
// hooks read the catalogs and run a timer, is only mounted when the card has a clock.

interface CardViewProps {
  card: Card;
  priority: Priority | undefined;
  now: number;
  t: TFunction;
  lang: string;
}

/** CardBody is what a card shows; used by the sortable card and by the drag overlay. */
export function CardBody({ card, priority, now, t, lang }: CardViewProps) {
  return (
    <>
      <div className="card__top">
        <span className="card__number">#{card.number}</span>
        {/* SLA (issue 6): the clock's countdown, compact. */}
        {card.sla && <SlaBadge sla={card.sla} compact />}
        {/* The exact date is the tooltip, written when the pointer or focus first reaches it: formatting it
            for every card would put the date formatter's setup in the board's first render. */}
        <time
          className="card__age"
          dateTime={card.created_at}
          onPointerEnter={(e) => (e.currentTarget.title ||= formatDateTime(card.created_at, lang))}
        >
          {formatAge(card.created_at, now, t)}
        </time>
      </div>
      <p className="card__subject">{card.subject}</p>
      <div className="card__meta">
        {priority && (
          <span className="chip" style={{ '--chip': priority.color } as CSSProperties}>
            {labelOf(priority, lang)}
          </span>
        )}
        <span className={card.assignee ? 'card__assignee' : 'card__assignee card__assignee--none'}>
          {card.assignee ? card.assignee.name : t('card.unassigned')}
        </span>
      </div>
    </>
  );
}

interface SortableCardProps extends CardViewProps {
  statusKey: string;
  /** roleDescription: what screen readers call a card you can pick up (dnd.roleDescription). */
  roleDescription: string;
  /** dropDisabled: the card's column refuses the card being dragged, so it is no drop target. */
  dropDisabled?: boolean;
}

/** SortableCard is a card on the board; the whole card is the focusable drag handle. Memoised: a live
 * change re-renders the columns, and the cards it did not touch keep their props. */
export const SortableCard = memo(function SortableCard({ card, priority, now, t, lang, statusKey, roleDescription, dropDisabled = false }: SortableCardProps) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: card.id,
    disabled: { draggable: false, droppable: dropDisabled },
    data: { card },
    attributes: { roleDescription },
  });
  const style: CSSProperties = { transform: CSS.Translate.toString(transform), transition };
  return (
    <div
      ref={setNodeRef}
      style={style}
      className={isDragging ? 'card card--placeholder' : 'card'}
      data-testid={`card-${card.number}`}
      data-status={statusKey}
      data-id={card.id}
      {...attributes}
      {...listeners}
    >
      <CardBody card={card} priority={priority} now={now} t={t} lang={lang} />
    </div>
  );
});
