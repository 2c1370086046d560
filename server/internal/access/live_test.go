package access_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/testutil"
)

// within is how soon a change of who sees what must reach the connections concerned: well under a
// reload or a poll, with room for a loaded machine (the latency itself is measured by make bench-live).
const within = 3 * time.Second

// waitTicket waits for a new frame of ticket id (after the first skip ones) that satisfies ok, and
// fails when it took longer than `within` since the change was committed.
func waitTicket(t *testing.T, l *testutil.Live, id int64, skip int, since time.Time, what string, ok func(testutil.Frame) bool) testutil.Frame {
	t.Helper()
	var got testutil.Frame
	l.WaitFor(func([]testutil.Frame) bool {
		fs := ticketFrames(l, id)
		for _, f := range fs[min(skip, len(fs)):] {
			if ok(f) {
				got = f
				return true
			}
		}
		return false
	}, 5*time.Second, what)
	if took := time.Since(since); took > within {
		t.Errorf("%s took %s, want under %s", what, took, within)
	}
	return got
}

// waitReload waits for a socket to be told to reload for an access change and closed with 4004.
func waitReload(t *testing.T, l *testutil.Live, since time.Time, who string) {
	t.Helper()
	code, took := closeCode(l, since, 5*time.Second)
	if code != live.CloseAccessChanged {
		t.Fatalf("%s: the socket ended with %d, want %d", who, code, live.CloseAccessChanged)
	}
	reload := false
	for _, f := range l.Frames() {
		if f.Type == "reload" && f.Reason == "access_changed" {
			reload = true
		}
	}
	if !reload {
		t.Errorf("%s: closed without a reload frame for the access change", who)
	}
	if took > within {
		t.Errorf("%s: the reload took %s, want under %s", who, took, within)
	}
}

func TestVisibilityFollowsChangesLive(t *testing.T) {
	// Not parallel: the timing of live delivery is measured, so the test runs alone in its package.
	d, apps := newDesk(t, 2)
	a, b := apps[0], apps[1]
	ctx := context.Background()
	billing := d.customRole("billing")
	agentRole := d.roles["agent"]
	for _, p := range []struct {
		name    string
		role    access.Role
		sponsor string
	}{{"agx", access.Agent, ""}, {"agy", access.Agent, ""}, {"agz", access.Agent, ""}, {"cons", access.Consultant, ""},
		{"cons2", access.Consultant, ""}, {"cust", access.Customer, "cons"}, {"sup", access.Supervisor, ""}} {
		d.person(p.name, p.role, p.sponsor)
	}
	q := d.queue("level_2")
	d.exec("UPDATE queues SET role_ids = $2, supervisor_ids = '{}' WHERE id = $1", q, []int64{billing})
	id := d.ticket("Cobro doble", d.ids["cust"], 0, d.ids["agx"], q)
	deadline := time.Now().Add(10 * time.Second)
	for _, inst := range apps {
		for inst.Hub.Last() < d.lastSeq() {
			if time.Now().After(deadline) {
				t.Fatal("an instance did not catch up with the setup's events")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	admin := d.login(a, "admin")
	patch := func(fields map[string]any) time.Time {
		t.Helper()
		fields["version"] = d.version(id)
		if st, body := admin.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), fields); st != 200 {
			t.Fatalf("patch %v: %d %s", fields, st, body)
		}
		return time.Now()
	}
	read := func(c *testutil.Client) int {
		st, _ := c.Do("GET", fmt.Sprintf("/api/v1/tickets/%d", id), nil)
		return st
	}
	isEvent := func(f testutil.Frame) bool { return f.Type == "event" }
	isRemove := func(f testutil.Frame) bool { return f.Type == "remove" }

	agx, agz, cons, cons2, sup := d.login(b, "agx"), d.login(a, "agz"), d.login(b, "cons"), d.login(a, "cons2"), d.login(b, "sup")
	lx, lz, lc, lc2, ls := agx.Connect(b, nil), agz.Connect(a, nil), cons.Connect(b, nil), cons2.Connect(a, nil), sup.Connect(b, nil)

	// A reassignment away from an agent who saw the ticket only as its assignee removes it from their
	// view, and nothing of it follows; the consultant upline of the requester gets the change.
	since := patch(map[string]any{"assignee_id": d.ids["agy"]})
	waitTicket(t, lx, id, 0, since, "the former assignee's removal", isRemove)
	waitTicket(t, lc, id, 0, since, "the consultant's update", func(f testutil.Frame) bool {
		return isEvent(f) && f.Card().Assignee != nil && f.Card().Assignee.ID == d.ids["agy"]
	})
	patch(map[string]any{"tags": []string{"después"}})
	d.sentinel(admin, lx, lc)
	if fs := ticketFrames(lx, id); len(fs) != 1 {
		t.Fatalf("after the removal the former assignee got %d more frames of the ticket", len(fs)-1)
	}

	// Assigning it again brings it in whole.
	since = patch(map[string]any{"assignee_id": d.ids["agx"]})
	f := waitTicket(t, lx, id, 1, since, "the new assignee's event", isEvent)
	if c := f.Card(); c.ID != id || c.Subject != "Cobro doble" || c.Assignee == nil || c.Assignee.ID != d.ids["agx"] || c.Version != d.version(id) {
		t.Fatalf("the ticket came back incomplete: %+v", c)
	}

	// Allowed roles: adding customer service brings it to a plain agent; taking it away removes it.
	if read(agz) != 404 {
		t.Fatal("a plain agent sees a ticket only billing may see")
	}
	since = patch(map[string]any{"allowed_roles": []int64{agentRole, billing}})
	waitTicket(t, lz, id, 0, since, "the role-matched agent's event", isEvent)
	since = patch(map[string]any{"allowed_roles": []int64{billing}})
	waitTicket(t, lz, id, 1, since, "the role-matched agent's removal", isRemove)

	// Making someone a queue's supervisor reloads their connections; afterwards they see its tickets.
	if read(sup) != 404 {
		t.Fatal("the supervisor sees a ticket of a queue they do not supervise")
	}
	var qv int64
	d.scan(&qv, "SELECT version FROM queues WHERE id = $1", q)
	if st, body := admin.Do("PATCH", fmt.Sprintf("/api/v1/catalog/queues/%d", q),
		map[string]any{"version": qv, "supervisor_ids": []int64{d.ids["sup"]}}); st != 200 {
		t.Fatalf("queue supervisors: %d %s", st, body)
	}
	waitReload(t, ls, time.Now(), "the new supervisor")
	if read(sup) != 200 {
		t.Fatal("the new supervisor does not see the queue's ticket")
	}
	ls = sup.Connect(b, nil)
	since = patch(map[string]any{"tags": []string{"supervisado"}})
	waitTicket(t, ls, id, 0, since, "the supervisor's event on a fresh connection", isEvent)

	// A genealogy move: the requester now belongs to cons2's network, no longer to cons's.
	n := len(ticketFrames(lc, id))
	if _, err := moveSubtree(ctx, a, d.ids["cust"], d.ids["cons2"]); err != nil {
		t.Fatal(err)
	}
	since = time.Now()
	waitTicket(t, lc, id, n, since, "the former upline's removal", isRemove)
	waitTicket(t, lc2, id, 0, since, "the new upline's event", isEvent)
	if read(cons) != 404 || read(cons2) != 200 {
		t.Fatal("after the move the lists do not follow the network")
	}

	// A role change, as the admin API makes it: the agent's connections reload, and the new
	// connection receives what the new role lets them see.
	err := d.a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)", d.ids["agz"], billing); err != nil {
			return err
		}
		return live.AppendAccessChanged(ctx, tx, []int64{d.ids["agz"]})
	})
	if err != nil {
		t.Fatal(err)
	}
	waitReload(t, lz, time.Now(), "the agent given a role")
	if read(agz) != 200 {
		t.Fatal("the agent given billing does not see the ticket")
	}
	lz = agz.Connect(a, nil)
	since = patch(map[string]any{"tags": []string{"facturación"}})
	waitTicket(t, lz, id, 0, since, "the agent's event under the new role", isEvent)

	// A disable: the sessions end, the sockets close with 4003, and logging in again is refused.
	err = d.a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET disabled_at = now() WHERE id = ?", d.ids["cons2"]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", d.ids["cons2"]); err != nil {
			return err
		}
		return live.AppendAccessChanged(ctx, tx, []int64{d.ids["cons2"]})
	})
	if err != nil {
		t.Fatal(err)
	}
	code, took := closeCode(lc2, time.Now(), 5*time.Second)
	if code != live.CloseRevoked || took > within {
		t.Fatalf("the disabled user's socket ended with %d after %s, want %d under %s", code, took, live.CloseRevoked, within)
	}
	if read(cons2) != 401 {
		t.Fatal("the disabled user's old session still works")
	}
	c := testutil.NewClient(t, b)
	if st, _ := c.Do("POST", "/api/v1/auth/login", map[string]string{"email": "cons2@x.test", "password": testutil.Password}); st != 403 {
		t.Fatalf("the disabled user logged in again: %d", st)
	}
}
