package tickets

import (
	"context"
	"fmt"

	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
)

// ByOrderNumbers returns the tickets subj may see about any of some orders, by order number, oldest
// first within each order: one query for the tickets and the cards' one batch, however many orders a
// page lists. Tickets merged into another are left out: their conversation lives on the other one.
func (s *Service) ByOrderNumbers(ctx context.Context, subj access.Subject, numbers []string) (map[string][]Card, error) {
	out := map[string][]Card{}
	if len(numbers) == 0 {
		return out, nil
	}
	var ts []Ticket
	q := s.DB.NewSelect().Model(&ts).
		Where("t.order_number = ANY(?::text[])", pgdialect.Array(numbers)).
		Where("t.merged_into_id IS NULL").
		OrderExpr("t.created_at, t.id")
	if err := access.TicketFilter(q, "t", subj).Scan(ctx); err != nil {
		return nil, fmt.Errorf("tickets: by order numbers: %w", err)
	}
	cards, err := s.cards(ctx, s.DB, ts)
	if err != nil {
		return nil, err
	}
	for _, c := range cards {
		out[*c.OrderNumber] = append(out[*c.OrderNumber], c)
	}
	return out, nil
}
