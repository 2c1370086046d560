package automation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// The limits of rules and macros.
const (
	MaxConditions  = 20
	MaxActions     = 20
	MaxValueIDs    = 50
	MaxMatchText   = 200
	MaxNoteText    = 5000
	MaxNotifyText  = 200
	MaxMinutes     = 525600 // a year
	MaxReply       = tickets.MaxCommentBody
	MaxDescription = 500
)

// Kinds of condition field.
const (
	kindText    = "text"    // contains / not_contains, case and accent insensitive
	kindRef     = "ref"     // a catalog entry: eq / neq / in / not_in / is_empty
	kindUser    = "user"    // a user: eq / neq / in / not_in / is_empty
	kindTag     = "tag"     // contains
	kindMinutes = "minutes" // gt / lt
	kindChanged = "changed" // eq a field name
)

type fieldSpec struct {
	kind string
	ref  catalog.RefKind
}

// conditionFields are the fields a condition may test.
var conditionFields = map[string]fieldSpec{
	"subject":          {kind: kindText},
	"description":      {kind: kindText},
	"channel_id":       {kindRef, catalog.RefChannels},
	"category_id":      {kindRef, catalog.RefCategories},
	"subcategory_id":   {kindRef, catalog.RefCategories},
	"priority_id":      {kindRef, catalog.RefPriorities},
	"queue_id":         {kindRef, catalog.RefQueues},
	"status_id":        {kindRef, catalog.RefStatuses},
	"assignee_id":      {kind: kindUser},
	"tags":             {kind: kindTag},
	"minutes_in_state": {kind: kindMinutes},
	"changed":          {kind: kindChanged},
}

// opsOf lists the operators of each kind of field, in the order messages name them.
var opsOf = map[string][]string{
	kindText:    {"contains", "not_contains"},
	kindRef:     {"eq", "neq", "in", "not_in", "is_empty"},
	kindUser:    {"eq", "neq", "in", "not_in", "is_empty"},
	kindTag:     {"contains"},
	kindMinutes: {"gt", "lt"},
	kindChanged: {"eq"},
}

// changeableFields are the ticket fields a `changed` condition may watch.
var changeableFields = []string{"subject", "description", "status_id", "priority_id", "channel_id", "category_id",
	"subcategory_id", "queue_id", "assignee_id", "requester_id", "affected_id", "order_number", "tags", "due_at",
	"allowed_roles"}

// The action kinds.
const (
	actSetPriority     = "set_priority"
	actSetQueue        = "set_queue"
	actSetAssignee     = "set_assignee"
	actSetStatus       = "set_status"
	actAddTag          = "add_tag"
	actRemoveTag       = "remove_tag"
	actSetAllowedRoles = "set_allowed_roles"
	actAddNote         = "add_note"
	actNotify          = "notify"
)

// actionKinds lists every action kind.
var actionKinds = []string{actSetPriority, actSetQueue, actSetAssignee, actSetStatus, actAddTag, actRemoveTag,
	actSetAllowedRoles, actAddNote, actNotify}

// checker collects field messages while a rule or macro is checked against the database.
type checker struct {
	ctx context.Context
	db  bun.IDB
	s   *Service
	e   *errs.Error
	sys error // a database failure: reported instead of field messages
}

func (s *Service) newChecker(ctx context.Context, db bun.IDB) *checker {
	return &checker{ctx: ctx, db: db, s: s}
}

func (c *checker) bad(field, key string, args map[string]any) {
	if c.e == nil {
		c.e = errs.New(errs.Invalid, "error.invalid")
	}
	if _, dup := c.e.Fields[field]; !dup {
		c.e.WithField(field, key, args)
	}
}

func (c *checker) result() error {
	if c.sys != nil {
		return c.sys
	}
	if c.e != nil {
		return c.e
	}
	return nil
}

// name trims a name and checks its length.
func (c *checker) name(field, s string, max int) string {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		c.bad(field, "field.required", nil)
	case n > max:
		c.bad(field, "field.max", map[string]any{"param": max})
	}
	return s
}

// decode reads a JSON value strictly; false when it does not have the wanted shape.
func decode(raw json.RawMessage, dst any) bool {
	if len(raw) == 0 {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(dst) == nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// ref checks that id names an entry of a catalog, active when active is asked.
func (c *checker) ref(field string, kind catalog.RefKind, id int64, active bool) {
	if c.sys != nil {
		return
	}
	if id < 1 {
		c.bad(field, "automation.value_id", nil)
		return
	}
	r, err := c.s.Catalog.LookupRef(c.ctx, c.db, kind, id)
	if err != nil {
		c.sys = err
		return
	}
	switch {
	case r == nil:
		c.bad(field, "automation.value_id", nil)
	case active && !r.Active:
		c.bad(field, "field.inactive", nil)
	}
}

// canned checks that id names an active canned response.
func (c *checker) canned(field string, id int64) {
	if c.sys != nil {
		return
	}
	cr, err := c.s.Catalog.CannedBody(c.ctx, id)
	switch {
	case err != nil:
		c.sys = err
	case cr == nil || !cr.Active:
		c.bad(field, "automation.canned_not_found", nil)
	}
}

// user checks that id names a user; staff says they must also be someone tickets may be given to.
func (c *checker) user(field string, id int64, staff bool) {
	if c.sys != nil {
		return
	}
	if id < 1 {
		c.bad(field, "automation.value_id", nil)
		return
	}
	u, err := c.s.People.ByIDIn(c.ctx, c.db, id)
	if err != nil {
		c.sys = err
		return
	}
	if u == nil {
		c.bad(field, "automation.value_id", nil)
		return
	}
	if !staff {
		return
	}
	subj, err := people.SubjectIn(c.ctx, c.db, u)
	if err != nil {
		c.sys = err
		return
	}
	if !access.CanBeAssigned(subj) || u.DisabledAt != nil || u.PasswordHash == "" {
		c.bad(field, "ticket.assignee_not_staff", nil)
	}
}

// conditions checks a rule's conditions.
func (c *checker) conditions(cs []Condition) {
	if len(cs) > MaxConditions {
		c.bad("conditions", "field.max_items", map[string]any{"max": MaxConditions})
		return
	}
	for i, cd := range cs {
		at := fmt.Sprintf("conditions[%d]", i)
		spec, ok := conditionFields[cd.Field]
		if !ok {
			c.bad(at+".field", "automation.field_unknown", nil)
			continue
		}
		ops := opsOf[spec.kind]
		if !slices.Contains(ops, cd.Op) {
			c.bad(at+".op", "automation.op_invalid", map[string]any{"ops": strings.Join(ops, ", ")})
			continue
		}
		c.conditionValue(at+".value", spec, cd)
	}
}

func (c *checker) conditionValue(field string, spec fieldSpec, cd Condition) {
	if cd.Op == "is_empty" {
		if !isNull(cd.Value) {
			c.bad(field, "automation.value_absent", nil)
		}
		return
	}
	switch spec.kind {
	case kindText:
		var s string
		if !decode(cd.Value, &s) || strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > MaxMatchText {
			c.bad(field, "automation.value_text", map[string]any{"max": MaxMatchText})
		}
	case kindTag:
		var s string
		if !decode(cd.Value, &s) {
			c.bad(field, "automation.value_tag", nil)
		} else if t, ok := tickets.NormalTag(s); !ok {
			c.bad(field, "ticket.tag_invalid", map[string]any{"tag": t})
		}
	case kindMinutes:
		var n int64
		if !decode(cd.Value, &n) || n < 0 || n > MaxMinutes {
			c.bad(field, "automation.value_minutes", map[string]any{"max": MaxMinutes})
		}
	case kindChanged:
		var s string
		if !decode(cd.Value, &s) || !slices.Contains(changeableFields, s) {
			c.bad(field, "automation.value_changed", nil)
		}
	case kindRef, kindUser:
		check := func(f string, id int64) {
			if spec.kind == kindUser {
				c.user(f, id, false)
			} else {
				c.ref(f, spec.ref, id, false)
			}
		}
		if cd.Op == "in" || cd.Op == "not_in" {
			var ids []int64
			if !decode(cd.Value, &ids) || len(ids) == 0 || len(ids) > MaxValueIDs {
				c.bad(field, "automation.value_ids", map[string]any{"max": MaxValueIDs})
				return
			}
			for j, id := range ids {
				check(fmt.Sprintf("%s[%d]", field, j), id)
			}
			return
		}
		var id int64
		if !decode(cd.Value, &id) {
			c.bad(field, "automation.value_id", nil)
			return
		}
		check(field, id)
	}
}

// recipientRE is the `to` of a notify action.
var recipientRE = regexp.MustCompile(`^(requester|assignee|queue_supervisors|user:[1-9][0-9]{0,17})$`)

// ValidRecipient reports whether to names who a notification goes to: requester, assignee,
// queue_supervisors or user:<id>.
func ValidRecipient(to string) bool { return recipientRE.MatchString(to) }

// actions checks the actions of a rule or macro.
func (c *checker) actions(as []Action, required bool) {
	if len(as) == 0 && required {
		c.bad("actions", "automation.actions_required", nil)
		return
	}
	if len(as) > MaxActions {
		c.bad("actions", "field.max_items", map[string]any{"max": MaxActions})
		return
	}
	seen := map[string]bool{}
	for i, a := range as {
		at := fmt.Sprintf("actions[%d]", i)
		field := at + ".value"
		if !slices.Contains(actionKinds, a.Kind) {
			c.bad(at+".kind", "automation.kind_unknown", nil)
			continue
		}
		if strings.HasPrefix(a.Kind, "set_") {
			if seen[a.Kind] {
				c.bad(at+".kind", "automation.action_repeated", nil)
				continue
			}
			seen[a.Kind] = true
		}
		switch a.Kind {
		case actSetPriority, actSetStatus:
			var id int64
			if !decode(a.Value, &id) {
				c.bad(field, "automation.value_id", nil)
				continue
			}
			kind := catalog.RefPriorities
			if a.Kind == actSetStatus {
				kind = catalog.RefStatuses
			}
			c.ref(field, kind, id, true)
		case actSetQueue, actSetAssignee:
			if isNull(a.Value) {
				continue // clears the queue or the assignee
			}
			var id int64
			if !decode(a.Value, &id) {
				c.bad(field, "automation.value_id", nil)
				continue
			}
			if a.Kind == actSetQueue {
				c.ref(field, catalog.RefQueues, id, true)
			} else {
				c.user(field, id, true)
			}
		case actAddTag, actRemoveTag:
			var s string
			if !decode(a.Value, &s) {
				c.bad(field, "automation.value_tag", nil)
			} else if t, ok := tickets.NormalTag(s); !ok {
				c.bad(field, "ticket.tag_invalid", map[string]any{"tag": t})
			}
		case actSetAllowedRoles:
			var ids []int64
			if !decode(a.Value, &ids) || len(ids) > tickets.MaxAllowedRoles {
				c.bad(field, "automation.value_roles", map[string]any{"max": tickets.MaxAllowedRoles})
				continue
			}
			if c.sys != nil {
				continue
			}
			missing, err := people.MissingRoles(c.ctx, c.db, ids)
			if err != nil {
				c.sys = err
			} else if len(missing) > 0 {
				c.bad(field, "ticket.role_not_found", nil)
			}
		case actAddNote:
			var s string
			if !decode(a.Value, &s) || strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > MaxNoteText {
				c.bad(field, "automation.note_text", map[string]any{"max": MaxNoteText})
			}
		case actNotify:
			var n NotifyValue
			if !decode(a.Value, &n) {
				c.bad(field, "automation.notify_value", nil)
				continue
			}
			if !ValidRecipient(n.To) {
				c.bad(field+".to", "automation.notify_to", nil)
			} else if id, ok := strings.CutPrefix(n.To, "user:"); ok {
				uid, _ := strconv.ParseInt(id, 10, 64)
				c.user(field+".to", uid, false)
			}
			for f, s := range map[string]string{".text_es": n.TextES, ".text_en": n.TextEN} {
				if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > MaxNotifyText {
					c.bad(field+f, "automation.notify_text", map[string]any{"max": MaxNotifyText})
				}
			}
		}
	}
}

// clean returns actions with their values re-encoded compactly (what is stored), tags lower-cased.
func cleanActions(as []Action) []Action {
	out := make([]Action, len(as))
	for i, a := range as {
		out[i] = Action{Kind: a.Kind, Value: compact(a.Value)}
		if a.Kind == actAddTag || a.Kind == actRemoveTag {
			var s string
			_ = json.Unmarshal(a.Value, &s)
			t, _ := tickets.NormalTag(s)
			out[i].Value, _ = json.Marshal(t)
		}
	}
	return out
}

func cleanConditions(cs []Condition) []Condition {
	out := make([]Condition, len(cs))
	for i, cd := range cs {
		out[i] = Condition{Field: cd.Field, Op: cd.Op}
		if !isNull(cd.Value) {
			out[i].Value = compact(cd.Value)
		}
	}
	return out
}

func compact(raw json.RawMessage) json.RawMessage {
	if isNull(raw) {
		return json.RawMessage("null")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}
