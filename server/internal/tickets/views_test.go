package tickets_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/testutil"
)

type savedView struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Query    string `json:"query"`
	Position int    `json:"position"`
}

func views(t *testing.T, c *testutil.Client) []savedView {
	t.Helper()
	st, body := c.Do("GET", "/api/v1/views", nil)
	l := decode[struct{ Items []savedView }](t, must(t, st, body, 200))
	if l.Items == nil {
		t.Fatalf("items must never be null: %s", body)
	}
	return l.Items
}

func TestSavedViews(t *testing.T) {
	a, _ := start(t, 0)
	agent := testutil.Login(t, a, "agent1@x.test")
	other := testutil.Login(t, a, "agent2@x.test")
	if vs := views(t, agent); len(vs) != 0 {
		t.Fatalf("no views yet: %+v", vs)
	}
	create := func(c *testutil.Client, name, query string) savedView {
		st, body := c.Do("POST", "/api/v1/views", map[string]any{"name": name, "query": query})
		return decode[savedView](t, must(t, st, body, 201))
	}
	mine := create(agent, " Mis abiertos ", "?assignee=me&status=1")
	urgent := create(agent, "Urgentes", "priority=1")
	if mine.Name != "Mis abiertos" || mine.Query != "assignee=me&status=1" || mine.Position != 1 || urgent.Position != 2 {
		t.Fatalf("created: %+v %+v", mine, urgent)
	}
	// The same name is fine for another user, who does not see the first user's views.
	theirs := create(other, "Mis abiertos", "assignee=me")
	if vs := views(t, other); len(vs) != 1 || vs[0].ID != theirs.ID {
		t.Fatalf("another user's views: %+v", vs)
	}
	// Reorder and rename.
	st, body := agent.Do("PATCH", fmt.Sprintf("/api/v1/views/%d", urgent.ID), map[string]any{"position": 0, "name": "Urgentes hoy"})
	if v := decode[savedView](t, must(t, st, body, 200)); v.Name != "Urgentes hoy" || v.Position != 0 || v.Query != "priority=1" {
		t.Fatalf("patched: %s", body)
	}
	if vs := views(t, agent); len(vs) != 2 || vs[0].ID != urgent.ID || vs[1].ID != mine.ID {
		t.Fatalf("by position: %+v", vs)
	}
	view := func(id int64) string { return fmt.Sprintf("/api/v1/views/%d", id) }
	expectRefusals(t, a, agent, []refusal{
		{"duplicate name", "POST", "/api/v1/views", map[string]any{"name": "Mis abiertos", "query": ""}, 409, "", "already have a view with that name", "Ya tienes una vista con ese nombre"},
		{"rename onto another", "PATCH", view(urgent.ID), map[string]any{"name": "Mis abiertos"}, 409, "", "already have a view", "Ya tienes una vista"},
		{"missing name", "POST", "/api/v1/views", map[string]any{"query": "a=b"}, 422, "name", "required", "obligatorio"},
		{"blank name", "POST", "/api/v1/views", map[string]any{"name": "  "}, 422, "name", "required", "obligatorio"},
		{"long name", "POST", "/api/v1/views", map[string]any{"name": strings.Repeat("n", 81)}, 422, "name", "At most 80", "Máximo 80"},
		{"long query", "POST", "/api/v1/views", map[string]any{"name": "x", "query": strings.Repeat("q", 2001)}, 422, "query", "At most 2000", "Máximo 2000"},
		{"negative position", "PATCH", view(mine.ID), map[string]any{"position": -1}, 422, "position", "at least 0", "al menos 0"},
		{"another user's view", "PATCH", view(theirs.ID), map[string]any{"name": "robada"}, 404, "", "does not exist", "no existe"},
		{"delete another user's view", "DELETE", view(theirs.ID), nil, 404, "", "does not exist", "no existe"},
		{"unknown view", "DELETE", view(99999), nil, 404, "", "does not exist", "no existe"},
		{"view id that is not a number", "DELETE", "/api/v1/views/abc", nil, 404, "", "does not exist", "no existe"},
	})
	if st, body := agent.Do("DELETE", view(mine.ID), nil); st != 204 {
		t.Fatalf("delete: %d %s", st, body)
	}
	if vs := views(t, agent); len(vs) != 1 || vs[0].ID != urgent.ID {
		t.Fatalf("after delete: %+v", vs)
	}
	if vs := views(t, other); len(vs) != 1 {
		t.Fatalf("the other user's view must stay: %+v", vs)
	}
	// Customers keep views too.
	cust := testutil.Login(t, a, "customer@x.test")
	create(cust, "Mis casos", "")
}
