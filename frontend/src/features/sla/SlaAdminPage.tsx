// /admin/sla: the SLA policies in the order they are tried (drag a policy by its handle — mouse, touch,
// or the keyboard: Space to lift, arrows to move, Space to drop — to reorder; toggle it on or off; edit
// or delete it), and the business-hours calendars. Needs sla.manage.
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors } from '@dnd-kit/core';
import type { Announcements, DragEndEvent } from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { slaApi } from '../../api/issue6-sla';
import type { SLACalendar, SLAPolicy } from '../../api/issue6-sla';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { move } from '../automation/ruleForm';
import { CalendarDialog } from './CalendarDialog';
import { PolicyDialog } from './PolicyDialog';
import { policyBody, policyDraft } from './policyForm';
import { calendarSummary, policySummary } from './summary';
import { calendarsKey, policiesKey, useCalendars, usePolicies, useSlaChoices } from './useSlaData';

export default function SlaAdminPage() {
  const allowed = useCan('sla.manage');
  if (!allowed) return <AdminForbidden />;
  return <SlaAdmin />;
}

function PolicyItem({ policy, name, summary, index, onEdit, onToggle, onDelete }: { policy: SLAPolicy; name: string; summary: string; index: number; onEdit: () => void; onToggle: () => void; onDelete: () => void }) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: policy.id,
    attributes: { roleDescription: t('sla.admin.policies.sortable') },
  });
  const style: CSSProperties = { transform: CSS.Translate.toString(transform), transition };
  return (
    <li ref={setNodeRef} style={style} className={`rule-item${isDragging ? ' rule-item--dragging' : ''}${policy.active ? '' : ' rule-item--off'}`} data-testid={`sla-policy-${policy.id}`}>
      <button type="button" ref={setActivatorNodeRef} className="rule-item__handle" data-testid={`sla-policy-handle-${policy.id}`} aria-label={t('sla.admin.policies.move', { name })} {...attributes} {...listeners}>
        ⠿
      </button>
      <span className="rule-item__pos" aria-hidden="true">
        {index + 1}
      </span>
      <span className="rule-item__name">
        {name}
        <span className="sla-item__meta">{summary}</span>
      </span>
      <label className="admin-form__check rule-item__toggle">
        <input type="checkbox" data-testid={`sla-policy-toggle-${policy.id}`} checked={policy.active} onChange={onToggle} />
        {t('sla.admin.active')}
      </label>
      <button type="button" className="btn btn--small" data-testid={`sla-policy-edit-${policy.id}`} onClick={onEdit}>
        {t('sla.admin.edit')}
      </button>
      <button type="button" className="btn btn--small btn--danger-text" data-testid={`sla-policy-delete-${policy.id}`} onClick={onDelete}>
        {t('sla.admin.delete')}
      </button>
    </li>
  );
}

function SlaAdmin() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const qc = useQueryClient();
  const policies = usePolicies();
  const calendars = useCalendars();
  const choices = useSlaChoices();
  const [editing, setEditing] = useState<SLAPolicy | 'new' | null>(null);
  const [editingCal, setEditingCal] = useState<SLACalendar | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = useMemo(() => [...(policies.data?.items ?? [])].sort((a, b) => a.position - b.position || a.id - b.id), [policies.data]);
  const cals = calendars.data?.items ?? [];
  const [order, setOrder] = useState<number[] | null>(null);
  const shown = order ? order.map((id) => list.find((p) => p.id === id)).filter((p): p is SLAPolicy => p !== undefined) : list;
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const nameOf = (p: { name: { es: string; en: string } } | undefined) => (p === undefined ? '' : lang === 'en' ? p.name.en : p.name.es);
  const nameById = (id: string | number) => nameOf(list.find((p) => p.id === Number(id)));
  const posOf = (id: string | number) => shown.findIndex((p) => p.id === Number(id)) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('sla.admin.policies.picked', { name: nameById(active.id), pos: posOf(active.id) }),
    onDragOver: ({ active, over }) => (over ? t('sla.admin.policies.over', { name: nameById(active.id), pos: posOf(over.id) }) : undefined),
    onDragEnd: ({ active, over }) => (over ? t('sla.admin.policies.dropped', { name: nameById(active.id), pos: posOf(over.id) }) : undefined),
    onDragCancel: ({ active }) => t('sla.admin.policies.cancelled', { name: nameById(active.id) }),
  };

  const fail = (err: Error) => {
    setError(err.message);
    setOrder(null);
    void qc.invalidateQueries({ queryKey: policiesKey });
  };
  const reorder = useMutation({
    mutationFn: (ids: number[]) => slaApi.reorderPolicies(ids),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: policiesKey });
      setOrder(null);
    },
    onError: fail,
  });
  const toggle = useMutation({
    mutationFn: (p: SLAPolicy) => slaApi.updatePolicy(p.id, policyBody({ ...policyDraft(p), active: !p.active }, p.version)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: policiesKey }),
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: (p: SLAPolicy) => slaApi.deletePolicy(p.id, p.version),
    onSuccess: () => void qc.invalidateQueries({ queryKey: policiesKey }),
    onError: fail,
  });
  const removeCal = useMutation({
    mutationFn: (c: SLACalendar) => slaApi.deleteCalendar(c.id, c.version),
    onSuccess: () => void qc.invalidateQueries({ queryKey: calendarsKey }),
    onError: (err: Error) => {
      setError(err.message);
      void qc.invalidateQueries({ queryKey: calendarsKey });
    },
  });

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const ids = shown.map((p) => p.id);
    const next = move(ids, ids.indexOf(Number(active.id)), ids.indexOf(Number(over.id)));
    setOrder(next);
    setError(null);
    reorder.mutate(next);
  };

  return (
    <main className="admin">
      <AdminNav />
      <div className="admin__panel" data-testid="sla-admin">
        {error !== null && (
          <p className="form-alert" role="alert" data-testid="sla-admin-error">
            {error}
          </p>
        )}
        <section aria-labelledby="sla-policies-title">
          <div className="admin__head">
            <h2 id="sla-policies-title" className="admin__kind-title">
              {t('sla.admin.policies.title')}
            </h2>
            <button type="button" className="btn btn--primary" data-testid="sla-policy-new" onClick={() => setEditing('new')}>
              {t('sla.admin.policies.new')}
            </button>
          </div>
          <p className="form-field__hint">{t('sla.admin.policies.hint')}</p>
          {policies.isPending ? (
            <p className="page-status">{t('common.loading')}</p>
          ) : policies.isError ? (
            <p className="page-status" role="alert">
              {policies.error.message}
            </p>
          ) : shown.length === 0 ? (
            <p className="page-status">{t('sla.admin.policies.empty')}</p>
          ) : (
            <DndContext
              sensors={sensors}
              collisionDetection={closestCenter}
              onDragEnd={onDragEnd}
              accessibility={{ announcements, screenReaderInstructions: { draggable: t('sla.admin.policies.dragHelp') } }}
            >
              <SortableContext items={shown.map((p) => p.id)} strategy={verticalListSortingStrategy}>
                <ol className="rule-list sla-admin__list" data-testid="sla-policy-list" aria-busy={reorder.isPending}>
                  {shown.map((p, i) => (
                    <PolicyItem
                      key={p.id}
                      policy={p}
                      name={nameOf(p)}
                      summary={policySummary(p, choices, cals, t, lang)}
                      index={i}
                      onEdit={() => setEditing(p)}
                      onToggle={() => toggle.mutate(p)}
                      onDelete={() => {
                        if (window.confirm(t('sla.admin.policies.confirmDelete', { name: nameOf(p) }))) remove.mutate(p);
                      }}
                    />
                  ))}
                </ol>
              </SortableContext>
            </DndContext>
          )}
        </section>
        <section aria-labelledby="sla-calendars-title">
          <div className="admin__head">
            <h2 id="sla-calendars-title" className="admin__kind-title">
              {t('sla.admin.calendars.title')}
            </h2>
            <button type="button" className="btn btn--primary" data-testid="sla-calendar-new" onClick={() => setEditingCal('new')}>
              {t('sla.admin.calendars.new')}
            </button>
          </div>
          {calendars.isPending ? (
            <p className="page-status">{t('common.loading')}</p>
          ) : calendars.isError ? (
            <p className="page-status" role="alert">
              {calendars.error.message}
            </p>
          ) : cals.length === 0 ? (
            <p className="page-status">{t('sla.admin.calendars.empty')}</p>
          ) : (
            <ul className="rule-list sla-admin__list" data-testid="sla-calendar-list">
              {cals.map((c) => (
                <li key={c.id} className="rule-item" data-testid={`sla-calendar-${c.id}`}>
                  <span className="rule-item__name">
                    {nameOf(c)}
                    <span className="sla-item__meta">{calendarSummary(c, t)}</span>
                  </span>
                  <button type="button" className="btn btn--small" data-testid={`sla-calendar-edit-${c.id}`} onClick={() => setEditingCal(c)}>
                    {t('sla.admin.edit')}
                  </button>
                  <button
                    type="button"
                    className="btn btn--small btn--danger-text"
                    data-testid={`sla-calendar-delete-${c.id}`}
                    onClick={() => {
                      if (window.confirm(t('sla.admin.calendars.confirmDelete', { name: nameOf(c) }))) removeCal.mutate(c);
                    }}
                  >
                    {t('sla.admin.delete')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {editing !== null && <PolicyDialog policy={editing === 'new' ? null : editing} calendars={cals} onClose={() => setEditing(null)} />}
      {editingCal !== null && <CalendarDialog calendar={editingCal === 'new' ? null : editingCal} onClose={() => setEditingCal(null)} />}
    </main>
  );
}
