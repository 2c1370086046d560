import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import es from '../../i18n/es.json';
import { historyFields } from '../tickets/history';
import { fieldOptions } from './historyState';

/** tr translates with a language's resources as i18next does for plain keys: the key when missing. */
const tr = (res: object) =>
  ((key: string) => {
    const v = key.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown> | undefined)?.[p], res);
    return typeof v === 'string' ? v : key;
  }) as unknown as TFunction;

describe('history field filter', () => {
  it('offers every history field once, each with a label of its own, sorted by label', () => {
    for (const [lang, res] of [
      ['es', es],
      ['en', en],
    ] as const) {
      const opts = fieldOptions(tr(res), lang);
      expect(opts.map((o) => o.value).sort()).toEqual([...historyFields].sort());
      for (const o of opts) expect(o.label, `${lang}: ${o.value}`).not.toBe(o.value);
      const labels = opts.map((o) => o.label);
      expect(new Set(labels).size, `${lang}: two fields read the same`).toBe(labels.length);
      expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, lang)));
    }
    expect(fieldOptions(tr(es), 'es').find((o) => o.value === 'status_id')?.label).toBe('Estado');
    expect(fieldOptions(tr(en), 'en').find((o) => o.value === 'assignee_id')?.label).toBe('Assignee');
  });

  it('keeps a field the URL names that it does not know, under its key', () => {
    const opts = fieldOptions(tr(en), 'en', 'watchers');
    expect(opts.filter((o) => o.value === 'watchers')).toEqual([{ value: 'watchers', label: 'watchers' }]);
    expect(opts).toHaveLength(historyFields.length + 1);
    expect(fieldOptions(tr(en), 'en', 'status_id')).toHaveLength(historyFields.length);
  });
});
