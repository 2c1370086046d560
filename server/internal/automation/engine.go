package automation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/tickets"
)

// MaxDepth bounds a chain of changes made by rules: the rules that a rule's change sets off, and so on.
const MaxDepth = 5

// compiled is an active rule ready to be evaluated without a query.
type compiled struct {
	id                 int64
	name               string
	onCreate, onUpdate bool
	any                bool
	conds              []cond
	actions            []Action
}

type cond struct {
	field, op string
	text      string // folded, for text and tag fields; the watched field for changed
	id        int64
	ids       []int64
	n         int64
}

// compile turns a stored rule into its evaluable form. The rule was checked when it was written.
func compile(r *Rule) *compiled {
	c := &compiled{id: r.ID, name: r.Name, onCreate: r.OnCreate, onUpdate: r.OnUpdate, any: r.Match == "any",
		actions: r.Actions}
	for _, cd := range r.Conditions {
		k := cond{field: cd.Field, op: cd.Op}
		switch conditionFields[cd.Field].kind {
		case kindText, kindTag:
			var s string
			_ = json.Unmarshal(cd.Value, &s)
			k.text = fold(s)
		case kindChanged:
			_ = json.Unmarshal(cd.Value, &k.text)
		case kindMinutes:
			_ = json.Unmarshal(cd.Value, &k.n)
		default:
			if cd.Op == "in" || cd.Op == "not_in" {
				_ = json.Unmarshal(cd.Value, &k.ids)
			} else if cd.Op != "is_empty" {
				_ = json.Unmarshal(cd.Value, &k.id)
			}
		}
		c.conds = append(c.conds, k)
	}
	return c
}

// fold lower-cases s and drops its accents, so that "Urgente" matches "URGENTE" and "urgénte".
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// activeRules returns the active rules in order, as of the rule set's stamp read in db (the change's
// transaction): the cached list while the stamp has not moved.
func (s *Service) activeRules(ctx context.Context, db bun.IDB) ([]*compiled, error) {
	var stamp int64
	if err := db.NewRaw("SELECT stamp FROM automation_state WHERE id = 1").Scan(ctx, &stamp); err != nil {
		return nil, fmt.Errorf("automation: rules stamp: %w", err)
	}
	s.mu.RLock()
	rules, cached := s.rules, s.stamp == stamp
	s.mu.RUnlock()
	if cached {
		return rules, nil
	}
	var rows []Rule
	if err := db.NewSelect().Model(&rows).Where("active").OrderExpr("position, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("automation: load rules: %w", err)
	}
	rules = make([]*compiled, len(rows))
	for i := range rows {
		rules[i] = compile(&rows[i])
	}
	s.mu.Lock()
	s.stamp, s.rules = stamp, rules
	s.mu.Unlock()
	return rules, nil
}

// chain is one chain of changes set off by one change: how deep rules have gone, and which rule fired
// on which ticket (a rule fires at most once per ticket per chain, so two rules cannot ping-pong).
type chain struct {
	depth int
	fired map[[2]int64]bool
}

type chainKey struct{}

// Hook is the rule engine as a ticket hook: after each creation or change it runs the matching active
// rules in order, each applying its actions as its own change (which runs the hooks again, one level
// deeper). It is registered in tickets.Service.Hooks.
func (s *Service) Hook(ctx context.Context, tx bun.Tx, c tickets.Change) error {
	ch, _ := ctx.Value(chainKey{}).(*chain)
	if ch == nil {
		ch = &chain{fired: map[[2]int64]bool{}}
	}
	if ch.depth >= MaxDepth || c.After == nil {
		return nil
	}
	rules, err := s.activeRules(ctx, tx)
	if err != nil || len(rules) == 0 {
		return err
	}
	created := c.Before == nil
	if err := s.scheduleTimed(ctx, tx, rules, c, created); err != nil {
		return err
	}
	v := &view{before: c.Before, t: c.After, now: time.Now()}
	deeper := context.WithValue(ctx, chainKey{}, &chain{depth: ch.depth + 1, fired: ch.fired})
	for _, r := range rules {
		if (created && !r.onCreate) || (!created && !r.onUpdate) {
			continue
		}
		key := [2]int64{r.id, c.After.ID}
		if ch.fired[key] || !v.matches(r) {
			continue
		}
		ch.fired[key] = true
		next, err := s.fire(deeper, tx, c.Subject, r, c.After.ID)
		if err != nil {
			return err
		}
		// The rules after this one see the ticket as this one left it.
		v = &view{before: c.Before, t: next, now: v.now}
	}
	return nil
}

// view is a ticket as conditions read it, with its text folded once.
type view struct {
	before, t *tickets.Ticket
	now       time.Time
	folded    map[string]string
}

func (v *view) matches(r *compiled) bool {
	if len(r.conds) == 0 {
		return true
	}
	for _, c := range r.conds {
		ok := v.test(c)
		if r.any && ok {
			return true
		}
		if !r.any && !ok {
			return false
		}
	}
	return !r.any
}

func (v *view) text(field string) string {
	if s, ok := v.folded[field]; ok {
		return s
	}
	if v.folded == nil {
		v.folded = map[string]string{}
	}
	raw := v.t.Subject
	if field == "description" {
		raw = v.t.Description
	}
	s := fold(raw)
	v.folded[field] = s
	return s
}

// ref returns a reference field of t (0 when empty).
func ref(t *tickets.Ticket, field string) int64 {
	var p *int64
	switch field {
	case "status_id":
		return t.StatusID
	case "priority_id":
		return t.PriorityID
	case "channel_id":
		p = t.ChannelID
	case "category_id":
		p = t.CategoryID
	case "subcategory_id":
		p = t.SubcategoryID
	case "queue_id":
		p = t.QueueID
	case "assignee_id":
		p = t.AssigneeID
	case "requester_id":
		p = t.RequesterID
	case "affected_id":
		p = t.AffectedID
	}
	if p == nil {
		return 0
	}
	return *p
}

// fieldText is a changeable field of t as comparable text ("" when empty).
func fieldText(t *tickets.Ticket, field string) string {
	switch field {
	case "subject":
		return t.Subject
	case "description":
		return t.Description
	case "order_number":
		if t.OrderNumber == nil {
			return ""
		}
		return *t.OrderNumber
	case "tags":
		return strings.Join(t.Tags, "\x00")
	case "due_at":
		if t.DueAt == nil {
			return ""
		}
		return t.DueAt.UTC().Format(time.RFC3339Nano)
	case "allowed_roles":
		return fmt.Sprint(t.AllowedRoles)
	}
	if id := ref(t, field); id != 0 {
		return strconv.FormatInt(id, 10)
	}
	return ""
}

func (v *view) test(c cond) bool {
	switch c.field {
	case "subject", "description":
		has := strings.Contains(v.text(c.field), c.text)
		return has == (c.op == "contains")
	case "tags":
		return slices.Contains(v.t.Tags, c.text)
	case "minutes_in_state":
		m := int64(v.now.Sub(v.t.StateEnteredAt) / time.Minute)
		if c.op == "gt" {
			return m > c.n
		}
		return m < c.n
	case "changed":
		// On creation every field that was given a value counts as changed.
		if v.before == nil {
			return fieldText(v.t, c.text) != ""
		}
		return fieldText(v.before, c.text) != fieldText(v.t, c.text)
	}
	id := ref(v.t, c.field)
	switch c.op {
	case "eq":
		return id == c.id
	case "neq":
		return id != c.id
	case "in":
		return id != 0 && slices.Contains(c.ids, id)
	case "not_in":
		return !slices.Contains(c.ids, id)
	case "is_empty":
		return id == 0
	}
	return false
}

// firing is the history of one rule firing (field `rule`).
type firing struct {
	ID      int64             `json:"id"`
	Name    string            `json:"name"`
	Action  string            `json:"action,omitempty"`
	Refused map[string]string `json:"refused,omitempty"` // why the action was refused, {es, en}
}

// fire records that rule r fired on ticket id and applies its actions as subj, through the same path as
// any change (ApplyTx, with the system's leave on fields: the rule's author decided). Field actions are
// one change and the status another, each in a savepoint: one the ticket's checks or its workflow
// refuse is rolled back alone and its refusal recorded, and the change that set the rule off stands.
// It returns the ticket as it stands afterwards.
func (s *Service) fire(ctx context.Context, tx bun.Tx, subj access.Subject, r *compiled, id int64) (*tickets.Ticket, error) {
	t, err := s.Tickets.Load(ctx, tx, id, false) // locked by the change that set the rule off
	if err != nil {
		return nil, err
	}
	if err := s.Tickets.RecordTx(ctx, tx, subj, id, "rule", nil, firing{ID: r.id, Name: r.name}); err != nil {
		return nil, err
	}
	fields, status, rest := patchOf(r.actions, t)
	opts := tickets.ApplyOptions{System: true, Source: tickets.SourceRule}
	for _, step := range []struct {
		kind string
		p    *tickets.TicketPatch
	}{{"fields", fields}, {actSetStatus, status}} {
		if step.p == nil {
			continue
		}
		step.p.Version = t.Version
		var next *tickets.Ticket
		err := savepoint(ctx, tx, func(sp bun.Tx) error {
			var err error
			next, err = s.Tickets.ApplyTx(ctx, sp, subj, t, *step.p, opts)
			return err
		})
		if e, refused := errs.As(err); refused {
			why := map[string]string{"es": message(e, i18n.ES), "en": message(e, i18n.EN)}
			if err := s.Tickets.RecordTx(ctx, tx, subj, id, "rule", nil,
				firing{ID: r.id, Name: r.name, Action: step.kind, Refused: why}); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		t = next
	}
	for _, a := range rest {
		switch a.Kind {
		case actAddNote:
			var body string
			_ = json.Unmarshal(a.Value, &body)
			// The note is the rule's, not the person's whose change set it off.
			if err := s.Tickets.NoteTx(ctx, tx, access.Subject{}, t, body); err != nil {
				return nil, err
			}
		case actNotify:
			var n NotifyValue
			_ = json.Unmarshal(a.Value, &n)
			if err := s.notify(ctx, tx, t, n.To, map[string]string{"es": n.TextES, "en": n.TextEN}, KindRule); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// message is an error's message in a locale, with its field messages after it.
func message(e *errs.Error, l i18n.Locale) string {
	out := i18n.T(l, e.Msg.Key, e.Msg.Args)
	if len(e.Fields) == 0 {
		return out
	}
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		m := e.Fields[f]
		out += " " + f + ": " + i18n.T(l, m.Key, m.Args)
	}
	return out
}

// savepoint runs fn in a savepoint of tx: what fn wrote is rolled back alone when it fails.
func savepoint(ctx context.Context, tx bun.Tx, fn func(sp bun.Tx) error) error {
	sp, err := tx.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("automation: savepoint: %w", err)
	}
	if err := fn(sp); err != nil {
		if rerr := sp.Rollback(); rerr != nil {
			return fmt.Errorf("automation: rollback to savepoint: %w", rerr)
		}
		return err
	}
	if err := sp.Commit(); err != nil {
		return fmt.Errorf("automation: release savepoint: %w", err)
	}
	return nil
}

// patchOf turns actions into a patch of t's fields (nil when none), a patch of its status (nil when
// none) and the actions that are not ticket fields (notes, notifications), in order.
func patchOf(as []Action, t *tickets.Ticket) (fields, status *tickets.TicketPatch, rest []Action) {
	var p tickets.TicketPatch
	set := false
	tags := slices.Clone(t.Tags)
	tagsChanged := false
	optID := func(raw json.RawMessage) tickets.Optional[int64] {
		if isNull(raw) {
			return tickets.Optional[int64]{Set: true, Null: true}
		}
		var id int64
		_ = json.Unmarshal(raw, &id)
		return tickets.Optional[int64]{Set: true, Value: id}
	}
	for _, a := range as {
		switch a.Kind {
		case actSetPriority:
			p.PriorityID, set = optID(a.Value), true
		case actSetQueue:
			p.QueueID, set = optID(a.Value), true
		case actSetAssignee:
			p.AssigneeID, set = optID(a.Value), true
		case actSetAllowedRoles:
			var ids []int64
			_ = json.Unmarshal(a.Value, &ids)
			if ids == nil {
				ids = []int64{}
			}
			p.AllowedRoles, set = tickets.Optional[[]int64]{Set: true, Value: ids}, true
		case actAddTag, actRemoveTag:
			var tag string
			_ = json.Unmarshal(a.Value, &tag)
			has := slices.Contains(tags, tag)
			if a.Kind == actAddTag && !has {
				tags = append(tags, tag)
				tagsChanged = true
			} else if a.Kind == actRemoveTag && has {
				tags = slices.DeleteFunc(tags, func(x string) bool { return x == tag })
				tagsChanged = true
			}
		case actSetStatus:
			status = &tickets.TicketPatch{StatusID: optID(a.Value)}
		default:
			rest = append(rest, a)
		}
	}
	if tagsChanged {
		if tags == nil {
			tags = []string{}
		}
		p.Tags, set = tickets.Optional[[]string]{Set: true, Value: tags}, true
	}
	if set {
		fields = &p
	}
	return fields, status, rest
}
