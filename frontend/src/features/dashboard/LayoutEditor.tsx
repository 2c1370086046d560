// Edit mode of the dashboard: show or hide each allowed widget, put them in order (drag the handle,
// or focus it and use Space + arrow keys, or the up/down buttons) and choose a size.
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors } from '@dnd-kit/core';
import type { DragEndEvent } from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { widgetSizes } from '../../api/issue7-dashboard';
import type { LayoutItem, WidgetKey, WidgetSize } from '../../api/issue7-dashboard';
import { moveWidget, resizeWidget, toggleWidget } from './layout';

interface Props {
  allowed: readonly WidgetKey[];
  draft: readonly LayoutItem[];
  onDraft: (items: LayoutItem[]) => void;
}

interface RowProps {
  item: LayoutItem;
  index: number;
  count: number;
  onMove: (from: number, to: number) => void;
  onToggle: () => void;
  onSize: (s: WidgetSize) => void;
}

function ShownRow({ item, index, count, onMove, onToggle, onSize }: RowProps) {
  const { t } = useTranslation();
  const title = t(`dashboard.widgets.${item.key}`);
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: item.key,
    attributes: { roleDescription: t('dashboard.layout.sortable') },
  });
  const style: CSSProperties = { transform: CSS.Translate.toString(transform), transition };
  return (
    <li ref={setNodeRef} style={style} className={`dash-edit__row${isDragging ? ' dash-edit__row--dragging' : ''}`} data-testid={`layout-row-${item.key}`}>
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="dash-edit__handle"
        aria-label={t('dashboard.layout.move', { name: title })}
        data-testid={`layout-handle-${item.key}`}
        {...attributes}
        {...listeners}
      >
        ⠿
      </button>
      <label className="dash-edit__name">
        <input type="checkbox" checked onChange={onToggle} data-testid={`layout-show-${item.key}`} />
        {title}
      </label>
      <label className="dash-edit__size">
        <span className="visually-hidden">{t('dashboard.layout.sizeOf', { name: title })}</span>
        <select value={item.size} onChange={(e) => onSize(e.target.value as WidgetSize)} data-testid={`layout-size-${item.key}`}>
          {widgetSizes.map((s) => (
            <option key={s} value={s}>
              {t(`dashboard.layout.sizes.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="btn btn--subtle" disabled={index === 0} onClick={() => onMove(index, index - 1)} aria-label={t('dashboard.layout.up', { name: title })}>
        ↑
      </button>
      <button
        type="button"
        className="btn btn--subtle"
        disabled={index === count - 1}
        onClick={() => onMove(index, index + 1)}
        aria-label={t('dashboard.layout.down', { name: title })}
      >
        ↓
      </button>
    </li>
  );
}

export function LayoutEditor({ allowed, draft, onDraft }: Props) {
  const { t } = useTranslation();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const hidden = allowed.filter((k) => !draft.some((i) => i.key === k));
  const name = (id: unknown) => t(`dashboard.widgets.${String(id)}`);
  const position = (id: unknown) => draft.findIndex((i) => i.key === id) + 1;
  const onDragEnd = (e: DragEndEvent) => {
    if (e.over === null) return;
    const from = draft.findIndex((i) => i.key === e.active.id);
    const to = draft.findIndex((i) => i.key === e.over?.id);
    onDraft(moveWidget(draft, from, to));
  };
  return (
    <div className="dash-edit" data-testid="layout-editor">
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragEnd={onDragEnd}
        accessibility={{
          screenReaderInstructions: { draggable: t('dashboard.layout.dragHelp') },
          announcements: {
            onDragStart: ({ active }) => t('dashboard.layout.picked', { name: name(active.id), n: position(active.id) }),
            onDragOver: ({ active, over }) => (over ? t('dashboard.layout.over', { name: name(active.id), n: position(over.id) }) : undefined),
            onDragEnd: ({ active, over }) => (over ? t('dashboard.layout.dropped', { name: name(active.id), n: position(over.id) }) : undefined),
            onDragCancel: ({ active }) => t('dashboard.layout.cancelled', { name: name(active.id) }),
          },
        }}
      >
        <SortableContext items={draft.map((i) => i.key)} strategy={verticalListSortingStrategy}>
          <ol className="dash-edit__list" aria-label={t('dashboard.layout.shown')}>
            {draft.map((item, i) => (
              <ShownRow
                key={item.key}
                item={item}
                index={i}
                count={draft.length}
                onMove={(from, to) => onDraft(moveWidget(draft, from, to))}
                onToggle={() => onDraft(toggleWidget(draft, item.key))}
                onSize={(s) => onDraft(resizeWidget(draft, item.key, s))}
              />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      {hidden.length > 0 && (
        <ul className="dash-edit__list dash-edit__list--hidden" aria-label={t('dashboard.layout.hidden')}>
          {hidden.map((k) => (
            <li key={k} className="dash-edit__row dash-edit__row--off" data-testid={`layout-row-${k}`}>
              <label className="dash-edit__name">
                <input type="checkbox" checked={false} onChange={() => onDraft(toggleWidget(draft, k))} data-testid={`layout-show-${k}`} />
                {t(`dashboard.widgets.${k}`)}
              </label>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
