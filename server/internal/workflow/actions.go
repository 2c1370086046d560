package workflow

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/commerce"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/tickets"
)

// runActions runs a transition's actions in order on the locked ticket t and returns the ticket as it
// stands afterwards. Each action writes a history row (field "action"); a refused action rolls the
// whole transition back.
func (s *Service) runActions(ctx context.Context, tx bun.Tx, subj access.Subject, f *ticketFlow, tr *Transition, t *tickets.Ticket, in inputs) (*tickets.Ticket, error) {
	for _, a := range tr.Actions {
		var rec map[string]any
		var err error
		switch a.Kind {
		case KindSetField:
			t, rec, err = s.setField(ctx, tx, subj, t, a)
		case KindNotify:
			rec = map[string]any{"action": "notify", "to": a.To}
			if s.Notifier != nil {
				title := map[string]string{
					"es": fmt.Sprintf("«%s» en el ticket #%d: %s", tr.NameES, t.Number, t.Subject),
					"en": fmt.Sprintf("“%s” on ticket #%d: %s", tr.NameEN, t.Number, t.Subject),
				}
				err = s.Notifier.Notify(ctx, tx, t, a.To, title)
			}
		case KindDomain:
			rec, err = s.domain(ctx, tx, subj, t, a.Action, in)
		}
		if err != nil {
			return nil, err
		}
		if err := s.Tickets.RecordTx(ctx, tx, subj, t.ID, "action", nil, rec); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// setField writes one ticket field as the system, on behalf of the transition.
func (s *Service) setField(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, a Action) (*tickets.Ticket, map[string]any, error) {
	v, err := setFieldValue(a)
	if err != nil {
		return nil, nil, errs.New(errs.Invalid, "workflow.action_value_invalid")
	}
	p := tickets.TicketPatch{Version: t.Version}
	idOpt := func() tickets.Optional[int64] {
		if v.id == nil {
			return tickets.Optional[int64]{Set: true, Null: true}
		}
		return tickets.Optional[int64]{Set: true, Value: *v.id}
	}
	rec := map[string]any{"action": "set_field", "field": a.Field}
	switch a.Field {
	case "priority_id":
		p.PriorityID = idOpt()
		rec["value"] = v.id
	case "queue_id":
		p.QueueID = idOpt()
		rec["value"] = v.id
	case "assignee_id":
		p.AssigneeID = idOpt()
		rec["value"] = v.id
	case "allowed_roles":
		p.AllowedRoles = tickets.Optional[[]int64]{Set: true, Value: v.ids}
		rec["value"] = v.ids
	case "tags_add":
		tags := append([]string{}, t.Tags...)
		for _, tag := range v.tags {
			if !contains(tags, tag) {
				tags = append(tags, tag)
			}
		}
		p.Tags = tickets.Optional[[]string]{Set: true, Value: tags}
		rec["value"] = v.tags
	}
	after, err := s.Tickets.ApplyTx(ctx, tx, subj, t, p, tickets.ApplyOptions{System: true, Flowed: true, Source: tickets.SourceTransition})
	if err != nil {
		return nil, nil, err
	}
	cur, err := s.Tickets.Load(ctx, tx, after.ID, true)
	if err != nil {
		return nil, nil, err
	}
	return cur, rec, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// customer is whom a domain action acts on: the affected person, else the requester.
func customer(t *tickets.Ticket) (int64, error) {
	switch {
	case t.AffectedID != nil:
		return *t.AffectedID, nil
	case t.RequesterID != nil:
		return *t.RequesterID, nil
	}
	return 0, errs.New(errs.Invalid, "workflow.no_customer")
}

// moneyOut is money as history and the SPA show it.
func moneyOut(m commerce.Money) MoneyInput {
	return MoneyInput{Amount: m.Decimal(), Currency: m.Currency}
}

// domain runs a commerce action in the ticket's transaction through the commerce store.
func (s *Service) domain(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, action string, in inputs) (map[string]any, error) {
	person, err := customer(t)
	if err != nil {
		return nil, err
	}
	var actor *int64
	if subj.UserID != 0 {
		actor = &subj.UserID
	}
	ticketID := t.ID
	switch action {
	case DomainCreditNote:
		if in.amount == nil || in.noteReasonID == 0 {
			return nil, errs.New(errs.Invalid, "error.invalid").WithField("fields.amount", "field.required", nil)
		}
		reason := in.reason
		if reason == "" {
			reason = fmt.Sprintf("Ticket #%d", t.Number)
		}
		m, err := s.Commerce.AddNote(ctx, tx, commerce.Note{PersonID: person, Kind: commerce.Credit, Amount: *in.amount,
			NoteReasonID: in.noteReasonID, TicketID: &ticketID, ActorID: actor, Reason: truncate(reason, 1000)})
		if err != nil {
			return nil, fieldErrors(err, map[string]string{"amount": "fields.amount", "currency": "fields.amount",
				"note_reason_id": "fields.note_reason_id", "reason": "fields.reason"})
		}
		return map[string]any{"action": action, "movement_id": m.ID, "person_id": person, "amount": moneyOut(*in.amount),
			"note_reason_id": in.noteReasonID}, nil
	case DomainBackorder:
		if t.OrderNumber == nil || *t.OrderNumber == "" {
			return nil, errs.New(errs.Invalid, "error.invalid").WithField("fields.order_number", "workflow.order_number_required", nil)
		}
		o, err := s.Commerce.OrderByNumber(ctx, tx, *t.OrderNumber)
		if err != nil {
			return nil, fieldErrors(err, nil)
		}
		if o.PersonID != person {
			return nil, errs.New(errs.Invalid, "error.invalid").WithField("fields.order_number", "workflow.order_other_customer",
				map[string]any{"number": o.Number})
		}
		var items []commerce.BackorderItem
		for _, it := range o.Items {
			if it.Owed > 0 {
				items = append(items, commerce.BackorderItem{OrderItemID: it.ID, Quantity: it.Owed})
			}
		}
		if len(items) == 0 {
			return nil, errs.New(errs.Invalid, "error.invalid").WithField("fields.order_number", "workflow.nothing_owed",
				map[string]any{"number": o.Number})
		}
		b, err := s.Commerce.CreateBackorder(ctx, tx, o.ID, &ticketID, items)
		if err != nil {
			return nil, fieldErrors(err, map[string]string{"order_id": "fields.order_number"})
		}
		return map[string]any{"action": action, "backorder_id": b.ID, "order_number": o.Number, "items": b.Items}, nil
	case DomainCreditLimit:
		if in.creditLimit == nil || in.creditType == "" {
			return nil, errs.New(errs.Invalid, "error.invalid").WithField("fields.credit_limit", "field.required", nil)
		}
		reason := in.reason
		if reason == "" {
			reason = fmt.Sprintf("Ticket #%d", t.Number)
		}
		c, err := s.Commerce.SetCreditLimit(ctx, tx, commerce.CreditChange{PersonID: person, Limit: *in.creditLimit,
			CreditType: in.creditType, Reason: truncate(reason, 1000), TicketID: &ticketID, ActorID: actor})
		if err != nil {
			return nil, fieldErrors(err, map[string]string{"limit": "fields.credit_limit", "currency": "fields.credit_limit",
				"credit_type": "fields.credit_type", "reason": "fields.reason"})
		}
		return map[string]any{"action": action, "person_id": person, "credit_type": c.CreditType, "limit": moneyOut(c.Limit)}, nil
	}
	return nil, fmt.Errorf("workflow: unknown domain action %q", action)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
