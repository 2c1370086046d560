package sla_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
)

// desk is one test desk: an instance, its fixture, the admin's client and catalog ids by key.
type desk struct {
	a          *app.App
	f          *testutil.Fixture
	admin      *testutil.Client
	status     map[string]int64
	priority   map[string]int64
	queue      map[string]int64
	categoryID int64
	channelID  int64
}

// open starts an instance on a fresh database (whose demo policies are inactive), so that each test's
// own policies apply.
func open(t *testing.T) *desk {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	return prepare(t, a)
}

func prepare(t *testing.T, a *app.App) *desk {
	t.Helper()
	d := &desk{a: a, f: testutil.Seed(t, a, 2)}
	// The migration's policies start inactive; each test writes its own.
	d.admin = testutil.Login(t, a, "admin@x.test")
	d.status, d.priority, d.queue = keys(t, a, "statuses"), keys(t, a, "priorities"), keys(t, a, "queues")
	d.categoryID = scalar[int64](t, a, "SELECT id FROM categories WHERE parent_id IS NULL ORDER BY position LIMIT 1")
	d.channelID = scalar[int64](t, a, "SELECT id FROM channels ORDER BY position LIMIT 1")
	return d
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
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

type policy struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
}

// mkPolicy creates a policy as the admin; body fields not given take defaults (any ticket, 24×7).
func (d *desk) mkPolicy(t *testing.T, body map[string]any) policy {
	t.Helper()
	b := map[string]any{"name": map[string]string{"es": "Política", "en": "Policy"}, "active": true,
		"first_response_seconds": 600, "resolution_seconds": 3600, "pause_status_ids": []int64{d.status["waiting"]},
		"escalations": []any{}}
	for k, v := range body {
		b[k] = v
	}
	st, out := d.admin.Do("POST", "/api/v1/sla/policies", b)
	return decode[policy](t, must(t, st, out, 201))
}

// create opens a ticket through the API as c (in the first queue, with the customer as requester).
func (d *desk) create(t *testing.T, c *testutil.Client, fields map[string]any) int64 {
	t.Helper()
	b := map[string]any{"subject": "Pedido sin llegar", "category_id": d.categoryID, "queue_id": d.queue["level_1"], "channel_id": d.channelID,
		"requester_id": d.f.Users["customer@x.test"].ID}
	for k, v := range fields {
		b[k] = v
	}
	st, out := c.Do("POST", "/api/v1/tickets", b)
	return decode[struct {
		ID int64 `json:"id"`
	}](t, must(t, st, out, 201)).ID
}

// patch changes a ticket through PATCH as c at its current version.
func (d *desk) patch(t *testing.T, c *testutil.Client, id int64, fields map[string]any) {
	t.Helper()
	body := map[string]any{"version": scalar[int64](t, d.a, "SELECT version FROM tickets WHERE id = $1", id)}
	for k, v := range fields {
		body[k] = v
	}
	st, out := c.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), body)
	must(t, st, out, 200)
}

func (d *desk) reply(t *testing.T, c *testutil.Client, id int64, public bool) {
	t.Helper()
	st, out := c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/comments", id), map[string]any{"body": "Hola", "public": public})
	must(t, st, out, 201)
}

type clockView struct {
	Clock      string     `json:"clock"`
	State      string     `json:"state"`
	TargetS    int64      `json:"target_s"`
	DueAt      *time.Time `json:"due_at"`
	AtRiskAt   *time.Time `json:"at_risk_at"`
	ElapsedS   int64      `json:"elapsed_s"`
	RemainingS int64      `json:"remaining_s"`
	Paused     bool       `json:"paused"`
	PausedBy   *int64     `json:"paused_by"`
	MetAt      *time.Time `json:"met_at"`
	BreachedAt *time.Time `json:"breached_at"`
}

type ticketSLA struct {
	Policy *struct {
		ID int64 `json:"id"`
	} `json:"policy"`
	Clocks     []clockView `json:"clocks"`
	StateLimit *struct {
		StatusID     int64 `json:"status_id"`
		LimitMinutes int   `json:"limit_minutes"`
		Over         bool  `json:"over"`
	} `json:"state_limit"`
}

func (d *desk) sla(t *testing.T, c *testutil.Client, id int64) ticketSLA {
	t.Helper()
	st, out := c.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/sla", id), nil)
	return decode[ticketSLA](t, must(t, st, out, 200))
}

func (s ticketSLA) clock(t *testing.T, name string) clockView {
	t.Helper()
	for _, c := range s.Clocks {
		if c.Clock == name {
			return c
		}
	}
	t.Fatalf("no %s clock in %+v", name, s)
	return clockView{}
}

// history lists a ticket's "sla" history rows as event/clock/reason, in order.
func history(t *testing.T, a *app.App, id int64) []string {
	t.Helper()
	rows, err := a.DB.Pool.Query(context.Background(), `SELECT after ->> 'event', after ->> 'clock', coalesce(after ->> 'reason', '')
		FROM ticket_history WHERE ticket_id = $1 AND field = 'sla' ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e, c, r string
		if err := rows.Scan(&e, &c, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, e+"/"+c+"/"+r)
	}
	return out
}

// backdate moves a ticket's running clocks' start back by secs, as if that much time had passed.
func backdate(t *testing.T, a *app.App, id int64, secs int) {
	t.Helper()
	exec(t, a, `UPDATE sla_clocks SET since = since - make_interval(secs => $2), started_at = started_at - make_interval(secs => $2)
		WHERE ticket_id = $1 AND since IS NOT NULL`, id, secs)
}

func near(t *testing.T, what string, got, want, tol int64) {
	t.Helper()
	if got < want-tol || got > want+tol {
		t.Fatalf("%s = %d, want %d ± %d", what, got, want, tol)
	}
}
