import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { MagicLinkForm } from '../portal/MagicLinkForm';
import { loginState, sessionEndedReason } from './sessionEnded';
import { useLogin, useSession } from './session';

export function LoginPage() {
  const { t } = useTranslation();
  const session = useSession();
  const login = useLogin();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const state = loginState(location.state);
  const from = state.from ?? '/';
  const ended = state.reason === sessionEndedReason;
  // Portals (issue 7): customers and consultants may ask for an emailed sign-in link instead.
  const [magic, setMagic] = useState(() => (location.state as { magic?: boolean } | null)?.magic === true);

  if (session.data) return <Navigate to={from} replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email: email.trim(), password });
  };

  return (
    <main className="login">
      <div className="login__lang">
        <LanguageSwitch />
      </div>
      {magic ? (
        <MagicLinkForm onBack={() => setMagic(false)} />
      ) : (
        <form className="login__card" onSubmit={submit} noValidate>
          <h1 className="login__brand">{t('app.name')}</h1>
          <p className="login__lead">{t('login.lead')}</p>
          {ended && (
            <p className="login__notice" role="status" data-testid="login-session-ended">
              {t('access.sessionEnded')}
            </p>
          )}
          <label className="field">
            <span className="field__label">{t('login.email')}</span>
            <input
              data-testid="login-email"
              type="email"
              autoComplete="username"
              required
              maxLength={254}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              autoFocus
            />
          </label>
          <label className="field">
            <span className="field__label">{t('login.password')}</span>
            <input
              data-testid="login-password"
              type="password"
              autoComplete="current-password"
              required
              maxLength={200}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {login.error && (
            <p className="login__error" role="alert">
              {login.error.message}
            </p>
          )}
          <button data-testid="login-submit" className="btn btn--primary" type="submit" disabled={login.isPending}>
            {login.isPending ? t('login.submitting') : t('login.submit')}
          </button>
          <button data-testid="magic-open" type="button" className="btn btn--ghost" onClick={() => setMagic(true)}>
            {t('portal.magic.open')}
          </button>
        </form>
      )}
    </main>
  );
}
