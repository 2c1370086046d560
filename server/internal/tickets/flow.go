package tickets

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// Where a change comes from, as hooks see it.
const (
	SourceUser       = "user"       // a person's move or edit
	SourceTransition = "transition" // a workflow transition and its actions
	SourceQueue      = "queue"      // a queue operation
	SourceRule       = "rule"       // an automation rule's actions
	SourceMacro      = "macro"      // a macro applied by hand
	SourceAssignment = "assignment" // automatic assignment
)

// Change is one write to a ticket, as hooks see it. Before is nil on creation.
type Change struct {
	// Subject is who acted; a rule acts with the subject of the change that fired it.
	Subject access.Subject
	Before  *Ticket
	After   *Ticket
	Source  string
}

// Hook runs inside the transaction after a ticket was created or changed (its row, history and event
// written); an error rolls the whole change back.
type Hook func(ctx context.Context, tx bun.Tx, c Change) error

// Flow decides tickets' workflows. The workflow package implements it; tickets only asks.
type Flow interface {
	// Start returns the workflow version, start status and states of a new ticket: of the workflow named
	// by workflowKey when not "", else of the one its typification maps to.
	Start(ctx context.Context, db bun.IDB, categoryID, subcategoryID *int64, workflowKey string) (versionID, startStatusID int64, states []int64, err error)
	// Moved is called inside the transaction after a move or patch changed a ticket's status outside a
	// transition request: it refuses what the workflow does not let subj do without input (the caller
	// rolls back), and otherwise records the transition and runs its actions.
	Moved(ctx context.Context, tx bun.Tx, subj access.Subject, before, after *Ticket) error
}

// ApplyOptions say how ApplyTx treats a patch.
type ApplyOptions struct {
	// System skips the per-field permission check: the caller (a rule, a workflow action, a queue
	// operation access already allowed) decided.
	System bool
	// Source is passed to the hooks (SourceUser when empty).
	Source string
	// Flowed says a transition already decided the status change, so Flow.Moved is not asked.
	Flowed bool
}

// LockVisible loads a ticket for update; a ticket that does not exist or subj may not see is not found.
func (s *Service) LockVisible(ctx context.Context, tx bun.Tx, subj access.Subject, id int64) (*Ticket, error) {
	t, err := s.load(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	return t, nil
}

// Load loads a ticket by id inside db (nil when there is none), checking nothing: for packages that
// act on a ticket already authorised, e.g. automatic assignment.
func (s *Service) Load(ctx context.Context, db bun.IDB, id int64, forUpdate bool) (*Ticket, error) {
	return s.load(ctx, db, id, forUpdate)
}

// ApplyTx applies a patch to the locked ticket t inside tx exactly as PATCH does (checks, allowed roles,
// network, WIP, history, ticket.updated event), then asks the workflow about a status change (unless
// o.Flowed) and runs the hooks. It does not check p.Version: callers do. It returns the ticket as saved
// (t itself when nothing changed).
func (s *Service) ApplyTx(ctx context.Context, tx bun.Tx, subj access.Subject, t *Ticket, p TicketPatch, o ApplyOptions) (*Ticket, error) {
	if !o.System {
		if err := refuseFields(subj, t.Vis(), p); err != nil {
			return nil, err
		}
	}
	if t.Tags == nil {
		t.Tags = []string{}
	}
	if t.AllowedRoles == nil {
		t.AllowedRoles = []int64{}
	}
	if t.Network == nil {
		t.Network = []int64{}
	}
	nt := *t
	c := s.checker(ctx, tx)
	s.applyPatch(c, t, &nt, p)
	if err := c.result(); err != nil {
		return nil, err
	}
	// Who may see the ticket follows its people, queue and typification: a new queue or typification
	// starts from their roles again unless the same patch sets the roles explicitly.
	if !same(idOf(nt.QueueID), idOf(t.QueueID)) || !same(idOf(nt.CategoryID), idOf(t.CategoryID)) ||
		!same(idOf(nt.SubcategoryID), idOf(t.SubcategoryID)) {
		if !p.AllowedRoles.Set {
			if err := s.setAllowedRoles(ctx, tx, &nt); err != nil {
				return nil, err
			}
		}
	}
	var changes []change
	var cols []string
	for _, col := range columns {
		if b, a := col.get(t), col.get(&nt); !same(b, a) {
			changes = append(changes, change{col.name, b, a})
			cols = append(cols, col.name)
		}
	}
	if len(changes) == 0 {
		return t, nil
	}
	if !same(idOf(nt.RequesterID), idOf(t.RequesterID)) || !same(idOf(nt.AffectedID), idOf(t.AffectedID)) {
		if err := s.setNetwork(ctx, tx, &nt); err != nil {
			return nil, err
		}
		if !slices.Equal(nt.Network, t.Network) {
			cols = append(cols, "network")
		}
	}
	q := tx.NewUpdate().Model(&nt)
	if nt.StatusID != t.StatusID {
		if err := s.checkWIPOf(ctx, tx, subj, nt.StatusID, t.StatusID); err != nil {
			return nil, err
		}
		// A status change puts the ticket at the top of its new column, as a move without a place does.
		var err error
		if nt.Rank, err = s.topRank(ctx, tx, nt.StatusID, t.ID); err != nil {
			return nil, fmt.Errorf("tickets: update: %w", err)
		}
		cols = append(cols, "rank")
		if nt.Rank != t.Rank {
			changes = append(changes, change{"rank", t.Rank, nt.Rank})
		}
		q = q.Set("state_entered_at = now()")
	}
	nt.Version = t.Version + 1
	if _, err := q.Column(append(cols, "version")...).Set("updated_at = now()").
		WherePK().Returning("updated_at, state_entered_at").Exec(ctx); err != nil {
		return nil, fmt.Errorf("tickets: update: %w", err)
	}
	if err := s.record(ctx, tx, t.ID, subj, changes); err != nil {
		return nil, err
	}
	if err := s.emitUpdated(ctx, tx, subj, t, &nt); err != nil {
		return nil, err
	}
	return s.afterChange(ctx, tx, subj, t, &nt, o)
}

// afterChange asks the workflow about a status change and runs the hooks; it returns the ticket as it
// stands afterwards (a workflow action or a rule may have changed it again).
func (s *Service) afterChange(ctx context.Context, tx bun.Tx, subj access.Subject, before, after *Ticket, o ApplyOptions) (*Ticket, error) {
	if s.Flow != nil && !o.Flowed && before != nil && before.StatusID != after.StatusID {
		if err := s.Flow.Moved(ctx, tx, subj, before, after); err != nil {
			return nil, err
		}
	}
	return s.runHooks(ctx, tx, subj, before, after, o.Source)
}

// runHooks runs the hooks for one change and reloads the ticket when one of them changed it.
func (s *Service) runHooks(ctx context.Context, tx bun.Tx, subj access.Subject, before, after *Ticket, source string) (*Ticket, error) {
	if source == "" {
		source = SourceUser
	}
	for _, h := range s.Hooks {
		if err := h(ctx, tx, Change{Subject: subj, Before: before, After: after, Source: source}); err != nil {
			return nil, err
		}
	}
	cur, err := s.load(ctx, tx, after.ID, false)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return after, nil
	}
	return cur, nil
}

// RecordTx writes one extra history row on a ticket (a transition, a workflow action, a rule firing, a
// queue operation), by subj or by the system when subj.UserID is 0.
func (s *Service) RecordTx(ctx context.Context, tx bun.IDB, subj access.Subject, ticketID int64, field string, before, after any) error {
	return s.record(ctx, tx, ticketID, subj, []change{{field, before, after}})
}

// NoteTx writes an internal note on t, by subj or by the system when subj.UserID is 0.
func (s *Service) NoteTx(ctx context.Context, tx bun.Tx, subj access.Subject, t *Ticket, body string) error {
	return s.note(ctx, tx, subj, t, body)
}

// ReplyTx writes a public reply on t by subj.
func (s *Service) ReplyTx(ctx context.Context, tx bun.Tx, subj access.Subject, t *Ticket, body string) error {
	_, err := s.WriteComment(ctx, tx, subj, t, NewComment{Body: body, Public: true})
	return err
}

// DetailOf returns the ticket page of t as subj sees it.
func (s *Service) DetailOf(ctx context.Context, db bun.IDB, subj access.Subject, t *Ticket) (*TicketDetail, error) {
	return s.detail(ctx, db, subj, t)
}

// CardOf returns t as a card.
func (s *Service) CardOf(ctx context.Context, db bun.IDB, t *Ticket) (*Card, error) {
	return s.card(ctx, db, t)
}

// CardsOf returns tickets as cards, naming their people with one query.
func (s *Service) CardsOf(ctx context.Context, db bun.IDB, ts []Ticket) ([]Card, error) {
	return s.cards(ctx, db, ts)
}

// CreateTx creates a ticket inside tx with the same checks as POST /tickets, in the workflow named by
// workflowKey ("" for the one its typification maps to).
func (s *Service) CreateTx(ctx context.Context, tx bun.Tx, subj access.Subject, req NewTicketRequest, workflowKey string) (*TicketDetail, error) {
	return s.createTicket(ctx, tx, subj, req, workflowKey)
}

// StaleDetail is the 409 of a change based on an old version of t, carrying the current ticket.
func (s *Service) StaleDetail(ctx context.Context, db bun.IDB, subj access.Subject, t *Ticket) error {
	return s.staleDetail(ctx, db, subj, t)
}
