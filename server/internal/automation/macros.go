package automation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/tickets"
)

// MaxApply bounds the tickets one application of a macro acts on.
const MaxApply = 100

// MacroInput is the body of POST /macros.
type MacroInput struct {
	Name        string   `json:"name" validate:"required"`
	Description string   `json:"description"`
	CannedID    *int64   `json:"canned_id"`
	Reply       string   `json:"reply"`
	Actions     []Action `json:"actions"`
	Active      *bool    `json:"active" validate:"required"`
}

// MacroUpdate is the body of PUT /macros/{id}: the whole macro and the version it is based on.
type MacroUpdate struct {
	Name        string   `json:"name" validate:"required"`
	Description string   `json:"description"`
	CannedID    *int64   `json:"canned_id"`
	Reply       string   `json:"reply"`
	Actions     []Action `json:"actions"`
	Active      *bool    `json:"active" validate:"required"`
	Version     int64    `json:"version" validate:"required,gte=1"`
}

func (u MacroUpdate) input() MacroInput {
	return MacroInput{Name: u.Name, Description: u.Description, CannedID: u.CannedID, Reply: u.Reply,
		Actions: u.Actions, Active: u.Active}
}

// checkMacro checks a macro's body against the database and returns it cleaned.
func (s *Service) checkMacro(ctx context.Context, db bun.IDB, in MacroInput) (*Macro, error) {
	c := s.newChecker(ctx, db)
	m := &Macro{Name: c.name("name", in.Name, 80), Description: strings.TrimSpace(in.Description), CannedID: in.CannedID,
		Reply: in.Reply, Active: *in.Active}
	if utf8.RuneCountInString(m.Description) > MaxDescription {
		c.bad("description", "field.max", map[string]any{"param": MaxDescription})
	}
	if strings.TrimSpace(m.Reply) == "" {
		m.Reply = ""
	}
	if utf8.RuneCountInString(m.Reply) > MaxReply {
		c.bad("reply", "field.max", map[string]any{"param": MaxReply})
	}
	if m.CannedID != nil {
		if m.Reply != "" {
			c.bad("reply", "automation.macro_reply_both", nil)
		}
		c.canned("canned_id", *m.CannedID)
	}
	if m.CannedID == nil && m.Reply == "" && len(in.Actions) == 0 {
		c.bad("actions", "automation.macro_empty", nil)
	}
	c.actions(in.Actions, false)
	if err := c.result(); err != nil {
		return nil, err
	}
	m.Actions = cleanActions(in.Actions)
	return m, nil
}

// Macros lists the macros subj may see: every one for those who manage them, the active ones for those
// who may use them.
func (s *Service) Macros(ctx context.Context, subj access.Subject) ([]Macro, error) {
	manage := access.CanManageAutomation(subj)
	if !manage && !access.CanUseMacros(subj) {
		return nil, errs.New(errs.Forbidden, "automation.macro_forbidden")
	}
	out := []Macro{}
	q := s.DB.NewSelect().Model(&out).OrderExpr("position, id")
	if !manage {
		q = q.Where("active")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("automation: macros: %w", err)
	}
	return out, nil
}

// CreateMacro adds a macro at the end of the list.
func (s *Service) CreateMacro(ctx context.Context, subj access.Subject, in MacroInput) (*Macro, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	var out *Macro
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockMacros(ctx, tx); err != nil {
			return err
		}
		m, err := s.checkMacro(ctx, tx, in)
		if err != nil {
			return err
		}
		if err := tx.NewSelect().Model((*Macro)(nil)).ColumnExpr("coalesce(max(position), 0) + 1").Scan(ctx, &m.Position); err != nil {
			return fmt.Errorf("automation: create macro: %w", err)
		}
		m.Version = 1
		if _, err := tx.NewInsert().Model(m).Returning("id, created_at, updated_at").Exec(ctx); err != nil {
			return fmt.Errorf("automation: create macro: %w", err)
		}
		out = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func loadMacro(ctx context.Context, db bun.IDB, id int64, forUpdate bool) (*Macro, error) {
	m := new(Macro)
	q := db.NewSelect().Model(m).Where("id = ?", id)
	if forUpdate {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "automation.macro_not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("automation: load macro: %w", err)
	}
	return m, nil
}

func staleMacro(m *Macro) error {
	e := errs.New(errs.Conflict, "automation.macro_stale")
	e.Current = m
	return e
}

// UpdateMacro replaces a macro; a change based on an old version is refused with the current macro.
func (s *Service) UpdateMacro(ctx context.Context, subj access.Subject, id int64, in MacroUpdate) (*Macro, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	var out *Macro
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockMacros(ctx, tx); err != nil {
			return err
		}
		cur, err := loadMacro(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cur.Version != in.Version {
			return staleMacro(cur)
		}
		m, err := s.checkMacro(ctx, tx, in.input())
		if err != nil {
			return err
		}
		m.ID, m.Position, m.Version, m.CreatedAt = cur.ID, cur.Position, cur.Version+1, cur.CreatedAt
		if _, err := tx.NewUpdate().Model(m).Column("name", "description", "canned_id", "reply", "actions", "active",
			"version").Set("updated_at = now()").WherePK().Returning("updated_at").Exec(ctx); err != nil {
			return fmt.Errorf("automation: update macro: %w", err)
		}
		out = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteMacro deletes a macro at a version; the macros after it move up.
func (s *Service) DeleteMacro(ctx context.Context, subj access.Subject, id, version int64) error {
	if err := authorizeManage(subj); err != nil {
		return err
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockMacros(ctx, tx); err != nil {
			return err
		}
		cur, err := loadMacro(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleMacro(cur)
		}
		if _, err := tx.NewDelete().Model(cur).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("automation: delete macro: %w", err)
		}
		if _, err := tx.NewUpdate().Model((*Macro)(nil)).Set("position = position - 1").Where("position > ?", cur.Position).Exec(ctx); err != nil {
			return fmt.Errorf("automation: delete macro: %w", err)
		}
		return nil
	})
}

// ApplyRequest is the body of POST /macros/{id}/apply.
type ApplyRequest struct {
	TicketIDs []int64 `json:"ticket_ids" validate:"required,dive,gte=1"`
}

// ApplyResult is what applying a macro did to one ticket: the ticket as it stands, or why it was left alone.
type ApplyResult struct {
	TicketID int64         `json:"ticket_id"`
	OK       bool          `json:"ok"`
	Error    string        `json:"error,omitempty"`
	Ticket   *tickets.Card `json:"ticket,omitempty"`
}

// ApplyMacro applies a macro to each ticket in its own transaction with subj's own permissions: the reply
// (filled for the ticket and its requester) first, as subj sees the ticket, then the notes, the field
// changes and the notifications. A ticket subj may not see or change fails alone, with the reason in
// locale; the others are applied.
func (s *Service) ApplyMacro(ctx context.Context, subj access.Subject, id int64, req ApplyRequest, locale i18n.Locale) ([]ApplyResult, error) {
	if !access.CanUseMacros(subj) {
		return nil, errs.New(errs.Forbidden, "automation.macro_forbidden")
	}
	ids := make([]int64, 0, len(req.TicketIDs))
	seen := map[int64]bool{}
	for _, tid := range req.TicketIDs {
		if !seen[tid] {
			seen[tid] = true
			ids = append(ids, tid)
		}
	}
	switch {
	case len(ids) == 0:
		return nil, errs.InvalidField("ticket_ids", "automation.select_tickets", nil)
	case len(ids) > MaxApply:
		return nil, errs.InvalidField("ticket_ids", "field.max_items", map[string]any{"max": MaxApply})
	}
	m, err := loadMacro(ctx, s.DB, id, false)
	if err != nil {
		return nil, err
	}
	if !m.Active {
		return nil, errs.New(errs.NotFound, "automation.macro_not_found")
	}
	bodyES, bodyEN := m.Reply, m.Reply
	if m.CannedID != nil {
		cr, err := s.Catalog.CannedBody(ctx, *m.CannedID)
		if err != nil {
			return nil, err
		}
		if cr == nil || !cr.Active {
			return nil, errs.New(errs.Invalid, "automation.canned_not_found")
		}
		bodyES, bodyEN = cr.BodyES, cr.BodyEN
	}
	_, _, rest := patchOf(m.Actions, &tickets.Ticket{})
	out := make([]ApplyResult, 0, len(ids))
	for _, tid := range ids {
		var card *tickets.Card
		err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			t, err := s.Tickets.LockVisible(ctx, tx, subj, tid)
			if err != nil {
				return err
			}
			if bodyES != "" {
				if !access.CanComment(subj, t.Vis(), true) {
					return errs.New(errs.Forbidden, "comment.forbidden")
				}
				body, err := s.Tickets.FillReply(ctx, subj, t, bodyES, bodyEN)
				if err != nil {
					return err
				}
				if err := s.Tickets.ReplyTx(ctx, tx, subj, t, body); err != nil {
					return err
				}
			}
			for _, a := range rest {
				if a.Kind != actAddNote {
					continue
				}
				if !access.CanSeeInternal(subj) {
					return errs.New(errs.Forbidden, "automation.macro_note_forbidden")
				}
				var body string
				_ = json.Unmarshal(a.Value, &body)
				if err := s.Tickets.NoteTx(ctx, tx, subj, t, body); err != nil {
					return err
				}
			}
			// Tags are added to and removed from this ticket's own.
			if p := mergePatch(patchOf(m.Actions, t)); p != nil {
				if t, err = s.Tickets.ApplyTx(ctx, tx, subj, t, *p, tickets.ApplyOptions{Source: tickets.SourceMacro}); err != nil {
					return err
				}
			}
			for _, a := range rest {
				if a.Kind != actNotify {
					continue
				}
				var n NotifyValue
				_ = json.Unmarshal(a.Value, &n)
				if err := s.notify(ctx, tx, t, n.To, map[string]string{"es": n.TextES, "en": n.TextEN}, KindMacro); err != nil {
					return err
				}
			}
			card, err = s.Tickets.CardOf(ctx, tx, t)
			return err
		})
		if e, ok := errs.As(err); ok {
			out = append(out, ApplyResult{TicketID: tid, Error: message(e, locale)})
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ApplyResult{TicketID: tid, OK: true, Ticket: card})
	}
	return out, nil
}

// mergePatch is one patch of fields and status (a macro's change is one change, all or nothing).
func mergePatch(fields, status *tickets.TicketPatch, _ []Action) *tickets.TicketPatch {
	switch {
	case fields == nil && status == nil:
		return nil
	case fields == nil:
		return status
	case status != nil:
		fields.StatusID = status.StatusID
	}
	return fields
}
