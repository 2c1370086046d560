// Package tickets owns tickets: their board of columns, moves between and within columns, creation,
// and the history of every change. Each change runs in one transaction that writes the ticket, its
// history and its live event.
package tickets

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/people"
)

// Ticket is a stored ticket.
type Ticket struct {
	bun.BaseModel `bun:"table:tickets,alias:t"`

	ID            int64      `bun:"id,pk,autoincrement"`
	Number        int64      `bun:"number,nullzero"`
	Subject       string     `bun:"subject"`
	Description   string     `bun:"description"`
	StatusID      int64      `bun:"status_id"`
	PriorityID    int64      `bun:"priority_id"`
	AssigneeID    *int64     `bun:"assignee_id"`
	RequesterID   *int64     `bun:"requester_id"`
	ChannelID     *int64     `bun:"channel_id"`
	CategoryID    *int64     `bun:"category_id"`
	SubcategoryID *int64     `bun:"subcategory_id"`
	QueueID       *int64     `bun:"queue_id"`
	AffectedID    *int64     `bun:"affected_id"`
	OrderNumber   *string    `bun:"order_number"`
	Tags          []string   `bun:"tags,array,nullzero,default:'{}'"`
	DueAt         *time.Time `bun:"due_at"`
	MergedIntoID  *int64     `bun:"merged_into_id"`
	AllowedRoles  []int64    `bun:"allowed_roles,array,nullzero,default:'{}'"` // ascending
	Network       []int64    `bun:"network,array,nullzero,default:'{}'"`       // ascending: requester's and affected's sponsor chains
	Rank          string     `bun:"rank"`
	Version       int64      `bun:"version"`
	CreatedAt     time.Time  `bun:"created_at,nullzero,default:now()"`
	UpdatedAt     time.Time  `bun:"updated_at,nullzero,default:now()"`
	// WorkflowVersionID is the workflow version the ticket started in and keeps.
	WorkflowVersionID *int64 `bun:"workflow_version_id"`
	// StateEnteredAt is when the ticket entered its current status.
	StateEnteredAt time.Time `bun:"state_entered_at,nullzero,default:now()"`
	// CreatedBy is the user who created the ticket (nil for the system or an anonymous form).
	CreatedBy *int64 `bun:"created_by"`
}

// Vis is the ticket's visibility fields, as access decides with them.
func (t *Ticket) Vis() access.TicketVis {
	v := access.TicketVis{AllowedRoles: t.AllowedRoles, Network: t.Network}
	if t.RequesterID != nil {
		v.RequesterID = *t.RequesterID
	}
	if t.AffectedID != nil {
		v.AffectedID = *t.AffectedID
	}
	if t.AssigneeID != nil {
		v.AssigneeID = *t.AssigneeID
	}
	if t.QueueID != nil {
		v.QueueID = *t.QueueID
	}
	if t.CreatedBy != nil {
		v.CreatedBy = *t.CreatedBy
	}
	return v
}

// Card is a ticket as the board, the records table and the live stream show it.
type Card struct {
	ID            int64             `json:"id"`
	Number        int64             `json:"number"`
	Subject       string            `json:"subject"`
	StatusID      int64             `json:"status_id"`
	PriorityID    int64             `json:"priority_id"`
	CategoryID    *int64            `json:"category_id"`
	SubcategoryID *int64            `json:"subcategory_id"`
	ChannelID     *int64            `json:"channel_id"`
	QueueID       *int64            `json:"queue_id"`
	Assignee      *people.Ref       `json:"assignee"`
	Requester     *people.PersonRef `json:"requester"`
	AllowedRoles  []int64           `json:"allowed_roles"`
	Rank          string            `json:"rank"`
	Version       int64             `json:"version"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	// WorkflowVersionID names the workflow version whose transitions the ticket follows.
	WorkflowVersionID *int64    `json:"workflow_version_id"`
	StateEnteredAt    time.Time `json:"state_entered_at"`
	// SLA is the ticket's SLA clock that matters now (nil when no policy applies).
	SLA *SLAInfo `json:"sla"`
	// OrderNumber is the order the ticket is about, so that the portal's order listing places a live
	// ticket on its order.
	OrderNumber *string `json:"order_number"`
}

// SLAInfo is the SLA clock a card shows: the running one (first response, else resolution), else the
// last one stopped.
type SLAInfo struct {
	// Clock is "first_response" or "resolution".
	Clock string `json:"clock"`
	// State is "on_track", "at_risk", "breached", "paused" or "met".
	State string `json:"state"`
	// DueAt is when the clock breaches (nil while paused: the time left is frozen in RemainingS).
	DueAt *time.Time `json:"due_at"`
	// AtRiskAt is when the clock turns at risk (nil while paused).
	AtRiskAt *time.Time `json:"at_risk_at"`
	// RemainingS is the business time left in seconds when the card was built (negative once breached).
	RemainingS int64 `json:"remaining_s"`
	// PausedBy is the status that pauses the clock, while paused.
	PausedBy *int64 `json:"paused_by"`
}

// SLASource gives cards their SLA clocks; the sla package implements it. It is asked once per batch of
// cards.
type SLASource interface {
	Summaries(ctx context.Context, db bun.IDB, ticketIDs []int64) (map[int64]*SLAInfo, error)
}

// CommentHook runs inside the transaction after a reply or an internal note was written on t (its row
// and event written); an error rolls it back. subj is the comment's author: the requester, for a message
// a bot relays on their behalf.
type CommentHook func(ctx context.Context, tx bun.Tx, subj access.Subject, t *Ticket, c *Comment) error

// Service runs the ticket use cases.
type Service struct {
	DB      *bun.DB
	Catalog *catalog.Store
	People  *people.Store
	// Flow decides the workflow of tickets (nil: any status change is allowed).
	Flow Flow
	// Hooks run inside the transaction of every creation and change, in order.
	Hooks []Hook
	// CommentHooks run inside the transaction of every reply and internal note, in order.
	CommentHooks []CommentHook
	// SLA fills cards' SLA clocks (nil: cards carry none).
	SLA SLASource
}

// cards turns tickets into cards, naming their assignees and requesters with one query.
func (s *Service) cards(ctx context.Context, db bun.IDB, ts []Ticket) ([]Card, error) {
	ids := make([]int64, 0, 2*len(ts))
	for _, t := range ts {
		if t.AssigneeID != nil {
			ids = append(ids, *t.AssigneeID)
		}
		if t.RequesterID != nil {
			ids = append(ids, *t.RequesterID)
		}
	}
	refs, err := s.People.Refs(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	var slas map[int64]*SLAInfo
	if s.SLA != nil && len(ts) > 0 {
		tids := make([]int64, len(ts))
		for i, t := range ts {
			tids[i] = t.ID
		}
		if slas, err = s.SLA.Summaries(ctx, db, tids); err != nil {
			return nil, err
		}
	}
	out := make([]Card, len(ts))
	for i, t := range ts {
		out[i] = Card{ID: t.ID, Number: t.Number, Subject: t.Subject, StatusID: t.StatusID, PriorityID: t.PriorityID,
			CategoryID: t.CategoryID, SubcategoryID: t.SubcategoryID, ChannelID: t.ChannelID, QueueID: t.QueueID,
			AllowedRoles: t.AllowedRoles, Rank: t.Rank, Version: t.Version, CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(),
			WorkflowVersionID: t.WorkflowVersionID, StateEnteredAt: t.StateEnteredAt.UTC(), SLA: slas[t.ID],
			OrderNumber: t.OrderNumber}
		if out[i].AllowedRoles == nil {
			out[i].AllowedRoles = []int64{}
		}
		if t.AssigneeID != nil {
			out[i].Assignee = &people.Ref{ID: *t.AssigneeID, Name: refs[*t.AssigneeID].Name}
		}
		if t.RequesterID != nil {
			r := refs[*t.RequesterID]
			out[i].Requester = &r
		}
	}
	return out, nil
}

func (s *Service) card(ctx context.Context, db bun.IDB, t *Ticket) (*Card, error) {
	cs, err := s.cards(ctx, db, []Ticket{*t})
	if err != nil {
		return nil, err
	}
	return &cs[0], nil
}

// Get returns one ticket as a card; a ticket the subject may not see is not found.
func (s *Service) Get(ctx context.Context, subj access.Subject, id int64) (*Card, error) {
	t, err := s.load(ctx, s.DB, id, false)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	return s.card(ctx, s.DB, t)
}

func (s *Service) load(ctx context.Context, db bun.IDB, id int64, forUpdate bool) (*Ticket, error) {
	t := new(Ticket)
	q := db.NewSelect().Model(t).Where("t.id = ?", id)
	if forUpdate {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tickets: load: %w", err)
	}
	return t, nil
}

// MoveRequest moves a ticket to a status and a place: directly below AfterID, or at the top when nil.
type MoveRequest struct {
	StatusID int64  `json:"status_id" validate:"required,gte=1"`
	AfterID  *int64 `json:"after_id" validate:"omitempty,gte=1"`
	Version  int64  `json:"version" validate:"required,gte=1"`
}

// Move changes a ticket's status and place in one transaction with its history and event. A move based
// on a version that is no longer current is refused with the current card.
func (s *Service) Move(ctx context.Context, subj access.Subject, id int64, req MoveRequest) (*Card, error) {
	var out *Card
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
			return errs.New(errs.NotFound, "ticket.not_found")
		}
		if !access.CanMoveTickets(subj) {
			return errs.New(errs.Forbidden, "ticket.move_forbidden")
		}
		if t.Version != req.Version {
			return s.stale(ctx, tx, t)
		}
		st, err := s.Catalog.Status(ctx, tx, req.StatusID, false)
		if err != nil {
			return err
		}
		if st == nil {
			return errs.InvalidField("status_id", "board.status_missing", nil)
		}
		if st.WIPLimit != nil && st.ID != t.StatusID {
			if err := s.checkWIP(ctx, tx, subj, st); err != nil {
				return err
			}
		}
		rank, same, err := s.place(ctx, tx, t, st.ID, req.AfterID)
		if err != nil {
			return err
		}
		if same {
			out, err = s.card(ctx, tx, t)
			return err
		}
		before := *t
		t.StatusID, t.Rank, t.Version = st.ID, rank, t.Version+1
		q := tx.NewUpdate().Model(t).Column("status_id", "rank", "version").Set("updated_at = now()")
		if before.StatusID != t.StatusID {
			q = q.Set("state_entered_at = now()")
		}
		if _, err := q.WherePK().Returning("updated_at, state_entered_at").Exec(ctx); err != nil {
			return fmt.Errorf("tickets: move: %w", err)
		}
		changes := []change{}
		if before.StatusID != t.StatusID {
			changes = append(changes, change{"status_id", before.StatusID, t.StatusID})
		}
		changes = append(changes, change{"rank", before.Rank, t.Rank})
		if err := s.record(ctx, tx, t.ID, subj, changes); err != nil {
			return err
		}
		if out, err = s.card(ctx, tx, t); err != nil {
			return err
		}
		prev := *out
		prev.StatusID, prev.Rank, prev.Version, prev.UpdatedAt = before.StatusID, before.Rank, before.Version, before.UpdatedAt.UTC()
		prev.StateEnteredAt = before.StateEnteredAt.UTC()
		if err := live.Append(ctx, tx, live.Event{Name: live.TicketMoved, TicketID: t.ID, Ticket: out, Previous: &prev,
			Actor: &live.Actor{ID: subj.UserID, Name: subj.Name}, Vis: t.Vis()}); err != nil {
			return err
		}
		if before.StatusID == t.StatusID {
			return nil
		}
		after, err := s.afterChange(ctx, tx, subj, &before, t, ApplyOptions{Source: SourceUser})
		if err != nil {
			return err
		}
		if after.Version != t.Version { // a workflow action or a rule changed it further
			out, err = s.card(ctx, tx, after)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) stale(ctx context.Context, tx bun.IDB, t *Ticket) error {
	cur, err := s.card(ctx, tx, t)
	if err != nil {
		return err
	}
	e := errs.Newf(errs.Conflict, "ticket.stale", map[string]any{"number": t.Number})
	e.Current = cur
	return e
}

// checkWIP refuses a move into a column that holds its limit. The status row is locked so that two
// moves cannot both take the last place.
func (s *Service) checkWIP(ctx context.Context, tx bun.Tx, subj access.Subject, st *catalog.Status) error {
	st, err := s.Catalog.Status(ctx, tx, st.ID, true)
	if err != nil {
		return err
	}
	if st == nil {
		return errs.InvalidField("status_id", "board.status_missing", nil) // deactivated meanwhile
	}
	if st.WIPLimit == nil {
		return nil // the limit was lifted meanwhile
	}
	n, err := tx.NewSelect().Model((*Ticket)(nil)).Where("status_id = ?", st.ID).Count(ctx)
	if err != nil {
		return fmt.Errorf("tickets: wip: %w", err)
	}
	if n >= int64(*st.WIPLimit) {
		return errs.Newf(errs.Conflict, "ticket.wip_limit", map[string]any{"status": st.Name(subj.Locale), "limit": *st.WIPLimit})
	}
	return nil
}

// place returns the rank for t directly below afterID (or at the top) in a status, and whether t is
// already there.
func (s *Service) place(ctx context.Context, tx bun.IDB, t *Ticket, statusID int64, afterID *int64) (string, bool, error) {
	var lo *neighbour
	if afterID != nil {
		if *afterID == t.ID {
			return "", false, errs.InvalidField("after_id", "ticket.after_self", nil)
		}
		n := new(neighbour)
		err := tx.NewSelect().Table("tickets").Column("id", "rank").Where("id = ?", *afterID).Where("status_id = ?", statusID).Scan(ctx, n)
		if errors.Is(err, sql.ErrNoRows) {
			return "", false, errs.InvalidField("after_id", "ticket.after_missing", nil)
		}
		if err != nil {
			return "", false, fmt.Errorf("tickets: place: %w", err)
		}
		lo = n
	}
	q := tx.NewSelect().Table("tickets").Column("id", "rank").Where("status_id = ?", statusID).Where("id <> ?", t.ID).
		OrderExpr("rank, id").Limit(1)
	if lo != nil {
		q = q.Where("(rank, id) > (?, ?)", lo.Rank, lo.ID)
	}
	hi := new(neighbour)
	err := q.Scan(ctx, hi)
	if errors.Is(err, sql.ErrNoRows) {
		hi = nil
	} else if err != nil {
		return "", false, fmt.Errorf("tickets: place: %w", err)
	}
	if t.StatusID == statusID && after(t, lo) && (hi == nil || before(t, hi.ID, hi.Rank)) {
		return t.Rank, true, nil
	}
	loRank, hiRank := "", ""
	if lo != nil {
		loRank = lo.Rank
	}
	if hi != nil {
		hiRank = hi.Rank
	}
	if loRank != "" && loRank == hiRank {
		hiRank = "" // two cards share a key (concurrent inserts at one place): go just after the first
	}
	r, err := RankBetween(loRank, hiRank)
	if err != nil {
		return "", false, fmt.Errorf("tickets: place between %q and %q: %w", loRank, hiRank, err)
	}
	return r, false, nil
}

type neighbour struct {
	ID   int64  `bun:"id"`
	Rank string `bun:"rank"`
}

func after(t *Ticket, lo *neighbour) bool {
	return lo == nil || lo.Rank < t.Rank || (lo.Rank == t.Rank && lo.ID < t.ID)
}

func before(t *Ticket, id int64, rank string) bool {
	return t.Rank < rank || (t.Rank == rank && t.ID < id)
}

type change struct {
	field         string
	before, after any
}

type historyRow struct {
	bun.BaseModel `bun:"table:ticket_history"`

	ID       int64           `bun:"id,pk,autoincrement"`
	TicketID int64           `bun:"ticket_id"`
	ActorID  *int64          `bun:"actor_id"`
	At       time.Time       `bun:"at,nullzero,default:now()"`
	Field    string          `bun:"field"`
	Before   json.RawMessage `bun:"before,type:jsonb"`
	After    json.RawMessage `bun:"after,type:jsonb"`
}

// record writes one history row per changed field.
func (s *Service) record(ctx context.Context, tx bun.IDB, ticketID int64, subj access.Subject, changes []change) error {
	rows := make([]historyRow, 0, len(changes))
	var actor *int64
	if subj.UserID != 0 {
		actor = &subj.UserID
	}
	for _, c := range changes {
		b, err := json.Marshal(c.before)
		if err != nil {
			return err
		}
		a, err := json.Marshal(c.after)
		if err != nil {
			return err
		}
		if c.before == nil {
			b = nil
		}
		if c.after == nil {
			a = nil
		}
		rows = append(rows, historyRow{TicketID: ticketID, ActorID: actor, Field: c.field, Before: b, After: a})
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("tickets: history: %w", err)
	}
	return nil
}

// NewTicket is what creating a ticket needs; references are already checked.
type NewTicket struct {
	Subject       string
	Description   string
	StatusID      int64
	PriorityID    int64
	AssigneeID    *int64
	RequesterID   *int64
	ChannelID     *int64
	CategoryID    *int64
	SubcategoryID *int64
	QueueID       *int64
	AffectedID    *int64
	OrderNumber   *string
	Tags          []string
	DueAt         *time.Time
	CreatedAt     time.Time // zero: now (the seed spreads tickets over past weeks)
	// WorkflowVersionID is the workflow version the ticket follows (Flow.Start's answer).
	WorkflowVersionID *int64
}

// Create inserts a ticket at the top of its column, with its history and event, in the workflow its
// typification maps to; it runs no hooks (the seed, fixtures and benchmarks use it).
func (s *Service) Create(ctx context.Context, tx bun.Tx, subj access.Subject, n NewTicket) (*Card, error) {
	if n.WorkflowVersionID == nil && s.Flow != nil {
		v, _, _, err := s.Flow.Start(ctx, tx, n.CategoryID, n.SubcategoryID, "")
		if err != nil {
			return nil, err
		}
		n.WorkflowVersionID = &v
	}
	t, err := s.insert(ctx, tx, subj, n)
	if err != nil {
		return nil, err
	}
	return s.card(ctx, tx, t)
}

func (s *Service) insert(ctx context.Context, tx bun.Tx, subj access.Subject, n NewTicket) (*Ticket, error) {
	rank, err := s.topRank(ctx, tx, n.StatusID, 0)
	if err != nil {
		return nil, fmt.Errorf("tickets: create: %w", err)
	}
	tags := n.Tags
	if tags == nil {
		tags = []string{}
	}
	t := &Ticket{Subject: n.Subject, Description: n.Description, StatusID: n.StatusID, PriorityID: n.PriorityID,
		AssigneeID: n.AssigneeID, RequesterID: n.RequesterID, ChannelID: n.ChannelID, CategoryID: n.CategoryID,
		SubcategoryID: n.SubcategoryID, QueueID: n.QueueID, AffectedID: n.AffectedID, OrderNumber: n.OrderNumber,
		Tags: tags, DueAt: n.DueAt, Rank: rank, Version: 1, CreatedAt: n.CreatedAt, UpdatedAt: n.CreatedAt,
		WorkflowVersionID: n.WorkflowVersionID, StateEnteredAt: n.CreatedAt}
	if subj.UserID != 0 {
		t.CreatedBy = &subj.UserID
	}
	if err := s.setNetwork(ctx, tx, t); err != nil {
		return nil, err
	}
	if err := s.setAllowedRoles(ctx, tx, t); err != nil {
		return nil, err
	}
	if _, err := tx.NewInsert().Model(t).Returning("id, number, created_at, updated_at, state_entered_at").Exec(ctx); err != nil {
		return nil, fmt.Errorf("tickets: create: %w", err)
	}
	created := map[string]any{"subject": t.Subject, "status_id": t.StatusID, "priority_id": t.PriorityID,
		"category_id": t.CategoryID, "subcategory_id": t.SubcategoryID, "channel_id": t.ChannelID, "queue_id": t.QueueID,
		"assignee_id": t.AssigneeID, "requester_id": t.RequesterID}
	if err := s.record(ctx, tx, t.ID, subj, []change{{"created", nil, created}}); err != nil {
		return nil, err
	}
	card, err := s.card(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	if err := live.Append(ctx, tx, live.Event{Name: live.TicketCreated, TicketID: t.ID, Ticket: card, Actor: actorOf(subj), Vis: t.Vis()}); err != nil {
		return nil, err
	}
	return t, nil
}

// topRank is the rank at the top of a status's column, above every ticket but exceptID.
func (s *Service) topRank(ctx context.Context, tx bun.IDB, statusID, exceptID int64) (string, error) {
	var first string
	err := tx.NewSelect().Table("tickets").Column("rank").Where("status_id = ?", statusID).Where("id <> ?", exceptID).
		OrderExpr("rank, id").Limit(1).Scan(ctx, &first)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	return RankBetween("", first)
}

// actorOf is the event actor of a subject: nil for the system.
func actorOf(subj access.Subject) *live.Actor {
	if subj.UserID == 0 {
		return nil
	}
	return &live.Actor{ID: subj.UserID, Name: subj.Name}
}
