package notify

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
)

// The events a user may choose to receive mail about.
const (
	PrefTicketCreated  = "ticket_created"
	PrefTicketReplied  = "ticket_replied"
	PrefTicketStatus   = "ticket_status"
	PrefTicketAssigned = "ticket_assigned"
	PrefTicketClosed   = "ticket_closed"
	PrefTaskDigest     = "task_digest"
)

// PrefEvents lists the events of the preferences, in the order the page shows them.
var PrefEvents = []string{PrefTicketCreated, PrefTicketReplied, PrefTicketStatus, PrefTicketAssigned, PrefTicketClosed, PrefTaskDigest}

// Preferences is the body of GET and PUT /me/mail-preferences: each event on (the default) or off.
type Preferences struct {
	Events PrefValues `json:"events" validate:"required"`
}

// PrefValues is one switch per event; a PUT may leave some out, which keeps them as they are.
type PrefValues struct {
	TicketCreated  *bool `json:"ticket_created"`
	TicketReplied  *bool `json:"ticket_replied"`
	TicketStatus   *bool `json:"ticket_status"`
	TicketAssigned *bool `json:"ticket_assigned"`
	TicketClosed   *bool `json:"ticket_closed"`
	TaskDigest     *bool `json:"task_digest"`
}

func (p *PrefValues) ptrs() map[string]**bool {
	return map[string]**bool{PrefTicketCreated: &p.TicketCreated, PrefTicketReplied: &p.TicketReplied,
		PrefTicketStatus: &p.TicketStatus, PrefTicketAssigned: &p.TicketAssigned, PrefTicketClosed: &p.TicketClosed,
		PrefTaskDigest: &p.TaskDigest}
}

type prefRow struct {
	bun.BaseModel `bun:"table:mail_preferences,alias:mp"`

	UserID  int64  `bun:"user_id,pk"`
	Event   string `bun:"event,pk"`
	Enabled bool   `bun:"enabled"`
}

// disabled returns which of users turned mail about event off (one query for all of them).
func (s *Service) disabled(ctx context.Context, db bun.IDB, users []int64, event string) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(users) == 0 {
		return out, nil
	}
	var ids []int64
	if err := db.NewSelect().Model((*prefRow)(nil)).Column("user_id").Where("user_id IN (?)", bun.In(users)).
		Where("event = ?", event).Where("NOT enabled").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("notify: preferences: %w", err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// Preferences returns subj's choices, every event on unless they turned it off.
func (s *Service) Preferences(ctx context.Context, subj access.Subject) (*Preferences, error) {
	return s.preferences(ctx, s.DB, subj.UserID)
}

func (s *Service) preferences(ctx context.Context, db bun.IDB, userID int64) (*Preferences, error) {
	var rows []prefRow
	if err := db.NewSelect().Model(&rows).Where("user_id = ?", userID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("notify: preferences: %w", err)
	}
	out := &Preferences{}
	ps := out.Events.ptrs()
	for _, e := range PrefEvents {
		on := true
		*ps[e] = &on
	}
	for _, r := range rows {
		if p, ok := ps[r.Event]; ok {
			v := r.Enabled
			*p = &v
		}
	}
	return out, nil
}

// SetPreferences saves the events subj sent and returns every choice.
func (s *Service) SetPreferences(ctx context.Context, subj access.Subject, in Preferences) (*Preferences, error) {
	var rows []prefRow
	for e, p := range in.Events.ptrs() {
		if *p != nil {
			rows = append(rows, prefRow{UserID: subj.UserID, Event: e, Enabled: **p})
		}
	}
	var out *Preferences
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if len(rows) > 0 {
			if _, err := tx.NewInsert().Model(&rows).On("CONFLICT (user_id, event) DO UPDATE").
				Set("enabled = EXCLUDED.enabled").Exec(ctx); err != nil {
				return fmt.Errorf("notify: save preferences: %w", err)
			}
		}
		var err error
		out, err = s.preferences(ctx, tx, subj.UserID)
		return err
	})
	return out, err
}
