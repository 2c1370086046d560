package automation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
)

func start(t *testing.T, n int) (*app.App, *testutil.Fixture) {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	return a, testutil.Seed(t, a, n)
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
	Current json.RawMessage `json:"current"`
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, body)
	}
	return v
}

func must(t *testing.T, st int, body []byte, want int) []byte {
	t.Helper()
	if st != want {
		t.Fatalf("status %d, want %d: %s", st, want, body)
	}
	return body
}

// keys maps a catalog table's keys to ids.
func keys(t *testing.T, a *app.App, table string) map[string]int64 {
	t.Helper()
	rows, err := a.DB.Pool.Query(context.Background(), "SELECT key, id FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			t.Fatal(err)
		}
		out[k] = id
	}
	return out
}

func exec(t *testing.T, a *app.App, sql string, args ...any) {
	t.Helper()
	if _, err := a.DB.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func scalar[T any](t *testing.T, a *app.App, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := a.DB.Pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// ticketRow is a ticket's fields as rules change them.
type ticketRow struct {
	Status, Priority   int64
	Queue, Assignee    *int64
	Tags               []string
	Roles              []int64
	Version, Comments  int64
	RuleRows, Internal int64
}

func ticket(t *testing.T, a *app.App, id int64) ticketRow {
	t.Helper()
	var r ticketRow
	err := a.DB.Pool.QueryRow(context.Background(), `SELECT status_id, priority_id, queue_id, assignee_id, tags, allowed_roles, version,
		(SELECT count(*) FROM ticket_comments c WHERE c.ticket_id = t.id AND c.public),
		(SELECT count(*) FROM ticket_history h WHERE h.ticket_id = t.id AND h.field = 'rule'),
		(SELECT count(*) FROM ticket_comments c WHERE c.ticket_id = t.id AND NOT c.public)
		FROM tickets t WHERE id = $1`, id).
		Scan(&r.Status, &r.Priority, &r.Queue, &r.Assignee, &r.Tags, &r.Roles, &r.Version, &r.Comments, &r.RuleRows, &r.Internal)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// ruleFirings lists the rule ids recorded on a ticket's history, in order (refusals included).
func ruleFirings(t *testing.T, a *app.App, id int64) []string {
	t.Helper()
	rows, err := a.DB.Pool.Query(context.Background(),
		`SELECT after::text FROM ticket_history WHERE ticket_id = $1 AND field = 'rule' ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

type rule struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
}

// mkRule creates a rule as c (admin) and returns it; body fields not given take defaults.
func mkRule(t *testing.T, c *testutil.Client, body map[string]any) rule {
	t.Helper()
	b := map[string]any{"name": "Regla", "active": true, "on_create": false, "on_update": true, "match": "all",
		"conditions": []any{}, "actions": []any{}}
	for k, v := range body {
		b[k] = v
	}
	st, out := c.Do("POST", "/api/v1/automation-rules", b)
	return decode[rule](t, must(t, st, out, 201))
}

// patch changes a ticket through PATCH as c at its current version.
func patch(t *testing.T, a *app.App, c *testutil.Client, id int64, fields map[string]any) []byte {
	t.Helper()
	body := map[string]any{"version": ticket(t, a, id).Version}
	for k, v := range fields {
		body[k] = v
	}
	st, out := c.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), body)
	return must(t, st, out, 200)
}

// bothLocales sends a request in Spanish and in English and returns the two error bodies.
func bothLocales(t *testing.T, c *testutil.Client, method, path string, body any) (int, errorBody, errorBody) {
	t.Helper()
	st, es := c.DoHeaders(method, path, body, map[string]string{"Accept-Language": "es"})
	st2, en := c.DoHeaders(method, path, body, map[string]string{"Accept-Language": "en"})
	if st != st2 {
		t.Fatalf("%s %s: status %d in es, %d in en", method, path, st, st2)
	}
	return st, decode[errorBody](t, es), decode[errorBody](t, en)
}
