// /set-password#token=…: the public page an invitation or reset link opens. It shows whose account it
// is, asks for the password twice and logs in; a used or expired link shows why, and no form.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api/endpoints';
import { signedIn } from '../auth/session';
import { FormField } from '../newTicket/FormField';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { homeFor, MaxPassword, tokenFromHash, validatePassword } from './setPassword';
import type { PasswordErrors } from './setPassword';
import { serverErrors } from './userForm';

export default function SetPasswordPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  // The token travels in the fragment (never sent to servers); read it once.
  const [token] = useState(() => tokenFromHash(window.location.hash));
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<PasswordErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const info = useQuery({
    queryKey: ['link-info', token],
    queryFn: ({ signal }) => api.linkInfo(token ?? '', signal),
    enabled: token !== null,
    retry: false,
    staleTime: Infinity,
  });
  const submit = useMutation({
    mutationFn: () => api.setPassword({ token: token ?? '', password }),
    onSuccess: (s) => {
      signedIn(qc, s);
      void navigate(homeFor(s.user), { replace: true });
    },
    onError: (err) => {
      const e = serverErrors(err, ['password']);
      setErrors(e.fields);
      setMessage(e.message);
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const local = validatePassword(password, confirm);
    setErrors(local);
    setMessage(null);
    if (Object.keys(local).length === 0) submit.mutate();
  };
  const err = (m: string | undefined) => (m === undefined ? undefined : m.startsWith('accounts.') ? t(m, { min: 10, max: MaxPassword }) : m);

  let body;
  if (token === null || info.isError) {
    body = (
      <p className="login__error" role="alert" data-testid="set-password-gone">
        {info.error?.message ?? t('accounts.setPassword.gone')}
      </p>
    );
  } else if (info.isPending) {
    body = <p className="page-status">{t('common.loading')}</p>;
  } else {
    body = (
      <>
        <p className="login__lead">
          {info.data.purpose === 'invite' ? t('accounts.setPassword.leadInvite') : t('accounts.setPassword.leadReset')}
        </p>
        <p className="acc-setpw__who" data-testid="set-password-who">
          <strong>{info.data.name}</strong> · {info.data.email}
        </p>
        {/* A hidden username field lets password managers store the new password with the account. */}
        <input type="email" autoComplete="username" value={info.data.email} readOnly hidden />
        <FormField id="setpw-password" label={t('accounts.setPassword.password')} error={err(errors.password)}
          hint={t('accounts.setPassword.hint', { min: 10 })}>
          {(c) => (
            <input {...c} type="password" autoComplete="new-password" maxLength={MaxPassword} value={password} autoFocus
              data-testid="set-password-password" onChange={(e) => setPassword(e.target.value)} />
          )}
        </FormField>
        <FormField id="setpw-confirm" label={t('accounts.setPassword.confirm')} error={err(errors.confirm)}>
          {(c) => (
            <input {...c} type="password" autoComplete="new-password" maxLength={MaxPassword} value={confirm}
              data-testid="set-password-confirm" onChange={(e) => setConfirm(e.target.value)} />
          )}
        </FormField>
        {message && (
          <p className="login__error" role="alert">
            {message}
          </p>
        )}
        <button type="submit" className="btn btn--primary" disabled={submit.isPending} data-testid="set-password-submit">
          {submit.isPending ? t('admin.saving') : t('accounts.setPassword.submit')}
        </button>
      </>
    );
  }
  return (
    <main className="login">
      <div className="login__lang">
        <LanguageSwitch />
      </div>
      <form className="login__card" onSubmit={onSubmit} noValidate>
        <h1 className="login__brand">{t('app.name')}</h1>
        {body}
      </form>
    </main>
  );
}
