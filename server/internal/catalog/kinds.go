package catalog

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// Kind names a catalog as it appears in the API path (/catalog/{kind}) and in catalog_changes.
type Kind string

// The catalogs.
const (
	Categories      Kind = "categories"
	KBCategories    Kind = "kb-categories"
	Statuses        Kind = "statuses"
	Priorities      Kind = "priorities"
	Channels        Kind = "channels"
	Queues          Kind = "queues"
	NoteReasons     Kind = "note-reasons"
	CannedResponses Kind = "canned-responses"
)

// Kinds lists every catalog.
var Kinds = []Kind{Categories, KBCategories, Statuses, Priorities, Channels, Queues, NoteReasons, CannedResponses}

// Entry is any catalog entry: the common fields and the kind's own.
type Entry interface {
	common() *Common
	// clean trims the entry's text and adds a field message to bad for each field that breaks a rule.
	clean(bad *errs.Error)
}

// Category is a ticket category (ParentID nil) or a subcategory of one: the typification of a case.
type Category struct {
	bun.BaseModel `bun:"table:categories"`
	Common

	ParentID      *int64 `bun:"parent_id" json:"parent_id"`
	DescriptionES string `bun:"description_es" json:"description_es"`
	DescriptionEN string `bun:"description_en" json:"description_en"`
	// RoleIDs are roles that see the tickets of this typification (with the queue's, a ticket's allowed roles).
	RoleIDs []int64 `bun:"role_ids,array" json:"role_ids"`
	// WorkflowID is the workflow its new tickets follow (nil: the parent's, else the generic one). The
	// workflow package maps it; a catalog edit writes back the value it read under its row lock.
	WorkflowID *int64 `bun:"workflow_id" json:"workflow_id"`
}

// KBCategory is a section of the knowledge base.
type KBCategory struct {
	bun.BaseModel `bun:"table:kb_categories"`
	Common
}

// Channel is where a ticket came from.
type Channel struct {
	bun.BaseModel `bun:"table:channels"`
	Common
}

// Queue is a support level a ticket is escalated through.
type Queue struct {
	bun.BaseModel `bun:"table:queues"`
	Common

	Level int `bun:"level" json:"level"`
	// RoleIDs are roles that see the queue's tickets (a ticket's allowed roles start from them).
	RoleIDs []int64 `bun:"role_ids,array" json:"role_ids"`
	// SupervisorIDs are the users who supervise the queue: they see all its tickets.
	SupervisorIDs []int64 `bun:"supervisor_ids,array" json:"supervisor_ids"`
	// MemberIDs are the users who take the queue's tickets (users who may be assigned).
	MemberIDs []int64 `bun:"member_ids,array" json:"member_ids"`
	// Assignment is how the queue's new tickets are handed out: one of Assignments.
	Assignment string `bun:"assignment" json:"assignment"`
	// MaxPerAgent caps the open tickets automatic assignment gives a member (nil: no cap).
	MaxPerAgent *int `bun:"max_per_agent" json:"max_per_agent"`
}

// The assignment modes of a queue.
const (
	AssignManual      = "manual"       // members accept tickets themselves
	AssignRoundRobin  = "round_robin"  // the next online member after the last one given a ticket
	AssignLeastLoaded = "least_loaded" // the online member with the fewest open tickets
)

// Assignments lists the assignment modes.
var Assignments = []string{AssignManual, AssignRoundRobin, AssignLeastLoaded}

// MaxPerAgentLimit is the highest cap of open tickets per member a queue may set.
const MaxPerAgentLimit = 1000

// NoteKind says whether a note reason credits or debits the customer.
type NoteKind string

// The note kinds.
const (
	Credit NoteKind = "credit"
	Debit  NoteKind = "debit"
)

// NoteReason is a reason for a credit or debit note.
type NoteReason struct {
	bun.BaseModel `bun:"table:note_reasons"`
	Common

	Kind NoteKind `bun:"kind" json:"kind"`
}

// CannedResponse is a reply template in both languages, with placeholders (see Placeholders).
type CannedResponse struct {
	bun.BaseModel `bun:"table:canned_responses"`
	Common

	BodyES string `bun:"body_es" json:"body_es"`
	BodyEN string `bun:"body_en" json:"body_en"`
}

// Catalogs is every catalog at once, as the app loads them.
type Catalogs struct {
	Statuses        []Status         `json:"statuses"`
	Priorities      []Priority       `json:"priorities"`
	Categories      []Category       `json:"categories"`
	KBCategories    []KBCategory     `json:"kb_categories"`
	Channels        []Channel        `json:"channels"`
	Queues          []Queue          `json:"queues"`
	NoteReasons     []NoteReason     `json:"note_reasons"`
	CannedResponses []CannedResponse `json:"canned_responses"`
	PriorityScheme  Scheme           `json:"priority_scheme"`
}

// Limits of the text fields.
const (
	maxName        = 80
	maxDescription = 500
	maxBody        = 10000
	maxKey         = 40
)

var (
	keyRE   = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)
	colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
)

func (c *Common) clean(bad *errs.Error) {
	c.NameES, c.NameEN = strings.TrimSpace(c.NameES), strings.TrimSpace(c.NameEN)
	checkText(bad, "name_es", c.NameES, 1, maxName)
	checkText(bad, "name_en", c.NameEN, 1, maxName)
}

// checkText adds a message when s has fewer than min or more than max characters, and reports whether
// the length is right.
func checkText(bad *errs.Error, field, s string, min, max int) bool {
	n := utf8.RuneCountInString(s)
	switch {
	case n < min:
		bad.WithField(field, "field.required", nil)
	case n > max:
		bad.WithField(field, "field.max", map[string]any{"param": max})
	default:
		return true
	}
	return false
}

func checkColor(bad *errs.Error, c string) {
	if !colorRE.MatchString(c) {
		bad.WithField("color", "catalog.color", nil)
	}
}

func (s *Status) clean(bad *errs.Error) {
	s.Common.clean(bad)
	checkColor(bad, s.Color)
	if s.Group != ToDo && s.Group != Doing && s.Group != Done {
		bad.WithField("group", "field.oneof", map[string]any{"param": "todo doing done"})
	}
	if s.WIPLimit != nil && *s.WIPLimit < 1 {
		bad.WithField("wip_limit", "field.gte", map[string]any{"param": 1})
	}
}

func (p *Priority) clean(bad *errs.Error) {
	p.Common.clean(bad)
	checkColor(bad, p.Color)
}

func (c *Category) clean(bad *errs.Error) {
	c.Common.clean(bad)
	c.RoleIDs = cleanIDs(bad, "role_ids", c.RoleIDs)
	c.DescriptionES, c.DescriptionEN = strings.TrimSpace(c.DescriptionES), strings.TrimSpace(c.DescriptionEN)
	checkText(bad, "description_es", c.DescriptionES, 0, maxDescription)
	checkText(bad, "description_en", c.DescriptionEN, 0, maxDescription)
	if c.ParentID != nil && *c.ParentID < 1 {
		bad.WithField("parent_id", "catalog.parent_invalid", nil)
	}
}

func (q *Queue) clean(bad *errs.Error) {
	q.Common.clean(bad)
	q.RoleIDs = cleanIDs(bad, "role_ids", q.RoleIDs)
	q.SupervisorIDs = cleanIDs(bad, "supervisor_ids", q.SupervisorIDs)
	q.MemberIDs = cleanIDs(bad, "member_ids", q.MemberIDs)
	if q.Assignment == "" {
		q.Assignment = AssignManual
	}
	if !slices.Contains(Assignments, q.Assignment) {
		bad.WithField("assignment", "catalog.assignment_invalid", nil)
	}
	if q.MaxPerAgent != nil && (*q.MaxPerAgent < 1 || *q.MaxPerAgent > MaxPerAgentLimit) {
		bad.WithField("max_per_agent", "catalog.max_per_agent_range", map[string]any{"max": MaxPerAgentLimit})
	}
	if q.Level < 1 {
		bad.WithField("level", "field.gte", map[string]any{"param": 1})
	} else if q.Level > 9 {
		bad.WithField("level", "field.lte", map[string]any{"param": 9})
	}
}

func (n *NoteReason) clean(bad *errs.Error) {
	n.Common.clean(bad)
	if n.Kind != Credit && n.Kind != Debit {
		bad.WithField("kind", "field.oneof", map[string]any{"param": "credit debit"})
	}
}

func (c *CannedResponse) clean(bad *errs.Error) {
	c.Common.clean(bad)
	c.BodyES, c.BodyEN = strings.TrimSpace(c.BodyES), strings.TrimSpace(c.BodyEN)
	for field, body := range map[string]string{"body_es": c.BodyES, "body_en": c.BodyEN} {
		if !checkText(bad, field, body, 1, maxBody) {
			continue
		}
		if unknown := unknownPlaceholders(body); len(unknown) > 0 {
			bad.WithField(field, "catalog.unknown_placeholder",
				map[string]any{"name": unknown[0], "list": strings.Join(placeholderList(), ", ")})
		}
	}
}

func (k *KBCategory) clean(bad *errs.Error) { k.Common.clean(bad) }

func (c *Channel) clean(bad *errs.Error) { c.Common.clean(bad) }

// maxIDs bounds a list of roles or supervisors on one entry.
const maxIDs = 50

// cleanIDs sorts and deduplicates ids (never nil: the columns are NOT NULL), refusing ids below 1.
func cleanIDs(bad *errs.Error, field string, ids []int64) []int64 {
	out := access.SortIDs(ids)
	if len(out) > 0 && out[0] < 1 {
		bad.WithField(field, "field.gte", map[string]any{"param": 1})
	}
	if len(out) > maxIDs {
		bad.WithField(field, "field.max_items", map[string]any{"max": maxIDs})
	}
	if out == nil {
		out = []int64{}
	}
	return out
}
