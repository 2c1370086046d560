// Add or edit one task of a ticket: title, description, assignee and due time. A save refused for a
// stale version (409) shows the task as it is now and asks to review it before saving again.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { tasksApi } from '../../api/issue6-tasks';
import type { Task } from '../../api/issue6-tasks';
import { useAssignees } from '../board/catalog';
import { FormField } from '../newTicket/FormField';
import { ModalDialog } from '../newTicket/ModalDialog';
import { conflictTask, emptyTask, maxTitle, taskBody, taskDraft, validateTask } from './tasks';
import type { TaskDraft, TaskErrors } from './tasks';

export const tasksKey = (ticketId: number) => ['tasks', ticketId] as const;

export function TaskDialog({ ticketId, task, onClose }: { ticketId: number; task: Task | null; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const users = useAssignees();
  const [base, setBase] = useState<Task | null>(task);
  const [d, setD] = useState<TaskDraft>(() => (task ? taskDraft(task) : emptyTask()));
  const [errors, setErrors] = useState<TaskErrors>({});
  const [server, setServer] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [saving, setSaving] = useState(false);
  const set = (p: Partial<TaskDraft>) => setD((x) => ({ ...x, ...p }));
  const err = (k: keyof TaskErrors, apiKey: string) => (errors[k] !== undefined ? t(`tasks.errors.${errors[k]}`) : server[apiKey]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const found = validateTask(d);
    setErrors(found);
    setServer({});
    setMessage(null);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      if (base) await tasksApi.updateTask(base.id, { ...taskBody(d), version: base.version });
      else await tasksApi.createTask(ticketId, taskBody(d));
      await qc.invalidateQueries({ queryKey: tasksKey(ticketId) });
      void qc.invalidateQueries({ queryKey: ['my-tasks'] });
      onClose();
    } catch (x) {
      const current = conflictTask(x);
      if (current) {
        setBase(current);
        setD(taskDraft(current));
        setConflict(true);
        void qc.invalidateQueries({ queryKey: tasksKey(ticketId) });
      } else if (x instanceof ApiError) {
        setServer(x.fields);
        setMessage(x.message);
      } else setMessage(t('errors.unknown'));
    } finally {
      setSaving(false);
    }
  };

  const list = users.data ?? [];
  const options = base?.assignee && !list.some((u) => u.id === base.assignee?.id) ? [...list, base.assignee] : list;
  return (
    <ModalDialog titleId="task-dialog-title" onClose={onClose} testid="task-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="modal__head">
          <h2 id="task-dialog-title" className="modal__title">
            {base ? t('tasks.edit') : t('tasks.new')}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('tasks.close')}>
            ×
          </button>
        </div>
        <div className="modal__body admin-form">
          {conflict && (
            <p className="form-alert form-alert--warn" role="alert" data-testid="task-conflict">
              {t('tasks.conflict')}
            </p>
          )}
          <FormField id="task-title" label={t('tasks.fields.title')} error={err('title', 'title')}>
            {(c) => <input {...c} className="input" maxLength={maxTitle} value={d.title} data-testid="task-title" autoFocus onChange={(e) => set({ title: e.target.value })} />}
          </FormField>
          <FormField id="task-assignee" label={t('tasks.fields.assignee')} error={server.assignee_id}>
            {(c) => (
              <select {...c} className="input" value={d.assignee} data-testid="task-assignee" onChange={(e) => set({ assignee: e.target.value })}>
                <option value="">{t('tasks.nobody')}</option>
                {options.map((u) => (
                  <option key={u.id} value={String(u.id)}>
                    {u.name}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField id="task-due" label={t('tasks.fields.due')} error={err('due', 'due_at')}>
            {(c) => <input {...c} className="input" type="datetime-local" value={d.due} data-testid="task-due" onChange={(e) => set({ due: e.target.value })} />}
          </FormField>
        </div>
        <div className="modal__foot">
          {message !== null && (
            <p className="form-alert" role="alert">
              {message}
            </p>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('tasks.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="task-save" disabled={saving}>
            {saving ? t('tasks.saving') : t('tasks.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
