// The ticket page's "Queue" menu: the queue operations this user may do on the ticket (as the server
// decides, see queueOps.ts), each through its dialog; the saved ticket replaces the one on screen.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueEntry, QueueOp } from '../../api/issue5';
import type { TicketDetail } from '../../api/types';
import { useSession } from '../auth/session';
import { useAssignees } from '../board/catalog';
import { useCatalogs, useLabel } from '../catalog/useCatalogs';
import { MenuButton } from './MenuButton';
import { QueueOpDialog } from './QueueOpDialog';
import type { Choice } from './QueueOpDialog';
import { allowedOps } from './queueOps';
import { mayBeAssigned } from './work';

interface Props {
  ticket: TicketDetail;
  onSaved: (t: TicketDetail) => void;
}

export function QueueMenu({ ticket, onSaved }: Props) {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const catalogs = useCatalogs();
  const users = useAssignees();
  const label = useLabel();
  const [op, setOp] = useState<QueueOp | null>(null);
  const queues = (catalogs.data?.queues ?? []) as QueueEntry[];
  const queue = queues.find((q) => q.id === ticket.queue_id);
  const meId = user?.id ?? null;
  const ops = allowedOps({ queueId: ticket.queue_id, assigneeId: ticket.assignee?.id ?? null }, queue, meId, user?.role === 'admin', mayBeAssigned(user));

  const queueChoices: Choice[] = queues
    .filter((q) => q.active && (op !== 'transfer' || q.id !== ticket.queue_id))
    .map((q) => ({ id: q.id, label: label(q) }));
  const members = new Set(queue?.member_ids ?? []);
  const people: Choice[] = (users.data ?? [])
    .filter((u) => members.size === 0 || members.has(u.id))
    .map((u) => ({ id: u.id, label: u.name }));

  return (
    <>
      <MenuButton
        label={t('queues.menu')}
        testid="queue-menu"
        items={ops.map((o) => ({ key: o, label: t(`queues.ops.${o}`), testid: `queue-op-${o}`, onSelect: () => setOp(o) }))}
      />
      {op !== null && (
        <QueueOpDialog
          op={op}
          ticketId={ticket.id}
          version={ticket.version}
          queues={queueChoices}
          people={people}
          onDone={onSaved}
          onClose={() => setOp(null)}
        />
      )}
    </>
  );
}
