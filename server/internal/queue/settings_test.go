package queue_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestDefaultManagersAPI: listing and replacing, permission, and bad input in each field (es and en)
// that writes nothing.
func TestDefaultManagersAPI(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	admin := d.login("admin@x.test")
	agent1 := d.ids["agent1@x.test"]
	ok := []map[string]any{{"category_id": d.cats["legal"], "queue_id": d.queues["level_1"], "user_id": agent1}, {"user_id": d.ids["agent2@x.test"]}}
	st, res := admin.Do("PUT", "/api/v1/default-managers", map[string]any{"items": ok})
	if st != 200 {
		t.Fatalf("put: %d %s", st, res)
	}
	var list struct {
		Items []struct {
			ID         int64  `json:"id"`
			CategoryID *int64 `json:"category_id"`
			QueueID    *int64 `json:"queue_id"`
			UserID     int64  `json:"user_id"`
		} `json:"items"`
	}
	st, res = admin.Do("GET", "/api/v1/default-managers", nil)
	_ = json.Unmarshal(res, &list)
	if st != 200 || len(list.Items) != 2 || list.Items[0].UserID != agent1 || list.Items[1].CategoryID != nil || list.Items[1].QueueID != nil {
		t.Fatalf("get: %d %s", st, res)
	}
	rows := func() string {
		var s string
		d.scan(&s, "SELECT coalesce(string_agg(concat_ws(',', category_id, queue_id, user_id), ';' ORDER BY id), '') FROM default_managers")
		return s
	}
	before := rows()
	for _, email := range []string{"agent1@x.test", "customer@x.test", "sup1@x.test"} {
		c := d.login(email)
		if st, _ := c.Do("GET", "/api/v1/default-managers", nil); st != 403 {
			t.Errorf("%s may list default managers: %d", email, st)
		}
		if st, _ := c.Do("PUT", "/api/v1/default-managers", map[string]any{"items": []any{}}); st != 403 || rows() != before {
			t.Errorf("%s may replace default managers: %d", email, st)
		}
	}
	cases := []struct {
		name   string
		items  []map[string]any
		field  string
		es, en string
	}{
		{"unknown category", []map[string]any{{"category_id": 999999, "user_id": agent1}}, "items[0].category_id",
			"Elige una categoría o subcategoría existente.", "Choose an existing category or subcategory."},
		{"unknown queue", []map[string]any{{"queue_id": 999999, "user_id": agent1}}, "items[0].queue_id",
			"Elige una cola existente.", "Choose an existing queue."},
		{"a customer as manager", []map[string]any{{"user_id": d.ids["customer@x.test"]}}, "items[0].user_id",
			"Esa persona no puede recibir tickets.", "That person cannot be given tickets."},
		{"a user who does not exist", []map[string]any{{"user_id": 999999}}, "items[0].user_id",
			"Esa persona no puede recibir tickets.", "That person cannot be given tickets."},
		{"the same combination twice", []map[string]any{{"user_id": agent1}, {"user_id": d.ids["agent2@x.test"]}}, "items[1].category_id",
			"Ya hay un gestor para esa combinación de categoría y cola.", "There already is a manager for that combination of category and queue."},
		{"no user", []map[string]any{{"queue_id": d.queues["level_1"]}}, "items[0].user_id", "", ""},
	}
	for _, c := range cases {
		for _, lang := range []string{"es", "en"} {
			admin.Lang = lang
			st, res := admin.Do("PUT", "/api/v1/default-managers", map[string]any{"items": c.items})
			e := decodeErr(t, res)
			if st != 422 || e.Error.Fields[c.field] == "" {
				t.Errorf("%s (%s): %d %s, want 422 on %s", c.name, lang, st, res, c.field)
				continue
			}
			if want := map[string]string{"es": c.es, "en": c.en}[lang]; want != "" && e.Error.Fields[c.field] != want {
				t.Errorf("%s (%s): %q, want %q", c.name, lang, e.Error.Fields[c.field], want)
			}
			if rows() != before {
				t.Errorf("%s: refused but wrote", c.name)
			}
		}
	}
	// An empty list removes every row.
	if st, res := admin.Do("PUT", "/api/v1/default-managers", map[string]any{"items": []any{}}); st != 200 || rows() != "" {
		t.Fatalf("clear: %d %s", st, res)
	}
}

// TestQueueSettingsOnTheCatalogEntry: members, mode and cap through the queue's catalog entry.
func TestQueueSettingsOnTheCatalogEntry(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	admin := d.login("admin@x.test")
	l2 := d.queues["level_2"]
	path := fmt.Sprintf("/api/v1/catalog/queues/%d", l2)
	version := func() int64 {
		var v int64
		d.scan(&v, "SELECT version FROM queues WHERE id = $1", l2)
		return v
	}
	members := func() string {
		var s string
		d.scan(&s, "SELECT coalesce(string_agg(user_id::text, ',' ORDER BY user_id), '') FROM queue_members WHERE queue_id = $1", l2)
		return s
	}
	a1, a2 := d.ids["agent1@x.test"], d.ids["agent2@x.test"]
	st, res := admin.Do("PATCH", path, map[string]any{"version": version(), "member_ids": []int64{a2, a1}, "assignment": "least_loaded", "max_per_agent": 5})
	if st != 200 {
		t.Fatalf("patch: %d %s", st, res)
	}
	var q struct {
		MemberIDs   []int64 `json:"member_ids"`
		Assignment  string  `json:"assignment"`
		MaxPerAgent *int    `json:"max_per_agent"`
	}
	_ = json.Unmarshal(res, &q)
	if len(q.MemberIDs) != 2 || q.Assignment != "least_loaded" || q.MaxPerAgent == nil || *q.MaxPerAgent != 5 {
		t.Fatalf("queue as saved: %s", res)
	}
	if got := members(); got != fmt.Sprintf("%d,%d", min(a1, a2), max(a1, a2)) {
		t.Fatalf("queue_members %q", got)
	}
	// null lifts the cap; dropping a member removes their row.
	st, res = admin.Do("PATCH", path, map[string]any{"version": version(), "member_ids": []int64{a2}, "max_per_agent": nil})
	_ = json.Unmarshal(res, &q)
	if st != 200 || q.MaxPerAgent != nil || members() != fmt.Sprint(a2) {
		t.Fatalf("second patch: %d %s, members %q", st, res, members())
	}
	state := func() string {
		var s string
		d.scan(&s, "SELECT concat_ws('|', version, member_ids::text, assignment, max_per_agent) FROM queues WHERE id = $1", l2)
		return s + "|" + members()
	}
	before := state()
	cases := []struct {
		name   string
		body   map[string]any
		field  string
		es, en string
	}{
		{"a customer as member", map[string]any{"member_ids": []int64{d.ids["customer@x.test"]}}, "member_ids",
			"customer no puede recibir tickets, así que no puede ser miembro de una cola.", "customer cannot be given tickets, so they cannot be a member of a queue."},
		{"a member who does not exist", map[string]any{"member_ids": []int64{999999}}, "member_ids",
			"Alguno de los miembros no existe, está deshabilitado o no tiene acceso.", "One of the members does not exist, is disabled or has no login."},
		{"an unknown mode", map[string]any{"assignment": "lottery"}, "assignment",
			"Elige cómo se reparten los tickets: manual, por turnos o al menos cargado.", "Choose how tickets are handed out: manual, round robin or least loaded."},
		{"a cap of zero", map[string]any{"max_per_agent": 0}, "max_per_agent",
			"El tope de tickets abiertos por persona va de 1 a 1000, o déjalo vacío para no limitar.", "The cap of open tickets per person goes from 1 to 1000; leave it empty for no cap."},
		{"a cap too high", map[string]any{"max_per_agent": 1001}, "max_per_agent", "", ""},
		{"a cap that is not a number", map[string]any{"max_per_agent": "five"}, "max_per_agent", "", ""},
	}
	for _, c := range cases {
		for _, lang := range []string{"es", "en"} {
			admin.Lang = lang
			body := map[string]any{"version": version()}
			for k, v := range c.body {
				body[k] = v
			}
			st, res := admin.Do("PATCH", path, body)
			e := decodeErr(t, res)
			if st != 422 || e.Error.Fields[c.field] == "" {
				t.Errorf("%s (%s): %d %s", c.name, lang, st, res)
				continue
			}
			if want := map[string]string{"es": c.es, "en": c.en}[lang]; want != "" && e.Error.Fields[c.field] != want {
				t.Errorf("%s (%s): %q, want %q", c.name, lang, e.Error.Fields[c.field], want)
			}
			if state() != before {
				t.Errorf("%s: refused but wrote", c.name)
			}
		}
	}
	// Only catalog managers edit queues.
	if st, _ := d.login("sup1@x.test").Do("PATCH", path, map[string]any{"version": version(), "assignment": "manual"}); st != 403 || state() != before {
		t.Errorf("a supervisor edited a queue's settings: %d", st)
	}
	// A new queue starts manual, without members or cap.
	st, res = admin.Do("POST", "/api/v1/catalog/queues", map[string]any{"name_es": "Nivel 4", "name_en": "Level 4", "level": 4})
	_ = json.Unmarshal(res, &q)
	if st != 201 || q.Assignment != "manual" || len(q.MemberIDs) != 0 || q.MaxPerAgent != nil {
		t.Fatalf("new queue: %d %s", st, res)
	}
}
