import { describe, expect, it } from 'vitest';
import { creditRequestErrors, mayRequestCredit } from './creditRequest';

describe('credit study request', () => {
  const consultant = { kind: 'consultant', email: 'ana@example.com' };
  it('only for consultants, by staff who create for others or by the consultant', () => {
    expect(mayRequestCredit(consultant, { email: 'agent@x.test', createFor: true })).toBe(true);
    expect(mayRequestCredit(consultant, { email: 'ANA@example.com', createFor: false })).toBe(true);
    expect(mayRequestCredit(consultant, { email: 'other@x.test', createFor: false })).toBe(false);
    expect(mayRequestCredit({ kind: 'customer', email: 'c@x.test' }, { email: 'agent@x.test', createFor: true })).toBe(false);
    expect(mayRequestCredit(consultant, null)).toBe(false);
  });
  it('checks the amount and the reason', () => {
    expect(creditRequestErrors('', '')).toEqual({ amount: 'required', reason: 'required' });
    expect(creditRequestErrors('-3', 'x')).toEqual({ amount: 'money' });
    expect(creditRequestErrors('1500000', 'Quiere subir su cupo')).toEqual({});
  });
});
