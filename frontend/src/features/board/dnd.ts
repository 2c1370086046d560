// Drag-and-drop helpers: sensors' tuning, collision detection across columns, the view of the
// columns while a card is dragged over another one, and the screen-reader texts.
import { closestCenter, getFirstCollision, PointerSensor, pointerWithin, rectIntersection } from '@dnd-kit/core';
import type { Announcements, CollisionDetection, PointerSensorOptions, ScreenReaderInstructions, UniqueIdentifier } from '@dnd-kit/core';
import type { PointerEvent as ReactPointerEvent } from 'react';
import type { TFunction } from 'i18next';
import type { Card } from '../../api/types';
import type { ColumnState } from './boardState';

/** MousePointerSensor is the PointerSensor for mouse and pen only: touch goes to the TouchSensor. */
export class MousePointerSensor extends PointerSensor {
  static override activators = [
    {
      eventName: 'onPointerDown' as const,
      handler: ({ nativeEvent: e }: ReactPointerEvent, options: PointerSensorOptions) => {
        if (e.pointerType === 'touch' || !e.isPrimary || e.button !== 0) return false;
        options.onActivation?.({ event: e });
        return true;
      },
    },
  ];
}

/** DragState is where the dragged card is shown while it is over another column. */
export interface DragState {
  id: number;
  to: number;
  index: number;
}

/** locateIn finds a card in columns: its column's status and its index. */
export function locateIn(columns: readonly ColumnState[], id: number): { statusId: number; index: number; card: Card } | null {
  for (const col of columns) {
    const index = col.cards.findIndex((c) => c.id === id);
    if (index >= 0) return { statusId: col.statusId, index, card: col.cards[index]! };
  }
  return null;
}

/** withDrag shows the dragged card in the column it is over (before it is dropped). */
export function withDrag(columns: readonly ColumnState[], drag: DragState | null): readonly ColumnState[] {
  if (drag === null) return columns;
  const at = locateIn(columns, drag.id);
  if (at === null || at.statusId === drag.to) return columns;
  return columns.map((c) => {
    if (c.statusId === at.statusId) return { ...c, cards: c.cards.filter((x) => x.id !== drag.id) };
    if (c.statusId === drag.to) {
      const cards = [...c.cards];
      cards.splice(Math.max(0, Math.min(drag.index, cards.length)), 0, at.card);
      return { ...c, cards };
    }
    return c;
  });
}

/** statusOfDroppable gives the column status of a droppable id (a card id or `col:<id>`). */
export function statusOfDroppable(columns: readonly ColumnState[], id: UniqueIdentifier): number | null {
  if (typeof id === 'string') {
    const m = /^col:(\d+)$/.exec(id);
    return m ? Number(m[1]) : null;
  }
  return locateIn(columns, id)?.statusId ?? null;
}

/**
 * collisionFor finds what the dragged card is over: the pointer's target, else the largest overlap;
 * over a column with cards, the card nearest to the centre inside it.
 */
export function collisionFor(columns: readonly ColumnState[]): CollisionDetection {
  return (args) => {
    const pointer = pointerWithin(args);
    const hits = pointer.length > 0 ? pointer : rectIntersection(args);
    const overId = getFirstCollision(hits, 'id');
    if (overId === null) return closestCenter(args);
    if (typeof overId === 'string') {
      const statusId = statusOfDroppable(columns, overId);
      const col = columns.find((c) => c.statusId === statusId);
      if (col && col.cards.length > 0) {
        const inside = new Set<UniqueIdentifier>(col.cards.map((c) => c.id));
        const near = closestCenter({ ...args, droppableContainers: args.droppableContainers.filter((d) => inside.has(d.id)) });
        if (near.length > 0) return near;
      }
    }
    return hits;
  };
}

/** screenReaderInstructions tells how to move a card with the keyboard. */
export function instructions(t: TFunction): ScreenReaderInstructions {
  return { draggable: t('dnd.instructions') };
}

/** announcements say where a card is while it moves, for screen readers. */
export function announcements(
  t: TFunction,
  columns: readonly ColumnState[],
  columnName: (statusId: number) => string,
): Announcements {
  const numberOf = (id: UniqueIdentifier) => (typeof id === 'number' ? (locateIn(columns, id)?.card.number ?? id) : id);
  const place = (id: UniqueIdentifier) => {
    const statusId = statusOfDroppable(columns, id);
    if (statusId === null) return null;
    const col = columns.find((c) => c.statusId === statusId);
    const at = typeof id === 'number' ? locateIn(columns, id) : null;
    return { column: columnName(statusId), position: at ? at.index + 1 : (col?.cards.length ?? 0), total: col?.cards.length ?? 0 };
  };
  return {
    onDragStart: ({ active }) => t('dnd.pickedUp', { number: numberOf(active.id) }),
    onDragOver: ({ active, over }) => {
      const p = over ? place(over.id) : null;
      return p ? t('dnd.over', { number: numberOf(active.id), ...p }) : t('dnd.notOver', { number: numberOf(active.id) });
    },
    onDragEnd: ({ active, over }) => {
      const p = over ? place(over.id) : null;
      return p ? t('dnd.dropped', { number: numberOf(active.id), ...p }) : t('dnd.droppedNowhere', { number: numberOf(active.id) });
    },
    onDragCancel: ({ active }) => t('dnd.cancelled', { number: numberOf(active.id) }),
  };
}
