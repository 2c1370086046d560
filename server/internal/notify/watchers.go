package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Watcher is a user who follows a ticket by email.
type Watcher struct {
	ID        int64     `json:"id" bun:"id"`
	Name      string    `json:"name" bun:"name"`
	CreatedAt time.Time `json:"created_at" bun:"created_at"`
}

// canSee reports which of users may see a ticket with these visibility fields (one query for all).
func (s *Service) canSee(ctx context.Context, db bun.IDB, users []int64, vis access.TicketVis) (map[int64]bool, error) {
	subjects, err := people.SubjectsIn(ctx, db, users)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(subjects))
	for id, subj := range subjects {
		out[id] = access.CanWatchTicket(subj, vis)
	}
	return out, nil
}

// Watchers lists a ticket's watchers by name; a ticket subj may not see is not found.
func (s *Service) Watchers(ctx context.Context, subj access.Subject, ticketID int64) ([]Watcher, error) {
	if _, err := s.visibleTicket(ctx, s.DB, subj, ticketID); err != nil {
		return nil, err
	}
	return watchers(ctx, s.DB, ticketID)
}

// visibleTicket reads a ticket subj may see; any other is not found.
func (s *Service) visibleTicket(ctx context.Context, db bun.IDB, subj access.Subject, id int64) (*tickets.Ticket, error) {
	t, err := s.Tickets.Load(ctx, db, id, false)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	return t, nil
}

func watchers(ctx context.Context, db bun.IDB, ticketID int64) ([]Watcher, error) {
	out := []Watcher{}
	if err := db.NewSelect().TableExpr("ticket_watchers AS w").Join("JOIN users AS u ON u.id = w.user_id").
		ColumnExpr("u.id, u.name, w.created_at").Where("w.ticket_id = ?", ticketID).OrderExpr("u.name, u.id").
		Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("notify: watchers: %w", err)
	}
	for i := range out {
		out[i].CreatedAt = out[i].CreatedAt.UTC()
	}
	return out, nil
}

// WatchRequest is the body of POST /tickets/{id}/watchers.
type WatchRequest struct {
	UserID int64 `json:"user_id" validate:"required,gte=1"`
}

// AddWatcher makes a user watch a ticket: oneself whenever one sees the ticket, anyone else only with the
// right to assign it, and never a user who may not see it. Adding a watcher twice changes nothing.
func (s *Service) AddWatcher(ctx context.Context, subj access.Subject, ticketID, userID int64) ([]Watcher, error) {
	var out []Watcher
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.Tickets.LockVisible(ctx, tx, subj, ticketID)
		if err != nil {
			return err
		}
		if !access.CanSetWatcher(subj, t.Vis(), userID) {
			return errs.New(errs.Forbidden, "mail.watchers_forbidden")
		}
		subjects, err := people.SubjectsIn(ctx, tx, []int64{userID})
		if err != nil {
			return err
		}
		who, ok := subjects[userID]
		if !ok {
			return errs.InvalidField("user_id", "mail.watcher_not_found", nil)
		}
		if !access.CanWatchTicket(who, t.Vis()) {
			return errs.InvalidField("user_id", "mail.watcher_cannot_see", map[string]any{"name": who.Name})
		}
		if _, err := tx.NewInsert().Table("ticket_watchers").Model(&map[string]any{"ticket_id": ticketID, "user_id": userID}).
			On("CONFLICT (ticket_id, user_id) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("notify: add watcher: %w", err)
		}
		out, err = watchers(ctx, tx, ticketID)
		return err
	})
	return out, err
}

// RemoveWatcher stops a user watching a ticket: oneself always, anyone else with the right to assign it.
func (s *Service) RemoveWatcher(ctx context.Context, subj access.Subject, ticketID, userID int64) ([]Watcher, error) {
	var out []Watcher
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.Tickets.LockVisible(ctx, tx, subj, ticketID)
		if err != nil {
			return err
		}
		if !access.CanSetWatcher(subj, t.Vis(), userID) {
			return errs.New(errs.Forbidden, "mail.watchers_forbidden")
		}
		if _, err := tx.NewDelete().Table("ticket_watchers").Where("ticket_id = ?", ticketID).Where("user_id = ?", userID).
			Exec(ctx); err != nil {
			return fmt.Errorf("notify: remove watcher: %w", err)
		}
		out, err = watchers(ctx, tx, ticketID)
		return err
	})
	return out, err
}
