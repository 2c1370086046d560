// The login page's other way in: "Email me a sign-in link". The answer is the same whether or not the
// email has an account (the server never says), so the form only confirms the request was taken.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { portalApi } from '../../api/issue7-portal';

export function MagicLinkForm({ onBack }: { onBack: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [state, setState] = useState<'idle' | 'sending' | 'sent'>('idle');
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setState('sending');
    setError(null);
    try {
      await portalApi.requestMagicLink(email.trim());
      setState('sent');
    } catch (err) {
      setState('idle');
      setError(err instanceof Error ? err.message : t('errors.unknown'));
    }
  };

  if (state === 'sent') {
    return (
      <div className="login__card" data-testid="magic-sent">
        <h1 className="login__brand">{t('app.name')}</h1>
        <p className="login__lead" role="status">
          {t('portal.magic.sent', { email: email.trim() })}
        </p>
        <button type="button" className="btn btn--ghost" onClick={onBack}>
          {t('portal.magic.back')}
        </button>
      </div>
    );
  }
  return (
    <form className="login__card" onSubmit={(e) => void submit(e)} noValidate>
      <h1 className="login__brand">{t('app.name')}</h1>
      <p className="login__lead">{t('portal.magic.lead')}</p>
      <label className="field">
        <span className="field__label">{t('login.email')}</span>
        <input
          data-testid="magic-email"
          type="email"
          autoComplete="username"
          required
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoFocus
        />
      </label>
      {error && (
        <p className="login__error" role="alert">
          {error}
        </p>
      )}
      <button data-testid="magic-submit" className="btn btn--primary" type="submit" disabled={state === 'sending'}>
        {state === 'sending' ? t('portal.magic.sending') : t('portal.magic.send')}
      </button>
      <button type="button" className="btn btn--ghost" onClick={onBack}>
        {t('portal.magic.usePassword')}
      </button>
    </form>
  );
}
