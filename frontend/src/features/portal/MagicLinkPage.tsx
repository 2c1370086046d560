// /login/magic?token=…: spends an emailed sign-in link and enters the app, or says clearly why the link
// no longer works (used, expired or unknown), in the language on screen.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { portalApi } from '../../api/issue7-portal';
import { signedIn } from '../auth/session';
import { LanguageSwitch } from '../layout/LanguageSwitch';

type State = { kind: 'pending' } | { kind: 'done' } | { kind: 'failed'; status: number; message: string };

export default function MagicLinkPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [redeemed, setState] = useState<State>({ kind: 'pending' });
  // A page without a token is a link cut short: as unknown as a wrong one.
  const state: State = token === '' ? { kind: 'failed', status: 404, message: '' } : redeemed;
  // A link works once: the request is sent once per token even when the effect runs twice.
  const sent = useRef<string | null>(null);

  useEffect(() => {
    if (sent.current === token) return;
    sent.current = token;
    if (token === '') return;
    portalApi
      .redeemMagicLink(token)
      .then((s) => {
        signedIn(qc, s);
        setState({ kind: 'done' });
      })
      .catch((err: unknown) =>
        setState({
          kind: 'failed',
          status: err instanceof ApiError ? err.status : 0,
          message: err instanceof Error ? err.message : '',
        }),
      );
  }, [token, qc]);

  if (state.kind === 'done') return <Navigate to="/" replace />;
  return (
    <main className="login">
      <div className="login__lang">
        <LanguageSwitch />
      </div>
      <div className="login__card" data-testid="magic-page">
        <h1 className="login__brand">{t('app.name')}</h1>
        {state.kind === 'pending' ? (
          <p className="login__lead" role="status">
            {t('portal.magic.signingIn')}
          </p>
        ) : (
          <>
            <h2 className="portal-magic__title" data-testid="magic-failed">
              {state.status === 410 ? t('portal.magic.goneTitle') : t('portal.magic.unknownTitle')}
            </h2>
            <p className="login__lead">{state.status === 410 ? t('portal.magic.gone') : state.message || t('portal.magic.unknown')}</p>
            <Link className="btn btn--primary" to="/login" state={{ magic: true }}>
              {t('portal.magic.again')}
            </Link>
          </>
        )}
      </div>
    </main>
  );
}
