// What issue 6 adds under a ticket: its email watchers, its tasks and its information requests.
import { useEffect, useState } from 'react';
import { useCan } from '../auth/can';
import { useSession } from '../auth/session';
import { WatchersPanel } from '../mail/WatchersPanel';
import { RequestsPanel } from './RequestsPanel';
import { TasksPanel } from './TasksPanel';

export function TicketWorkPanels({ ticketId }: { ticketId: number }) {
  const { data: me } = useSession();
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
