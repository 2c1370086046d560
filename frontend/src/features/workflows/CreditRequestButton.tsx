// "Request a credit study" on a consultant's person page (POST /credit-requests): shown when the
// person is a consultant and the viewer may create tickets for others or is that consultant; opens a
// small form (amount, reason) and goes to the created ticket.
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Person } from '../../api/types';
import { can } from '../auth/can';
import { useSession } from '../auth/session';
import { FormField } from '../newTicket/FormField';
import { ModalDialog } from '../newTicket/ModalDialog';
import { creditRequestErrors, mayRequestCredit } from './creditRequest';
import { currencies } from './transitionForm';

export function CreditRequestButton({ person }: { person: Pick<Person, 'id' | 'kind' | 'email' | 'name'> }) {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const [open, setOpen] = useState(false);
  if (!mayRequestCredit(person, user ? { email: user.email, createFor: can(user, 'ticket.create_for') } : null)) return null;
  return (
    <>
      <button type="button" className="btn" data-testid="credit-request" onClick={() => setOpen(true)}>
        {t('workflows.credit.button')}
      </button>
      {open && <CreditRequestDialog person={person} self={user?.email === person.email} onClose={() => setOpen(false)} />}
    </>
  );
}

function CreditRequestDialog({ person, self, onClose }: { person: Pick<Person, 'id' | 'name'>; self: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const titleId = useId();
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState<string>(currencies[0]);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: () => api.createCreditRequest({ ...(self ? {} : { person_id: person.id }), amount: { amount: amount.trim(), currency }, reason: reason.trim() }),
    onSuccess: (d) => void navigate(`/tickets/${d.id}`),
    onError: (err) => {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) {
        const e: Record<string, string> = {};
        for (const [k, v] of Object.entries(err.fields)) e[k.startsWith('amount') ? 'amount' : k === 'reason' ? 'reason' : 'other'] = v;
        setErrors(e);
        setOther(e.other ?? null);
      } else setOther(err instanceof Error ? err.message : t('errors.unknown'));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs = creditRequestErrors(amount, reason);
    const msgs: Record<string, string> = {};
    for (const [k, v] of Object.entries(errs)) msgs[k] = t(`workflows.dialog.errors.${v}`, { max: 2000 });
    setErrors(msgs);
    setOther(null);
    if (Object.keys(msgs).length === 0) send.mutate();
  };
  return (
    <ModalDialog titleId={titleId} onClose={onClose} testid="credit-request-dialog">
      <form onSubmit={submit} noValidate>
        <div className="modal__head">
          <h2 id={titleId} className="modal__title">
            {t('workflows.credit.title', { name: person.name })}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('workflows.dialog.close')}>
            ×
          </button>
        </div>
        <div className="modal__body wf-dialog">
          <FormField id="cr-amount" label={`${t('workflows.credit.amount')} *`} error={errors.amount}>
            {(c) => (
              <span className="wf-money">
                <input {...c} data-testid="credit-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
                <select aria-label={t('workflows.dialog.currency', { field: t('workflows.credit.amount') })} value={currency} onChange={(e) => setCurrency(e.target.value)}>
                  {currencies.map((x) => (
                    <option key={x}>{x}</option>
                  ))}
                </select>
              </span>
            )}
          </FormField>
          <FormField id="cr-reason" label={`${t('workflows.credit.reason')} *`} error={errors.reason}>
            {(c) => <textarea {...c} data-testid="credit-reason" rows={4} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </FormField>
        </div>
        <div className="modal__foot">
          {other && (
            <p className="form-alert" role="alert">
              {other}
            </p>
          )}
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            {t('workflows.dialog.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="credit-submit" disabled={send.isPending}>
            {t('workflows.credit.submit')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
