// One task's comments and files: the thread, a comment box and a file button.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { tasksApi } from '../../api/issue6-tasks';
import type { Task } from '../../api/issue6-tasks';
import { formatBytes, formatDateTime } from '../tickets/format';
import { tasksKey } from './TaskDialog';

export function TaskThread({ task }: { task: Task }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const key = ['task-comments', task.id] as const;
  const thread = useQuery({ queryKey: key, queryFn: ({ signal }) => tasksApi.taskComments(task.id, signal) });
  const filesKey = ['task-files', task.id] as const;
  const stored = useQuery({ queryKey: filesKey, queryFn: ({ signal }) => tasksApi.taskFiles(task.id, signal) });
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = async () => {
    await Promise.all([qc.invalidateQueries({ queryKey: key }), qc.invalidateQueries({ queryKey: filesKey })]);
    void qc.invalidateQueries({ queryKey: tasksKey(task.ticket_id) });
  };
  const fail = (x: unknown) => setError(x instanceof ApiError ? x.message : t('errors.unknown'));

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || body.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      await tasksApi.addTaskComment(task.id, body.trim());
      setBody('');
      await refresh();
    } catch (x) {
      fail(x);
    } finally {
      setBusy(false);
    }
  };
  const attach = async (list: FileList | null) => {
    if (list === null) return;
    setBusy(true);
    setError(null);
    try {
      for (const f of [...list]) {
        await tasksApi.uploadTaskFile(task.id, f);
      }
      await refresh();
    } catch (x) {
      fail(x);
    } finally {
      setBusy(false);
    }
  };

  const files = stored.data?.items ?? [];
  return (
    <div className="task-thread" data-testid={`task-thread-${task.id}`}>
      {thread.isPending ? (
        <p className="page-status">{t('common.loading')}</p>
      ) : thread.isError ? (
        <p className="form-alert" role="alert">
          {thread.error.message}
        </p>
      ) : thread.data.items.length === 0 ? (
        <p className="form-field__hint">{t('tasks.comments.empty')}</p>
      ) : (
        <ol className="task-thread__comments">
          {thread.data.items.map((c) => (
            <li key={c.id} className="task-thread__comment">
              <span className="task-thread__who">
                {c.author?.name ?? ''} · <time dateTime={c.created_at}>{formatDateTime(c.created_at, i18n.language)}</time>
              </span>
              <p className="task-thread__body">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      {files.length > 0 && (
        <ul className="task-thread__files" aria-label={t('tasks.files.label')}>
          {files.map((f) => (
            <li key={f.id}>
              <a href={f.url ?? tasksApi.taskFileUrl(f.id)} download>
                {f.name}
              </a>{' '}
              <span className="file-drop__size">{formatBytes(f.size, i18n.language)}</span>
            </li>
          ))}
        </ul>
      )}
      <form className="task-thread__form" onSubmit={(e) => void send(e)}>
        <label htmlFor={`task-comment-${task.id}`} className="visually-hidden">
          {t('tasks.comments.label')}
        </label>
        <textarea
          id={`task-comment-${task.id}`}
          className="textarea"
          rows={2}
          maxLength={10000}
          placeholder={t('tasks.comments.placeholder')}
          value={body}
          data-testid={`task-comment-${task.id}`}
          onChange={(e) => setBody(e.target.value)}
        />
        <div className="task-thread__actions">
          <label className="btn btn--small">
            {t('tasks.files.attach')}
            <input type="file" multiple className="visually-hidden" disabled={busy} onChange={(e) => {
              void attach(e.target.files);
              e.target.value = '';
            }} />
          </label>
          <button type="submit" className="btn btn--small btn--primary" disabled={busy || body.trim() === ''}>
            {t('tasks.comments.send')}
          </button>
        </div>
        {error !== null && (
          <p className="form-alert" role="alert">
            {error}
          </p>
        )}
      </form>
    </div>
  );
}
