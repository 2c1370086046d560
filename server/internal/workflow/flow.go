package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/commerce"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/tickets"
)

// ticketFlow is what deciding on a ticket's transitions needs: its version and workflow.
type ticketFlow struct {
	v *Version
	w *Workflow
}

// flowOf loads the workflow version a ticket follows (nil when it follows none).
func (s *Service) flowOf(ctx context.Context, db bun.IDB, t *tickets.Ticket) (*ticketFlow, error) {
	if t.WorkflowVersionID == nil {
		return nil, nil
	}
	v, err := s.version(ctx, db, *t.WorkflowVersionID)
	if err != nil || v == nil {
		return nil, err
	}
	w, err := s.workflow(ctx, db, v.WorkflowID, false)
	if err != nil || w == nil {
		return nil, err
	}
	return &ticketFlow{v: v, w: w}, nil
}

// statusNames returns a status's names in both languages.
func statusNames(ctx context.Context, db bun.IDB, id int64) (string, string, error) {
	var row struct {
		NameES string `bun:"name_es"`
		NameEN string `bun:"name_en"`
	}
	if err := db.NewSelect().Table("statuses").Column("name_es", "name_en").Where("id = ?", id).Scan(ctx, &row); err != nil {
		return "", "", fmt.Errorf("workflow: status names: %w", err)
	}
	return row.NameES, row.NameEN, nil
}

// refusal says why subj may not take t, as a 403 whose message names who may; nil when subj may.
func refusal(ctx context.Context, db bun.IDB, subj access.Subject, t *Transition) (*errs.Error, error) {
	if access.CanTransition(subj, t.Roles, t.PermList()) {
		return nil, nil
	}
	args := map[string]any{"name_es": t.NameES, "name_en": t.NameEN}
	if len(t.Roles) == 0 || !access.CanMoveTickets(subj) {
		return errs.Newf(errs.Forbidden, "workflow.transition_forbidden", args), nil
	}
	var rows []struct {
		NameES string `bun:"name_es"`
		NameEN string `bun:"name_en"`
	}
	if err := db.NewSelect().Table("roles").Column("name_es", "name_en").Where("id IN (?)", bun.In(t.Roles)).
		OrderExpr("id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("workflow: role names: %w", err)
	}
	var es, en []string
	for _, r := range rows {
		es, en = append(es, r.NameES), append(en, r.NameEN)
	}
	args["roles_es"], args["roles_en"] = strings.Join(es, ", "), strings.Join(en, ", ")
	return errs.Newf(errs.Forbidden, "workflow.only_roles", args), nil
}

// Moved decides a status change made by a plain move or edit: it is allowed when a transition between
// the two states exists that subj may take and that asks for nothing; that transition is then recorded
// and its actions run.
func (s *Service) Moved(ctx context.Context, tx bun.Tx, subj access.Subject, before, after *tickets.Ticket) error {
	f, err := s.flowOf(ctx, tx, before)
	if err != nil || f == nil {
		return err
	}
	var candidates []*Transition
	for _, t := range f.v.Definition.From(before.StatusID) {
		if t.To == after.StatusID {
			candidates = append(candidates, t)
		}
	}
	if len(candidates) == 0 {
		fromES, fromEN, err := statusNames(ctx, tx, before.StatusID)
		if err != nil {
			return err
		}
		toES, toEN, err := statusNames(ctx, tx, after.StatusID)
		if err != nil {
			return err
		}
		return errs.Newf(errs.Invalid, "workflow.no_transition", map[string]any{"workflow_es": f.w.NameES, "workflow_en": f.w.NameEN,
			"from_es": fromES, "from_en": fromEN, "to_es": toES, "to_en": toEN})
	}
	var firstRefusal *errs.Error
	var needsInput *Transition
	for _, t := range candidates {
		r, err := refusal(ctx, tx, subj, t)
		if err != nil {
			return err
		}
		switch {
		case r != nil:
			if firstRefusal == nil {
				firstRefusal = r
			}
		case t.NeedsInput():
			if needsInput == nil {
				needsInput = t
			}
		default:
			if err := s.record(ctx, tx, subj, f, t, before, after); err != nil {
				return err
			}
			cur, err := s.Tickets.Load(ctx, tx, after.ID, true)
			if err != nil {
				return err
			}
			_, err = s.runActions(ctx, tx, subj, f, t, cur, inputs{})
			return err
		}
	}
	if needsInput != nil {
		return errs.Newf(errs.Invalid, "workflow.needs_input", map[string]any{"name_es": needsInput.NameES, "name_en": needsInput.NameEN})
	}
	return firstRefusal
}

// record writes the transition row metrics read and the ticket's history row.
func (s *Service) record(ctx context.Context, tx bun.Tx, subj access.Subject, f *ticketFlow, t *Transition, before, after *tickets.Ticket) error {
	var actor *int64
	if subj.UserID != 0 {
		actor = &subj.UserID
	}
	if _, err := tx.NewInsert().Model(&transitionRow{TicketID: after.ID, WorkflowID: f.w.ID, WorkflowVersionID: f.v.ID,
		TransitionKey: t.Key, FromStatusID: before.StatusID, ToStatusID: after.StatusID, ActorID: actor,
		EnteredFromAt: before.StateEnteredAt}).Exec(ctx); err != nil {
		return fmt.Errorf("workflow: record transition: %w", err)
	}
	return s.Tickets.RecordTx(ctx, tx, subj, after.ID, "transition", nil,
		map[string]any{"key": t.Key, "name_es": t.NameES, "name_en": t.NameEN})
}

// transitionRow is a row of ticket_transitions.
type transitionRow struct {
	bun.BaseModel `bun:"table:ticket_transitions"`

	ID                int64     `bun:"id,pk,autoincrement"`
	TicketID          int64     `bun:"ticket_id"`
	WorkflowID        int64     `bun:"workflow_id"`
	WorkflowVersionID int64     `bun:"workflow_version_id"`
	TransitionKey     string    `bun:"transition_key"`
	FromStatusID      int64     `bun:"from_status_id"`
	ToStatusID        int64     `bun:"to_status_id"`
	ActorID           *int64    `bun:"actor_id"`
	At                time.Time `bun:"at,nullzero,default:now()"`
	EnteredFromAt     time.Time `bun:"entered_from_at"`
}

// Option is a transition offered on a ticket, as its page shows it.
type Option struct {
	Key             string    `json:"key"`
	Name            string    `json:"name"`
	NameES          string    `json:"name_es"`
	NameEN          string    `json:"name_en"`
	ToStatusID      int64     `json:"to_status_id"`
	Allowed         bool      `json:"allowed"`
	Reason          *errs.Msg `json:"-"`
	ReasonText      *string   `json:"reason"`
	Fields          []Field   `json:"fields"`
	CommentRequired bool      `json:"comment_required"`
	Confirm         bool      `json:"confirm"`
}

// Options lists the transitions from a ticket's state, each saying whether subj may take it and why not.
func (s *Service) Options(ctx context.Context, subj access.Subject, ticketID int64) ([]Option, error) {
	out := []Option{}
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.Tickets.Load(ctx, tx, ticketID, false)
		if err != nil {
			return err
		}
		if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
			return errs.New(errs.NotFound, "ticket.not_found")
		}
		f, err := s.flowOf(ctx, tx, t)
		if err != nil || f == nil {
			return err
		}
		for _, tr := range f.v.Definition.From(t.StatusID) {
			o := Option{Key: tr.Key, NameES: tr.NameES, NameEN: tr.NameEN, ToStatusID: tr.To, Allowed: true,
				Fields: tr.Fields, CommentRequired: tr.CommentRequired, Confirm: tr.Confirm}
			r, err := refusal(ctx, tx, subj, tr)
			if err != nil {
				return err
			}
			if r != nil {
				o.Allowed = false
				o.Reason = &r.Msg
			}
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// TransitionRequest is the body of POST /tickets/{id}/transitions.
type TransitionRequest struct {
	Transition string                     `json:"transition" validate:"required,max=40"`
	Version    int64                      `json:"version" validate:"required,gte=1"`
	Fields     map[string]json.RawMessage `json:"fields"`
	Comment    string                     `json:"comment" validate:"max=50000"`
	AfterID    *int64                     `json:"after_id" validate:"omitempty,gte=1"`
}

// MoneyInput is a money field as typed: a decimal amount and a currency.
type MoneyInput struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// inputs are a transition's fields that feed its actions.
type inputs struct {
	amount       *commerce.Money
	noteReasonID int64
	creditLimit  *commerce.Money
	creditType   string
	reason       string
	values       map[string]any // as typed, for history
}

const maxReason = 2000

// parseFields reads a transition's fields: ticket fields into a patch, the rest into inputs. Every
// problem is reported at once under fields.<key>.
func parseFields(t *Transition, raw map[string]json.RawMessage, comment string) (tickets.TicketPatch, inputs, error) {
	var p tickets.TicketPatch
	in := inputs{values: map[string]any{}}
	e := errs.New(errs.Invalid, "error.invalid")
	bad := func(key, msg string, args map[string]any) { e.WithField("fields."+key, msg, args) }
	for k := range raw {
		if !slices.ContainsFunc(t.Fields, func(f Field) bool { return f.Key == k }) {
			bad(k, "workflow.field_not_asked", nil)
		}
	}
	for _, f := range t.Fields {
		v, ok := raw[f.Key]
		if !ok || string(v) == "null" || string(v) == `""` {
			if f.Required {
				bad(f.Key, "field.required", nil)
			}
			continue
		}
		switch f.Key {
		case "priority_id", "queue_id", "assignee_id", "category_id", "subcategory_id", "note_reason_id":
			var id int64
			if err := json.Unmarshal(v, &id); err != nil || id <= 0 {
				bad(f.Key, "field.type", map[string]any{"type": "integer"})
				continue
			}
			in.values[f.Key] = id
			o := tickets.Optional[int64]{Set: true, Value: id}
			switch f.Key {
			case "priority_id":
				p.PriorityID = o
			case "queue_id":
				p.QueueID = o
			case "assignee_id":
				p.AssigneeID = o
			case "category_id":
				p.CategoryID = o
			case "subcategory_id":
				p.SubcategoryID = o
			case "note_reason_id":
				in.noteReasonID = id
			}
		case "due_at", "order_number", "credit_type", "reason":
			var sv string
			if err := json.Unmarshal(v, &sv); err != nil {
				bad(f.Key, "field.type", map[string]any{"type": "string"})
				continue
			}
			in.values[f.Key] = sv
			switch f.Key {
			case "due_at":
				p.DueAt = tickets.Optional[string]{Set: true, Value: sv}
			case "order_number":
				p.OrderNumber = tickets.Optional[string]{Set: true, Value: sv}
			case "credit_type":
				if !slices.Contains(commerce.CreditTypes, sv) {
					bad(f.Key, "commerce.credit_type_invalid", nil)
				}
				in.creditType = sv
			case "reason":
				if utf8.RuneCountInString(sv) > maxReason {
					bad(f.Key, "field.max", map[string]any{"param": maxReason})
				}
				in.reason = sv
			}
		case "amount", "credit_limit":
			var mi MoneyInput
			dec := json.NewDecoder(strings.NewReader(string(v)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&mi); err != nil || mi.Amount == "" {
				bad(f.Key, "workflow.money_invalid", nil)
				continue
			}
			m, err := commerce.ParseMoney(strings.TrimSpace(mi.Amount), mi.Currency)
			if err != nil {
				if ce, ok := errs.As(err); ok {
					for _, msg := range ce.Fields {
						bad(f.Key, msg.Key, msg.Args)
						break
					}
				} else {
					bad(f.Key, "workflow.money_invalid", nil)
				}
				continue
			}
			if f.Key == "amount" && m.Minor <= 0 {
				bad(f.Key, "commerce.amount_positive", nil)
				continue
			}
			if f.Key == "credit_limit" && m.Minor < 0 {
				bad(f.Key, "commerce.limit_negative", nil)
				continue
			}
			in.values[f.Key] = MoneyInput{Amount: m.Decimal(), Currency: m.Currency}
			if f.Key == "amount" {
				in.amount = &m
			} else {
				in.creditLimit = &m
			}
		}
	}
	if t.CommentRequired && strings.TrimSpace(comment) == "" {
		e.WithField("comment", "workflow.comment_required", nil)
	}
	if len(e.Fields) > 0 {
		return p, in, e
	}
	return p, in, nil
}

// Transition takes a transition on a ticket: its fields and the new status are written like an edit, the
// comment as an internal note, its actions run, and the transition recorded, all in one transaction.
func (s *Service) Transition(ctx context.Context, subj access.Subject, id int64, req TransitionRequest) (*tickets.TicketDetail, error) {
	var out *tickets.TicketDetail
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.Tickets.LockVisible(ctx, tx, subj, id)
		if err != nil {
			return err
		}
		if t.Version != req.Version {
			return s.Tickets.StaleDetail(ctx, tx, subj, t)
		}
		f, err := s.flowOf(ctx, tx, t)
		if err != nil {
			return err
		}
		var tr *Transition
		if f != nil {
			for _, x := range f.v.Definition.From(t.StatusID) {
				if x.Key == req.Transition {
					tr = x
				}
			}
		}
		if tr == nil {
			es, en, err := statusNames(ctx, tx, t.StatusID)
			if err != nil {
				return err
			}
			return errs.New(errs.Invalid, "error.invalid").WithField("transition", "workflow.not_from_here",
				map[string]any{"status_es": es, "status_en": en})
		}
		if r, err := refusal(ctx, tx, subj, tr); err != nil {
			return err
		} else if r != nil {
			return r
		}
		p, in, err := parseFields(tr, req.Fields, req.Comment)
		if err != nil {
			return err
		}
		p.Version = t.Version
		p.StatusID = tickets.Optional[int64]{Set: true, Value: tr.To}
		before := *t
		after, err := s.Tickets.ApplyTx(ctx, tx, subj, t, p, tickets.ApplyOptions{System: true, Flowed: true, Source: tickets.SourceTransition})
		if err != nil {
			return fieldErrors(err, nil)
		}
		if err := s.record(ctx, tx, subj, f, tr, &before, after); err != nil {
			return err
		}
		if strings.TrimSpace(req.Comment) != "" {
			cur, err := s.Tickets.Load(ctx, tx, id, true)
			if err != nil {
				return err
			}
			if err := s.Tickets.NoteTx(ctx, tx, subj, cur, req.Comment); err != nil {
				return err
			}
		}
		cur, err := s.Tickets.Load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cur, err = s.runActions(ctx, tx, subj, f, tr, cur, in); err != nil {
			return err
		}
		out, err = s.Tickets.DetailOf(ctx, tx, subj, cur)
		return err
	})
	return out, err
}

// ticketFieldPaths maps the fields a patch error names to the transition's field paths.
var ticketFieldPaths = map[string]string{"priority_id": "fields.priority_id", "queue_id": "fields.queue_id",
	"assignee_id": "fields.assignee_id", "category_id": "fields.category_id", "subcategory_id": "fields.subcategory_id",
	"due_at": "fields.due_at", "order_number": "fields.order_number"}

// fieldErrors renames the fields of an invalid error (from a ticket patch or the commerce store) to the
// transition's field paths.
func fieldErrors(err error, names map[string]string) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := &errs.Error{Code: e.Code, Msg: e.Msg, Current: e.Current, RetryAfter: e.RetryAfter}
	for f, m := range e.Fields {
		name := f
		if n, ok := names[f]; ok {
			name = n
		} else if n, ok := ticketFieldPaths[f]; ok {
			name = n
		}
		out.WithField(name, m.Key, m.Args)
	}
	return out
}
