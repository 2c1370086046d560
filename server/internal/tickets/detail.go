package tickets

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/markdown"
	"github.com/atiende/atiende/server/internal/people"
)

// TicketRef names another ticket: in links and merges.
type TicketRef struct {
	ID      int64  `json:"id" bun:"id"`
	Number  int64  `json:"number" bun:"number"`
	Subject string `json:"subject" bun:"subject"`
}

// LinkKind is how two tickets relate.
type LinkKind string

// The link kinds.
const (
	Related   LinkKind = "related"
	Duplicate LinkKind = "duplicate"
)

// Link is a ticket linked to the one shown.
type Link struct {
	Ticket TicketRef `json:"ticket"`
	Kind   LinkKind  `json:"kind"`
}

// Can tells the client what the user may do with the ticket shown, so that it hides what would be refused.
type Can struct {
	Edit            bool `json:"edit"`
	CommentPublic   bool `json:"comment_public"`
	CommentInternal bool `json:"comment_internal"`
	Merge           bool `json:"merge"`
	// Fields are the fields the user may change (a PATCH of any other is refused).
	Fields []string `json:"fields"`
}

// TicketDetail is one ticket as its page shows it: the card and everything else.
type TicketDetail struct {
	Card
	Description     string            `json:"description"`
	DescriptionHTML string            `json:"description_html"`
	Affected        *people.PersonRef `json:"affected"`
	OrderNumber     *string           `json:"order_number"`
	Tags            []string          `json:"tags"`
	DueAt           *time.Time        `json:"due_at"`
	MergedInto      *TicketRef        `json:"merged_into"`
	MergedFrom      []TicketRef       `json:"merged_from"`
	Links           []Link            `json:"links"`
	Can             Can               `json:"can"`
}

// visibleRef is a related ticket with what access needs to decide whether the subject may see it.
type visibleRef struct {
	TicketRef
	Kind         LinkKind `bun:"kind"`
	RequesterID  *int64   `bun:"requester_id"`
	AffectedID   *int64   `bun:"affected_id"`
	AssigneeID   *int64   `bun:"assignee_id"`
	QueueID      *int64   `bun:"queue_id"`
	AllowedRoles []int64  `bun:"allowed_roles,array"`
	Network      []int64  `bun:"network,array"`
}

func (r visibleRef) vis() access.TicketVis {
	t := Ticket{RequesterID: r.RequesterID, AffectedID: r.AffectedID, AssigneeID: r.AssigneeID, QueueID: r.QueueID,
		AllowedRoles: r.AllowedRoles, Network: r.Network}
	return t.Vis()
}

// detail builds the TicketDetail of t for subj; related tickets subj may not see are left out.
func (s *Service) detail(ctx context.Context, db bun.IDB, subj access.Subject, t *Ticket) (*TicketDetail, error) {
	card, err := s.card(ctx, db, t)
	if err != nil {
		return nil, err
	}
	d := &TicketDetail{Card: *card, Description: t.Description, DescriptionHTML: markdown.Render(t.Description),
		OrderNumber: t.OrderNumber, Tags: t.Tags, MergedFrom: []TicketRef{}, Links: []Link{},
		Can: Can{Edit: access.CanEditTicket(subj, t.Vis()), CommentPublic: access.CanSeeTicket(subj, t.Vis()),
			CommentInternal: access.CanSeeInternal(subj), Merge: access.CanMergeTickets(subj),
			Fields: editableFields(subj, t.Vis())}}
	if d.Tags == nil {
		d.Tags = []string{}
	}
	if t.DueAt != nil {
		due := t.DueAt.UTC()
		d.DueAt = &due
	}
	if t.AffectedID != nil {
		refs, err := s.People.Refs(ctx, db, []int64{*t.AffectedID})
		if err != nil {
			return nil, err
		}
		r := refs[*t.AffectedID]
		d.Affected = &r
	}
	var related []visibleRef
	err = db.NewRaw(`
		SELECT o.id, o.number, o.subject, o.requester_id, o.affected_id, o.assignee_id, o.queue_id, o.allowed_roles, o.network, 'merged_into' AS kind
		  FROM tickets o WHERE o.id = ?
		UNION ALL
		SELECT o.id, o.number, o.subject, o.requester_id, o.affected_id, o.assignee_id, o.queue_id, o.allowed_roles, o.network, 'merged_from'
		  FROM tickets o WHERE o.merged_into_id = ?
		UNION ALL
		SELECT o.id, o.number, o.subject, o.requester_id, o.affected_id, o.assignee_id, o.queue_id, o.allowed_roles, o.network, l.kind
		  FROM ticket_links l JOIN tickets o ON o.id = CASE WHEN l.ticket_id = ? THEN l.other_id ELSE l.ticket_id END
		 WHERE l.ticket_id = ? OR l.other_id = ?
		 ORDER BY 2`, t.MergedIntoID, t.ID, t.ID, t.ID, t.ID).Scan(ctx, &related)
	if err != nil {
		return nil, fmt.Errorf("tickets: detail: %w", err)
	}
	for _, r := range related {
		if !access.CanSeeTicket(subj, r.vis()) {
			continue
		}
		switch r.Kind {
		case "merged_into":
			ref := r.TicketRef
			d.MergedInto = &ref
		case "merged_from":
			d.MergedFrom = append(d.MergedFrom, r.TicketRef)
		default:
			d.Links = append(d.Links, Link{Ticket: r.TicketRef, Kind: r.Kind})
		}
	}
	return d, nil
}

// Detail returns one ticket with everything its page shows; a ticket the subject may not see is not found.
func (s *Service) Detail(ctx context.Context, subj access.Subject, id int64) (*TicketDetail, error) {
	t, err := s.load(ctx, s.DB, id, false)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	return s.detail(ctx, s.DB, subj, t)
}

// editable loads a ticket for a patch by subj, locked: not found when it does not exist or subj may not
// see it, forbidden when subj may see but not edit it (naming each field of the patch subj may not
// change, so that whoever may edit nothing is told which fields, as an editor would be).
func (s *Service) editable(ctx context.Context, tx bun.Tx, subj access.Subject, id int64, p TicketPatch) (*Ticket, error) {
	t, err := s.load(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	if !access.CanEditTicket(subj, t.Vis()) {
		if err := refuseFields(subj, t.Vis(), p); err != nil {
			return nil, err
		}
		return nil, errs.New(errs.Forbidden, "ticket.edit_forbidden")
	}
	return t, nil
}

// staleDetail is the 409 of an edit based on an old version, carrying the current ticket.
func (s *Service) staleDetail(ctx context.Context, db bun.IDB, subj access.Subject, t *Ticket) error {
	cur, err := s.detail(ctx, db, subj, t)
	if err != nil {
		return err
	}
	e := errs.Newf(errs.Conflict, "ticket.edit_stale", map[string]any{"number": t.Number})
	e.Current = cur
	return e
}
