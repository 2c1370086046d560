import { describe, expect, it } from 'vitest';
import en from './en.json';
import es from './es.json';
import { pickLanguage } from './index';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('i18n', () => {
  it('has exactly the same keys in Spanish and English', () => {
    expect(keys(en).sort()).toEqual(keys(es).sort());
  });

  it('has no empty text', () => {
    for (const [lang, res] of [['es', es], ['en', en]] as const) {
      const flat = keys(res);
      for (const k of flat) {
        const v = k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], res);
        expect(typeof v === 'string' && v.trim() !== '', `${lang}: ${k}`).toBe(true);
      }
    }
  });

  it('takes the stored language, then the browser, then Spanish', () => {
    expect(pickLanguage('en', ['es-CO'])).toBe('en');
    expect(pickLanguage(null, ['fr-FR', 'en-US', 'es'])).toBe('en');
    expect(pickLanguage('de', ['es-MX'])).toBe('es');
    expect(pickLanguage(null, ['fr'])).toBe('es');
  });
});
