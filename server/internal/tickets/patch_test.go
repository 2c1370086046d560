package tickets_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/testutil"
)

// newTicket creates a fully typified ticket through the API as agent1 and returns it.
func newTicket(t *testing.T, c *testutil.Client, body map[string]any) Detail {
	t.Helper()
	st, b := c.Do("POST", "/api/v1/tickets", body)
	return decode[Detail](t, must(t, st, b, 201))
}

func TestPatchEachField(t *testing.T) {
	a, f := start(t, 1)
	// The admin edits: clearing the queue below takes the ticket out of agents' view.
	editor := testutil.Login(t, a, "admin@x.test")
	cat, ch, q, pr := keys(t, a, "categories"), keys(t, a, "channels"), keys(t, a, "queues"), keys(t, a, "priorities")
	cust, other, agent2 := f.Users["customer@x.test"].ID, f.Users["other@x.test"].ID, f.Users["agent2@x.test"].ID
	d := newTicket(t, editor, map[string]any{"subject": "Factura", "category_id": cat["system"], "subcategory_id": cat["invoice_error"],
		"channel_id": ch["phone"], "requester_id": cust, "affected_id": other, "order_number": "A-1", "assignee_id": agent2,
		"tags": []string{"a"}, "due_at": "2026-12-01T10:00:00Z"})
	n := func(v int64) string { return fmt.Sprint(v) }
	cases := []struct {
		name          string
		patch         map[string]any
		field         string // the history field
		before, after string // its stored JSON values
		check         func(Detail) bool
	}{
		{"subject", map[string]any{"subject": " Factura duplicada "}, "subject", `"Factura"`, `"Factura duplicada"`,
			func(d Detail) bool { return d.Subject == "Factura duplicada" }},
		{"description", map[string]any{"description": "**Importante**"}, "description", `""`, `"**Importante**"`,
			func(d Detail) bool { return d.Description == "**Importante**" && d.DescHTML != "" }},
		{"priority", map[string]any{"priority_id": pr["do"]}, "priority_id", n(pr["delegate"]), n(pr["do"]),
			func(d Detail) bool { return d.PriorityID == pr["do"] }},
		{"channel", map[string]any{"channel_id": ch["email"]}, "channel_id", n(ch["phone"]), n(ch["email"]),
			func(d Detail) bool { return *d.ChannelID == ch["email"] }},
		{"subcategory", map[string]any{"subcategory_id": cat["shipping_overcharged"]}, "subcategory_id", n(cat["invoice_error"]), n(cat["shipping_overcharged"]),
			func(d Detail) bool { return *d.SubcategoryID == cat["shipping_overcharged"] }},
		{"subcategory cleared", map[string]any{"subcategory_id": nil}, "subcategory_id", n(cat["shipping_overcharged"]), "null",
			func(d Detail) bool { return d.SubcategoryID == nil }},
		{"category", map[string]any{"category_id": cat["legal"], "subcategory_id": cat["formal_petition"]}, "category_id", n(cat["system"]), n(cat["legal"]),
			func(d Detail) bool {
				return *d.CategoryID == cat["legal"] && *d.SubcategoryID == cat["formal_petition"]
			}},
		{"category change clears its subcategory", map[string]any{"category_id": cat["finance"]}, "subcategory_id", n(cat["formal_petition"]), "null",
			func(d Detail) bool { return *d.CategoryID == cat["finance"] && d.SubcategoryID == nil }},
		{"queue", map[string]any{"queue_id": q["level_2"]}, "queue_id", n(q["level_1"]), n(q["level_2"]),
			func(d Detail) bool { return *d.QueueID == q["level_2"] }},
		{"queue cleared", map[string]any{"queue_id": nil}, "queue_id", n(q["level_2"]), "null",
			func(d Detail) bool { return d.QueueID == nil }},
		{"assignee", map[string]any{"assignee_id": f.Users["agent1@x.test"].ID}, "assignee_id", n(agent2), n(f.Users["agent1@x.test"].ID),
			func(d Detail) bool { return d.Assignee.ID == f.Users["agent1@x.test"].ID }},
		{"unassign", map[string]any{"assignee_id": nil}, "assignee_id", n(f.Users["agent1@x.test"].ID), "null",
			func(d Detail) bool { return d.Assignee == nil }},
		{"requester", map[string]any{"requester_id": other}, "requester_id", n(cust), n(other),
			func(d Detail) bool { return d.Requester.ID == other }},
		{"affected cleared", map[string]any{"affected_id": nil}, "affected_id", n(other), "null",
			func(d Detail) bool { return d.Affected == nil }},
		{"affected", map[string]any{"affected_id": cust}, "affected_id", "null", n(cust),
			func(d Detail) bool { return d.Affected.ID == cust }},
		{"order number", map[string]any{"order_number": "B-2"}, "order_number", `"A-1"`, `"B-2"`,
			func(d Detail) bool { return *d.OrderNumber == "B-2" }},
		{"order number cleared", map[string]any{"order_number": nil}, "order_number", `"B-2"`, "null",
			func(d Detail) bool { return d.OrderNumber == nil }},
		{"tags", map[string]any{"tags": []string{"Nuevo", "a", "nuevo"}}, "tags", `["a"]`, `["nuevo", "a"]`,
			func(d Detail) bool { return strings.Join(d.Tags, ",") == "nuevo,a" }},
		{"due date", map[string]any{"due_at": "2026-12-24T09:30:00+01:00"}, "due_at", `"2026-12-01T10:00:00Z"`, `"2026-12-24T08:30:00Z"`,
			func(d Detail) bool { return *d.DueAt == "2026-12-24T08:30:00Z" }},
		{"due date cleared", map[string]any{"due_at": nil}, "due_at", `"2026-12-24T08:30:00Z"`, "null",
			func(d Detail) bool { return d.DueAt == nil }},
	}
	version := d.Version
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.patch["version"] = version
			st, body := editor.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", d.ID), c.patch)
			got := decode[Detail](t, must(t, st, body, 200))
			if got.Version != version+1 || !c.check(got) {
				t.Fatalf("patched ticket: %s", body)
			}
			version = got.Version
			var before, after *string
			err := a.DB.Pool.QueryRow(context.Background(), `SELECT before::text, after::text FROM ticket_history
				WHERE ticket_id = $1 AND field = $2 ORDER BY id DESC LIMIT 1`, d.ID, c.field).Scan(&before, &after)
			if err != nil {
				t.Fatalf("no history row for %s: %v", c.field, err)
			}
			text := func(p *string) string {
				if p == nil {
					return "null"
				}
				return *p
			}
			if text(before) != c.before || text(after) != c.after {
				t.Fatalf("history of %s: %s → %s, want %s → %s", c.field, text(before), text(after), c.before, c.after)
			}
		})
	}
	// The history endpoint lists every change, oldest first, with its actor.
	h := history(t, editor, d.ID)
	if len(h) < len(cases)+1 || h[0].Field != "created" || h[1].Field != "subject" || h[1].Actor.ID != f.Users["admin@x.test"].ID ||
		string(h[1].Before) != `"Factura"` {
		t.Fatalf("history: %+v", h)
	}
	// It names the people its person fields refer to by id, a former requester included.
	st, body := editor.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/history", d.ID), nil)
	named := decode[struct {
		People []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"people"`
	}](t, must(t, st, body, 200)).People
	want := []int64{cust, other, agent2, f.Users["agent1@x.test"].ID}
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	got := []int64{}
	for _, p := range named {
		if p.Name == "" {
			t.Fatalf("people without a name: %s", body)
		}
		got = append(got, p.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("people named by the history: %v, want %v (%s)", got, want, body)
	}
}

func TestPatchStatusStaleNoopAndLive(t *testing.T) {
	a, f := start(t, 3)
	agent := testutil.Login(t, a, "agent1@x.test")
	admin := testutil.Login(t, a, "admin@x.test")
	cust := testutil.Login(t, a, "customer@x.test")
	id := f.Tickets[0] // requested by the customer
	path := fmt.Sprintf("/api/v1/tickets/%d", id)

	watcher := admin.Connect(a, nil)
	custLive := cust.Connect(a, nil)

	// A status change puts the ticket at the top of its new column and is seen live with its previous state.
	exec(t, a, `UPDATE tickets SET status_id = $1 WHERE id = $2`, f.Statuses[1], f.Tickets[2])
	st, body := agent.Do("PATCH", path, map[string]any{"version": 1, "status_id": f.Statuses[1], "subject": "Movido"})
	d := decode[Detail](t, must(t, st, body, 200))
	var top int64
	_ = a.DB.Pool.QueryRow(context.Background(), `SELECT id FROM tickets WHERE status_id = $1 ORDER BY rank, id LIMIT 1`, f.Statuses[1]).Scan(&top)
	if d.StatusID != f.Statuses[1] || top != id {
		t.Fatalf("status change: %s (top %d)", body, top)
	}
	h := history(t, agent, id)
	fields := []string{}
	for _, r := range h[1:] {
		fields = append(fields, r.Field)
	}
	if strings.Join(fields, ",") != "subject,status_id,rank,transition" {
		t.Fatalf("history fields: %v", fields)
	}
	evs := watcher.WaitEvents(1, 5*time.Second)
	var prev struct {
		StatusID int64  `json:"status_id"`
		Subject  string `json:"subject"`
		Version  int64  `json:"version"`
	}
	_ = json.Unmarshal(evs[0].Previous, &prev)
	if evs[0].Name != "ticket.updated" || evs[0].Card().StatusID != f.Statuses[1] || evs[0].Card().Version != 2 ||
		prev.StatusID != f.Statuses[0] || prev.Subject != "Ticket A" || prev.Version != 1 {
		t.Fatalf("live event: %+v previous %s", evs[0], evs[0].Previous)
	}
	custLive.WaitEvents(1, 5*time.Second)

	// A stale edit is refused with the current ticket.
	for _, lang := range []string{"en", "es"} {
		before := count(t, a)
		agent.Lang = lang
		st, body = agent.Do("PATCH", path, map[string]any{"version": 1, "subject": "Tarde"})
		agent.Lang = "en"
		e := decodeError(t, body)
		cur := decode[Detail](t, e.Current)
		want := map[string]string{"en": "changed ticket #1001 while you were editing", "es": "cambió el ticket #1001 mientras lo editabas"}[lang]
		if st != 409 || !strings.Contains(e.Error.Message, want) || cur.Version != 2 || cur.Subject != "Movido" || cur.Tags == nil {
			t.Fatalf("%s: stale: %d %s", lang, st, body)
		}
		if after := count(t, a); after != before {
			t.Fatal("a stale edit wrote something")
		}
	}

	// A patch that changes nothing answers the ticket and writes nothing.
	before := count(t, a)
	st, body = agent.Do("PATCH", path, map[string]any{"version": 2, "subject": "Movido", "status_id": f.Statuses[1], "tags": []string{}})
	if d := decode[Detail](t, must(t, st, body, 200)); d.Version != 2 {
		t.Fatalf("no-op: %s", body)
	}
	if after := count(t, a); after != before {
		t.Fatalf("a no-op wrote something: %+v → %+v", before, after)
	}

	// A WIP limit holds against an edit too.
	exec(t, a, `UPDATE statuses SET wip_limit = 1 WHERE id = $1`, f.Statuses[2])
	exec(t, a, `UPDATE tickets SET status_id = $1 WHERE id = $2`, f.Statuses[2], f.Tickets[1])
	expectRefusals(t, a, agent, []refusal{{"status at its WIP limit", "PATCH", path, map[string]any{"version": 2, "status_id": f.Statuses[2]},
		409, "", "maximum of 1", "máximo de 1"}})

	// Giving the ticket to another requester removes it from the old requester's live views.
	st, body = agent.Do("PATCH", path, map[string]any{"version": 2, "requester_id": f.Users["other@x.test"].ID})
	must(t, st, body, 200)
	custLive.WaitFor(func(fs []testutil.Frame) bool {
		for _, f := range fs {
			if f.Type == "remove" && f.TicketID == id {
				return true
			}
		}
		return false
	}, 5*time.Second, "the removal of the ticket the customer no longer sees")
}

func TestPatchRefusals(t *testing.T) {
	a, f := start(t, 2)
	agent := testutil.Login(t, a, "agent1@x.test")
	cat, ch := keys(t, a, "categories"), keys(t, a, "channels")
	exec(t, a, `UPDATE channels SET active = false WHERE key = 'chatbot'`)
	id := f.Tickets[0]
	path := fmt.Sprintf("/api/v1/tickets/%d", id)
	exec(t, a, `UPDATE tickets SET category_id = $1 WHERE id = $2`, cat["system"], id)
	patch := func(name string, body any, status int, field, en, es string) refusal {
		return refusal{name, "PATCH", path, body, status, field, en, es}
	}
	v := func(k string, val any) map[string]any { return map[string]any{"version": 1, k: val} }
	expectRefusals(t, a, agent, []refusal{
		patch("missing version", map[string]any{"subject": "x"}, 422, "version", "required", "obligatorio"),
		patch("unknown field", v("colour", "red"), 422, "colour", "does not exist", "no existe"),
		patch("wrong type", v("status_id", "2"), 422, "status_id", "expected integer", "se esperaba integer"),
		patch("wrong type in a list", v("tags", "a,b"), 422, "tags", "expected array", "se esperaba array"),
		patch("null subject", v("subject", nil), 422, "subject", "cannot be empty", "no puede quedar vacío"),
		patch("blank subject", v("subject", " "), 422, "subject", "required", "obligatorio"),
		patch("long subject", v("subject", strings.Repeat("s", 301)), 422, "subject", "At most 300", "Máximo 300"),
		patch("null description", v("description", nil), 422, "description", "cannot be empty", "no puede quedar vacío"),
		patch("long description", v("description", strings.Repeat("d", 50001)), 422, "description", "At most 50000", "Máximo 50000"),
		patch("null status", v("status_id", nil), 422, "status_id", "cannot be empty", "no puede quedar vacío"),
		patch("unknown status", v("status_id", 999), 422, "status_id", "does not exist", "No existe"),
		patch("negative priority", v("priority_id", -1), 422, "priority_id", "at least 1", "al menos 1"),
		patch("null priority", v("priority_id", nil), 422, "priority_id", "cannot be empty", "no puede quedar vacío"),
		patch("inactive channel", v("channel_id", ch["chatbot"]), 422, "channel_id", "deactivated", "desactivado"),
		patch("null channel", v("channel_id", nil), 422, "channel_id", "cannot be empty", "no puede quedar vacío"),
		patch("null category", v("category_id", nil), 422, "category_id", "cannot be empty", "no puede quedar vacío"),
		patch("subcategory as category", v("category_id", cat["invoice_error"]), 422, "category_id", "is a subcategory", "es una subcategoría"),
		patch("subcategory of another category", v("subcategory_id", cat["formal_petition"]), 422, "subcategory_id", "does not belong", "no pertenece"),
		patch("new category with a foreign subcategory", map[string]any{"version": 1, "category_id": cat["legal"], "subcategory_id": cat["invoice_error"]},
			422, "subcategory_id", "does not belong", "no pertenece"),
		patch("unknown queue", v("queue_id", 999), 422, "queue_id", "does not exist", "No existe"),
		patch("customer as assignee", v("assignee_id", f.Users["other@x.test"].ID), 422, "assignee_id", "support team", "equipo de soporte"),
		patch("null requester", v("requester_id", nil), 422, "requester_id", "cannot be empty", "no puede quedar vacío"),
		patch("unknown requester", v("requester_id", 999), 422, "requester_id", "does not exist", "No existe"),
		patch("unknown affected", v("affected_id", 999), 422, "affected_id", "does not exist", "No existe"),
		patch("order number", v("order_number", "no/vale"), 422, "order_number", "1 to 40 letters", "de 1 a 40 letras"),
		patch("null tags", v("tags", nil), 422, "tags", "cannot be empty", "no puede quedar vacío"),
		patch("too many tags", v("tags", strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")), 422, "tags", "At most 10", "máximo 10"),
		patch("due date", v("due_at", "2026-13-01T00:00:00Z"), 422, "due_at", "RFC 3339", "RFC 3339"),
		{"ticket that does not exist", "PATCH", "/api/v1/tickets/99999", v("subject", "x"), 404, "", "does not exist", "no existe"},
		{"ticket id that is not a number", "PATCH", "/api/v1/tickets/abc", v("subject", "x"), 404, "", "does not exist", "no existe"},
	})
	// Several bad fields are all named at once.
	st, body := agent.Do("PATCH", path, map[string]any{"version": 1, "subject": "", "queue_id": 999, "order_number": "?"})
	if e := decodeError(t, body); st != 422 || len(e.Error.Fields) != 3 {
		t.Fatalf("every bad field at once: %d %s", st, body)
	}
	// Customers cannot edit: their own ticket is forbidden, another's does not exist for them.
	cust := testutil.Login(t, a, "customer@x.test")
	expectRefusals(t, a, cust, []refusal{
		// Refused naming the field, as an editor is for a field their role may not change.
		patch("customer on their own ticket", v("subject", "x"), 403, "subject", "cannot change this field", "no puede cambiar este campo"),
		{"customer on another's ticket", "PATCH", fmt.Sprintf("/api/v1/tickets/%d", f.Tickets[1]), v("subject", "x"), 404, "", "does not exist", "no existe"},
	})
}
