// The header's "New ticket" button and the `n` shortcut; it holds the draft, so the dialog can close
// and open again without losing what was typed (cleared once the ticket is created).
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/can';
import { useSession } from '../auth/session';
import { emptyDraft, IdempotencyKeys, isNewTicketShortcut } from './form';
import type { Draft } from './form';

const NewTicketDialog = lazy(() => import('./NewTicketDialog'));

export function NewTicketLauncher() {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const create = useCan('ticket.create');
  const createFor = useCan('ticket.create_for');
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [keys, setKeys] = useState(() => new IdempotencyKeys());

  useEffect(() => {
    if (open || !create) return;
    const onKey = (e: KeyboardEvent) => {
      // Not over another dialog (an admin form, say).
      if (!isNewTicketShortcut(e) || document.querySelector('dialog[open]') !== null) return;
      e.preventDefault();
      setOpen(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, create]);

  const close = useCallback(() => setOpen(false), []);
  const reset = useCallback(() => {
    setDraft(emptyDraft);
    setKeys(new IdempotencyKeys());
  }, []);

  if (!user || !create) return null;
  return (
    <>
      <button
        type="button"
        className="btn btn--primary header__new"
        data-testid="new-ticket-button"
        aria-keyshortcuts="n"
        title={t('newTicket.shortcut')}
        onClick={() => setOpen(true)}
      >
        {t('newTicket.button')}
      </button>
      {open && (
        <Suspense fallback={null}>
          <NewTicketDialog
            draft={draft}
            setDraft={setDraft}
            keys={keys}
            staff={createFor}
            onClose={close}
            onCreated={reset}
          />
        </Suspense>
      )}
    </>
  );
}
