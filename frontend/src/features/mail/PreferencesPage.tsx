// /settings/notifications: which emails I get, one checkbox per event; saved with a confirmation.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { mailApi, mailEvents } from '../../api/issue6-mail';
import type { MailPreferences } from '../../api/issue6-mail';
import { prefsBody, prefsChanged, prefsDraft } from './preferences';
import type { PrefsDraft } from './preferences';

const prefsKey = ['mail-preferences'] as const;

export default function PreferencesPage() {
  const { t } = useTranslation();
  const prefs = useQuery({ queryKey: prefsKey, queryFn: ({ signal }) => mailApi.preferences(signal) });
  return (
    <main className="settings" data-testid="mail-preferences-page">
      <h1 className="settings__title">{t('mail.prefs.title')}</h1>
      <p className="form-field__hint">{t('mail.prefs.hint')}</p>
      {prefs.isPending ? (
        <p className="page-status">{t('common.loading')}</p>
      ) : prefs.isError ? (
        <p className="page-status" role="alert">
          {prefs.error.message}
        </p>
      ) : (
        <PreferencesForm saved={prefs.data} />
      )}
    </main>
  );
}

function PreferencesForm({ saved }: { saved: MailPreferences }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [base, setBase] = useState<PrefsDraft>(() => prefsDraft(saved));
  const [d, setD] = useState<PrefsDraft>(base);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setStatus(null);
    try {
      const res = await mailApi.savePreferences(prefsBody(d));
      const next = prefsDraft(res ?? prefsBody(d));
      qc.setQueryData(prefsKey, prefsBody(next));
      setBase(next);
      setD(next);
      setStatus({ ok: true, text: t('mail.prefs.saved') });
    } catch (x) {
      setStatus({ ok: false, text: x instanceof ApiError ? x.message : t('errors.unknown') });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="settings__card" onSubmit={(e) => void submit(e)}>
      <fieldset className="settings__group">
        <legend className="form-field__label">{t('mail.prefs.legend')}</legend>
        {mailEvents.map((ev) => (
          <label key={ev} className="admin-form__check settings__check">
            <input
              type="checkbox"
              checked={d[ev]}
              data-testid={`pref-${ev}`}
              onChange={(e) => {
                setStatus(null);
                setD((x) => ({ ...x, [ev]: e.target.checked }));
              }}
            />
            <span>
              {t(`mail.prefs.events.${ev}`)}
              <span className="settings__desc">{t(`mail.prefs.desc.${ev}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="settings__foot">
        <p className={status?.ok === false ? 'form-alert' : 'mt-saved'} role={status?.ok === false ? 'alert' : 'status'} data-testid="prefs-status">
          {status?.text ?? ''}
        </p>
        <button type="submit" className="btn btn--primary" disabled={busy || !prefsChanged(d, base)} data-testid="prefs-save">
          {busy ? t('mail.saving') : t('mail.save')}
        </button>
      </div>
    </form>
  );
}
