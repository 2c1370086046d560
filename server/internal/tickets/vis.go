package tickets

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
)

// Vis returns a ticket's visibility fields, and false when there is no such ticket (live presence asks).
func (s *Service) Vis(ctx context.Context, id int64) (access.TicketVis, bool, error) {
	t, err := s.load(ctx, s.DB, id, false)
	if err != nil || t == nil {
		return access.TicketVis{}, false, err
	}
	return t.Vis(), true, nil
}

// Ticket returns a stored ticket, or nil (for writers in the caller's transaction, such as the seed).
func (s *Service) Ticket(ctx context.Context, db bun.IDB, id int64) (*Ticket, error) {
	return s.load(ctx, db, id, false)
}
