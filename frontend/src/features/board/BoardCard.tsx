import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { Card, Priority } from '../../api/types';
import { SlaBadge } from '../sla/SlaBadge';
import { formatAge } from './age';
import { labelOf } from './catalog';

interface CardViewProps {
  card: Card;
  priority: Priority | undefined;
  now: number;
}

/** CardBody is what a card shows; used by the sortable card and by the drag overlay. */
export function CardBody({ card, priority, now }: CardViewProps) {
  const { t, i18n } = useTranslation();
  const created = new Date(card.created_at);
  return (
    <>
      <div className="card__top">
        <span className="card__number">#{card.number}</span>
        {/* SLA (issue 6): the clock's countdown, compact. */}
        <SlaBadge sla={card.sla} compact />
        <time className="card__age" dateTime={card.created_at} title={created.toLocaleString(i18n.language)}>
          {formatAge(card.created_at, now, t)}
        </time>
      </div>
      <p className="card__subject">{card.subject}</p>
      <div className="card__meta">
        {priority && (
          <span className="chip" style={{ '--chip': priority.color } as CSSProperties}>
            {labelOf(priority, i18n.language)}
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
  /** dropDisabled: the card's column refuses the card being dragged, so it is no drop target. */
  dropDisabled?: boolean;
}

/** SortableCard is a card on the board; the whole card is the focusable drag handle. */
export function SortableCard({ card, priority, now, statusKey, dropDisabled = false }: SortableCardProps) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: card.id,
    disabled: { draggable: false, droppable: dropDisabled },
    data: { card },
    attributes: { roleDescription: t('dnd.roleDescription') },
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
      <CardBody card={card} priority={priority} now={now} />
    </div>
  );
}
