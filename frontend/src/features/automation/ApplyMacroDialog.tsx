// "Apply macro": choose a macro, apply it to one ticket or to a selection (POST /macros/{id}/apply),
// then say how many tickets took it and list each failure with its ticket and the server's message.
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/endpoints';
import { Dialog } from '../tickets/Dialog';
import { maxMacroTickets, summarize } from './macroResults';
import type { MacroSummary } from './macroResults';

export const macrosKey = ['macros'] as const;

interface Props {
  ticketIds: readonly number[];
  /** numbers names the tickets by id, for the failures. */
  numbers: ReadonlyMap<number, number>;
  onApplied?: (s: MacroSummary) => void;
  onClose: () => void;
}

export function ApplyMacroDialog({ ticketIds, numbers, onApplied, onClose }: Props) {
  const { t } = useTranslation();
  const selectId = useId();
  const errorId = useId();
  const macros = useQuery({ queryKey: macrosKey, queryFn: ({ signal }) => api.macros(signal) });
  const [macroId, setMacroId] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [summary, setSummary] = useState<MacroSummary | null>(null);
  const active = (macros.data?.items ?? []).filter((m) => m.active);
  const tooMany = ticketIds.length > maxMacroTickets;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (macroId === '') {
      setFieldError(t('automation.macros.choose'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await api.applyMacro(Number(macroId), [...ticketIds]);
      const s = summarize(ticketIds, res.results, numbers, t('errors.unknown'));
      setSummary(s);
      onApplied?.(s);
    } catch (err) {
      setError(err instanceof Error ? err.message : t('errors.unknown'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open title={t('automation.macros.apply')} onClose={onClose} testId="apply-macro-dialog">
      {summary === null ? (
        <form className="dialog__form" onSubmit={(e) => void submit(e)} noValidate>
          <p>{t('automation.macros.applyTo', { count: ticketIds.length })}</p>
          <div className="field">
            <label htmlFor={selectId} className="field__label">
              {t('automation.macros.macro')}
            </label>
            <select
              id={selectId}
              className="input"
              data-testid="apply-macro-select"
              value={macroId}
              aria-invalid={fieldError !== null}
              aria-describedby={fieldError !== null ? errorId : undefined}
              onChange={(e) => {
                setMacroId(e.target.value);
                setFieldError(null);
              }}
            >
              <option value="">{macros.isPending ? t('common.loading') : t('queues.choose')}</option>
              {active.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
            {fieldError !== null && (
              <p id={errorId} className="field__error" role="alert">
                {fieldError}
              </p>
            )}
            {macroId !== '' && <p className="form-field__hint">{active.find((m) => String(m.id) === macroId)?.description}</p>}
          </div>
          {tooMany && (
            <p className="field__error" role="alert">
              {t('automation.macros.tooMany', { max: maxMacroTickets })}
            </p>
          )}
          {(error !== null || macros.isError) && (
            <p className="form-alert" role="alert" data-testid="apply-macro-error">
              {error ?? macros.error?.message}
            </p>
          )}
          <div className="dialog__actions">
            <button type="button" className="btn" onClick={onClose}>
              {t('queues.cancel')}
            </button>
            <button type="submit" className="btn btn--primary" data-testid="apply-macro-submit" disabled={busy || tooMany}>
              {busy ? t('automation.macros.applying') : t('automation.macros.apply')}
            </button>
          </div>
        </form>
      ) : (
        <div className="dialog__form" data-testid="apply-macro-results">
          <p role="status">{t('automation.macros.applied', { count: summary.ok })}</p>
          {summary.failed.length > 0 && (
            <>
              <p className="field__error">{t('automation.macros.failed', { count: summary.failed.length })}</p>
              <ul className="macro-failures">
                {summary.failed.map((f) => (
                  <li key={f.ticketId} data-testid={`apply-macro-failure-${f.ticketId}`}>
                    <Link to={`/tickets/${f.ticketId}`}>#{f.number ?? f.ticketId}</Link>: {f.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          <div className="dialog__actions">
            <button type="button" className="btn btn--primary" data-testid="apply-macro-close" onClick={onClose}>
              {t('automation.close')}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
