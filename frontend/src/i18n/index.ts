// i18n set-up: i18next with Spanish and English resources. The language comes from localStorage,
// else from the browser's preferred languages, else Spanish; changing it updates <html lang>.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import es from './es.json';

export const languages = ['es', 'en'] as const;
export type Language = (typeof languages)[number];

const storageKey = 'atiende.lang';

function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (languages as readonly string[]).includes(v);
}

/** pickLanguage chooses the UI language from a stored choice, then the browser's list, then Spanish. */
export function pickLanguage(stored: string | null, browser: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'es';
}

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}

/** currentLanguage is the language the UI shows now. */
export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'es';
}

/** setLanguage switches the UI language live and remembers the choice. */
export async function setLanguage(lang: Language): Promise<void> {
  try {
    localStorage.setItem(storageKey, lang);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  await i18next.changeLanguage(lang);
}

i18next.on('languageChanged', (lng) => {
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
});

void i18next.use(initReactI18next).init({
  resources: { es: { translation: es }, en: { translation: en } },
  lng: pickLanguage(storedLanguage(), browserLanguages()),
  fallbackLng: 'es',
  supportedLngs: languages,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18next;
