// A set-password link just made: the address to send, a copy button and when it expires.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserLink } from '../../api/types';

export function LinkBox({ link, email }: { link: UserLink; email: string }) {
  const { t, i18n } = useTranslation();
  const [copied, setCopied] = useState(false);
  const expires = new Date(link.expires_at).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const copy = () => {
    void navigator.clipboard?.writeText(link.invite_url).then(() => setCopied(true));
  };
  return (
    <div className="acc-link" data-testid="user-link">
      <p className="acc-link__lead">{t('accounts.link.lead', { email })}</p>
      <div className="acc-link__row">
        <label className="visually-hidden" htmlFor="acc-link-url">
          {t('accounts.link.label')}
        </label>
        <input
          id="acc-link-url"
          className="acc-link__url"
          readOnly
          value={link.invite_url}
          data-testid="user-link-url"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="btn" onClick={copy} data-testid="user-link-copy">
          {copied ? t('accounts.link.copied') : t('accounts.link.copy')}
        </button>
      </div>
      <p className="acc-link__expiry">{t('accounts.link.expires', { date: expires })}</p>
    </div>
  );
}
