// Package workflow owns workflows as data: versioned definitions of states and transitions (with the
// fields a transition asks for, who may take it and the actions it runs), which workflow a new ticket
// follows, the transitions of a ticket, and blueprint metrics. It implements tickets.Flow.
package workflow

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
)

// Definition is one version of a workflow: its states and transitions.
type Definition struct {
	States      []State      `json:"states"`
	Transitions []Transition `json:"transitions"`
}

// State is a status a ticket of the workflow may be in, with its place in the diagram.
type State struct {
	StatusID int64 `json:"status_id"`
	Start    bool  `json:"start"`
	Final    bool  `json:"final"`
	// LimitMinutes is how long a ticket should stay at most (nil: no limit); metrics list those over it.
	LimitMinutes *int    `json:"limit_minutes"`
	X            float64 `json:"x"`
	Y            float64 `json:"y"`
}

// Transition is a named way from some states to another.
type Transition struct {
	Key    string  `json:"key"`
	NameES string  `json:"name_es"`
	NameEN string  `json:"name_en"`
	From   []int64 `json:"from"`
	To     int64   `json:"to"`
	// Roles and Perms limit who may take it (both empty: anyone who may move tickets).
	Roles           []int64  `json:"roles"`
	Perms           []string `json:"perms"`
	Fields          []Field  `json:"fields"`
	CommentRequired bool     `json:"comment_required"`
	Confirm         bool     `json:"confirm"`
	Actions         []Action `json:"actions"`
}

// Field is an input a transition asks for.
type Field struct {
	Key      string `json:"key"`
	Required bool   `json:"required"`
}

// Action is something a transition does after the ticket moved.
type Action struct {
	Kind   string          `json:"kind"`             // set_field | notify | domain
	Action string          `json:"action,omitempty"` // domain: credit_note | backorder | credit_limit
	Field  string          `json:"field,omitempty"`  // set_field
	Value  json.RawMessage `json:"value,omitempty"`  // set_field
	To     string          `json:"to,omitempty"`     // notify: requester | assignee | queue_supervisors
}

// Action kinds.
const (
	KindSetField = "set_field"
	KindNotify   = "notify"
	KindDomain   = "domain"
)

// Domain actions.
const (
	DomainCreditNote  = "credit_note"
	DomainBackorder   = "backorder"
	DomainCreditLimit = "credit_limit"
)

// TicketFields are the field keys written on the ticket with the transition.
var TicketFields = []string{"priority_id", "queue_id", "assignee_id", "category_id", "subcategory_id", "due_at", "order_number"}

// InputFields are the field keys that only feed actions.
var InputFields = []string{"amount", "note_reason_id", "credit_limit", "credit_type", "reason"}

// SetFields are the ticket fields a set_field action may write.
var SetFields = []string{"priority_id", "queue_id", "assignee_id", "tags_add", "allowed_roles"}

// NotifyTargets are who a notify action may notify.
var NotifyTargets = []string{"requester", "assignee", "queue_supervisors"}

// domainNeeds lists the transition fields each domain action needs.
var domainNeeds = map[string][]string{
	DomainCreditNote:  {"amount", "note_reason_id"},
	DomainBackorder:   {},
	DomainCreditLimit: {"credit_limit", "credit_type"},
}

// MaxLimitMinutes is the longest state limit: a year.
const MaxLimitMinutes = 525600

const (
	maxStates      = 50
	maxTransitions = 200
	maxNameLen     = 80
)

var keyRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// KnownField reports whether key is a field a transition may ask for.
func KnownField(key string) bool {
	return slices.Contains(TicketFields, key) || slices.Contains(InputFields, key)
}

// Refs says which statuses and roles exist, for Validate.
type Refs struct {
	Statuses map[int64]bool
	Roles    map[int64]bool
}

// Normalize replaces nil lists by empty ones, so a stored definition always has every list.
func (d *Definition) Normalize() {
	if d.States == nil {
		d.States = []State{}
	}
	if d.Transitions == nil {
		d.Transitions = []Transition{}
	}
	for i := range d.Transitions {
		t := &d.Transitions[i]
		if t.From == nil {
			t.From = []int64{}
		}
		if t.Roles == nil {
			t.Roles = []int64{}
		}
		if t.Perms == nil {
			t.Perms = []string{}
		}
		if t.Fields == nil {
			t.Fields = []Field{}
		}
		if t.Actions == nil {
			t.Actions = []Action{}
		}
	}
}

// State returns the state of a status, or nil.
func (d *Definition) State(statusID int64) *State {
	for i := range d.States {
		if d.States[i].StatusID == statusID {
			return &d.States[i]
		}
	}
	return nil
}

// Start returns the start state's status.
func (d *Definition) Start() int64 {
	for _, s := range d.States {
		if s.Start {
			return s.StatusID
		}
	}
	return 0
}

// StatusIDs lists the statuses of the states, in order.
func (d *Definition) StatusIDs() []int64 {
	out := make([]int64, len(d.States))
	for i, s := range d.States {
		out[i] = s.StatusID
	}
	return out
}

// From lists the transitions that leave a status, in definition order.
func (d *Definition) From(statusID int64) []*Transition {
	var out []*Transition
	for i := range d.Transitions {
		if slices.Contains(d.Transitions[i].From, statusID) {
			out = append(out, &d.Transitions[i])
		}
	}
	return out
}

// NeedsInput reports whether taking t asks the user for something: fields, a comment or a confirmation.
func (t *Transition) NeedsInput() bool {
	return len(t.Fields) > 0 || t.CommentRequired || t.Confirm
}

// Name returns the transition's name in a locale ("es" or "en").
func (t *Transition) Name(locale string) string {
	if locale == "en" {
		return t.NameEN
	}
	return t.NameES
}

// PermList returns the transition's permissions (unknown keys, which Validate refuses, are skipped).
func (t *Transition) PermList() []access.Perm {
	var out []access.Perm
	for _, k := range t.Perms {
		if p, ok := access.ParsePerm(k); ok {
			out = append(out, p)
		}
	}
	return out
}

// Validate checks every rule of a definition and returns one invalid error naming each bad element by its
// path (states[1].status_id, transitions[0].to), or nil.
func Validate(d *Definition, refs Refs) error {
	e := errs.New(errs.Invalid, "workflow.invalid")
	bad := func(field, key string, args map[string]any) {
		if _, ok := e.Fields[field]; !ok {
			e.WithField(field, key, args)
		}
	}
	if len(d.States) == 0 {
		bad("states", "workflow.states_required", nil)
	}
	if len(d.States) > maxStates {
		bad("states", "workflow.too_many_states", map[string]any{"max": maxStates})
	}
	if len(d.Transitions) > maxTransitions {
		bad("transitions", "workflow.too_many_transitions", map[string]any{"max": maxTransitions})
	}
	starts, finals := 0, 0
	states := map[int64]int{} // status → index of its state
	for i, s := range d.States {
		p := fmt.Sprintf("states[%d]", i)
		switch {
		case !refs.Statuses[s.StatusID]:
			bad(p+".status_id", "workflow.status_unknown", nil)
		default:
			if _, dup := states[s.StatusID]; dup {
				bad(p+".status_id", "workflow.status_repeated", nil)
			} else {
				states[s.StatusID] = i
			}
		}
		if s.Start {
			starts++
		}
		if s.Final {
			finals++
		}
		if s.LimitMinutes != nil && (*s.LimitMinutes < 1 || *s.LimitMinutes > MaxLimitMinutes) {
			bad(p+".limit_minutes", "workflow.limit_range", map[string]any{"max": MaxLimitMinutes})
		}
	}
	if len(d.States) > 0 && starts != 1 {
		bad("states", "workflow.start_count", nil)
	}
	if len(d.States) > 0 && finals == 0 {
		bad("states", "workflow.final_required", nil)
	}
	keys := map[string]bool{}
	for i, t := range d.Transitions {
		p := fmt.Sprintf("transitions[%d]", i)
		switch {
		case !keyRe.MatchString(t.Key):
			bad(p+".key", "workflow.key_invalid", nil)
		case keys[t.Key]:
			bad(p+".key", "workflow.key_repeated", nil)
		}
		keys[t.Key] = true
		for _, n := range []struct{ field, v string }{{"name_es", t.NameES}, {"name_en", t.NameEN}} {
			if l := utf8.RuneCountInString(strings.TrimSpace(n.v)); l < 1 || l > maxNameLen {
				bad(p+"."+n.field, "workflow.name_length", map[string]any{"max": maxNameLen})
			}
		}
		if len(t.From) == 0 {
			bad(p+".from", "workflow.from_required", nil)
		}
		for j, f := range t.From {
			if _, ok := states[f]; !ok {
				bad(fmt.Sprintf("%s.from[%d]", p, j), "workflow.not_a_state_of", nil)
			}
		}
		if _, ok := states[t.To]; !ok {
			bad(p+".to", "workflow.not_a_state_of", nil)
		} else if slices.Contains(t.From, t.To) {
			bad(p+".to", "workflow.to_in_from", nil)
		}
		for j, r := range t.Roles {
			if !refs.Roles[r] {
				bad(fmt.Sprintf("%s.roles[%d]", p, j), "workflow.role_unknown", nil)
			}
		}
		for j, k := range t.Perms {
			if _, ok := access.ParsePerm(k); !ok {
				bad(fmt.Sprintf("%s.perms[%d]", p, j), "workflow.perm_unknown", nil)
			}
		}
		fields := map[string]bool{}
		for j, f := range t.Fields {
			fp := fmt.Sprintf("%s.fields[%d].key", p, j)
			switch {
			case !KnownField(f.Key):
				bad(fp, "workflow.field_unknown", nil)
			case fields[f.Key]:
				bad(fp, "workflow.field_repeated", nil)
			}
			fields[f.Key] = true
		}
		for j, a := range t.Actions {
			validateAction(fmt.Sprintf("%s.actions[%d]", p, j), a, fields, bad)
		}
	}
	// Every state must be reachable from the start, and every state that is not final must lead on.
	if start := d.Start(); start != 0 && starts == 1 {
		seen := map[int64]bool{start: true}
		queue := []int64{start}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			for _, t := range d.From(cur) {
				if !seen[t.To] {
					seen[t.To] = true
					queue = append(queue, t.To)
				}
			}
		}
		for i, s := range d.States {
			if !seen[s.StatusID] {
				bad(fmt.Sprintf("states[%d].status_id", i), "workflow.unreachable", nil)
			}
		}
	}
	for i, s := range d.States {
		if !s.Final && len(d.From(s.StatusID)) == 0 {
			bad(fmt.Sprintf("states[%d].status_id", i), "workflow.no_exit", nil)
		}
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

func validateAction(p string, a Action, fields map[string]bool, bad func(string, string, map[string]any)) {
	switch a.Kind {
	case KindSetField:
		if !slices.Contains(SetFields, a.Field) {
			bad(p+".field", "workflow.set_field_unknown", nil)
			return
		}
		if _, err := setFieldValue(a); err != nil {
			bad(p+".value", "workflow.action_value_invalid", nil)
		}
	case KindNotify:
		if !slices.Contains(NotifyTargets, a.To) {
			bad(p+".to", "workflow.notify_target_unknown", nil)
		}
	case KindDomain:
		needs, ok := domainNeeds[a.Action]
		if !ok {
			bad(p+".action", "workflow.domain_action_unknown", nil)
			return
		}
		for _, f := range needs {
			if !fields[f] {
				bad(p+".action", "workflow.action_needs_field", map[string]any{
					"field_es": i18n.T(i18n.ES, "workflow.field."+f, nil), "field_en": i18n.T(i18n.EN, "workflow.field."+f, nil)})
				return
			}
		}
	default:
		bad(p+".kind", "workflow.action_unknown", nil)
	}
}

// setValue is the decoded value of a set_field action.
type setValue struct {
	id   *int64   // priority_id, queue_id, assignee_id (nil clears queue or assignee)
	ids  []int64  // allowed_roles
	tags []string // tags_add
}

// setFieldValue decodes a set_field action's value for its field.
func setFieldValue(a Action) (setValue, error) {
	var v setValue
	if len(a.Value) == 0 {
		return v, fmt.Errorf("workflow: set_field: no value")
	}
	switch a.Field {
	case "priority_id":
		if err := json.Unmarshal(a.Value, &v.id); err != nil || v.id == nil || *v.id <= 0 {
			return v, fmt.Errorf("workflow: set_field: bad id")
		}
	case "queue_id", "assignee_id":
		if err := json.Unmarshal(a.Value, &v.id); err != nil || (v.id != nil && *v.id <= 0) {
			return v, fmt.Errorf("workflow: set_field: bad id")
		}
	case "allowed_roles":
		if err := json.Unmarshal(a.Value, &v.ids); err != nil || v.ids == nil {
			return v, fmt.Errorf("workflow: set_field: bad ids")
		}
	case "tags_add":
		if err := json.Unmarshal(a.Value, &v.tags); err != nil || len(v.tags) == 0 {
			return v, fmt.Errorf("workflow: set_field: bad tags")
		}
	}
	return v, nil
}
