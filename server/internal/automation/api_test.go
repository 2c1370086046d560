package automation_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/testutil"
)

// Rule management: who may, bad input in each field (es and en, nothing written), stale versions.
func TestRuleAPI(t *testing.T) {
	a, f := start(t, 1)
	admin := testutil.Login(t, a, "admin@x.test")
	agent := testutil.Login(t, a, "agent1@x.test")
	customer := testutil.Login(t, a, "customer@x.test")
	pr, st := keys(t, a, "priorities"), keys(t, a, "statuses")
	snapshot := func() [3]int64 {
		return [3]int64{scalar[int64](t, a, "SELECT count(*) FROM automation_rules"),
			scalar[int64](t, a, "SELECT coalesce(sum(version), 0) FROM automation_rules"),
			scalar[int64](t, a, "SELECT stamp FROM automation_state")}
	}
	good := func() map[string]any {
		return map[string]any{"name": "Prioridad por asunto", "active": true, "on_create": true, "on_update": false,
			"match": "all", "conditions": []any{cond("subject", "contains", "urgente")},
			"actions": []any{act("set_priority", pr["do"])}}
	}
	with := func(k string, v any) map[string]any { b := good(); b[k] = v; return b }
	for _, who := range []*testutil.Client{agent, customer} {
		st, out := who.Do("POST", "/api/v1/automation-rules", good())
		must(t, st, out, 403)
		st, out = who.Do("GET", "/api/v1/automation-rules", nil)
		must(t, st, out, 403)
	}
	bad := []struct {
		name   string
		body   any
		field  string
		es, en string
	}{
		{"name missing", with("name", " "), "name", "Este campo es obligatorio.", "This field is required."},
		{"name too long", with("name", strings.Repeat("n", 81)), "name", "Máximo 80 caracteres.", "At most 80 characters."},
		{"match unknown", with("match", "some"), "match", "Debe ser uno de: all any.", "Must be one of: all any."},
		{"no trigger", with("on_create", false), "on_create",
			"Elige cuándo actúa la regla: al crear tickets, al cambiarlos o en ambos casos.",
			"Choose when the rule acts: when tickets are created, when they change, or both."},
		{"unknown field", with("conditions", []any{cond("colour", "eq", 1)}), "conditions[0].field",
			"Elige un campo del ticket de la lista.", "Choose a ticket field from the list."},
		{"bad operator", with("conditions", []any{cond("subject", "eq", "x")}), "conditions[0].op",
			"Esta comparación no sirve para este campo: usa contains, not_contains.",
			"This comparison does not work for this field: use contains, not_contains."},
		{"missing status", with("conditions", []any{cond("status_id", "in", []int64{st["waiting"], 999999})}),
			"conditions[0].value[1]", "Elige un valor de la lista: este no existe.", "Choose a value from the list: this one does not exist."},
		{"is_empty with a value", with("conditions", []any{cond("queue_id", "is_empty", 3)}), "conditions[0].value",
			"«Está vacío» no lleva valor: quítalo.", "“Is empty” takes no value: remove it."},
		{"minutes out of range", with("conditions", []any{cond("minutes_in_state", "gt", -1)}), "conditions[0].value",
			"Escribe un número entero de minutos entre 0 y 525600.", "Type a whole number of minutes between 0 and 525600."},
		{"changed unknown field", with("conditions", []any{cond("changed", "eq", "colour")}), "conditions[0].value",
			"Elige el campo del ticket cuyo cambio se vigila.", "Choose the ticket field whose change is watched."},
		{"no actions", with("actions", []any{}), "actions", "Agrega al menos una acción.", "Add at least one action."},
		{"unknown action", with("actions", []any{act("explode", 1)}), "actions[0].kind",
			"Elige una acción de la lista.", "Choose an action from the list."},
		{"repeated action", with("actions", []any{act("set_priority", pr["do"]), act("set_priority", pr["delete"])}),
			"actions[1].kind", "Esta acción ya está en la lista: déjala una sola vez.", "This action is already in the list: keep it once."},
		{"bad tag", with("actions", []any{act("add_tag", "no vale")}), "actions[0].value",
			"La etiqueta «no vale» no es válida: de 1 a 30 letras, números, «_» o «-».",
			"The tag “no vale” is not valid: 1 to 30 letters, digits, “_” or “-”."},
		{"assignee not staff", with("actions", []any{act("set_assignee", f.Users["customer@x.test"].ID)}), "actions[0].value",
			"", ""},
		{"notify to nobody", with("actions", []any{act("notify", map[string]any{"to": "everyone", "text_es": "a", "text_en": "b"})}),
			"actions[0].value.to", "Elige a quién avisar: el solicitante, la persona asignada, los supervisores de la cola o un usuario.",
			"Choose whom to notify: the requester, the assignee, the queue's supervisors or a user."},
		{"notify without English", with("actions", []any{act("notify", map[string]any{"to": "assignee", "text_es": "Hola", "text_en": ""})}),
			"actions[0].value.text_en", "Escribe el aviso, de 1 a 200 caracteres.", "Type the notification, 1 to 200 characters."},
		{"empty note", with("actions", []any{act("add_note", "  ")}), "actions[0].value",
			"Escribe la nota, de 1 a 5000 caracteres.", "Type the note, 1 to 5000 characters."},
		{"unknown body field", with("colour", "red"), "colour", "Este campo no existe.", "This field does not exist."},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			before := snapshot()
			code, es, en := bothLocales(t, admin, "POST", "/api/v1/automation-rules", c.body)
			if code != 422 && code != 400 {
				t.Fatalf("status %d", code)
			}
			gotES, gotEN := es.Error.Fields[c.field], en.Error.Fields[c.field]
			if gotES == "" || gotEN == "" || gotES == gotEN || (c.es != "" && (gotES != c.es || gotEN != c.en)) {
				t.Fatalf("field %s: es %q en %q (all: %v / %v)", c.field, gotES, gotEN, es.Error.Fields, en.Error.Fields)
			}
			if after := snapshot(); after != before {
				t.Fatalf("a refused rule wrote something: %v → %v", before, after)
			}
		})
	}

	r := mkRule(t, admin, good())
	body := good()
	body["name"], body["version"] = "Renombrada", r.Version
	code, out := admin.Do("PUT", fmt.Sprintf("/api/v1/automation-rules/%d", r.ID), body)
	if got := decode[struct {
		Name    string `json:"name"`
		Version int64  `json:"version"`
	}](t, must(t, code, out, 200)); got.Name != "Renombrada" || got.Version != 2 {
		t.Fatalf("updated: %s", out)
	}
	// The same version again is stale: 409 with the rule as it stands.
	before := snapshot()
	code, out = admin.Do("PUT", fmt.Sprintf("/api/v1/automation-rules/%d", r.ID), body)
	e := decode[errorBody](t, must(t, code, out, 409))
	if cur := decode[struct {
		Name    string `json:"name"`
		Version int64  `json:"version"`
	}](t, e.Current); cur.Version != 2 || cur.Name != "Renombrada" {
		t.Fatalf("current: %s", out)
	}
	code, out = admin.Do("DELETE", fmt.Sprintf("/api/v1/automation-rules/%d?version=1", r.ID), nil)
	must(t, code, out, 409)
	code, es, en := bothLocales(t, admin, "DELETE", fmt.Sprintf("/api/v1/automation-rules/%d", r.ID), nil)
	if code != 422 || es.Error.Fields["version"] != "Este campo es obligatorio." || en.Error.Fields["version"] != "This field is required." {
		t.Fatalf("delete without version: %d %+v %+v", code, es, en)
	}
	code, es, en = bothLocales(t, admin, "PUT", "/api/v1/automation-rules/order", map[string]any{"ids": []int64{r.ID}})
	if code != 422 || es.Error.Fields["ids"] != "Envía todas las reglas, cada una una sola vez." || en.Error.Fields["ids"] != "Send every rule, each one once." {
		t.Fatalf("partial reorder: %d %+v %+v", code, es, en)
	}
	if after := snapshot(); after != before {
		t.Fatalf("refused changes wrote something: %v → %v", before, after)
	}
	code, out = agent.Do("DELETE", fmt.Sprintf("/api/v1/automation-rules/%d?version=2", r.ID), nil)
	must(t, code, out, 403)
	code, out = admin.Do("DELETE", fmt.Sprintf("/api/v1/automation-rules/%d?version=2", r.ID), nil)
	must(t, code, out, 204)
	code, out = admin.Do("DELETE", fmt.Sprintf("/api/v1/automation-rules/%d?version=2", r.ID), nil)
	must(t, code, out, 404)
}

type applyResult struct {
	TicketID int64  `json:"ticket_id"`
	OK       bool   `json:"ok"`
	Error    string `json:"error"`
	Ticket   *struct {
		StatusID int64 `json:"status_id"`
		Version  int64 `json:"version"`
	} `json:"ticket"`
}

// Macros: who sees and applies them, a selection where one ticket fails alone, bad input.
func TestMacros(t *testing.T) {
	a, f := start(t, 4)
	admin := testutil.Login(t, a, "admin@x.test")
	agent := testutil.Login(t, a, "agent1@x.test")
	customer := testutil.Login(t, a, "customer@x.test")
	st, ro := keys(t, a, "statuses"), keys(t, a, "roles")

	// Seeded: the two demo macros, for agents and managers alike while active.
	code, out := agent.Do("GET", "/api/v1/macros", nil)
	list := decode[struct {
		Items []struct {
			ID       int64  `json:"id"`
			Name     string `json:"name"`
			CannedID *int64 `json:"canned_id"`
			Active   bool   `json:"active"`
			Version  int64  `json:"version"`
		} `json:"items"`
	}](t, must(t, code, out, 200))
	if len(list.Items) != 2 || !strings.Contains(list.Items[0].Name, "Ask for the order number") || list.Items[0].CannedID == nil {
		t.Fatalf("demo macros: %s", out)
	}
	ask := list.Items[0].ID
	code, out = customer.Do("GET", "/api/v1/macros", nil)
	must(t, code, out, 403)

	// A ticket agent1 cannot see (no queue, no roles), among three they can.
	var hidden int64 = scalar[int64](t, a, `INSERT INTO tickets (subject, description, status_id, priority_id, rank, allowed_roles)
		VALUES ('Oculto', '', $1, $2, 'zz', '{}') RETURNING id`, st["unattended"], f.Priorities[0])
	ids := []int64{f.Tickets[0], hidden, f.Tickets[1], f.Tickets[2]}
	before := ticket(t, a, f.Tickets[0])
	code, out = agent.Do("POST", fmt.Sprintf("/api/v1/macros/%d/apply", ask), map[string]any{"ticket_ids": ids})
	res := decode[struct{ Results []applyResult }](t, must(t, code, out, 200)).Results
	if len(res) != 4 || !res[0].OK || res[1].OK || !res[2].OK || !res[3].OK {
		t.Fatalf("results: %s", out)
	}
	if res[1].Error != "That ticket does not exist or you have no access to it." {
		t.Fatalf("the hidden ticket's reason: %q", res[1].Error)
	}
	for _, r := range []applyResult{res[0], res[2], res[3]} {
		if r.Ticket == nil || r.Ticket.StatusID != st["waiting"] {
			t.Fatalf("applied ticket %d: %+v", r.TicketID, r.Ticket)
		}
	}
	after := ticket(t, a, f.Tickets[0])
	if after.Status != st["waiting"] || after.Comments != before.Comments+1 {
		t.Fatalf("ticket after the macro: %+v", after)
	}
	// The canned reply was filled for the ticket and its requester (customer, English).
	number := scalar[int64](t, a, "SELECT number FROM tickets WHERE id = $1", f.Tickets[0])
	body := scalar[string](t, a, "SELECT body FROM ticket_comments WHERE ticket_id = $1 AND public ORDER BY id DESC LIMIT 1", f.Tickets[0])
	if !strings.Contains(body, fmt.Sprintf("Hi customer,\n\nTo move case #%d forward", number)) || !strings.Contains(body, "agent1") {
		t.Fatalf("reply: %q", body)
	}
	if h := ticket(t, a, hidden); h.Comments != 0 || h.Status != st["unattended"] {
		t.Fatalf("the hidden ticket changed: %+v", h)
	}

	// A macro changing a field agents may not change fails on every ticket and writes nothing.
	code, out = admin.Do("POST", "/api/v1/macros", map[string]any{"name": "Solo supervisores", "active": true,
		"reply": "Hola {{requester.name}}", "actions": []any{act("set_allowed_roles", []int64{ro["supervisor"]})}})
	roles := decode[struct{ ID int64 }](t, must(t, code, out, 201)).ID
	snap := ticket(t, a, f.Tickets[3])
	agent.Lang = "es"
	code, out = agent.Do("POST", fmt.Sprintf("/api/v1/macros/%d/apply", roles), map[string]any{"ticket_ids": []int64{f.Tickets[3]}})
	res = decode[struct{ Results []applyResult }](t, must(t, code, out, 200)).Results
	if len(res) != 1 || res[0].OK || !strings.Contains(res[0].Error, "allowed_roles") {
		t.Fatalf("forbidden field: %s", out)
	}
	if now := ticket(t, a, f.Tickets[3]); now.Comments != snap.Comments || now.Version != snap.Version {
		t.Fatalf("a failed ticket kept part of the macro: %+v → %+v", snap, now)
	}
	agent.Lang = "en"

	// Bad input, in both languages, writes nothing.
	macros := func() int64 { return scalar[int64](t, a, "SELECT count(*) + coalesce(sum(version), 0) FROM macros") }
	m0 := macros()
	for _, c := range []struct {
		name, path string
		body       any
		field      string
		es, en     string
	}{
		{"empty macro", "/api/v1/macros", map[string]any{"name": "Nada", "active": true}, "actions",
			"Un macro debe responder o cambiar algo: agrega una respuesta o una acción.", "A macro must reply or change something: add a reply or an action."},
		{"reply and canned", "/api/v1/macros", map[string]any{"name": "Ambas", "active": true, "reply": "Hola",
			"canned_id": *list.Items[0].CannedID}, "reply",
			"Elige una respuesta predefinida o escribe una respuesta, no ambas.", "Choose a canned response or type a reply, not both."},
		{"missing canned", "/api/v1/macros", map[string]any{"name": "Sin", "active": true, "canned_id": 99999}, "canned_id",
			"Esa respuesta predefinida no existe o está desactivada.", "That canned response does not exist or is turned off."},
		{"no tickets", fmt.Sprintf("/api/v1/macros/%d/apply", ask), map[string]any{"ticket_ids": []int64{}}, "ticket_ids",
			"Selecciona al menos un ticket.", "Select at least one ticket."},
		{"too many tickets", fmt.Sprintf("/api/v1/macros/%d/apply", ask), map[string]any{"ticket_ids": seq(101)}, "ticket_ids",
			"Como máximo 100 elementos.", "At most 100 items."},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, es, en := bothLocales(t, admin, "POST", c.path, c.body)
			if code != 422 || es.Error.Fields[c.field] != c.es || en.Error.Fields[c.field] != c.en {
				t.Fatalf("%d %+v / %+v", code, es.Error, en.Error)
			}
			if macros() != m0 {
				t.Fatal("a refused macro request wrote a macro")
			}
		})
	}
	code, out = agent.Do("POST", "/api/v1/macros", map[string]any{"name": "X", "active": true, "reply": "Hola"})
	must(t, code, out, 403)
	code, out = customer.Do("POST", fmt.Sprintf("/api/v1/macros/%d/apply", ask), map[string]any{"ticket_ids": []int64{f.Tickets[0]}})
	must(t, code, out, 403)

	// Switched off: managers still list it, agents no longer see or apply it. A stale edit is refused.
	upd := map[string]any{"name": list.Items[0].Name, "active": false, "canned_id": *list.Items[0].CannedID,
		"actions": []any{act("set_status", st["waiting"])}, "version": list.Items[0].Version}
	code, out = admin.Do("PUT", fmt.Sprintf("/api/v1/macros/%d", ask), upd)
	must(t, code, out, 200)
	code, out = admin.Do("PUT", fmt.Sprintf("/api/v1/macros/%d", ask), upd)
	if e := decode[errorBody](t, must(t, code, out, 409)); len(e.Current) == 0 {
		t.Fatalf("stale macro without current: %s", out)
	}
	code, out = agent.Do("GET", "/api/v1/macros", nil)
	if n := len(decode[struct{ Items []json.RawMessage }](t, must(t, code, out, 200)).Items); n != 2 {
		t.Fatalf("agent sees %d macros, want the 2 active", n)
	}
	code, out = admin.Do("GET", "/api/v1/macros", nil)
	if n := len(decode[struct{ Items []json.RawMessage }](t, must(t, code, out, 200)).Items); n != 3 {
		t.Fatalf("admin sees %d macros, want all 3", n)
	}
	code, out = agent.Do("POST", fmt.Sprintf("/api/v1/macros/%d/apply", ask), map[string]any{"ticket_ids": []int64{f.Tickets[0]}})
	must(t, code, out, 404)
	code, out = admin.Do("DELETE", fmt.Sprintf("/api/v1/macros/%d?version=2", ask), nil)
	must(t, code, out, 204)
}

func seq(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// A rule's notification reaches its recipient live and in their list, and nobody else.
func TestNotificationsReachOnlyTheirRecipient(t *testing.T) {
	a, f := start(t, 2)
	admin := testutil.Login(t, a, "admin@x.test")
	agent1 := testutil.Login(t, a, "agent1@x.test")
	agent2 := testutil.Login(t, a, "agent2@x.test")
	pr := keys(t, a, "priorities")
	recipient := f.Users["agent1@x.test"].ID
	mkRule(t, admin, map[string]any{"name": "avisar", "conditions": []any{cond("changed", "eq", "priority_id")},
		"actions": []any{act("notify", map[string]any{"to": fmt.Sprintf("user:%d", recipient),
			"text_es": "Cambió la prioridad del #{{ticket.number}}", "text_en": "Priority of #{{ticket.number}} changed"})}})
	l1, l2 := agent1.Connect(a, nil), agent2.Connect(a, nil)
	id := f.Tickets[0]
	patch(t, a, admin, id, map[string]any{"priority_id": pr["delete"]})
	number := scalar[int64](t, a, "SELECT number FROM tickets WHERE id = $1", id)
	isNote := func(fr testutil.Frame) bool { return fr.Name == "notification.created" }
	l1.WaitFor(func(fs []testutil.Frame) bool {
		for _, fr := range fs {
			if isNote(fr) {
				return true
			}
		}
		return false
	}, 5*time.Second, "the notification")
	for _, fr := range l1.Events() {
		if isNote(fr) {
			n := decode[struct {
				TicketID int64             `json:"ticket_id"`
				Kind     string            `json:"kind"`
				Title    map[string]string `json:"title"`
				ReadAt   *string           `json:"read_at"`
			}](t, fr.Notification)
			if n.TicketID != id || n.Kind != "rule" || n.Title["en"] != fmt.Sprintf("Priority of #%d changed", number) || n.ReadAt != nil {
				t.Fatalf("notification frame: %s", fr.Notification)
			}
		}
	}
	// A later change both see: once agent2 has it, everything before it has been delivered (in order).
	patch(t, a, admin, id, map[string]any{"subject": "Después"})
	l2.WaitFor(func(fs []testutil.Frame) bool {
		for _, fr := range fs {
			if fr.Name == "ticket.updated" && strings.Contains(string(fr.Ticket), "Después") {
				return true
			}
		}
		return false
	}, 5*time.Second, "the later change")
	for _, fr := range l2.Events() {
		if isNote(fr) {
			t.Fatalf("agent2 received agent1's notification: %s", fr.Notification)
		}
	}
	// In the list too: only the recipient's.
	code, out := agent1.Do("GET", "/api/v1/notifications", nil)
	got := decode[struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Unread  int  `json:"unread"`
		HasMore bool `json:"has_more"`
	}](t, must(t, code, out, 200))
	if len(got.Items) != 1 || got.Unread != 1 || got.HasMore {
		t.Fatalf("agent1's notifications: %s", out)
	}
	code, out = agent2.Do("GET", "/api/v1/notifications", nil)
	if !strings.Contains(string(must(t, code, out, 200)), `"items":[]`) {
		t.Fatalf("agent2's notifications: %s", out)
	}
	// agent2 cannot mark agent1's notification read; agent1 can.
	code, out = agent2.Do("POST", "/api/v1/notifications/read", map[string]any{"ids": []int64{got.Items[0].ID}})
	must(t, code, out, 200)
	if scalar[bool](t, a, "SELECT read_at IS NOT NULL FROM notifications WHERE id = $1", got.Items[0].ID) {
		t.Fatal("another user marked the notification read")
	}
	code, es, en := bothLocales(t, agent1, "POST", "/api/v1/notifications/read", map[string]any{"ids": []int64{got.Items[0].ID}, "all": true})
	if code != 422 || es.Error.Fields["ids"] != "Indica qué avisos marcar como leídos, o todos, pero no ambas cosas." ||
		en.Error.Fields["ids"] != "Say which notifications to mark read, or all of them, but not both." {
		t.Fatalf("bad read request: %d %+v %+v", code, es, en)
	}
	code, out = agent1.Do("POST", "/api/v1/notifications/read", map[string]any{"all": true})
	if !strings.Contains(string(must(t, code, out, 200)), `"unread":0`) {
		t.Fatalf("read all: %s", out)
	}
}
