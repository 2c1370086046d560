package access_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/atiende/atiende/server/internal/access"
)

// state is what a refused patch must leave untouched.
func (d *desk) state(id int64) string {
	d.t.Helper()
	var s string
	d.scan(&s, `SELECT concat_ws('|', t.version, t.subject, t.status_id, t.assignee_id, t.allowed_roles::text,
		(SELECT count(*) FROM ticket_history h WHERE h.ticket_id = t.id), (SELECT count(*) FROM events))
		FROM tickets t WHERE t.id = $1`, id)
	return s
}

func TestFieldsARoleMayNotChangeAreRefusedAndNamed(t *testing.T) {
	t.Parallel()
	d, _ := newDesk(t, 1)
	d.person("owner", access.Customer, "")
	queue := d.queue("level_1") // its roles: customer service
	id := d.ticket("Mi pedido no llegó", d.ids["owner"], 0, 0, queue)
	path := fmt.Sprintf("/api/v1/tickets/%d", id)

	type refusal struct {
		who    string
		body   map[string]any
		fields []string
	}
	cases := []refusal{
		{"owner", map[string]any{"version": 1, "assignee_id": d.ids["agent1"], "allowed_roles": []int64{d.roles["agent"]},
			"status_id": d.f.Statuses[1]}, []string{"allowed_roles", "assignee_id", "status_id"}},
		{"owner", map[string]any{"version": 1, "subject": "Otro asunto"}, []string{"subject"}},
		// An agent may edit the ticket but not its allowed roles: only that field is refused, and the
		// subject sent with it is not saved either.
		{"agent1", map[string]any{"version": 1, "subject": "Pedido perdido", "allowed_roles": []int64{d.roles["agent"], d.roles["supervisor"]}},
			[]string{"allowed_roles"}},
	}
	msgs := map[string][2]string{
		"en": {"Your role cannot change some of these fields; nothing was saved.", "Your role cannot change this field."},
		"es": {"Tu rol no puede cambiar algunos de estos campos; no se guardó nada.", "Tu rol no puede cambiar este campo."},
	}
	for _, c := range cases {
		cl := d.login(d.a, c.who)
		for _, lang := range []string{"en", "es"} {
			before := d.state(id)
			cl.Lang = lang
			st, body := cl.Do("PATCH", path, c.body)
			if st != 403 {
				t.Fatalf("%s %s: status %d, want 403: %s", c.who, lang, st, body)
			}
			var e struct {
				Error struct {
					Code    string            `json:"code"`
					Message string            `json:"message"`
					Fields  map[string]string `json:"fields"`
				} `json:"error"`
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatal(err)
			}
			var named []string
			for f, m := range e.Error.Fields {
				named = append(named, f)
				if m != msgs[lang][1] {
					t.Errorf("%s %s: field %s says %q, want %q", c.who, lang, f, m, msgs[lang][1])
				}
			}
			sort.Strings(named)
			if e.Error.Code != "forbidden" || e.Error.Message != msgs[lang][0] || !slices.Equal(named, c.fields) {
				t.Errorf("%s %s: got %s, want forbidden naming %v", c.who, lang, body, c.fields)
			}
			if after := d.state(id); after != before {
				t.Errorf("%s %s: a refused patch changed the ticket: %s → %s", c.who, lang, before, after)
			}
		}
	}

	// The same agent's patch without the refused field is saved.
	agent := d.login(d.a, "agent1")
	if st, body := agent.Do("PATCH", path, map[string]any{"version": 1, "subject": "Pedido perdido"}); st != 200 {
		t.Fatalf("agent's own change: %d %s", st, body)
	}
	var subject string
	d.scan(&subject, "SELECT subject FROM tickets WHERE id = $1", id)
	if subject != "Pedido perdido" {
		t.Fatalf("the agent's change was not saved: %q", subject)
	}
}
