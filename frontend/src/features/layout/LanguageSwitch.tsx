import { useTranslation } from 'react-i18next';
import { languages, setLanguage } from '../../i18n';
import type { Language } from '../../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <select
      data-testid="lang-switch"
      className="lang-switch"
      aria-label={t('lang.label')}
      value={i18n.language}
      onChange={(e) => void setLanguage(e.target.value as Language)}
    >
      {languages.map((l) => (
        <option key={l} value={l}>
          {t(`lang.${l}`)}
        </option>
      ))}
    </select>
  );
}
