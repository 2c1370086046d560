// /work, "My work": my tickets in progress (oldest first, with their age), the waiting tickets of my
// queues with Accept, and for supervisors their members (online, open tickets) with Assign and Yank.
// It follows the board's live events and refetches when a ticket changes, so it moves as the work moves.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/endpoints';
import type { QueueEntry, QueueOp, Work, WorkMember } from '../../api/issue5';
import type { Card } from '../../api/types';
import { useLive } from '../../live/useLive';
import { formatAge } from '../board/age';
import { useSession } from '../auth/session';
import { byId, useCatalogs, useLabel } from '../catalog/useCatalogs';
import { useLiveStatus } from '../layout/liveStatus';
import { SlaBadge } from '../sla/SlaBadge';
import { slaCardOf, workWithSla } from '../sla/slaPatch';
import { QueueOpDialog } from './QueueOpDialog';
import { membersByQueue, movesWork, throttle } from './work';

export const workKey = ['queues', 'work'] as const;
const topics = ['board'];

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

interface Pending {
  op: QueueOp;
  card: Card;
  people: { id: number; label: string }[];
}

export default function WorkPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const label = useLabel();
  const { data: user } = useSession();
  const catalogs = useCatalogs();
  const queues = byId((catalogs.data?.queues ?? []) as QueueEntry[]);
  const now = useNow(60_000);
  const { setState: setLiveState } = useLiveStatus();
  const [after, setAfter] = useState<number | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<number, string>>({});

  // The live seq first, then the work: a change between the two is not lost.
  const work = useQuery({
    queryKey: workKey,
    queryFn: async ({ signal }) => {
      if (after === null) setAfter(await api.liveSeq(signal));
      return api.work(signal);
    },
  });
  const [refetch] = useState(() => throttle(() => void qc.invalidateQueries({ queryKey: workKey }), 300));
  useEffect(() => () => refetch.cancel(), [refetch]);
  useLive({
    key: 'work',
    after,
    topics,
    onChange: (msg) => {
      // SLA (issue 6): a clock changed alone; replace it on the card held, no refetch.
      const slaCard = slaCardOf(msg);
      if (slaCard !== null) qc.setQueryData<Work>(workKey, (w) => (w === undefined ? w : workWithSla(w, slaCard)));
      else if (movesWork(msg)) refetch.call();
    },
    onReload: async () => {
      const seq = await api.liveSeq();
      await qc.invalidateQueries({ queryKey: workKey });
      return seq;
    },
    onState: setLiveState,
  });
  useEffect(() => {
    setLiveState('connecting');
    return () => setLiveState(null);
  }, [setLiveState]);

  const accept = async (card: Card) => {
    setErrors(({ [card.id]: _gone, ...rest }) => rest);
    try {
      await api.queueOp(card.id, { op: 'accept', version: card.version });
      await qc.invalidateQueries({ queryKey: workKey });
    } catch (err) {
      setErrors((e) => ({ ...e, [card.id]: err instanceof Error ? err.message : t('errors.unknown') }));
    }
  };

  if (work.isPending) return <p className="page-status">{t('common.loading')}</p>;
  if (work.isError) {
    return (
      <main className="work">
        <div className="page-status" role="alert">
          <p>{work.error.message}</p>
          <button type="button" className="btn" onClick={() => void work.refetch()}>
            {t('common.retry')}
          </button>
        </div>
      </main>
    );
  }
  const data: Work = work.data;
  const members = membersByQueue(data.members);
  const supervised = (queueId: number) => user?.role === 'admin' || (queues.get(queueId)?.supervisor_ids.includes(user?.id ?? -1) ?? false) || members.has(queueId);
  const peopleOf = (queueId: number) => (members.get(queueId) ?? []).map((m) => ({ id: m.user.id, label: m.user.name }));
  const queueName = (id: number) => label(queues.get(id)) || `#${id}`;

  const cardLine = (c: Card) => (
    <>
      <Link to={`/tickets/${c.id}`} className="work-card__link">
        <span className="work-card__number">#{c.number}</span> {c.subject}
      </Link>
      <span className="work-card__age" title={c.created_at}>
        {t('work.age', { age: formatAge(c.created_at, now, t) })}
      </span>
      {/* SLA (issue 6): the clock's countdown. */}
      <SlaBadge sla={c.sla} compact />
    </>
  );

  return (
    <main className="work" data-testid="work-page">
      <h1 className="work__title">{t('work.title')}</h1>
      <section className="work__section" aria-labelledby="work-wip">
        <h2 id="work-wip" className="work__heading">
          {t('work.wip', { count: data.wip.length })}
        </h2>
        {data.wip.length === 0 ? (
          <p className="work__empty">{t('work.noWip')}</p>
        ) : (
          <ul className="work-cards" data-testid="work-wip">
            {data.wip.map((c) => (
              <li key={c.id} className="work-card" data-testid={`work-wip-${c.number}`}>
                {cardLine(c)}
              </li>
            ))}
          </ul>
        )}
      </section>
      {data.queues.map((q) => (
        <section key={q.queue_id} className="work__section" aria-labelledby={`work-q-${q.queue_id}`} data-testid={`work-queue-${q.queue_id}`}>
          <h2 id={`work-q-${q.queue_id}`} className="work__heading">
            {t('work.queue', { name: queueName(q.queue_id), count: q.waiting })}
          </h2>
          {q.items.length === 0 ? (
            <p className="work__empty">{t('work.noWaiting')}</p>
          ) : (
            <ul className="work-cards">
              {q.items.map((c) => (
                <li key={c.id} className="work-card" data-testid={`work-waiting-${c.number}`}>
                  {cardLine(c)}
                  <span className="work-card__actions">
                    <button type="button" className="btn btn--primary btn--small" data-testid={`work-accept-${c.number}`} onClick={() => void accept(c)}>
                      {t('queues.ops.accept')}
                    </button>
                    {supervised(q.queue_id) && (
                      <button
                        type="button"
                        className="btn btn--small"
                        data-testid={`work-assign-${c.number}`}
                        onClick={() => setPending({ op: 'assign', card: c, people: peopleOf(q.queue_id) })}
                      >
                        {t('queues.ops.assign')}
                      </button>
                    )}
                  </span>
                  {errors[c.id] !== undefined && (
                    <p className="field__error work-card__error" role="alert">
                      {errors[c.id]}
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      {members.size > 0 && (
        <section className="work__section" aria-labelledby="work-members">
          <h2 id="work-members" className="work__heading">
            {t('work.members')}
          </h2>
          {[...members.entries()].map(([queueId, list]) => (
            <table key={queueId} className="admin-table work-members" data-testid={`work-members-${queueId}`}>
              <caption className="work-members__caption">{queueName(queueId)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('work.member')}</th>
                  <th scope="col">{t('work.open')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('work.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <MemberRow
                    key={m.user.id}
                    m={m}
                    expanded={open === `${queueId}:${m.user.id}`}
                    onToggle={() => setOpen((o) => (o === `${queueId}:${m.user.id}` ? null : `${queueId}:${m.user.id}`))}
                    onYank={(c) => setPending({ op: 'yank', card: c, people: [] })}
                  />
                ))}
              </tbody>
            </table>
          ))}
        </section>
      )}
      {pending !== null && (
        <QueueOpDialog
          op={pending.op}
          ticketId={pending.card.id}
          version={pending.card.version}
          queues={[]}
          people={pending.people}
          onDone={() => void qc.invalidateQueries({ queryKey: ['queues'] })}
          onClose={() => setPending(null)}
        />
      )}
    </main>
  );
}

/** MemberRow is one member of a supervised queue; opened, it lists their open tickets there with Yank. */
function MemberRow({ m, expanded, onToggle, onYank }: { m: WorkMember; expanded: boolean; onToggle: () => void; onYank: (c: Card) => void }) {
  const { t } = useTranslation();
  const tickets = useQuery({
    queryKey: ['queues', 'member-tickets', m.queue_id, m.user.id],
    queryFn: ({ signal }) => api.tickets({ queue: m.queue_id, assignee: String(m.user.id), sort: 'created', limit: 50 }, signal),
    enabled: expanded,
  });
  return (
    <>
      <tr data-testid={`work-member-${m.queue_id}-${m.user.id}`}>
        <td>
          <span className={`work-dot${m.online ? ' work-dot--on' : ''}`} aria-hidden="true" />
          {m.user.name}
          <span className="visually-hidden">, {m.online ? t('work.online') : t('work.offline')}</span>
        </td>
        <td>{m.open}</td>
        <td>
          <button type="button" className="btn btn--small" aria-expanded={expanded} data-testid={`work-member-tickets-${m.queue_id}-${m.user.id}`} onClick={onToggle}>
            {t('work.tickets')}
          </button>
        </td>
      </tr>
      {expanded && (
        <tr>
          <td colSpan={3}>
            {tickets.isPending ? (
              <p>{t('common.loading')}</p>
            ) : tickets.isError ? (
              <p role="alert">{tickets.error.message}</p>
            ) : tickets.data.items.length === 0 ? (
              <p className="work__empty">{t('work.noTickets')}</p>
            ) : (
              <ul className="work-cards">
                {tickets.data.items.map((c) => (
                  <li key={c.id} className="work-card">
                    <Link to={`/tickets/${c.id}`}>
                      #{c.number} {c.subject}
                    </Link>
                    <button type="button" className="btn btn--small" data-testid={`work-yank-${c.number}`} onClick={() => onYank(c)}>
                      {t('queues.ops.yank')}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
