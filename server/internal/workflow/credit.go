package workflow

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/commerce"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/tickets"
)

// CreditRequest is the body of POST /credit-requests.
type CreditRequest struct {
	PersonID *int64      `json:"person_id" validate:"omitempty,gte=1"`
	Amount   *MoneyInput `json:"amount"`
	Reason   string      `json:"reason"`
}

// creditCategoryKey is the typification of credit studies.
const creditCategoryKey = "finance"

// RequestCredit opens a credit study ticket in the credit_request workflow: a consultant asks for
// themselves (and is the requester); staff ask for any person, who is then the requester.
func (s *Service) RequestCredit(ctx context.Context, subj access.Subject, req CreditRequest) (*tickets.TicketDetail, error) {
	if !access.CanRequestCredit(subj) {
		return nil, errs.New(errs.Forbidden, "workflow.credit_forbidden")
	}
	staff := access.CanCreateFor(subj)
	e := errs.New(errs.Invalid, "error.invalid")
	var amount commerce.Money
	if req.Amount == nil || strings.TrimSpace(req.Amount.Amount) == "" {
		e.WithField("amount", "field.required", nil)
	} else if m, err := commerce.ParseMoney(strings.TrimSpace(req.Amount.Amount), req.Amount.Currency); err != nil {
		if ce, ok := errs.As(err); ok {
			for _, msg := range ce.Fields {
				e.WithField("amount", msg.Key, msg.Args)
				break
			}
		} else {
			return nil, err
		}
	} else if m.Minor <= 0 {
		e.WithField("amount", "commerce.amount_positive", nil)
	} else {
		amount = m
	}
	reason := strings.TrimSpace(req.Reason)
	switch l := utf8.RuneCountInString(reason); {
	case l == 0:
		e.WithField("reason", "field.required", nil)
	case l > maxReason:
		e.WithField("reason", "field.max", map[string]any{"param": maxReason})
	}
	person := subj.UserID
	switch {
	case req.PersonID != nil && !staff && *req.PersonID != subj.UserID:
		e.WithField("person_id", "workflow.credit_self_only", nil)
	case req.PersonID != nil:
		person = *req.PersonID
	case staff:
		e.WithField("person_id", "field.required", nil)
	}
	var out *tickets.TicketDetail
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var name string
		if len(e.Fields) == 0 || e.Fields["person_id"].Key == "" {
			u, err := s.Tickets.People.ByIDIn(ctx, tx, person)
			if err != nil {
				return err
			}
			if u == nil {
				e.WithField("person_id", "commerce.person_not_found", nil)
			} else {
				name = u.Name
			}
		}
		if len(e.Fields) > 0 {
			return e
		}
		cat, err := s.Tickets.Catalog.LookupRefByKey(ctx, tx, catalog.RefCategories, creditCategoryKey)
		if err != nil {
			return err
		}
		if cat == nil {
			return fmt.Errorf("workflow: credit request: category %q missing", creditCategoryKey)
		}
		subject := fmt.Sprintf("Solicitud de estudio de crédito — %s", name)
		desc := fmt.Sprintf("Monto solicitado: %s\n\n%s", amount.Format(i18n.ES), reason)
		if subj.Locale == i18n.EN {
			subject = fmt.Sprintf("Credit study request — %s", name)
			desc = fmt.Sprintf("Amount requested: %s\n\n%s", amount.Format(i18n.EN), reason)
		}
		nt := tickets.NewTicketRequest{Subject: subject, Description: desc, CategoryID: cat.ID}
		if staff {
			nt.RequesterID = &person
			var ch int64
			if err := tx.NewSelect().Table("channels").Column("id").Where("active").OrderExpr("position, id").Limit(1).Scan(ctx, &ch); err != nil {
				return fmt.Errorf("workflow: credit request: channel: %w", err)
			}
			nt.ChannelID = &ch
		}
		out, err = s.Tickets.CreateTx(ctx, tx, subj, nt, CreditRequestKey)
		return err
	})
	return out, err
}
