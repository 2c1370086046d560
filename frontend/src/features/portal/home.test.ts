import { describe, expect, it } from 'vitest';
import { isPortalUser, lastHomeIsPortal, rememberHome } from './home';

function memory() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
}

describe('home', () => {
  it('sends customers and consultants to the portal, staff to the board', () => {
    expect(isPortalUser({ role: 'customer' })).toBe(true);
    expect(isPortalUser({ role: 'consultant' })).toBe(true);
    expect(isPortalUser({ role: 'agent' })).toBe(false);
    expect(isPortalUser(null)).toBe(false);
  });

  it('remembers the last user’s home for the next visit, and forgets it when staff sign in', () => {
    const s = memory();
    expect(lastHomeIsPortal(s)).toBe(false);
    rememberHome({ role: 'customer' }, s);
    expect(lastHomeIsPortal(s)).toBe(true);
    rememberHome({ role: 'supervisor' }, s);
    expect(lastHomeIsPortal(s)).toBe(false);
  });

  it('remembers nothing where storage refuses', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(() => rememberHome({ role: 'customer' }, broken)).not.toThrow();
    expect(lastHomeIsPortal(broken)).toBe(false);
    expect(lastHomeIsPortal(null)).toBe(false);
  });
});
