package tickets

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/errs"
)

// NewPerson is a requester named by name and email: found by email, else created without a login.
type NewPerson struct {
	Name  string `json:"name" validate:"required,max=120"`
	Email string `json:"email" validate:"required,email,max=254"`
}

// NewTicketRequest is the body of POST /tickets.
type NewTicketRequest struct {
	Subject       string     `json:"subject" validate:"required,max=300"`
	Description   string     `json:"description" validate:"max=50000"`
	ChannelID     *int64     `json:"channel_id" validate:"omitempty,gte=1"`
	CategoryID    int64      `json:"category_id" validate:"required,gte=1"`
	SubcategoryID *int64     `json:"subcategory_id" validate:"omitempty,gte=1"`
	PriorityID    *int64     `json:"priority_id" validate:"omitempty,gte=1"`
	RequesterID   *int64     `json:"requester_id" validate:"omitempty,gte=1"`
	Requester     *NewPerson `json:"requester"`
	AffectedID    *int64     `json:"affected_id" validate:"omitempty,gte=1"`
	OrderNumber   *string    `json:"order_number"`
	QueueID       *int64     `json:"queue_id" validate:"omitempty,gte=1"`
	AssigneeID    *int64     `json:"assignee_id" validate:"omitempty,gte=1"`
	StatusID      *int64     `json:"status_id" validate:"omitempty,gte=1"`
	Tags          []string   `json:"tags"`
	DueAt         *string    `json:"due_at"`
}

// Defaults of a new ticket, by catalog key.
const (
	defaultPriorityKey = "delegate" // Media / Medium
	defaultChannelKey  = "web_form" // where a customer's own ticket comes from
	// IdempotencyTTL is how long a creation can be replayed by its Idempotency-Key.
	IdempotencyTTL = 24 * time.Hour
	// MaxIdempotencyKey is the longest Idempotency-Key accepted.
	MaxIdempotencyKey = 100
)

// Created is the answer to a creation: its status and JSON body, stored for replays.
type Created struct {
	Status int
	Body   json.RawMessage
	Replay bool
}

type idempotencyRow struct {
	bun.BaseModel `bun:"table:idempotency_keys"`

	UserID      int64           `bun:"user_id,pk"`
	Key         string          `bun:"key,pk"`
	RequestHash []byte          `bun:"request_hash"`
	Status      int             `bun:"status"`
	Response    json.RawMessage `bun:"response,type:jsonb"`
	CreatedAt   time.Time       `bun:"created_at,nullzero,default:now()"`
}

// CreateTicket opens a ticket from a request, with every rule of POST /tickets. With an idempotency key,
// a retry of the same request within IdempotencyTTL gets the first answer again, and the same key with
// another request is refused.
func (s *Service) CreateTicket(ctx context.Context, subj access.Subject, req NewTicketRequest, idemKey string) (*Created, error) {
	var out *Created
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = idempotent(ctx, tx, subj.UserID, idemKey, req, "ticket.idempotency_mismatch", func() (int, any, error) {
			d, err := s.createTicket(ctx, tx, subj, req, "")
			return http.StatusCreated, d, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) createTicket(ctx context.Context, tx bun.Tx, subj access.Subject, req NewTicketRequest, workflowKey string) (*TicketDetail, error) {
	c := s.checker(ctx, tx)
	n := NewTicket{Subject: c.subject("subject", req.Subject), Description: c.description("description", req.Description)}
	if !access.CanCreateTicket(subj) {
		return nil, errs.New(errs.Forbidden, "ticket.create_forbidden")
	}
	staff := access.CanCreateFor(subj)

	// Typification.
	if cat := c.category("category_id", req.CategoryID); cat != nil {
		n.CategoryID = &cat.ID
	}
	if req.SubcategoryID != nil && !c.failed("category_id") {
		c.subcategory("subcategory_id", *req.SubcategoryID, n.CategoryID)
		n.SubcategoryID = req.SubcategoryID
	}
	switch {
	case req.ChannelID != nil:
		c.ref("channel_id", catalog.RefChannels, *req.ChannelID)
		n.ChannelID = req.ChannelID
	case staff:
		c.bad("channel_id", "field.required", nil)
	default:
		if ch, err := s.Catalog.LookupRefByKey(ctx, tx, catalog.RefChannels, defaultChannelKey); err != nil {
			return nil, err
		} else if ch != nil && ch.Active {
			n.ChannelID = &ch.ID
		}
	}
	if req.PriorityID != nil {
		c.ref("priority_id", catalog.RefPriorities, *req.PriorityID)
		n.PriorityID = *req.PriorityID
	} else {
		p, err := s.Catalog.LookupRefByKey(ctx, tx, catalog.RefPriorities, defaultPriorityKey)
		if err != nil {
			return nil, err
		}
		if p == nil {
			return nil, fmt.Errorf("tickets: create: the default priority %q is missing", defaultPriorityKey)
		}
		n.PriorityID = p.ID
	}

	// Workflow fields: only staff set them; everyone else gets the defaults.
	if !staff {
		for field, set := range map[string]bool{"status_id": req.StatusID != nil, "queue_id": req.QueueID != nil,
			"assignee_id": req.AssigneeID != nil, "affected_id": req.AffectedID != nil} {
			if set {
				c.bad(field, "ticket.staff_only", nil)
			}
		}
	}
	var status *catalog.EntryRef
	var states []int64
	if s.Flow != nil && !c.failed("category_id") && !c.failed("subcategory_id") {
		v, start, st, err := s.Flow.Start(ctx, tx, n.CategoryID, n.SubcategoryID, workflowKey)
		if err != nil {
			return nil, err
		}
		n.WorkflowVersionID, states = &v, st
		if req.StatusID == nil {
			req.StatusID = &start
		}
	}
	if req.StatusID != nil {
		status = c.ref("status_id", catalog.RefStatuses, *req.StatusID)
		if status != nil && states != nil && !slices.Contains(states, status.ID) {
			c.bad("status_id", "workflow.not_a_state", nil)
		}
	} else {
		st, err := s.Catalog.FirstStatus(ctx, tx, catalog.ToDo)
		if err != nil {
			return nil, err
		}
		if st == nil {
			return nil, fmt.Errorf("tickets: create: no active status in the todo group")
		}
		status = st
	}
	if status != nil {
		n.StatusID = status.ID
	}
	if req.QueueID != nil {
		c.ref("queue_id", catalog.RefQueues, *req.QueueID)
		n.QueueID = req.QueueID
	} else {
		q, err := s.Catalog.DefaultQueue(ctx, tx)
		if err != nil {
			return nil, err
		}
		if q != nil {
			n.QueueID = &q.ID
		}
	}
	if req.AssigneeID != nil && staff {
		c.assignee("assignee_id", *req.AssigneeID)
		n.AssigneeID = req.AssigneeID
	}
	if req.AffectedID != nil && staff {
		c.user("affected_id", *req.AffectedID)
		n.AffectedID = req.AffectedID
	}

	// The requester.
	switch {
	case !staff:
		if req.RequesterID != nil && *req.RequesterID != subj.UserID {
			c.bad("requester_id", "ticket.requester_self_only", nil)
		}
		if req.Requester != nil && !strings.EqualFold(strings.TrimSpace(req.Requester.Email), subj.Email) {
			c.bad("requester", "ticket.requester_self_only", nil)
		}
		n.RequesterID = &subj.UserID
	case req.RequesterID != nil && req.Requester != nil:
		c.bad("requester", "ticket.requester_both", nil)
	case req.RequesterID != nil:
		c.user("requester_id", *req.RequesterID)
		n.RequesterID = req.RequesterID
	case req.Requester == nil:
		c.bad("requester_id", "ticket.requester_required", nil)
	case strings.TrimSpace(req.Requester.Name) == "":
		c.bad("requester.name", "field.required", nil)
	}

	// Free fields.
	if req.OrderNumber != nil {
		o := c.orderNumber("order_number", *req.OrderNumber)
		n.OrderNumber = &o
	}
	n.Tags = c.tags("tags", req.Tags)
	if req.DueAt != nil {
		n.DueAt = c.dueAt("due_at", *req.DueAt)
	}
	if err := c.result(); err != nil {
		return nil, err
	}

	if staff && req.Requester != nil {
		u, err := s.People.FindOrCreate(ctx, tx, req.Requester.Name, req.Requester.Email)
		if err != nil {
			return nil, err
		}
		n.RequesterID = &u.ID
	}
	if err := s.checkWIPOf(ctx, tx, subj, n.StatusID, 0); err != nil {
		return nil, err
	}
	t, err := s.insert(ctx, tx, subj, n)
	if err != nil {
		return nil, err
	}
	if t, err = s.runHooks(ctx, tx, subj, nil, t, SourceUser); err != nil {
		return nil, err
	}
	return s.detail(ctx, tx, subj, t)
}

// checkWIPOf refuses to put a ticket (other than one already there) into a status at its WIP limit.
func (s *Service) checkWIPOf(ctx context.Context, tx bun.Tx, subj access.Subject, statusID, currentStatusID int64) error {
	if statusID == currentStatusID {
		return nil
	}
	st, err := s.Catalog.Status(ctx, tx, statusID, false)
	if err != nil {
		return err
	}
	if st == nil {
		return errs.InvalidField("status_id", "field.inactive", nil)
	}
	if st.WIPLimit == nil {
		return nil
	}
	return s.checkWIP(ctx, tx, subj, st)
}
