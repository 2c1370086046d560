package notify_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/testutil"
)

type watcherList struct {
	Items []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"items"`
}

func names(l watcherList) string {
	var out []string
	for _, w := range l.Items {
		out = append(out, w.Name)
	}
	return strings.Join(out, ",")
}

// Watching: oneself on any ticket one sees, others only with ticket.assign, never a user who cannot see
// the ticket; a watcher who lost sight of a ticket gets no more of its mail.
func TestWatchers(t *testing.T) {
	apps, f := start(t, 1, 2, nil)
	a := apps[0]
	id := f.Tickets[0] // requested by the customer, in the first-level queue agents see
	path := fmt.Sprintf("/api/v1/tickets/%d/watchers", id)
	customer := testutil.Login(t, a, "customer@x.test")
	other := testutil.Login(t, a, "other@x.test")
	ag1 := testutil.Login(t, a, "agent1@x.test")
	ag2 := testutil.Login(t, a, "agent2@x.test")
	u := func(email string) int64 { return f.Users[email].ID }

	// Nobody watches at first: the requester is not listed unless added.
	st, out := customer.Do("GET", path, nil)
	if l := decode[watcherList](t, must(t, st, out, 200)); len(l.Items) != 0 {
		t.Fatalf("watchers at first: %v", l)
	}
	st, out = customer.Do("POST", path, map[string]any{"user_id": u("customer@x.test")})
	if l := decode[watcherList](t, must(t, st, out, 200)); names(l) != "customer" {
		t.Fatalf("after watching: %v", l)
	}
	// The customer may not make others watch; a user who cannot see the ticket cannot even ask.
	if st, out := customer.Do("POST", path, map[string]any{"user_id": u("agent1@x.test")}); st != 403 {
		t.Errorf("customer added an agent: %d %s", st, out)
	}
	if st, _ := other.Do("POST", path, map[string]any{"user_id": u("other@x.test")}); st != 404 {
		t.Errorf("a user who cannot see the ticket watched it: %d", st)
	}
	if st, _ := other.Do("GET", path, nil); st != 404 {
		t.Errorf("a user who cannot see the ticket listed its watchers: %d", st)
	}
	// An agent adds a colleague, and twice is once; adding someone who cannot see the ticket is refused.
	for range 2 {
		st, out = ag1.Do("POST", path, map[string]any{"user_id": u("agent2@x.test")})
		must(t, st, out, 200)
	}
	for lang, want := range map[string]string{"es": "other no puede ver este ticket", "en": "other cannot see this ticket"} {
		st, out := ag1.DoHeaders("POST", path, map[string]any{"user_id": u("other@x.test")}, map[string]string{"Accept-Language": lang})
		if e := decode[errorBody](t, must(t, st, out, 422)); !strings.HasPrefix(e.Error.Fields["user_id"], want) {
			t.Errorf("%s: %v", lang, e.Error.Fields)
		}
	}
	if st, _ := ag1.Do("POST", path, map[string]any{"user_id": 987654}); st != 422 {
		t.Errorf("a missing user: %d", st)
	}
	if st, _ := ag1.Do("POST", path, map[string]any{}); st != 422 {
		t.Errorf("no user: %d", st)
	}
	st, out = ag1.Do("GET", path, nil)
	if l := decode[watcherList](t, must(t, st, out, 200)); names(l) != "agent2,customer" {
		t.Fatalf("watchers: %v", l)
	}
	if n := scalar[int](t, a, "SELECT count(*) FROM ticket_watchers"); n != 2 {
		t.Fatalf("%d watcher rows", n)
	}
	// Removing: the customer may not remove agent2, agent2 may remove themself.
	if st, _ := customer.Do("DELETE", fmt.Sprintf("%s/%d", path, u("agent2@x.test")), nil); st != 403 {
		t.Errorf("customer removed an agent: %d", st)
	}
	st, out = ag2.Do("DELETE", fmt.Sprintf("%s/%d", path, u("agent2@x.test")), nil)
	if l := decode[watcherList](t, must(t, st, out, 200)); names(l) != "customer" {
		t.Fatalf("after leaving: %v", l)
	}
	// agent2 watches again; then a user who can no longer see the ticket is among its watchers (say
	// their role changed): a reply mails agent2 but not them, and not the customer who wrote it.
	st, out = ag2.Do("POST", path, map[string]any{"user_id": u("agent2@x.test")})
	must(t, st, out, 200)
	exec(t, a, "INSERT INTO ticket_watchers (ticket_id, user_id) VALUES ($1, $2)", id, u("other@x.test"))
	comment(t, customer, id, "¿Alguna novedad?", true)
	var to []string
	for _, m := range mails(t, a) {
		if strings.HasPrefix(m.EventKey, "comment:") {
			to = append(to, m.To)
		}
	}
	if strings.Join(to, ",") != "agent2@x.test" {
		t.Fatalf("the reply mailed %v", to)
	}
}
