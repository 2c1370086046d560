package tickets

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/live"
)

// TicketPatch is the body of PATCH /tickets/{id}: the version the edit is based on and any field to
// change. A nullable field sent as null is cleared; an absent field is left alone.
type TicketPatch struct {
	Version       int64              `json:"version" validate:"required,gte=1"`
	Subject       Optional[string]   `json:"subject"`
	Description   Optional[string]   `json:"description"`
	StatusID      Optional[int64]    `json:"status_id"`
	PriorityID    Optional[int64]    `json:"priority_id"`
	ChannelID     Optional[int64]    `json:"channel_id"`
	CategoryID    Optional[int64]    `json:"category_id"`
	SubcategoryID Optional[int64]    `json:"subcategory_id"`
	QueueID       Optional[int64]    `json:"queue_id"`
	AssigneeID    Optional[int64]    `json:"assignee_id"`
	RequesterID   Optional[int64]    `json:"requester_id"`
	AffectedID    Optional[int64]    `json:"affected_id"`
	OrderNumber   Optional[string]   `json:"order_number"`
	Tags          Optional[[]string] `json:"tags"`
	DueAt         Optional[string]   `json:"due_at"`
	AllowedRoles  Optional[[]int64]  `json:"allowed_roles"`
}

// patchField is one field of a PATCH: its name, the group of fields one permission lets change, and
// whether a patch sets it.
type patchField struct {
	name  string
	group access.FieldGroup
	set   func(p *TicketPatch) bool
}

// patchFields are the fields of a PATCH, in the order the ticket page lists them.
var patchFields = []patchField{
	{"subject", access.FieldsContent, func(p *TicketPatch) bool { return p.Subject.Set }},
	{"description", access.FieldsContent, func(p *TicketPatch) bool { return p.Description.Set }},
	{"priority_id", access.FieldsTypification, func(p *TicketPatch) bool { return p.PriorityID.Set }},
	{"channel_id", access.FieldsTypification, func(p *TicketPatch) bool { return p.ChannelID.Set }},
	{"category_id", access.FieldsTypification, func(p *TicketPatch) bool { return p.CategoryID.Set }},
	{"subcategory_id", access.FieldsTypification, func(p *TicketPatch) bool { return p.SubcategoryID.Set }},
	{"order_number", access.FieldsTypification, func(p *TicketPatch) bool { return p.OrderNumber.Set }},
	{"tags", access.FieldsTypification, func(p *TicketPatch) bool { return p.Tags.Set }},
	{"due_at", access.FieldsTypification, func(p *TicketPatch) bool { return p.DueAt.Set }},
	{"requester_id", access.FieldsPeople, func(p *TicketPatch) bool { return p.RequesterID.Set }},
	{"affected_id", access.FieldsPeople, func(p *TicketPatch) bool { return p.AffectedID.Set }},
	{"queue_id", access.FieldsAssignment, func(p *TicketPatch) bool { return p.QueueID.Set }},
	{"assignee_id", access.FieldsAssignment, func(p *TicketPatch) bool { return p.AssigneeID.Set }},
	{"status_id", access.FieldsStatus, func(p *TicketPatch) bool { return p.StatusID.Set }},
	{"allowed_roles", access.FieldsRoles, func(p *TicketPatch) bool { return p.AllowedRoles.Set }},
}

// editableFields lists the patch fields subj may change on a ticket with these visibility fields.
func editableFields(subj access.Subject, v access.TicketVis) []string {
	out := []string{}
	for _, f := range patchFields {
		if access.CanChange(subj, v, f.group) {
			out = append(out, f.name)
		}
	}
	return out
}

// refuseFields refuses a patch that sets any field subj may not change, naming each one: a field one
// may not change is refused, never silently ignored, and nothing of the patch is applied.
func refuseFields(subj access.Subject, v access.TicketVis, p TicketPatch) error {
	var e *errs.Error
	for _, f := range patchFields {
		if f.set(&p) && !access.CanChange(subj, v, f.group) {
			if e == nil {
				e = errs.New(errs.Forbidden, "ticket.fields_forbidden")
			}
			e = e.WithField(f.name, "field.forbidden", nil)
		}
	}
	if e != nil {
		return e
	}
	return nil
}

// column is one ticket column a patch may change: its name (also the history field) and how to read it.
type column struct {
	name string
	get  func(t *Ticket) any
}

func idOf(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func strOf(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func timeOf(p *time.Time) any {
	if p == nil {
		return nil
	}
	return p.UTC().Format(time.RFC3339Nano)
}

// columns are the editable columns, in the order their history rows are written.
var columns = []column{
	{"subject", func(t *Ticket) any { return t.Subject }},
	{"description", func(t *Ticket) any { return t.Description }},
	{"status_id", func(t *Ticket) any { return t.StatusID }},
	{"priority_id", func(t *Ticket) any { return t.PriorityID }},
	{"channel_id", func(t *Ticket) any { return idOf(t.ChannelID) }},
	{"category_id", func(t *Ticket) any { return idOf(t.CategoryID) }},
	{"subcategory_id", func(t *Ticket) any { return idOf(t.SubcategoryID) }},
	{"queue_id", func(t *Ticket) any { return idOf(t.QueueID) }},
	{"assignee_id", func(t *Ticket) any { return idOf(t.AssigneeID) }},
	{"requester_id", func(t *Ticket) any { return idOf(t.RequesterID) }},
	{"affected_id", func(t *Ticket) any { return idOf(t.AffectedID) }},
	{"order_number", func(t *Ticket) any { return strOf(t.OrderNumber) }},
	{"tags", func(t *Ticket) any { return t.Tags }},
	{"due_at", func(t *Ticket) any { return timeOf(t.DueAt) }},
	{"allowed_roles", func(t *Ticket) any { return t.AllowedRoles }},
}

func same(a, b any) bool {
	as, aok := a.([]string)
	bs, bok := b.([]string)
	if aok || bok {
		return aok && bok && slices.Equal(as, bs)
	}
	ai, aok := a.([]int64)
	bi, bok := b.([]int64)
	if aok || bok {
		return aok && bok && slices.Equal(ai, bi)
	}
	return a == b
}

// apply checks a patch against t and writes the new values into nt (a copy of t).
func (s *Service) applyPatch(c *checker, t, nt *Ticket, p TicketPatch) {
	notNull := func(field string, o interface{ IsNull() bool }) bool {
		if o.IsNull() {
			c.bad(field, "field.not_null", nil)
			return false
		}
		return true
	}
	if p.Subject.Set && notNull("subject", p.Subject) {
		nt.Subject = c.subject("subject", p.Subject.Value)
	}
	if p.Description.Set && notNull("description", p.Description) {
		nt.Description = c.description("description", p.Description.Value)
	}
	// A reference is checked only when it changes: a ticket keeps an entry deactivated since.
	refChange := func(field string, o Optional[int64], cur *int64) bool {
		return !o.Null && (cur == nil || *cur != o.Value) && c.positive(field, o.Value)
	}
	if p.StatusID.Set && notNull("status_id", p.StatusID) && refChange("status_id", p.StatusID, &t.StatusID) {
		c.ref("status_id", catalog.RefStatuses, p.StatusID.Value)
		nt.StatusID = p.StatusID.Value
	}
	if p.PriorityID.Set && notNull("priority_id", p.PriorityID) && refChange("priority_id", p.PriorityID, &t.PriorityID) {
		c.ref("priority_id", catalog.RefPriorities, p.PriorityID.Value)
		nt.PriorityID = p.PriorityID.Value
	}
	if p.ChannelID.Set && notNull("channel_id", p.ChannelID) && refChange("channel_id", p.ChannelID, t.ChannelID) {
		c.ref("channel_id", catalog.RefChannels, p.ChannelID.Value)
		nt.ChannelID = &p.ChannelID.Value
	}
	if p.CategoryID.Set && notNull("category_id", p.CategoryID) && refChange("category_id", p.CategoryID, t.CategoryID) {
		c.category("category_id", p.CategoryID.Value)
		nt.CategoryID = &p.CategoryID.Value
	}
	switch {
	case p.SubcategoryID.Set && p.SubcategoryID.Null:
		nt.SubcategoryID = nil
	case p.SubcategoryID.Set && !c.failed("category_id"):
		if refChange("subcategory_id", p.SubcategoryID, t.SubcategoryID) || !same(idOf(nt.CategoryID), idOf(t.CategoryID)) {
			c.subcategory("subcategory_id", p.SubcategoryID.Value, nt.CategoryID)
		}
		nt.SubcategoryID = &p.SubcategoryID.Value
	case !same(idOf(nt.CategoryID), idOf(t.CategoryID)):
		// The subcategory belonged to the old category: it no longer applies.
		nt.SubcategoryID = nil
	}
	if p.QueueID.Set {
		if p.QueueID.Null {
			nt.QueueID = nil
		} else if refChange("queue_id", p.QueueID, t.QueueID) {
			c.ref("queue_id", catalog.RefQueues, p.QueueID.Value)
			nt.QueueID = &p.QueueID.Value
		}
	}
	if p.AssigneeID.Set {
		if p.AssigneeID.Null {
			nt.AssigneeID = nil
		} else if refChange("assignee_id", p.AssigneeID, t.AssigneeID) {
			c.assignee("assignee_id", p.AssigneeID.Value)
			nt.AssigneeID = &p.AssigneeID.Value
		}
	}
	if p.RequesterID.Set && notNull("requester_id", p.RequesterID) && refChange("requester_id", p.RequesterID, t.RequesterID) {
		c.user("requester_id", p.RequesterID.Value)
		nt.RequesterID = &p.RequesterID.Value
	}
	if p.AffectedID.Set {
		if p.AffectedID.Null {
			nt.AffectedID = nil
		} else if refChange("affected_id", p.AffectedID, t.AffectedID) {
			c.user("affected_id", p.AffectedID.Value)
			nt.AffectedID = &p.AffectedID.Value
		}
	}
	if p.OrderNumber.Set {
		if p.OrderNumber.Null {
			nt.OrderNumber = nil
		} else {
			o := c.orderNumber("order_number", p.OrderNumber.Value)
			nt.OrderNumber = &o
		}
	}
	if p.Tags.Set && notNull("tags", p.Tags) {
		nt.Tags = c.tags("tags", p.Tags.Value)
	}
	if p.DueAt.Set {
		if p.DueAt.Null {
			nt.DueAt = nil
		} else {
			nt.DueAt = c.dueAt("due_at", p.DueAt.Value)
		}
	}
	if p.AllowedRoles.Set && notNull("allowed_roles", p.AllowedRoles) {
		nt.AllowedRoles = c.roles("allowed_roles", p.AllowedRoles.Value)
	}
}

// positive refuses an id below 1 (never an entry) with the validator's message.
func (c *checker) positive(field string, id int64) bool {
	if id < 1 {
		c.bad(field, "field.gte", map[string]any{"param": 1})
		return false
	}
	return true
}

// Update applies a patch in one transaction with one history row per changed field and a
// `ticket.updated` event. An edit based on an old version is refused with the current ticket; a patch
// that changes nothing writes nothing.
func (s *Service) Update(ctx context.Context, subj access.Subject, id int64, p TicketPatch) (*TicketDetail, error) {
	var out *TicketDetail
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.editable(ctx, tx, subj, id, p)
		if err != nil {
			return err
		}
		if t.Version != p.Version {
			return s.staleDetail(ctx, tx, subj, t)
		}
		nt, err := s.ApplyTx(ctx, tx, subj, t, p, ApplyOptions{Source: SourceUser})
		if err != nil {
			return err
		}
		// The editor may have just moved the ticket out of their own view (another queue, other roles):
		// they still get the ticket as saved; the live stream then sends them its removal.
		out, err = s.detail(ctx, tx, subj, nt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// emitUpdated appends `ticket.updated` for a change from before to after, with the previous card and,
// when who may see the ticket changed, the previous visibility (so that views drop it).
func (s *Service) emitUpdated(ctx context.Context, tx bun.IDB, subj access.Subject, before, after *Ticket) error {
	cards, err := s.cards(ctx, tx, []Ticket{*before, *after})
	if err != nil {
		return err
	}
	ev := live.Event{Name: live.TicketUpdated, TicketID: after.ID, Ticket: &cards[1], Previous: &cards[0],
		Actor: actorOf(subj), Vis: after.Vis()}
	if pv := before.Vis(); !pv.Equal(ev.Vis) {
		ev.PrevVis = &pv
	}
	return live.Append(ctx, tx, ev)
}
