// Who lands where: customers and consultants follow their orders in the portal; staff work the board.
// The server decides again (GET /portal/orders refuses staff); this only picks the home page and nav.

/** isPortalUser reports whether a user's home is the order listing (customers and consultants). */
export function isPortalUser(user: { role?: string } | null | undefined): boolean {
  return user?.role === 'customer' || user?.role === 'consultant';
}

const homeKey = 'atiende.home';

/** Where localStorage is unavailable (private modes, tests), nothing is remembered. */
function storage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * rememberHome keeps, for this browser's next visit, whether its user lands on the portal: the app starts
 * fetching the board's data before it knows who is signed in, and skips that for a customer or consultant.
 */
export function rememberHome(user: { role?: string }, s = storage()): void {
  try {
    if (isPortalUser(user)) s?.setItem(homeKey, 'portal');
    else s?.removeItem(homeKey);
  } catch {
    // A full or refused storage only costs the early board requests.
  }
}

/** lastHomeIsPortal reports whether the last user signed in on this browser landed on the portal. */
export function lastHomeIsPortal(s = storage()): boolean {
  try {
    return s?.getItem(homeKey) === 'portal';
  } catch {
    return false;
  }
}
