// An email's HTML shown safely: a sandboxed iframe (no scripts, no same origin) fed by srcdoc, with a
// CSP that blocks remote loads.
import { useTranslation } from 'react-i18next';
import { sandboxDoc } from './mailLog';

export function MailFrame({ html, title }: { html: string; title?: string }) {
  const { t } = useTranslation();
  return <iframe className="mail-frame" sandbox="" referrerPolicy="no-referrer" title={title ?? t('mail.html')} srcDoc={sandboxDoc(html)} data-testid="mail-frame" />;
}
