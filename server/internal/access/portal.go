package access

import "github.com/uptrace/bun"

// The portal is where customers and consultants follow their orders and the tickets about them. Staff
// work tickets on the board and never use it: they neither sign in by emailed link (a link in a mailbox
// is a weaker key than their password) nor list orders there.

// PortalRole reports whether users of a primary role use the portal and may sign in by emailed link.
func PortalRole(r Role) bool { return r == Customer || r == Consultant }

// CanUsePortal reports whether s may list orders in the portal.
func CanUsePortal(s Subject) bool { return s.UserID != 0 && PortalRole(s.Role) }

// OrderOwnersQuery selects the ids of the persons whose orders s may see in the portal (column id, from
// users): a customer their own orders; a consultant (who sees their network's tickets) also those of
// every person of their downline, never their sponsor's nor another branch's. It is served by the
// primary key or the ancestors GIN index. Every portal decision on orders, listing one or naming one on
// a new ticket, asks this query.
func OrderOwnersQuery(db bun.IDB, s Subject) *bun.SelectQuery {
	q := db.NewSelect().Table("users").Column("id")
	switch {
	case !CanUsePortal(s):
		return q.Where("false")
	case s.Has(TicketViewNetwork):
		return q.Where("id = ? OR ancestors @> ARRAY[?::bigint]", s.UserID, s.UserID)
	default:
		return q.Where("id = ?", s.UserID)
	}
}

// OrderGuarded reports whether the order number s puts on a new ticket must name an order s may see:
// portal users open tickets about their own (or their downline's) orders; staff, who open tickets for
// anyone, may name any order. A web form visitor's order number is what they typed, kept for the agent
// to check: the visitor may not be anyone's customer yet, and their ticket shows them nothing of the order.
func OrderGuarded(s Subject) bool { return CanUsePortal(s) && !CanCreateFor(s) && !s.Visitor }
