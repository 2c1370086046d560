// The ticket page's "Apply macro" button (for those who may use canned responses, as GET /macros asks).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/can';
import { ApplyMacroDialog } from './ApplyMacroDialog';

export function TicketMacroButton({ ticketId, number, onApplied }: { ticketId: number; number: number; onApplied: () => void }) {
  const { t } = useTranslation();
  const allowed = useCan('canned.use');
  const [open, setOpen] = useState(false);
  if (!allowed) return null;
  return (
    <>
      <button type="button" className="btn" data-testid="ticket-apply-macro" onClick={() => setOpen(true)}>
        {t('automation.macros.apply')}
      </button>
      {open && <ApplyMacroDialog ticketIds={[ticketId]} numbers={new Map([[ticketId, number]])} onApplied={onApplied} onClose={() => setOpen(false)} />}
    </>
  );
}
