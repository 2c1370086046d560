package tickets_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/testutil"
)

func TestLinks(t *testing.T) {
	a, f := start(t, 4)
	agent := testutil.Login(t, a, "agent1@x.test")
	x, y := f.Tickets[0], f.Tickets[1]
	dy := detail(t, agent, y)
	watcher := agent.Connect(a, nil)

	before := count(t, a)
	st, body := agent.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/links", x), map[string]any{"number": dy.Number, "kind": "related"})
	dx := decode[Detail](t, must(t, st, body, 201))
	if len(dx.Links) != 1 || dx.Links[0].Ticket.ID != y || dx.Links[0].Kind != "related" || dx.Version != 2 {
		t.Fatalf("link: %s", body)
	}
	if dy = detail(t, agent, y); len(dy.Links) != 1 || dy.Links[0].Ticket.ID != x || dy.Version != 2 {
		t.Fatalf("the other side: %+v", dy)
	}
	if after := count(t, a); after.Links != before.Links+1 || after.History != before.History+2 || after.Events != before.Events+2 {
		t.Fatalf("a link writes one link, a history row and an event per ticket: %+v → %+v", before, after)
	}
	evs := watcher.WaitEvents(2, 5*time.Second)
	if evs[0].Name != "ticket.updated" || evs[1].Name != "ticket.updated" || evs[0].Card().ID+evs[1].Card().ID != x+y {
		t.Fatalf("events: %+v", evs)
	}
	hx := history(t, agent, x)
	if last := hx[len(hx)-1]; last.Field != "link" || string(last.Before) != "null" || !strings.Contains(string(last.After), `"kind":"related"`) {
		t.Fatalf("history of x: %+v", last)
	}

	// Linking again changes the kind.
	st, body = agent.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/links", y), map[string]any{"number": dx.Number, "kind": "duplicate"})
	if d := decode[Detail](t, must(t, st, body, 201)); len(d.Links) != 1 || d.Links[0].Kind != "duplicate" {
		t.Fatalf("relink: %s", body)
	}
	// Linking with the same kind changes nothing.
	before = count(t, a)
	st, body = agent.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/links", y), map[string]any{"number": dx.Number, "kind": "duplicate"})
	must(t, st, body, 201)
	if after := count(t, a); after != before {
		t.Fatal("the same link again wrote something")
	}

	links := fmt.Sprintf("/api/v1/tickets/%d/links", x)
	expectRefusals(t, a, agent, []refusal{
		{"itself", "POST", links, map[string]any{"number": dx.Number, "kind": "related"}, 422, "number", "cannot be linked to itself", "consigo mismo"},
		{"unknown number", "POST", links, map[string]any{"number": 99999, "kind": "related"}, 422, "number", "no ticket with that number", "ningún ticket con ese número"},
		{"bad kind", "POST", links, map[string]any{"number": dy.Number, "kind": "parent"}, 422, "kind", "one of", "uno de"},
		{"missing number", "POST", links, map[string]any{"kind": "related"}, 422, "number", "required", "obligatorio"},
		{"unknown ticket", "POST", "/api/v1/tickets/99999/links", map[string]any{"number": dy.Number, "kind": "related"}, 404, "", "does not exist", "no existe"},
		{"remove a link that does not exist", "DELETE", fmt.Sprintf("/api/v1/tickets/%d/links/%d", x, f.Tickets[2]), nil, 404, "", "not linked", "no están enlazados"},
		{"remove a link to an unknown ticket", "DELETE", fmt.Sprintf("/api/v1/tickets/%d/links/99999", x), nil, 404, "", "not linked", "no están enlazados"},
	})
	// A customer cannot link, even their own tickets, nor link to a ticket they cannot see.
	cust := testutil.Login(t, a, "customer@x.test")
	expectRefusals(t, a, cust, []refusal{
		{"customer", "POST", links, map[string]any{"number": dy.Number, "kind": "related"}, 403, "", "cannot edit", "no puede editar"},
		{"customer on another's ticket", "POST", fmt.Sprintf("/api/v1/tickets/%d/links", f.Tickets[3]), map[string]any{"number": dy.Number, "kind": "related"}, 404, "", "does not exist", "no existe"},
	})
	// A customer sees the link between two of their own tickets, not to a ticket of someone else.
	exec(t, a, `UPDATE tickets SET requester_id = NULL WHERE id = $1`, y)
	if d := detail(t, cust, x); len(d.Links) != 0 || d.Can.Edit {
		t.Fatalf("a customer sees a link to a ticket they cannot see: %+v", d)
	}

	// Removing the link.
	before = count(t, a)
	st, body = agent.Do("DELETE", fmt.Sprintf("/api/v1/tickets/%d/links/%d", x, y), nil)
	if d := decode[Detail](t, must(t, st, body, 200)); len(d.Links) != 0 {
		t.Fatalf("unlink: %s", body)
	}
	if after := count(t, a); after.Links != before.Links-1 || after.History != before.History+2 || after.Events != before.Events+2 {
		t.Fatalf("unlink writes: %+v → %+v", before, after)
	}
	if d := detail(t, agent, y); len(d.Links) != 0 {
		t.Fatalf("the other side still links: %+v", d.Links)
	}
}

func TestMerge(t *testing.T) {
	a, f := start(t, 4)
	admin := testutil.Login(t, a, "admin@x.test")
	admin.Lang = "es"
	exec(t, a, `UPDATE users SET locale = 'es' WHERE email = 'admin@x.test'`)
	admin = testutil.Login(t, a, "admin@x.test")
	dup, into := detail(t, admin, f.Tickets[0]), detail(t, admin, f.Tickets[1])
	sts := keys(t, a, "statuses")
	watcher := admin.Connect(a, nil)

	before := count(t, a)
	st, body := admin.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/merge", dup.ID), map[string]any{"into_number": into.Number, "version": dup.Version})
	d := decode[Detail](t, must(t, st, body, 200))
	if d.MergedInto == nil || d.MergedInto.ID != into.ID || d.StatusID != sts["closed"] || d.Version != 2 ||
		len(d.Links) != 1 || d.Links[0].Kind != "duplicate" || d.Links[0].Ticket.ID != into.ID {
		t.Fatalf("merged duplicate: %s", body)
	}
	di := detail(t, admin, into.ID)
	if len(di.MergedFrom) != 1 || di.MergedFrom[0].ID != dup.ID || di.Version != 2 || len(di.Links) != 1 {
		t.Fatalf("the ticket merged into: %+v", di)
	}
	after := count(t, a)
	if after.Comments != before.Comments+2 || after.Links != before.Links+1 || after.Events != before.Events+4 {
		t.Fatalf("a merge writes two notes, one link and four events (both tickets updated, both notes live): %+v → %+v", before, after)
	}
	type note struct {
		Body, HTML string
		Public     bool
		Author     int64
	}
	notes := map[int64]note{}
	rows, _ := a.DB.Pool.Query(context.Background(), `SELECT ticket_id, body, body_html, public, author_id FROM ticket_comments`)
	for rows.Next() {
		var id int64
		var n note
		if err := rows.Scan(&id, &n.Body, &n.HTML, &n.Public, &n.Author); err != nil {
			t.Fatal(err)
		}
		notes[id] = n
	}
	admID := f.Users["admin@x.test"].ID
	if n := notes[dup.ID]; n.Body != fmt.Sprintf("Fusionado en #%d.", into.Number) || n.HTML != "<p>"+n.Body+"</p>\n" || n.Public || n.Author != admID {
		t.Fatalf("note on the duplicate: %+v", n)
	}
	if n := notes[into.ID]; n.Body != fmt.Sprintf("El ticket #%d se fusionó en este.", dup.Number) || n.Public || n.Author != admID {
		t.Fatalf("note on the ticket merged into: %+v", n)
	}
	fields := func(id int64) string {
		var fs []string
		for _, h := range history(t, admin, id)[1:] {
			fs = append(fs, h.Field)
		}
		return strings.Join(fs, ",")
	}
	// (The rank changes too unless the duplicate lands on the same key in the empty closed column.)
	if got := fields(dup.ID); !strings.HasPrefix(got, "merged_into,link,status_id") {
		t.Fatalf("history of the duplicate: %s", got)
	}
	if got := fields(into.ID); got != "merged_from,link" {
		t.Fatalf("history of the ticket merged into: %s", got)
	}
	evs := watcher.WaitEvents(2, 5*time.Second)
	if evs[0].Card().ID != dup.ID || evs[0].Card().StatusID != sts["closed"] || evs[1].Card().ID != into.ID {
		t.Fatalf("events: %+v", evs)
	}

	// The list shows merged tickets (they are closed).
	if p := list(t, admin, fmt.Sprintf("status=%d", sts["closed"])); len(p.Items) != 1 || p.Items[0].ID != dup.ID {
		t.Fatalf("merged tickets are listed: %+v", p)
	}

	admin.Lang = "en"
	third := detail(t, admin, f.Tickets[2])
	merge := func(id int64) string { return fmt.Sprintf("/api/v1/tickets/%d/merge", id) }
	expectRefusals(t, a, admin, []refusal{
		{"into itself", "POST", merge(third.ID), map[string]any{"into_number": third.Number, "version": 1}, 422, "into_number", "cannot be merged into itself", "no puede fusionarse consigo mismo"},
		{"into a merged ticket", "POST", merge(third.ID), map[string]any{"into_number": dup.Number, "version": 1}, 422, "into_number", "already merged", "ya se fusionó"},
		{"a merged ticket again", "POST", merge(dup.ID), map[string]any{"into_number": third.Number, "version": 2}, 422, "", "already merged", "ya se fusionó"},
		{"unknown ticket number", "POST", merge(third.ID), map[string]any{"into_number": 99999, "version": 1}, 422, "into_number", "no ticket with that number", "ningún ticket con ese número"},
		{"stale version", "POST", merge(third.ID), map[string]any{"into_number": into.Number, "version": 7}, 409, "", "while you were editing", "mientras lo editabas"},
		{"missing version", "POST", merge(third.ID), map[string]any{"into_number": into.Number}, 422, "version", "required", "obligatorio"},
	})
	cust := testutil.Login(t, a, "customer@x.test")
	expectRefusals(t, a, cust, []refusal{
		{"customer", "POST", merge(f.Tickets[1]), map[string]any{"into_number": into.Number + 1, "version": 1}, 403, "", "cannot edit", "no puede editar"},
	})
	// Without any active closing status the merge cannot close the duplicate.
	exec(t, a, `UPDATE statuses SET active = false WHERE grp = 'done'`)
	expectRefusals(t, a, admin, []refusal{
		{"no closing status", "POST", merge(third.ID), map[string]any{"into_number": into.Number, "version": 1}, 422, "", "no active closing status", "ningún estado de cierre"},
	})
}

func TestDetailVisibility(t *testing.T) {
	a, f := start(t, 2)
	cust := testutil.Login(t, a, "customer@x.test")
	if d := detail(t, cust, f.Tickets[0]); d.Requester == nil || d.Can.Edit || d.Can.CommentInternal || !d.Can.CommentPublic || d.Tags == nil || d.Links == nil || d.MergedFrom == nil {
		t.Fatalf("a customer's own ticket: %+v", d)
	}
	expectRefusals(t, a, cust, []refusal{
		{"another's ticket", "GET", fmt.Sprintf("/api/v1/tickets/%d", f.Tickets[1]), nil, 404, "", "does not exist", "no existe"},
		{"another's history", "GET", fmt.Sprintf("/api/v1/tickets/%d/history", f.Tickets[1]), nil, 404, "", "does not exist", "no existe"},
		{"not a number", "GET", "/api/v1/tickets/0", nil, 404, "", "does not exist", "no existe"},
	})
}

// A customer's history leaves out the links and merges that name a ticket they cannot see, as the
// ticket's detail does; staff read every row.
func TestHistoryHidesOthersTickets(t *testing.T) {
	a, f := start(t, 4) // 0 and 1 are the customer's, 2 and 3 have no requester
	agent := testutil.Login(t, a, "agent1@x.test")
	cust := testutil.Login(t, a, "customer@x.test")
	own, mine, theirs, dup := f.Tickets[0], f.Tickets[1], f.Tickets[2], f.Tickets[3]
	link := func(to int64) {
		st, body := agent.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/links", own), map[string]any{"number": detail(t, agent, to).Number, "kind": "related"})
		must(t, st, body, 201)
	}
	link(mine)
	link(theirs)
	d := detail(t, agent, dup)
	st, body := agent.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/merge", dup), map[string]any{"into_number": detail(t, agent, own).Number, "version": d.Version})
	must(t, st, body, 200)

	named := func(c *testutil.Client) []string {
		out := []string{}
		for _, h := range history(t, c, own) {
			if h.Field == "link" || h.Field == "merged_from" {
				out = append(out, fmt.Sprintf("%s %s", h.Field, h.After))
			}
		}
		return out
	}
	ref := func(id int64) string { return fmt.Sprintf(`"ticket_id":%d`, id) }
	staff, customer := named(agent), named(cust)
	if len(staff) != 4 || !strings.Contains(staff[1], ref(theirs)) || !strings.Contains(staff[2], ref(dup)) {
		t.Fatalf("staff read every link and merge: %q", staff)
	}
	if len(customer) != 1 || !strings.Contains(customer[0], ref(mine)) {
		t.Fatalf("the customer reads only the link to their own ticket: %q", customer)
	}
	if d := detail(t, cust, own); len(d.Links) != 1 || d.Links[0].Ticket.ID != mine || len(d.MergedFrom) != 0 {
		t.Fatalf("the detail agrees: %+v", d)
	}
}
