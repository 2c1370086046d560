// The ticket page's transition buttons (GET /tickets/{id}/transitions): one per transition from the
// ticket's state; those the user may not do are shown disabled with the server's reason; one that asks
// for input opens the transition dialog, the others are done at once.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { TicketTransition } from '../../api/issue5';
import type { TicketDetail } from '../../api/types';
import { useToast } from '../toast/toast';
import { needsInput } from './allowed';
import { TransitionDialog } from './TransitionDialog';

interface Props {
  ticket: Pick<TicketDetail, 'id' | 'number' | 'version' | 'status_id'>;
  onDone: (t: TicketDetail) => void;
}

export function TransitionButtons({ ticket, onDone }: Props) {
  const { t } = useTranslation();
  const toast = useToast();
  const list = useQuery({
    queryKey: ['ticket-transitions', ticket.id, ticket.version, ticket.status_id],
    queryFn: ({ signal }) => api.ticketTransitions(ticket.id, signal).then((r) => r.items),
  });
  const [open, setOpen] = useState<TicketTransition | null>(null);
  const direct = useMutation({
    mutationFn: (tr: TicketTransition) => api.transitionTicket(ticket.id, { transition: tr.key, version: ticket.version, fields: {}, comment: '' }),
    onSuccess: onDone,
    onError: (err) => toast.show(err instanceof Error ? err.message : t('errors.unknown')),
  });
  const items = list.data ?? [];
  if (list.isError) return <p className="form-alert">{list.error.message}</p>;
  if (items.length === 0) return null;
  return (
    <section className="wf-actions" aria-label={t('workflows.ticket.label')} data-testid="ticket-transitions">
      {items.map((tr) => {
        const reasonId = `transition-reason-${tr.key}`;
        return (
          <span key={tr.key} className="wf-actions__item">
            <button
              type="button"
              className={tr.allowed ? 'btn' : 'btn btn--disabled'}
              data-testid={`transition-${tr.key}`}
              aria-disabled={!tr.allowed || direct.isPending}
              aria-describedby={!tr.allowed && tr.reason ? reasonId : undefined}
              title={!tr.allowed ? (tr.reason ?? undefined) : undefined}
              onClick={() => {
                if (!tr.allowed || direct.isPending) return;
                if (needsInput(tr)) setOpen(tr);
                else direct.mutate(tr);
              }}
            >
              {tr.name}
            </button>
            {!tr.allowed && tr.reason && (
              <span id={reasonId} className="visually-hidden">
                {tr.reason}
              </span>
            )}
          </span>
        );
      })}
      {open !== null && (
        <TransitionDialog
          ticketId={ticket.id}
          ticketNumber={ticket.number}
          version={ticket.version}
          transition={open}
          onClose={() => setOpen(null)}
          onDone={(d) => {
            setOpen(null);
            onDone(d);
          }}
        />
      )}
    </section>
  );
}
