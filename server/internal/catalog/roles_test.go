package catalog_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/testutil"
)

// A queue's roles decide which agents see its tickets: taking the agent role off the first-level queue
// takes its tickets out of an agent's list at once (and tells the agents' live connections to reload);
// putting it back brings them in. A queue's supervisors must be enabled users whose roles let them
// supervise queues.
func TestQueueRolesAndSupervisors(t *testing.T) {
	a, f := start(t, 4)
	admin := testutil.Login(t, a, "admin@x.test")
	agent := testutil.Login(t, a, "agent1@x.test")
	listed := func() int {
		var l struct{ Items []struct{ ID int64 } }
		call(t, agent, "GET", "/api/v1/tickets", nil, 200, &l)
		return len(l.Items)
	}
	if n := listed(); n != 4 {
		t.Fatalf("the agent sees %d of the first-level queue's tickets, want 4", n)
	}
	q := find(t, get(t, admin).Queues, "level_1")
	agentRole := q.RoleIDs
	var events0 int
	if err := a.DB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM events WHERE name = 'access.changed'`).Scan(&events0); err != nil {
		t.Fatal(err)
	}
	var got catalog.Queue
	call(t, admin, "PATCH", fmt.Sprintf("/api/v1/catalog/queues/%d", q.ID), map[string]any{"version": q.Version, "role_ids": []int64{}}, 200, &got)
	if len(got.RoleIDs) != 0 {
		t.Fatalf("patched queue: %+v", got)
	}
	if n := listed(); n != 0 {
		t.Fatalf("without the agent role on the queue the agent sees %d tickets", n)
	}
	var users []int64
	if err := a.DB.Pool.QueryRow(t.Context(), `SELECT array_agg(u::bigint ORDER BY u::bigint) FROM events e, jsonb_array_elements_text(e.payload->'users') u
		WHERE e.name = 'access.changed'`).Scan(&users); err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0] != f.Users["agent1@x.test"].ID || users[1] != f.Users["agent2@x.test"].ID {
		t.Fatalf("access.changed for %v, want both agents", users)
	}
	call(t, admin, "PATCH", fmt.Sprintf("/api/v1/catalog/queues/%d", q.ID), map[string]any{"version": got.Version, "role_ids": agentRole}, 200, &got)
	if n := listed(); n != 4 {
		t.Fatalf("with the agent role back the agent sees %d tickets", n)
	}

	// Supervisors: a customer cannot supervise a queue; an unknown id is refused; nothing changes.
	for _, c := range []struct {
		ids      []int64
		en, es   string
		customer bool
	}{
		{[]int64{f.Users["customer@x.test"].ID}, "has no role that may supervise queues", "no tiene un rol que pueda supervisar colas", true},
		{[]int64{999999}, "does not exist or is disabled", "no existe o está deshabilitada", false},
		{[]int64{0}, "at least 1", "", false},
	} {
		for _, lang := range []string{"en", "es"} {
			admin.Lang = lang
			st, body := admin.Do("PATCH", fmt.Sprintf("/api/v1/catalog/queues/%d", q.ID), map[string]any{"version": got.Version, "supervisor_ids": c.ids})
			want := c.en
			if lang == "es" {
				want = c.es
			}
			if st != 422 || !contains(string(body), "supervisor_ids") || (want != "" && !contains(string(body), want)) {
				t.Fatalf("%s supervisors %v: %d %s", lang, c.ids, st, body)
			}
		}
	}
	admin.Lang = "en"
	cur := find(t, get(t, admin).Queues, "level_1")
	if cur.Version != got.Version || len(cur.SupervisorIDs) != 0 {
		t.Fatalf("a refused change changed the queue: %+v", cur)
	}
	// The admin may supervise (they hold every permission); the change reaches their connections.
	call(t, admin, "PATCH", fmt.Sprintf("/api/v1/catalog/queues/%d", q.ID),
		map[string]any{"version": got.Version, "supervisor_ids": []int64{f.Users["admin@x.test"].ID}}, 200, &got)
	if len(got.SupervisorIDs) != 1 {
		t.Fatalf("supervisors: %+v", got)
	}
}

func contains(s, sub string) bool { return sub == "" || strings.Contains(s, sub) }
