// The ticket's tasks: done checkbox (saved at once, with its version), title, assignee and due time
// (overdue in red); each opens its comments and files; staff add and edit them in a dialog.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { tasksApi } from '../../api/issue6-tasks';
import type { Task } from '../../api/issue6-tasks';
import { formatDateTime } from '../tickets/format';
import { TaskDialog, tasksKey } from './TaskDialog';
import { TaskThread } from './TaskThread';
import { conflictTask, isOverdue, sortTasks } from './tasks';

type Items = { items: Task[] };

export function TasksPanel({ ticketId, staff, now }: { ticketId: number; staff: boolean; now: number }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const key = tasksKey(ticketId);
  const tasks = useQuery({ queryKey: key, queryFn: ({ signal }) => tasksApi.tasks(ticketId, signal) });
  const [editing, setEditing] = useState<Task | 'new' | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const replace = (task: Task) => qc.setQueryData<Items>(key, (d) => (d ? { items: d.items.map((x) => (x.id === task.id ? task : x)) } : d));
  const toggle = async (task: Task) => {
    setMessage(null);
    // Optimistic: the box flips now; a refusal puts back what the server holds.
    replace({ ...task, done: !task.done, done_at: task.done ? null : new Date().toISOString() });
    try {
      replace(await tasksApi.updateTask(task.id, { done: !task.done, version: task.version }));
      void qc.invalidateQueries({ queryKey: ['my-tasks'] });
    } catch (x) {
      const current = conflictTask(x);
      if (current) {
        replace(current);
        setMessage(t('tasks.conflictToggle', { title: current.title }));
      } else {
        replace(task);
        setMessage(x instanceof ApiError ? x.message : t('errors.unknown'));
      }
      void qc.invalidateQueries({ queryKey: key });
    }
  };
  const remove = async (task: Task) => {
    if (!window.confirm(t('tasks.confirmDelete', { title: task.title }))) return;
    try {
      await tasksApi.deleteTask(task.id, task.version);
      await qc.invalidateQueries({ queryKey: key });
    } catch (x) {
      const current = conflictTask(x);
      setMessage(current ? t('tasks.conflictToggle', { title: current.title }) : x instanceof ApiError ? x.message : t('errors.unknown'));
      void qc.invalidateQueries({ queryKey: key });
    }
  };

  const list = sortTasks(tasks.data?.items ?? [], now);
  return (
    <section className="work-panel" aria-labelledby={`tasks-title-${ticketId}`} data-testid="tasks-panel">
      <div className="work-panel__head">
        <h2 id={`tasks-title-${ticketId}`} className="work-panel__title">
          {t('tasks.title')}
        </h2>
        {staff && (
          <button type="button" className="btn btn--small" data-testid="task-new" onClick={() => setEditing('new')}>
            {t('tasks.add')}
          </button>
        )}
      </div>
      {message !== null && (
        <p className="form-alert form-alert--warn" role="alert" data-testid="tasks-message">
          {message}
        </p>
      )}
      {tasks.isPending ? (
        <p className="page-status">{t('common.loading')}</p>
      ) : tasks.isError ? (
        <p className="form-alert" role="alert">
          {tasks.error.message}
        </p>
      ) : list.length === 0 ? (
        <p className="form-field__hint">{t('tasks.empty')}</p>
      ) : (
        <ul className="task-list">
          {list.map((task) => {
            const late = isOverdue(task, now);
            return (
              <li key={task.id} className={`task-row${task.done ? ' task-row--done' : ''}${late ? ' task-row--overdue' : ''}`} data-testid={`task-${task.id}`}>
                <div className="task-row__line">
                  <input type="checkbox" checked={task.done} aria-label={t('tasks.markDone', { title: task.title })} data-testid={`task-done-${task.id}`} onChange={() => void toggle(task)} />
                  <button
                    type="button"
                    className="task-row__title"
                    aria-expanded={open === task.id}
                    onClick={() => setOpen((o) => (o === task.id ? null : task.id))}
                  >
                    {task.title}
                  </button>
                  <span className="task-row__meta">
                    {task.assignee?.name ?? t('tasks.nobody')}
                    {task.due_at !== null && (
                      <>
                        {' · '}
                        <time dateTime={task.due_at} className={late ? 'task-row__due--late' : undefined}>
                          {late ? t('tasks.overdueAt', { at: formatDateTime(task.due_at, i18n.language) }) : formatDateTime(task.due_at, i18n.language)}
                        </time>
                      </>
                    )}
                    {' · '}
                    {t('tasks.counts', { comments: task.comments_count, files: task.files_count })}
                  </span>
                  {staff && task.can_edit && (
                    <span className="task-row__actions">
                      <button type="button" className="btn btn--ghost btn--small" data-testid={`task-edit-${task.id}`} onClick={() => setEditing(task)}>
                        {t('tasks.editShort')}
                      </button>
                      <button type="button" className="btn btn--ghost btn--small btn--danger-text" onClick={() => void remove(task)}>
                        {t('tasks.delete')}
                      </button>
                    </span>
                  )}
                </div>
                {open === task.id && <TaskThread task={task} />}
              </li>
            );
          })}
        </ul>
      )}
      {editing !== null && <TaskDialog ticketId={ticketId} task={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </section>
  );
}
