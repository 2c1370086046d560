// Who lands where: customers and consultants follow their orders in the portal; staff work the board.
// The server decides again (GET /portal/orders refuses staff); this only picks the home page and nav.

/** isPortalUser reports whether a user's home is the order listing (customers and consultants). */
export function isPortalUser(user: { role?: string } | null | undefined): boolean {
  return user?.role === 'customer' || user?.role === 'consultant';
}
