package tickets

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
)

// HistoryEntry is one change of a ticket: who, when, which field, before → after (stored JSON values).
type HistoryEntry struct {
	ID     int64           `json:"id" bun:"id"`
	At     time.Time       `json:"at" bun:"at"`
	Actor  *people.Ref     `json:"actor" bun:"-"`
	Field  string          `json:"field" bun:"field"`
	Before json.RawMessage `json:"before" bun:"before"`
	After  json.RawMessage `json:"after" bun:"after"`

	ActorID *int64 `json:"-" bun:"actor_id"`
}

// History is a ticket's history with the names of the people its entries refer to by id.
type History struct {
	Items []HistoryEntry `json:"items"`
	// People names every user id found in the before/after values of person fields (assignee_id,
	// requester_id, affected_id) and of queue operations: a former requester is no longer on the ticket
	// to be named from.
	People []people.Ref `json:"people"`
}

// personFields are the history fields whose values are user ids.
var personFields = map[string]bool{"assignee_id": true, "requester_id": true, "affected_id": true}

// IsPersonField reports whether a history field's values are user ids.
func IsPersonField(field string) bool { return personFields[field] }

// History returns every change of a ticket the subject may see, oldest first.
func (s *Service) History(ctx context.Context, subj access.Subject, id int64) (*History, error) {
	t, err := s.load(ctx, s.DB, id, false)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	out := []HistoryEntry{}
	if err := s.DB.NewSelect().Table("ticket_history").Column("id", "at", "field", "before", "after", "actor_id").
		Where("ticket_id = ?", id).OrderExpr("at, id").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("tickets: history: %w", err)
	}
	out, err = s.withoutHiddenFiles(ctx, subj, t, out)
	if err != nil {
		return nil, err
	}
	out, err = s.withoutHiddenTickets(ctx, subj, out)
	if err != nil {
		return nil, err
	}
	names, referred, err := s.HistoryNames(ctx, out)
	if err != nil {
		return nil, err
	}
	for i, h := range out {
		out[i].At = h.At.UTC()
		if h.ActorID != nil {
			out[i].Actor = &people.Ref{ID: *h.ActorID, Name: names[*h.ActorID]}
		}
		if h.Before == nil {
			out[i].Before = json.RawMessage("null")
		}
		if h.After == nil {
			out[i].After = json.RawMessage("null")
		}
	}
	return &History{Items: out, People: referred}, nil
}

// HistoryNames reads, in one query, the names of the actors of history entries (by id) and of the
// people their values refer to (as History's People).
func (s *Service) HistoryNames(ctx context.Context, entries []HistoryEntry) (map[int64]string, []people.Ref, error) {
	referred := referredPeople(entries)
	ids := slices.Clone(referred)
	for _, h := range entries {
		if h.ActorID != nil {
			ids = append(ids, *h.ActorID)
		}
	}
	names, err := s.People.Names(ctx, s.DB, ids)
	if err != nil {
		return nil, nil, err
	}
	refs := make([]people.Ref, 0, len(referred))
	for _, id := range referred {
		if name, ok := names[id]; ok {
			refs = append(refs, people.Ref{ID: id, Name: name})
		}
	}
	return names, refs, nil
}

// referredPeople returns, once each and in ascending order, the user ids that history entries name in
// their values: those of person fields, the person of a queue operation, a task's assignee and an
// information request's recipient in the desk.
func referredPeople(entries []HistoryEntry) []int64 {
	var ids []int64
	for _, h := range entries {
		for _, v := range []json.RawMessage{h.Before, h.After} {
			var id int64
			switch {
			case personFields[h.Field]:
				if json.Unmarshal(v, &id) != nil {
					continue
				}
			case h.Field == "queue_op" || h.Field == "task":
				var op struct {
					AssigneeID int64 `json:"assignee_id"`
				}
				_ = json.Unmarshal(v, &op)
				id = op.AssigneeID
			case h.Field == "info_request":
				var r struct {
					ToUserID int64 `json:"to_user_id"`
				}
				_ = json.Unmarshal(v, &r)
				id = r.ToUserID
			}
			if id > 0 {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// withoutHiddenFiles drops the "attachment" rows of files the subject may not see (an internal note's,
// someone else's file not yet on a comment): their names must not reach those who cannot open them.
func (s *Service) withoutHiddenFiles(ctx context.Context, subj access.Subject, t *Ticket, items []HistoryEntry) ([]HistoryEntry, error) {
	var rows []attachmentWithNote
	if err := s.attachmentsQuery(s.DB, &rows).Where("att.ticket_id = ?", t.ID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("tickets: history: %w", err)
	}
	hidden := map[int64]bool{}
	for _, r := range rows {
		if !access.CanSeeAttachment(subj, t.Vis(), r.vis()) {
			hidden[r.ID] = true
		}
	}
	if len(hidden) == 0 {
		return items, nil
	}
	kept := items[:0]
	for _, h := range items {
		if h.Field == "attachment" {
			var a struct {
				ID int64 `json:"id"`
			}
			if err := json.Unmarshal(h.After, &a); err != nil || hidden[a.ID] {
				continue
			}
		}
		kept = append(kept, h)
	}
	return kept, nil
}

// ticketFields are the history fields whose values name another ticket (`ticket_id`).
var ticketFields = map[string]bool{"link": true, "merged_into": true, "merged_from": true}

// withoutHiddenTickets drops the link and merge rows that name a ticket the subject may not see, as
// the ticket's detail leaves those links out.
func (s *Service) withoutHiddenTickets(ctx context.Context, subj access.Subject, items []HistoryEntry) ([]HistoryEntry, error) {
	if access.Unfiltered(subj) {
		return items, nil
	}
	others := func(h HistoryEntry) []int64 {
		var ids []int64
		for _, v := range []json.RawMessage{h.Before, h.After} {
			var ref struct {
				TicketID int64 `json:"ticket_id"`
			}
			if json.Unmarshal(v, &ref) == nil && ref.TicketID > 0 {
				ids = append(ids, ref.TicketID)
			}
		}
		return ids
	}
	var ids []int64
	for _, h := range items {
		if ticketFields[h.Field] {
			ids = append(ids, others(h)...)
		}
	}
	if len(ids) == 0 {
		return items, nil
	}
	var rows []Ticket
	if err := s.DB.NewSelect().Model(&rows).ExcludeColumn("description").Where("t.id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("tickets: history: %w", err)
	}
	visible := map[int64]bool{}
	for i := range rows {
		visible[rows[i].ID] = access.CanSeeTicket(subj, rows[i].Vis())
	}
	kept := items[:0]
	for _, h := range items {
		hidden := false
		if ticketFields[h.Field] {
			for _, id := range others(h) {
				hidden = hidden || !visible[id]
			}
		}
		if !hidden {
			kept = append(kept, h)
		}
	}
	return kept, nil
}

// LinkRequest is the body of POST /tickets/{id}/links.
type LinkRequest struct {
	Number int64    `json:"number" validate:"required,gte=1"`
	Kind   LinkKind `json:"kind" validate:"required,oneof=related duplicate"`
}

// pair loads, locked and in id order (so two writers never wait on each other crosswise), the ticket
// id, which subj must be able to edit, and the one numbered number, which subj must be able to see.
// A number that is id's own, unknown or invisible is a field error on numberField.
func (s *Service) pair(ctx context.Context, tx bun.Tx, subj access.Subject, id, number int64, numberField string) (*Ticket, *Ticket, error) {
	var otherID int64
	err := tx.NewSelect().Table("tickets").Column("id").Where("number = ?", number).Scan(ctx, &otherID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("tickets: pair: %w", err)
	}
	return s.pairByID(ctx, tx, subj, id, otherID, numberField)
}

func (s *Service) pairByID(ctx context.Context, tx bun.Tx, subj access.Subject, id, otherID int64, numberField string) (*Ticket, *Ticket, error) {
	var ts []Ticket
	if err := tx.NewSelect().Model(&ts).Where("t.id IN (?, ?)", id, otherID).OrderExpr("t.id").For("UPDATE").Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("tickets: pair: %w", err)
	}
	var t, o *Ticket
	for i := range ts {
		if ts[i].ID == id {
			t = &ts[i]
		} else {
			o = &ts[i]
		}
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	if !access.CanEditTicket(subj, t.Vis()) {
		return nil, nil, errs.New(errs.Forbidden, "ticket.edit_forbidden")
	}
	if otherID == id {
		return nil, nil, errs.InvalidField(numberField, "ticket.link_self", nil)
	}
	if o == nil || !access.CanSeeTicket(subj, o.Vis()) {
		return nil, nil, errs.InvalidField(numberField, "ticket.link_unknown", nil)
	}
	return t, o, nil
}

type linkRow struct {
	bun.BaseModel `bun:"table:ticket_links"`

	TicketID  int64     `bun:"ticket_id,pk"`
	OtherID   int64     `bun:"other_id,pk"`
	Kind      LinkKind  `bun:"kind"`
	CreatedBy *int64    `bun:"created_by"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
}

func orderedPair(a, b int64) (int64, int64) {
	if a < b {
		return a, b
	}
	return b, a
}

// currentLink returns the kind of the link between two tickets, or "" when there is none.
func currentLink(ctx context.Context, tx bun.IDB, a, b int64) (LinkKind, error) {
	lo, hi := orderedPair(a, b)
	var kind LinkKind
	err := tx.NewSelect().Table("ticket_links").Column("kind").Where("ticket_id = ? AND other_id = ?", lo, hi).Scan(ctx, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("tickets: link: %w", err)
	}
	return kind, nil
}

func upsertLink(ctx context.Context, tx bun.IDB, subj access.Subject, a, b int64, kind LinkKind) error {
	lo, hi := orderedPair(a, b)
	row := &linkRow{TicketID: lo, OtherID: hi, Kind: kind}
	if subj.UserID != 0 {
		row.CreatedBy = &subj.UserID
	}
	if _, err := tx.NewInsert().Model(row).On("CONFLICT (ticket_id, other_id) DO UPDATE SET kind = EXCLUDED.kind").Exec(ctx); err != nil {
		return fmt.Errorf("tickets: link: %w", err)
	}
	return nil
}

func linkValue(o *Ticket, kind LinkKind) any {
	if kind == "" {
		return nil
	}
	return map[string]any{"ticket_id": o.ID, "number": o.Number, "kind": kind}
}

// bump gives a ticket a new version and change time, with its history rows and a `ticket.updated` event.
func (s *Service) bump(ctx context.Context, tx bun.Tx, subj access.Subject, before, after *Ticket, cols []string, changes []change) error {
	after.Version = before.Version + 1
	if _, err := tx.NewUpdate().Model(after).Column(append(cols, "version")...).Set("updated_at = now()").
		WherePK().Returning("updated_at").Exec(ctx); err != nil {
		return fmt.Errorf("tickets: update: %w", err)
	}
	if err := s.record(ctx, tx, after.ID, subj, changes); err != nil {
		return err
	}
	return s.emitUpdated(ctx, tx, subj, before, after)
}

// setLink writes the link kind between two tickets (removes the link when kind is "") and returns the
// kind before; the tickets' versions and history are the caller's.
func setLink(ctx context.Context, tx bun.Tx, subj access.Subject, t, o *Ticket, kind LinkKind) (LinkKind, error) {
	prev, err := currentLink(ctx, tx, t.ID, o.ID)
	if err != nil || prev == kind {
		return prev, err
	}
	if kind == "" {
		lo, hi := orderedPair(t.ID, o.ID)
		if _, err := tx.NewDelete().Table("ticket_links").Where("ticket_id = ? AND other_id = ?", lo, hi).Exec(ctx); err != nil {
			return prev, fmt.Errorf("tickets: unlink: %w", err)
		}
		return prev, nil
	}
	return prev, upsertLink(ctx, tx, subj, t.ID, o.ID, kind)
}

// relink sets the link between t and o, with a `link` history row, a new version and an event on both.
func (s *Service) relink(ctx context.Context, tx bun.Tx, subj access.Subject, t, o *Ticket, kind LinkKind) error {
	prev, err := setLink(ctx, tx, subj, t, o, kind)
	if err != nil || prev == kind {
		return err
	}
	for _, p := range [][2]*Ticket{{t, o}, {o, t}} {
		before, after := *p[0], *p[0]
		if err := s.bump(ctx, tx, subj, &before, &after, nil, []change{{"link", linkValue(p[1], prev), linkValue(p[1], kind)}}); err != nil {
			return err
		}
		*p[0] = after
	}
	return nil
}

// Link links a ticket to the one numbered req.Number (or changes the kind of their link).
func (s *Service) Link(ctx context.Context, subj access.Subject, id int64, req LinkRequest) (*TicketDetail, error) {
	var out *TicketDetail
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, o, err := s.pair(ctx, tx, subj, id, req.Number, "number")
		if err != nil {
			return err
		}
		if err := s.relink(ctx, tx, subj, t, o, req.Kind); err != nil {
			return err
		}
		out, err = s.detail(ctx, tx, subj, t)
		return err
	})
	return out, err
}

// Unlink removes the link between a ticket and another (by id).
func (s *Service) Unlink(ctx context.Context, subj access.Subject, id, otherID int64) (*TicketDetail, error) {
	var out *TicketDetail
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, o, err := s.pairByID(ctx, tx, subj, id, otherID, "other_id")
		if err != nil {
			if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
				return errs.New(errs.NotFound, "ticket.link_not_found")
			}
			return err
		}
		kind, err := currentLink(ctx, tx, t.ID, o.ID)
		if err != nil {
			return err
		}
		if kind == "" {
			return errs.New(errs.NotFound, "ticket.link_not_found")
		}
		if err := s.relink(ctx, tx, subj, t, o, ""); err != nil {
			return err
		}
		out, err = s.detail(ctx, tx, subj, t)
		return err
	})
	return out, err
}

// MergeRequest is the body of POST /tickets/{id}/merge.
type MergeRequest struct {
	IntoNumber int64 `json:"into_number" validate:"required,gte=1"`
	Version    int64 `json:"version" validate:"required,gte=1"`
}

// Merge closes a duplicate ticket into another: the duplicate points to it, moves to the closing status
// and both get a history row, an internal note, a `duplicate` link, a new version and an event.
func (s *Service) Merge(ctx context.Context, subj access.Subject, id int64, req MergeRequest) (*TicketDetail, error) {
	var out *TicketDetail
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		dup, into, err := s.pair(ctx, tx, subj, id, req.IntoNumber, "into_number")
		if err != nil {
			if e, ok := errs.As(err); ok && e.Fields["into_number"].Key == "ticket.link_self" {
				return errs.InvalidField("into_number", "ticket.merge_self", nil)
			}
			return err
		}
		if !access.CanMergeTickets(subj) {
			return errs.New(errs.Forbidden, "ticket.merge_forbidden")
		}
		if dup.Version != req.Version {
			return s.staleDetail(ctx, tx, subj, dup)
		}
		if dup.MergedIntoID != nil {
			return errs.New(errs.Invalid, "ticket.already_merged")
		}
		if into.MergedIntoID != nil {
			return errs.InvalidField("into_number", "ticket.merge_into_merged", nil)
		}
		closing, err := s.Catalog.ClosingStatus(ctx, tx)
		if err != nil {
			return err
		}
		if closing == nil {
			return errs.New(errs.Invalid, "ticket.no_closing_status")
		}
		prevLink, err := setLink(ctx, tx, subj, dup, into, Duplicate)
		if err != nil {
			return err
		}
		var dupLink, intoLink []change
		if prevLink != Duplicate {
			dupLink = []change{{"link", linkValue(into, prevLink), linkValue(into, Duplicate)}}
			intoLink = []change{{"link", linkValue(dup, prevLink), linkValue(dup, Duplicate)}}
		}

		before, after := *dup, *dup
		after.MergedIntoID = &into.ID
		cols := []string{"merged_into_id"}
		changes := append([]change{{"merged_into", nil, map[string]any{"ticket_id": into.ID, "number": into.Number}}}, dupLink...)
		if closing.ID != dup.StatusID {
			if after.Rank, err = s.topRank(ctx, tx, closing.ID, dup.ID); err != nil {
				return fmt.Errorf("tickets: merge: %w", err)
			}
			after.StatusID = closing.ID
			cols = append(cols, "status_id", "rank")
			changes = append(changes, change{"status_id", before.StatusID, after.StatusID})
			if after.Rank != before.Rank {
				changes = append(changes, change{"rank", before.Rank, after.Rank})
			}
		}
		if err := s.bump(ctx, tx, subj, &before, &after, cols, changes); err != nil {
			return err
		}
		intoBefore, intoAfter := *into, *into
		if err := s.bump(ctx, tx, subj, &intoBefore, &intoAfter, nil,
			append([]change{{"merged_from", nil, map[string]any{"ticket_id": dup.ID, "number": dup.Number}}}, intoLink...)); err != nil {
			return err
		}
		if err := s.note(ctx, tx, subj, &after, i18n.T(subj.Locale, "ticket.merged_into_note", map[string]any{"number": into.Number})); err != nil {
			return err
		}
		if err := s.note(ctx, tx, subj, into, i18n.T(subj.Locale, "ticket.merged_from_note", map[string]any{"number": dup.Number})); err != nil {
			return err
		}
		out, err = s.detail(ctx, tx, subj, &after)
		return err
	})
	return out, err
}

// note writes an internal note in a ticket's conversation, by the acting user, live like any other.
func (s *Service) note(ctx context.Context, tx bun.Tx, subj access.Subject, t *Ticket, text string) error {
	_, err := s.WriteComment(ctx, tx, subj, t, NewComment{Body: text, Public: false})
	return err
}
