import { describe, expect, it } from 'vitest';
import { fieldChanges, formatValue } from './history';
import { schemeLabel, schemeNames, schemes } from './scheme';

describe('priority schemes', () => {
  it('labels each scheme with its four names in the language on screen', () => {
    expect(schemeLabel('eisenhower', 'es', 'Custom')).toBe('DO / DECIDE / DELEGATE / DELETE');
    expect(schemeLabel('eisenhower', 'en', 'Custom')).toBe('DO / DECIDE / DELEGATE / DELETE');
    expect(schemeLabel('altisima', 'es', 'Custom')).toBe('Altísima / Alta / Media / Baja');
    expect(schemeLabel('altisima', 'en', 'Custom')).toBe('Critical / High / Medium / Low');
    expect(schemeLabel('bajisima', 'es', 'Custom')).toBe('Alta / Media / Baja / Bajísima');
    expect(schemeLabel('bajisima', 'en', 'Custom')).toBe('High / Medium / Low / Lowest');
    expect(schemeLabel('custom', 'es', 'Personalizados')).toBe('Personalizados');
  });

  it('offers the four schemes, custom last, each naming four priorities', () => {
    expect(schemes).toEqual(['eisenhower', 'altisima', 'bajisima', 'custom']);
    for (const names of Object.values(schemeNames)) {
      expect(names.es).toHaveLength(4);
      expect(names.en).toHaveLength(4);
    }
  });
});

describe('catalog history', () => {
  it('lists the changed fields of an edit, without bookkeeping', () => {
    expect(
      fieldChanges({
        before: { id: 1, name_es: 'A', color: '#000000', version: 1, in_use: 3, active: true },
        after: { id: 1, name_es: 'B', color: '#000000', version: 2, in_use: 3, active: false },
      } as never),
    ).toEqual([
      { field: 'name_es', before: 'A', after: 'B' },
      { field: 'active', before: true, after: false },
    ]);
  });

  it('lists every field of a creation and a deletion', () => {
    expect(fieldChanges({ before: null, after: { id: 1, key: 'x', name_es: 'X' } } as never)).toEqual([
      { field: 'key', before: undefined, after: 'x' },
      { field: 'name_es', before: undefined, after: 'X' },
    ]);
    expect(fieldChanges({ before: { key: 'x' }, after: null } as never)).toEqual([{ field: 'key', before: 'x', after: undefined }]);
  });

  it('formats values', () => {
    const words = { yes: 'Sí', no: 'No', empty: '—' };
    expect(formatValue(null, words)).toBe('—');
    expect(formatValue(undefined, words)).toBe('—');
    expect(formatValue('', words)).toBe('—');
    expect(formatValue(true, words)).toBe('Sí');
    expect(formatValue(false, words)).toBe('No');
    expect(formatValue(5, words)).toBe('5');
    expect(formatValue('DO', words)).toBe('DO');
    expect(formatValue([1, 2], words)).toBe('[1,2]');
  });
});
