// /tasks: my open tasks across tickets (overdue first, each linking to its ticket) and the information
// requests addressed to me, answered right here.
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { tasksApi } from '../../api/issue6-tasks';
import type { Task } from '../../api/issue6-tasks';
import { useSession } from '../auth/session';
import { formatDateTime } from '../tickets/format';
import { RequestCard } from './RequestCard';
import { conflictTask, isOverdue, sortTasks } from './tasks';

const myTasksKey = ['my-tasks'] as const;
const myRequestsKey = ['my-info-requests'] as const;

export default function MyTasksPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const { data: me } = useSession();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(id);
  }, []);
  // My open tasks a page at a time (soonest due first, so the overdue ones lead).
  const tasks = useInfiniteQuery({
    queryKey: myTasksKey,
    queryFn: ({ pageParam, signal }) => tasksApi.myTasks(pageParam, signal),
    initialPageParam: '',
    getNextPageParam: (last) => (last.next === '' ? undefined : last.next),
  });
  const reqs = useQuery({ queryKey: myRequestsKey, queryFn: ({ signal }) => tasksApi.myInfoRequests(signal) });
  const [message, setMessage] = useState<string | null>(null);

  const complete = async (task: Task) => {
    setMessage(null);
    try {
      await tasksApi.updateTask(task.id, { done: true, version: task.version });
      setMessage(t('tasks.my.done', { title: task.title }));
    } catch (x) {
      const current = conflictTask(x);
      setMessage(current ? t('tasks.conflictToggle', { title: current.title }) : x instanceof ApiError ? x.message : t('errors.unknown'));
    }
    await qc.invalidateQueries({ queryKey: myTasksKey });
  };

  const list = sortTasks((tasks.data?.pages.flatMap((p) => p.items) ?? []).filter((x) => !x.done), now);
  const requests = reqs.data?.items ?? [];
  return (
    <main className="my-work" data-testid="my-tasks-page">
      <h1 className="my-work__title">{t('tasks.my.title')}</h1>
      <p className="visually-hidden" role="status" aria-live="polite">
        {message ?? ''}
      </p>
      {message !== null && <p className="form-alert form-alert--warn">{message}</p>}
      <section className="work-panel" aria-labelledby="my-tasks-title">
        <h2 id="my-tasks-title" className="work-panel__title">
          {t('tasks.my.tasks', { n: list.length })}
        </h2>
        {tasks.isPending ? (
          <p className="page-status">{t('common.loading')}</p>
        ) : tasks.isError ? (
          <p className="form-alert" role="alert">
            {tasks.error.message}
          </p>
        ) : list.length === 0 ? (
          <p className="form-field__hint">{t('tasks.my.noTasks')}</p>
        ) : (
          <ul className="task-list">
            {list.map((task) => {
              const late = isOverdue(task, now);
              return (
                <li key={task.id} className={`task-row${late ? ' task-row--overdue' : ''}`} data-testid={`my-task-${task.id}`}>
                  <div className="task-row__line">
                    <input type="checkbox" checked={false} aria-label={t('tasks.markDone', { title: task.title })} onChange={() => void complete(task)} />
                    <Link to={`/tickets/${task.ticket_id}`} className="task-row__title">
                      {task.title}
                    </Link>
                    <span className="task-row__meta">
                      {`#${task.ticket_number} ${task.ticket_subject}`}
                      {task.due_at !== null && (
                        <>
                          {' · '}
                          <time dateTime={task.due_at} className={late ? 'task-row__due--late' : undefined}>
                            {late ? t('tasks.overdueAt', { at: formatDateTime(task.due_at, i18n.language) }) : formatDateTime(task.due_at, i18n.language)}
                          </time>
                        </>
                      )}
                    </span>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        {tasks.hasNextPage && (
          <button type="button" className="btn btn--small" data-testid="my-tasks-more" disabled={tasks.isFetchingNextPage} onClick={() => void tasks.fetchNextPage()}>
            {t('column.loadMore')}
          </button>
        )}
      </section>
      <section className="work-panel" aria-labelledby="my-requests-title">
        <h2 id="my-requests-title" className="work-panel__title">
          {t('tasks.my.requests', { n: requests.length })}
        </h2>
        {reqs.isPending ? (
          <p className="page-status">{t('common.loading')}</p>
        ) : reqs.isError ? (
          <p className="form-alert" role="alert">
            {reqs.error.message}
          </p>
        ) : requests.length === 0 ? (
          <p className="form-field__hint">{t('tasks.my.noRequests')}</p>
        ) : (
          requests.map((r) => (
            <div key={r.id} className="my-work__request">
              <Link to={`/tickets/${r.ticket_id}`} className="my-work__ticket">
                {`#${r.ticket_number} ${r.ticket_subject}`}
              </Link>
              <RequestCard r={r} staff={false} meId={me?.id ?? null} now={now} onChanged={() => void qc.invalidateQueries({ queryKey: myRequestsKey })} />
            </div>
          ))
        )}
      </section>
    </main>
  );
}
