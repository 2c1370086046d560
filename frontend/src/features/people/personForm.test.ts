import { describe, expect, it } from 'vitest';
import type { Person } from '../../api/types';
import {
  contactError,
  emptyForm,
  formFromPerson,
  isValidPhone,
  mapServerErrors,
  toCreateBody,
  toPatchBody,
  validatePerson,
} from './personForm';

const t = (key: string, opts?: Record<string, unknown>) => (opts ? `${key}:${JSON.stringify(opts)}` : key);

const person: Person = {
  id: 7,
  name: 'Rosa',
  email: 'rosa@x.test',
  kind: 'consultant',
  document_id: null,
  rank: 'Oro',
  commercial_status: 'active',
  sponsor: { id: 3, name: 'Beto' },
  has_login: false,
  direct_count: 0,
  contacts: [],
  upline: [{ id: 3, name: 'Beto', rank: null }],
  downline_count: 0,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  version: 4,
};

describe('person form', () => {
  it('checks what the server checks', () => {
    expect(validatePerson(emptyForm(), t)).toEqual({ name: 'people.errors.name', email: 'people.errors.required' });
    const v = { ...emptyForm(), name: 'Ana', email: 'ana@', document_id: 'd'.repeat(41), phone: '12-34' };
    expect(validatePerson(v, t)).toEqual({
      email: 'people.errors.email',
      document_id: 'people.errors.max:{"max":40}',
      phone: 'people.errors.phone',
    });
    expect(validatePerson({ ...emptyForm(), name: 'Ana', email: 'ana@x.test', phone: '+52 (55) 1234-5678' }, t)).toEqual({});
  });
  it('accepts phones of 6 to 20 digits with phone punctuation only', () => {
    expect(isValidPhone('555 123')).toBe(true);
    expect(isValidPhone('12345')).toBe(false);
    expect(isValidPhone('1'.repeat(21))).toBe(false);
    expect(isValidPhone('555-123x')).toBe(false);
    expect(contactError('address', ' ', t)).toBe('people.errors.address');
    expect(contactError('email', 'a@b.co', t)).toBeUndefined();
  });
  it('sends rank and status only for consultants, and the first phone as a contact', () => {
    const v = {
      ...emptyForm(),
      name: ' Ana ',
      email: 'ana@x.test',
      rank: 'Oro',
      commercial_status: 'active' as const,
      phone: '555 1234',
    };
    expect(toCreateBody(v)).toEqual({
      name: 'Ana',
      email: 'ana@x.test',
      kind: 'customer',
      contacts: [{ kind: 'phone', value: '555 1234' }],
    });
    expect(toCreateBody({ ...v, kind: 'consultant', phone: '', sponsor: { id: 3, name: 'Beto' } })).toEqual({
      name: 'Ana',
      email: 'ana@x.test',
      kind: 'consultant',
      rank: 'Oro',
      commercial_status: 'active',
      sponsor_id: 3,
    });
  });
  it('patches only what changed, clearing with null', () => {
    const v = formFromPerson(person);
    expect(toPatchBody(v, person)).toBeNull();
    expect(toPatchBody({ ...v, sponsor: null, rank: '' }, person)).toEqual({ version: 4, rank: null, sponsor_id: null });
    expect(toPatchBody({ ...v, kind: 'customer' }, person)).toEqual({ version: 4, kind: 'customer' });
    expect(toPatchBody({ ...v, name: 'Rosa María', document_id: 'X1' }, person)).toEqual({
      version: 4,
      name: 'Rosa María',
      document_id: 'X1',
    });
  });
  it("puts the server's field messages on the form's fields", () => {
    expect(
      mapServerErrors({
        sponsor_id: 'Ana está en la red de Rosa',
        'contacts[0].value': 'mal',
        email: 'ya existe',
        surname: 'no existe',
      }),
    ).toEqual({ errors: { sponsor: 'Ana está en la red de Rosa', phone: 'mal', email: 'ya existe' }, other: ['no existe'] });
  });
});
