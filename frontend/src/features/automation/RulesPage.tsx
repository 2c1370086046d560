// /admin/rules: the automation rules in the order they run. Drag a rule by its handle (mouse, touch, or
// the keyboard: Space to lift, arrows to move, Space to drop) to reorder; toggle it on or off; edit or
// delete it. Needs catalog.manage.
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors } from '@dnd-kit/core';
import type { Announcements, DragEndEvent } from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { AutomationRule } from '../../api/issue5';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { RuleDialog, rulesKey } from './RuleDialog';
import { move, ruleBody, ruleDraft } from './ruleForm';

export default function RulesPage() {
  const allowed = useCan('catalog.manage');
  if (!allowed) return <AdminForbidden />;
  return <RulesAdmin />;
}

function RuleItem({ rule, index, onEdit, onToggle, onDelete }: { rule: AutomationRule; index: number; onEdit: () => void; onToggle: () => void; onDelete: () => void }) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: rule.id,
    attributes: { roleDescription: t('automation.rules.sortable') },
  });
  const style: CSSProperties = { transform: CSS.Translate.toString(transform), transition };
  const when = [rule.on_create ? t('automation.onCreate') : null, rule.on_update ? t('automation.onUpdate') : null].filter(Boolean).join(' · ');
  return (
    <li ref={setNodeRef} style={style} className={`rule-item${isDragging ? ' rule-item--dragging' : ''}${rule.active ? '' : ' rule-item--off'}`} data-testid={`rule-${rule.id}`}>
      <button type="button" ref={setActivatorNodeRef} className="rule-item__handle" data-testid={`rule-handle-${rule.id}`} aria-label={t('automation.rules.move', { name: rule.name })} {...attributes} {...listeners}>
        ⠿
      </button>
      <span className="rule-item__pos" aria-hidden="true">
        {index + 1}
      </span>
      <span className="rule-item__name">
        {rule.name}
        <span className="rule-item__when">{when}</span>
      </span>
      <label className="admin-form__check rule-item__toggle">
        <input type="checkbox" data-testid={`rule-toggle-${rule.id}`} checked={rule.active} onChange={onToggle} />
        {t('automation.active')}
      </label>
      <button type="button" className="btn btn--small" data-testid={`rule-edit-${rule.id}`} onClick={onEdit}>
        {t('automation.edit')}
      </button>
      <button type="button" className="btn btn--small btn--danger-text" data-testid={`rule-delete-${rule.id}`} onClick={onDelete}>
        {t('automation.delete')}
      </button>
    </li>
  );
}

function RulesAdmin() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const rules = useQuery({ queryKey: rulesKey, queryFn: ({ signal }) => api.rules(signal) });
  const [editing, setEditing] = useState<AutomationRule | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = useMemo(() => [...(rules.data?.items ?? [])].sort((a, b) => a.position - b.position || a.id - b.id), [rules.data]);
  const [order, setOrder] = useState<number[] | null>(null);
  const shown = order ? order.map((id) => list.find((r) => r.id === id)).filter((r): r is AutomationRule => r !== undefined) : list;
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const nameOf = (id: string | number) => list.find((r) => r.id === Number(id))?.name ?? '';
  const posOf = (id: string | number) => shown.findIndex((r) => r.id === Number(id)) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('automation.rules.picked', { name: nameOf(active.id), pos: posOf(active.id) }),
    onDragOver: ({ active, over }) => (over ? t('automation.rules.over', { name: nameOf(active.id), pos: posOf(over.id) }) : undefined),
    onDragEnd: ({ active, over }) => (over ? t('automation.rules.dropped', { name: nameOf(active.id), pos: posOf(over.id) }) : undefined),
    onDragCancel: ({ active }) => t('automation.rules.cancelled', { name: nameOf(active.id) }),
  };

  const fail = (err: Error) => {
    setError(err.message);
    setOrder(null);
    void qc.invalidateQueries({ queryKey: rulesKey });
  };
  const reorder = useMutation({
    mutationFn: (ids: number[]) => api.reorderRules(ids),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: rulesKey });
      setOrder(null);
    },
    onError: fail,
  });
  const toggle = useMutation({
    mutationFn: (r: AutomationRule) => api.updateRule(r.id, ruleBody({ ...ruleDraft(r), active: !r.active }, r.version)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: rulesKey }),
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: (r: AutomationRule) => api.deleteRule(r.id, r.version),
    onSuccess: () => void qc.invalidateQueries({ queryKey: rulesKey }),
    onError: fail,
  });

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const ids = shown.map((r) => r.id);
    const next = move(ids, ids.indexOf(Number(active.id)), ids.indexOf(Number(over.id)));
    setOrder(next);
    setError(null);
    reorder.mutate(next);
  };

  return (
    <main className="admin">
      <AdminNav />
      <section className="admin__panel" aria-labelledby="rules-title" data-testid="rules-page">
        <div className="admin__head">
          <h2 id="rules-title" className="admin__kind-title">
            {t('automation.rules.title')}
          </h2>
          <button type="button" className="btn btn--primary" data-testid="rule-new" onClick={() => setEditing('new')}>
            {t('automation.rules.new')}
          </button>
        </div>
        <p className="form-field__hint">{t('automation.rules.hint')}</p>
        {error !== null && (
          <p className="form-alert" role="alert" data-testid="rules-error">
            {error}
          </p>
        )}
        {rules.isPending ? (
          <p className="page-status">{t('common.loading')}</p>
        ) : rules.isError ? (
          <p className="page-status" role="alert">
            {rules.error.message}
          </p>
        ) : shown.length === 0 ? (
          <p className="page-status">{t('automation.rules.empty')}</p>
        ) : (
          <DndContext
            sensors={sensors}
            collisionDetection={closestCenter}
            onDragEnd={onDragEnd}
            accessibility={{ announcements, screenReaderInstructions: { draggable: t('automation.rules.dragHelp') } }}
          >
            <SortableContext items={shown.map((r) => r.id)} strategy={verticalListSortingStrategy}>
              <ol className="rule-list" data-testid="rule-list" aria-busy={reorder.isPending}>
                {shown.map((r, i) => (
                  <RuleItem
                    key={r.id}
                    rule={r}
                    index={i}
                    onEdit={() => setEditing(r)}
                    onToggle={() => toggle.mutate(r)}
                    onDelete={() => {
                      if (window.confirm(t('automation.rules.confirmDelete', { name: r.name }))) remove.mutate(r);
                    }}
                  />
                ))}
              </ol>
            </SortableContext>
          </DndContext>
        )}
      </section>
      {editing !== null && <RuleDialog rule={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </main>
  );
}
