// What issue 6 adds under a ticket: its email watchers, its tasks and its information requests.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useCan } from '../auth/can';
import { useSession } from '../auth/session';
import { WatchersPanel } from '../mail/WatchersPanel';
import { RequestsPanel } from './RequestsPanel';
import { TasksPanel } from './TasksPanel';

/** revision changes whenever the ticket or its conversation does (live or reloaded): tasks and requests
 * are recorded on the ticket, so a change there is the moment to read them again. */
export function TicketWorkPanels({ ticketId, revision }: { ticketId: number; revision: string }) {
  const qc = useQueryClient();
  const { data: me } = useSession();
  const seen = useRef(revision);
  useEffect(() => {
    if (seen.current === revision) return;
    seen.current = revision;
    void qc.invalidateQueries({ queryKey: ['tasks', ticketId] });
    void qc.invalidateQueries({ queryKey: ['info-requests', ticketId] });
    void qc.invalidateQueries({ queryKey: ['watchers', ticketId] });
  }, [qc, ticketId, revision]);
  const staff = useCan('ticket.comment_internal');
  const meId = me?.id ?? null;
  // Overdue marks and expiries move with the clock, once a minute is enough.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(id);
  }, []);
  return (
    <div className="ticket-work" data-testid="ticket-work">
      {staff && <WatchersPanel ticketId={ticketId} meId={meId} />}
      <TasksPanel ticketId={ticketId} staff={staff} now={now} />
      <RequestsPanel ticketId={ticketId} staff={staff} meId={meId} now={now} />
    </div>
  );
}
