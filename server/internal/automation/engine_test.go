package automation_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/testutil"
	"github.com/atiende/atiende/server/internal/tickets"
)

func cond(field, op string, value any) map[string]any {
	c := map[string]any{"field": field, "op": op}
	if value != nil {
		c["value"] = value
	}
	return c
}

func act(kind string, value any) map[string]any { return map[string]any{"kind": kind, "value": value} }

// Each condition operator and each action, firing and not firing, through PATCH on a real instance.
func TestRuleConditionsAndActions(t *testing.T) {
	a, f := start(t, 20)
	admin := testutil.Login(t, a, "admin@x.test")
	st, pr, qu := keys(t, a, "statuses"), keys(t, a, "priorities"), keys(t, a, "queues")
	roles := keys(t, a, "roles")
	agent2 := f.Users["agent2@x.test"].ID
	type check func(t *testing.T, before, after ticketRow)
	priorityIs := func(p int64) check {
		return func(t *testing.T, _, r ticketRow) {
			if r.Priority != p {
				t.Fatalf("priority %d, want %d", r.Priority, p)
			}
		}
	}
	// Rules that must not match add the tag x.
	unchanged := func(t *testing.T, b, r ticketRow) {
		if slices.Contains(r.Tags, "x") {
			t.Fatalf("a rule that does not match changed the ticket: %+v → %+v", b, r)
		}
	}
	hasTag := func(tag string) check {
		return func(t *testing.T, _, r ticketRow) {
			if !slices.Contains(r.Tags, tag) {
				t.Fatalf("tags %v, want %q among them", r.Tags, tag)
			}
		}
	}
	cases := []struct {
		name  string
		match string
		conds []any
		acts  []any
		setup func(id int64)
		patch map[string]any
		fires bool
		check check
	}{
		{name: "subject contains, accents and case folded", conds: []any{cond("subject", "contains", "urgente")},
			acts: []any{act("set_priority", pr["do"])}, patch: map[string]any{"subject": "Pedido URGÉNTE"}, fires: true,
			check: priorityIs(pr["do"])},
		{name: "subject contains, no match", conds: []any{cond("subject", "contains", "urgente")},
			acts: []any{act("add_tag", "x")}, patch: map[string]any{"subject": "Pedido normal"}, check: unchanged},
		{name: "subject not_contains", conds: []any{cond("subject", "not_contains", "factura")},
			acts: []any{act("add_tag", "Sin-Factura")}, patch: map[string]any{"subject": "Pedido"}, fires: true,
			check: hasTag("sin-factura")},
		{name: "description contains", conds: []any{cond("description", "contains", "devolución")},
			acts: []any{act("add_tag", "devolucion")}, patch: map[string]any{"description": "Quiero una DEVOLUCION"},
			fires: true, check: hasTag("devolucion")},
		{name: "priority eq → set_queue", conds: []any{cond("priority_id", "eq", pr["decide"])},
			acts: []any{act("set_queue", qu["level_2"])}, patch: map[string]any{"priority_id": pr["decide"]}, fires: true,
			check: func(t *testing.T, _, r ticketRow) {
				if r.Queue == nil || *r.Queue != qu["level_2"] {
					t.Fatalf("queue %v", r.Queue)
				}
			}},
		{name: "priority neq, no match", conds: []any{cond("priority_id", "neq", pr["decide"])},
			acts: []any{act("add_tag", "x")}, patch: map[string]any{"priority_id": pr["decide"]}, check: unchanged},
		{name: "status in → set_assignee", conds: []any{cond("status_id", "in", []int64{st["in_progress"], st["waiting"]})},
			acts: []any{act("set_assignee", agent2)}, patch: map[string]any{"status_id": st["in_progress"]}, fires: true,
			check: func(t *testing.T, _, r ticketRow) {
				if r.Assignee == nil || *r.Assignee != agent2 {
					t.Fatalf("assignee %v", r.Assignee)
				}
			}},
		{name: "status not_in, no match", conds: []any{cond("status_id", "not_in", []int64{st["in_progress"]})},
			acts: []any{act("add_tag", "x")}, patch: map[string]any{"status_id": st["in_progress"]}, check: unchanged},
		{name: "queue is_empty → add_note", conds: []any{cond("queue_id", "is_empty", nil)},
			acts: []any{act("add_note", "Sin cola: revisar")}, patch: map[string]any{"queue_id": nil}, fires: true,
			check: func(t *testing.T, b, r ticketRow) {
				if r.Internal != b.Internal+1 {
					t.Fatalf("internal notes %d → %d", b.Internal, r.Internal)
				}
			}},
		{name: "assignee eq", conds: []any{cond("assignee_id", "eq", agent2)},
			acts: []any{act("set_priority", pr["delete"])}, patch: map[string]any{"assignee_id": agent2}, fires: true,
			check: priorityIs(pr["delete"])},
		{name: "tags contains → remove_tag", conds: []any{cond("tags", "contains", "vip")},
			acts: []any{act("remove_tag", "spam"), act("set_priority", pr["do"])}, patch: map[string]any{"tags": []string{"VIP", "spam"}},
			fires: true, check: func(t *testing.T, _, r ticketRow) {
				if !slices.Equal(r.Tags, []string{"vip"}) || r.Priority != pr["do"] {
					t.Fatalf("tags %v priority %d", r.Tags, r.Priority)
				}
			}},
		{name: "minutes_in_state gt", conds: []any{cond("minutes_in_state", "gt", 60)},
			acts: []any{act("add_tag", "estancado")},
			setup: func(id int64) {
				exec(t, a, "UPDATE tickets SET state_entered_at = now() - interval '2 hours' WHERE id = $1", id)
			},
			patch: map[string]any{"subject": "Sigue igual"}, fires: true, check: hasTag("estancado")},
		{name: "minutes_in_state lt, no match", conds: []any{cond("minutes_in_state", "lt", 60)},
			acts: []any{act("add_tag", "x")},
			setup: func(id int64) {
				exec(t, a, "UPDATE tickets SET state_entered_at = now() - interval '2 hours' WHERE id = $1", id)
			},
			patch: map[string]any{"subject": "Sigue igual"}, check: unchanged},
		{name: "changed status_id → set_allowed_roles", conds: []any{cond("changed", "eq", "status_id")},
			acts:  []any{act("set_allowed_roles", []int64{roles["supervisor"], roles["agent"]})},
			patch: map[string]any{"status_id": st["waiting"]}, fires: true,
			check: func(t *testing.T, _, r ticketRow) {
				want := []int64{min(roles["supervisor"], roles["agent"]), max(roles["supervisor"], roles["agent"])}
				if !slices.Equal(r.Roles, want) {
					t.Fatalf("roles %v, want %v", r.Roles, want)
				}
			}},
		{name: "changed status_id, other field changed", conds: []any{cond("changed", "eq", "status_id")},
			acts: []any{act("add_tag", "x")}, patch: map[string]any{"subject": "Otro asunto"}, check: unchanged},
		{name: "all: one of two holds, no match", match: "all",
			conds: []any{cond("subject", "contains", "pedido"), cond("priority_id", "eq", pr["do"])},
			acts:  []any{act("add_tag", "x")}, patch: map[string]any{"subject": "Pedido", "priority_id": pr["delete"]}, check: unchanged},
		{name: "any: one of two holds", match: "any",
			conds: []any{cond("subject", "contains", "pedido"), cond("priority_id", "eq", pr["do"])},
			acts:  []any{act("add_tag", "alguno")}, patch: map[string]any{"subject": "Pedido", "priority_id": pr["delete"]},
			fires: true, check: hasTag("alguno")},
		{name: "set_status", conds: []any{cond("tags", "contains", "cerrar")},
			acts: []any{act("set_status", st["resolved"])}, patch: map[string]any{"tags": []string{"cerrar"}}, fires: true,
			check: func(t *testing.T, _, r ticketRow) {
				if r.Status != st["resolved"] {
					t.Fatalf("status %d", r.Status)
				}
			}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := f.Tickets[i]
			if c.setup != nil {
				c.setup(id)
			}
			match := c.match
			if match == "" {
				match = "all"
			}
			r := mkRule(t, admin, map[string]any{"name": c.name, "match": match, "conditions": c.conds, "actions": c.acts})
			defer func() {
				st, out := admin.Do("DELETE", fmt.Sprintf("/api/v1/automation-rules/%d?version=%d", r.ID, r.Version), nil)
				must(t, st, out, 204)
			}()
			before := ticket(t, a, id)
			patch(t, a, admin, id, c.patch)
			after := ticket(t, a, id)
			firings := ruleFirings(t, a, id)
			if c.fires != (len(firings) == 1) || after.RuleRows != before.RuleRows+int64(len(firings)) {
				t.Fatalf("fires=%v, history rows %v", c.fires, firings)
			}
			if c.fires && firings[0] != fmt.Sprintf(`{"id": %d, "name": %q}`, r.ID, c.name) {
				t.Fatalf("history of the firing: %s", firings[0])
			}
			c.check(t, before, after)
		})
	}
}

// A rule that fires on creation acts on a ticket opened through the API.
func TestRuleOnCreate(t *testing.T) {
	a, f := start(t, 0)
	admin := testutil.Login(t, a, "admin@x.test")
	pr, cat := keys(t, a, "priorities"), keys(t, a, "categories")
	mkRule(t, admin, map[string]any{"on_create": true, "on_update": false, "match": "any",
		"conditions": []any{cond("subject", "contains", "urgente"), cond("subject", "contains", "urgent")},
		"actions":    []any{act("set_priority", pr["do"])}})
	agent := testutil.Login(t, a, "agent1@x.test")
	customer := f.Users["customer@x.test"].ID
	ch := keys(t, a, "channels")
	create := func(subject string) (int64, int64) {
		st, out := agent.Do("POST", "/api/v1/tickets", map[string]any{"subject": subject, "category_id": cat["system"],
			"channel_id": ch["phone"], "requester_id": customer, "priority_id": pr["delete"]})
		d := decode[struct {
			ID         int64 `json:"id"`
			PriorityID int64 `json:"priority_id"`
		}](t, must(t, st, out, 201))
		return d.ID, d.PriorityID
	}
	urgent, answered := create("URGENT: la factura no llegó")
	calm, _ := create("Consulta de factura")
	if p := ticket(t, a, urgent).Priority; p != pr["do"] {
		t.Fatalf("urgent ticket priority %d, want %d", p, pr["do"])
	}
	// The creation's answer shows the ticket as the rule left it.
	if answered != pr["do"] {
		t.Fatalf("the creation answered priority %d", answered)
	}
	if p := ticket(t, a, calm).Priority; p != pr["delete"] {
		t.Fatalf("a calm ticket got priority %d", p)
	}
}

// Two rules that undo each other stop: each fires once, and the change stands.
func TestRuleLoopGuard(t *testing.T) {
	a, f := start(t, 1)
	admin := testutil.Login(t, a, "admin@x.test")
	pr := keys(t, a, "priorities")
	ping := mkRule(t, admin, map[string]any{"name": "ping", "conditions": []any{cond("priority_id", "eq", pr["do"])},
		"actions": []any{act("set_priority", pr["decide"])}})
	pong := mkRule(t, admin, map[string]any{"name": "pong", "conditions": []any{cond("priority_id", "eq", pr["decide"])},
		"actions": []any{act("set_priority", pr["do"])}})
	id := f.Tickets[0]
	patch(t, a, admin, id, map[string]any{"priority_id": pr["delete"]})
	patch(t, a, admin, id, map[string]any{"priority_id": pr["do"]})
	got := ruleFirings(t, a, id)
	want := []string{fmt.Sprintf(`{"id": %d, "name": "ping"}`, ping.ID), fmt.Sprintf(`{"id": %d, "name": "pong"}`, pong.ID)}
	if !slices.Equal(got, want) {
		t.Fatalf("firings %v, want %v", got, want)
	}
	if p := ticket(t, a, id).Priority; p != pr["do"] {
		t.Fatalf("priority %d: pong's change is the last", p)
	}
	// A new change is a new chain: each fires once more.
	patch(t, a, admin, id, map[string]any{"subject": "Otra vez"})
	if n := len(ruleFirings(t, a, id)); n != 3 {
		// The subject change: priority is `do`, so ping fires, then pong; pong's `do` meets ping already fired.
		if n != 4 {
			t.Fatalf("second chain: %d firings in all", n)
		}
	}
}

// Rules set off by rules nest at most five deep.
func TestRuleChainDepth(t *testing.T) {
	a, f := start(t, 1)
	admin := testutil.Login(t, a, "admin@x.test")
	// Rule i turns tag c<i> into c<i+1>; they are listed last first, so that each one fires only as the
	// change of the one before it (one level deeper), never in the loop of a shallower level.
	for i := 7; i >= 0; i-- {
		mkRule(t, admin, map[string]any{"name": fmt.Sprintf("c%d", i), "conditions": []any{cond("tags", "contains", fmt.Sprintf("c%d", i))},
			"actions": []any{act("add_tag", fmt.Sprintf("c%d", i+1))}})
	}
	id := f.Tickets[0]
	patch(t, a, admin, id, map[string]any{"tags": []string{"c0"}})
	r := ticket(t, a, id)
	if !slices.Equal(r.Tags, []string{"c0", "c1", "c2", "c3", "c4", "c5"}) || r.RuleRows != 5 {
		t.Fatalf("tags %v after %d firings: the chain must stop at depth 5", r.Tags, r.RuleRows)
	}
}

// A rule switched off does nothing; switched on again, every instance sees it at its next change.
func TestDisabledRuleDoesNothing(t *testing.T) {
	a, f := start(t, 2)
	admin := testutil.Login(t, a, "admin@x.test")
	pr := keys(t, a, "priorities")
	body := map[string]any{"name": "apagada", "active": false, "on_create": false, "on_update": true, "match": "all",
		"conditions": []any{cond("subject", "contains", "x")}, "actions": []any{act("set_priority", pr["do"])}}
	r := mkRule(t, admin, body)
	id := f.Tickets[0]
	before := ticket(t, a, id)
	patch(t, a, admin, id, map[string]any{"subject": "x1"})
	if after := ticket(t, a, id); after.Priority != before.Priority || after.RuleRows != 0 {
		t.Fatalf("a disabled rule acted: %+v", after)
	}
	body["active"], body["version"] = true, r.Version
	st, out := admin.Do("PUT", fmt.Sprintf("/api/v1/automation-rules/%d", r.ID), body)
	must(t, st, out, 200)
	patch(t, a, admin, id, map[string]any{"subject": "x2"})
	if after := ticket(t, a, id); after.Priority != pr["do"] || after.RuleRows != 1 {
		t.Fatalf("the rule switched on did not act: %+v", after)
	}
}

// Rules run in their order: the later one sees the earlier one's change; reordering swaps them.
func TestRulesRunInOrder(t *testing.T) {
	a, f := start(t, 2)
	admin := testutil.Login(t, a, "admin@x.test")
	pr := keys(t, a, "priorities")
	first := mkRule(t, admin, map[string]any{"name": "primera", "conditions": []any{cond("tags", "contains", "orden")},
		"actions": []any{act("set_priority", pr["do"])}})
	second := mkRule(t, admin, map[string]any{"name": "segunda", "conditions": []any{cond("tags", "contains", "orden")},
		"actions": []any{act("set_priority", pr["delete"])}})
	patch(t, a, admin, f.Tickets[0], map[string]any{"tags": []string{"orden"}})
	if p := ticket(t, a, f.Tickets[0]).Priority; p != pr["delete"] {
		t.Fatalf("priority %d: the second rule acts last", p)
	}
	st, out := admin.Do("GET", "/api/v1/automation-rules", nil)
	all := decode[struct{ Items []rule }](t, must(t, st, out, 200)).Items
	ids := []int64{second.ID, first.ID}
	for _, r := range all {
		if r.ID != first.ID && r.ID != second.ID {
			ids = append(ids, r.ID) // the demo rule of the migration
		}
	}
	st, out = admin.Do("PUT", "/api/v1/automation-rules/order", map[string]any{"ids": ids})
	items := decode[struct{ Items []rule }](t, must(t, st, out, 200)).Items
	if len(items) != len(ids) || items[0].ID != second.ID || items[1].ID != first.ID {
		t.Fatalf("order: %s", out)
	}
	patch(t, a, admin, f.Tickets[1], map[string]any{"tags": []string{"orden"}})
	if p := ticket(t, a, f.Tickets[1]).Priority; p != pr["do"] {
		t.Fatalf("priority %d after reordering: the first rule now acts last", p)
	}
	fs := ruleFirings(t, a, f.Tickets[1])
	if len(fs) != 2 || !strings.Contains(fs[0], "segunda") || !strings.Contains(fs[1], "primera") {
		t.Fatalf("firings %v", fs)
	}
}

// refusingFlow is a workflow that refuses every status change into one status.
type refusingFlow struct{ refused int64 }

func (refusingFlow) Start(ctx context.Context, db bun.IDB, _, _ *int64, _ string) (int64, int64, []int64, error) {
	var v int64
	err := db.NewRaw(`SELECT v.id FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id WHERE w.key = 'test_refusing'`).Scan(ctx, &v)
	return v, 0, nil, err
}

func (f refusingFlow) Moved(_ context.Context, _ bun.Tx, _ access.Subject, _, after *tickets.Ticket) error {
	if after.StatusID == f.refused {
		return errs.New(errs.Invalid, "workflow.not_a_state")
	}
	return nil
}

// A rule's status change the workflow refuses is recorded and rolled back alone: the change that set the
// rule off, and the rule's other actions, stand.
func TestRuleRefusedByWorkflowKeepsTheChange(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	ctx := context.Background()
	a, err := app.New(ctx, testutil.Config(dbURL, redisURL, prefix), testutil.Log())
	if err != nil {
		t.Fatal(err)
	}
	exec(t, a, `WITH w AS (INSERT INTO workflows (key, name_es, name_en) VALUES ('test_refusing', 'Prueba', 'Test') RETURNING id)
		INSERT INTO workflow_versions (workflow_id, number, definition) SELECT id, 1, '{}' FROM w`)
	st := keys(t, a, "statuses")
	a.Tickets.Flow = refusingFlow{refused: st["closed"]} // before the instance serves anyone
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close(context.Background()) })
	f := testutil.Seed(t, a, 1)
	admin := testutil.Login(t, a, "admin@x.test")
	pr := keys(t, a, "priorities")
	mkRule(t, admin, map[string]any{"name": "cerrar", "conditions": []any{cond("changed", "eq", "priority_id")},
		"actions": []any{act("add_tag", "revisado"), act("set_status", st["closed"]), act("add_note", "Revisado por la regla")}})
	id := f.Tickets[0]
	before := ticket(t, a, id)
	patch(t, a, admin, id, map[string]any{"priority_id": pr["delete"]})
	after := ticket(t, a, id)
	if after.Priority != pr["delete"] || after.Status != before.Status || !slices.Equal(after.Tags, []string{"revisado"}) ||
		after.Internal != before.Internal+1 {
		t.Fatalf("after a refused rule status: %+v (before %+v)", after, before)
	}
	fs := ruleFirings(t, a, id)
	if len(fs) != 2 || !strings.Contains(fs[1], `"action": "set_status"`) ||
		!strings.Contains(fs[1], "Este estado no es parte del flujo de trabajo del ticket.") {
		t.Fatalf("firings %v: the refusal is recorded in both languages", fs)
	}
	// The refused status left no trace: no status history row, no event naming the closed status.
	if n := scalar[int64](t, a, `SELECT count(*) FROM ticket_history WHERE ticket_id = $1 AND field = 'status_id'`, id); n != 0 {
		t.Fatalf("%d status history rows", n)
	}
	if n := scalar[int64](t, a, `SELECT count(*) FROM events WHERE ticket_id = $1 AND (payload->'ticket'->>'status_id')::bigint = $2`, id, st["closed"]); n != 0 {
		t.Fatalf("%d events carry the refused status", n)
	}
}
