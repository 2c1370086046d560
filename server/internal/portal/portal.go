// Package portal is where customers and consultants follow their orders: the orders they may see (their
// own; a consultant's also their downline's), each with the tickets about it that they may see. Orders
// come through commerce.Store, tickets through the tickets service, and which orders a user may see is
// the access package's OrderOwnersQuery.
package portal

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/commerce"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Page sizes of the order listing.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Service answers the portal's reads and guards the order named on a portal user's ticket.
type Service struct {
	DB       *bun.DB
	Commerce commerce.Store
	Tickets  *tickets.Service
	People   *people.Store
}

// Order is an order as the portal lists it: whose it is, and the tickets about it the user may see.
type Order struct {
	ID        int64          `json:"id"`
	Number    string         `json:"number"`
	CreatedAt time.Time      `json:"created_at"`
	Status    string         `json:"status"`
	Total     commerce.Money `json:"total"`
	Person    people.Ref     `json:"person"`
	Tickets   []tickets.Card `json:"tickets"`
}

// OrderList is a page of orders; NextCursor is "" at the end.
type OrderList struct {
	Items      []Order `json:"items"`
	NextCursor string  `json:"next_cursor"`
}

func forbidden() error { return errs.New(errs.Forbidden, "portal.forbidden") }

// owners returns the ids of the persons whose orders subj may see.
func (s *Service) owners(ctx context.Context, db bun.IDB, subj access.Subject) ([]int64, error) {
	var ids []int64
	if err := access.OrderOwnersQuery(db, subj).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("portal: order owners: %w", err)
	}
	return ids, nil
}

// mayName reports whether subj may see an order owned by personID, with one indexed query.
func (s *Service) mayName(ctx context.Context, db bun.IDB, subj access.Subject, personID int64) (bool, error) {
	var ok bool
	q := access.OrderOwnersQuery(db, subj).Where("id = ?", personID)
	if err := db.NewRaw("SELECT EXISTS (?)", q).Scan(ctx, &ok); err != nil {
		return false, fmt.Errorf("portal: order owner: %w", err)
	}
	return ok, nil
}

// Orders lists the orders subj may see, newest first, after the cursor (the id of the last order of the
// previous page; "" for the first), each with the visible tickets about it.
func (s *Service) Orders(ctx context.Context, subj access.Subject, cursor int64, limit int) (*OrderList, error) {
	if !access.CanUsePortal(subj) {
		return nil, forbidden()
	}
	ids, err := s.owners(ctx, s.DB, subj)
	if err != nil {
		return nil, err
	}
	orders, next, err := s.Commerce.OrdersOf(ctx, s.DB, ids, cursor, limit)
	if err != nil {
		return nil, err
	}
	items, err := s.withTickets(ctx, subj, orders)
	if err != nil {
		return nil, err
	}
	out := &OrderList{Items: items}
	if next != 0 {
		out.NextCursor = fmt.Sprint(next)
	}
	return out, nil
}

// Order returns one order subj may see by its number; any other (or none) is not found, so that the
// existence of another person's order is not revealed.
func (s *Service) Order(ctx context.Context, subj access.Subject, number string) (*Order, error) {
	if !access.CanUsePortal(subj) {
		return nil, forbidden()
	}
	o, ok, err := s.visibleOrder(ctx, s.DB, subj, number)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.New(errs.NotFound, "portal.order_not_found")
	}
	items, err := s.withTickets(ctx, subj, []commerce.Order{o})
	if err != nil {
		return nil, err
	}
	return &items[0], nil
}

// visibleOrder finds an order by number and tells whether subj may see it.
func (s *Service) visibleOrder(ctx context.Context, db bun.IDB, subj access.Subject, number string) (commerce.Order, bool, error) {
	number = strings.TrimSpace(number)
	if number == "" {
		return commerce.Order{}, false, nil
	}
	o, err := s.Commerce.OrderByNumber(ctx, db, number)
	if e, isErr := errs.As(err); isErr && (e.Code == errs.Invalid || e.Code == errs.NotFound) {
		return commerce.Order{}, false, nil
	}
	if err != nil {
		return commerce.Order{}, false, err
	}
	ok, err := s.mayName(ctx, db, subj, o.PersonID)
	return o, ok, err
}

// withTickets names each order's person and adds the tickets about it subj may see: one query for the
// names and one for the tickets of the whole page.
func (s *Service) withTickets(ctx context.Context, subj access.Subject, orders []commerce.Order) ([]Order, error) {
	numbers := make([]string, len(orders))
	persons := make([]int64, len(orders))
	for i, o := range orders {
		numbers[i], persons[i] = o.Number, o.PersonID
	}
	refs, err := s.People.Refs(ctx, s.DB, persons)
	if err != nil {
		return nil, err
	}
	byOrder, err := s.Tickets.ByOrderNumbers(ctx, subj, numbers)
	if err != nil {
		return nil, err
	}
	out := make([]Order, len(orders))
	for i, o := range orders {
		ts := byOrder[o.Number]
		if ts == nil {
			ts = []tickets.Card{}
		}
		out[i] = Order{ID: o.ID, Number: o.Number, CreatedAt: o.CreatedAt.UTC(), Status: o.Status, Total: o.Total,
			Person: people.Ref{ID: o.PersonID, Name: refs[o.PersonID].Name}, Tickets: ts}
	}
	return out, nil
}

// OrderHook refuses, inside the ticket's transaction, an order number a portal user may not see on a
// ticket they open or change: a customer names only their own orders, a consultant also their
// downline's. Staff, who open tickets for anyone, may name any order. It runs before every other hook,
// so that a refused ticket leaves nothing behind.
func (s *Service) OrderHook(ctx context.Context, tx bun.Tx, c tickets.Change) error {
	if c.After == nil || c.After.OrderNumber == nil || !access.OrderGuarded(c.Subject) {
		return nil
	}
	if c.Before != nil && c.Before.OrderNumber != nil && *c.Before.OrderNumber == *c.After.OrderNumber {
		return nil
	}
	_, ok, err := s.visibleOrder(ctx, tx, c.Subject, *c.After.OrderNumber)
	if err != nil {
		return err
	}
	if !ok {
		return errs.InvalidField("order_number", "portal.order_not_yours", nil)
	}
	return nil
}
