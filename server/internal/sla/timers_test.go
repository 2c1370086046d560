package sla_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/sla"
	"github.com/atiende/atiende/server/internal/testutil"
)

// Two instances on one database, 30 tickets on a 10 s / 20 s policy created through both: every
// at-risk and every breach fires exactly once (one history row and one notification each), within
// seconds of its moment, while both instances work the timers queue.
func TestTimersFireOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a1 := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	a2 := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	d := prepare(t, a1)
	admin2 := testutil.Login(t, a2, "admin@x.test")
	agent := d.f.Users["agent1@x.test"].ID
	exec(t, a1, "UPDATE queues SET supervisor_ids = ARRAY[$1::bigint] WHERE key = 'level_1'", d.f.Users["admin@x.test"].ID)
	d.mkPolicy(t, map[string]any{"first_response_seconds": 10, "resolution_seconds": 20, "at_risk_percent": 50,
		"escalations": []map[string]string{{"on": "at_risk", "clock": "any", "action": "notify_assignee"},
			{"on": "breach", "clock": "any", "action": "notify_supervisors"}}})
	const n = 30
	for i := range n {
		c := d.admin
		if i%2 == 1 {
			c = admin2
		}
		d.create(t, c, map[string]any{"assignee_id": agent})
	}
	deadline := time.Now().Add(60 * time.Second)
	for scalar[int64](t, a1, "SELECT count(*) FROM ticket_history WHERE field = 'sla' AND after ->> 'event' = 'breached'") < 2*n {
		if time.Now().After(deadline) {
			t.Fatal("the breaches did not all fire within a minute")
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The escalations run in jobs of their own right after; then let any duplicate show up.
	for scalar[int64](t, a1, "SELECT count(*) FROM notifications WHERE kind = 'sla'") < 4*n && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(3 * time.Second)
	for _, ev := range []string{"at_risk", "breached"} {
		rows := scalar[int64](t, a1, "SELECT count(*) FROM ticket_history WHERE field = 'sla' AND after ->> 'event' = $1", ev)
		distinct := scalar[int64](t, a1, `SELECT count(DISTINCT (ticket_id, after ->> 'clock')) FROM ticket_history
			WHERE field = 'sla' AND after ->> 'event' = $1`, ev)
		if rows != 2*n || distinct != 2*n {
			t.Fatalf("%s: %d history rows over %d clocks, want %d once each", ev, rows, distinct, 2*n)
		}
	}
	if got := scalar[int64](t, a1, "SELECT count(*) FROM notifications WHERE kind = 'sla' AND user_id = $1", agent); got != 2*n {
		t.Fatalf("the assignee got %d at-risk notifications, want %d", got, 2*n)
	}
	if got := scalar[int64](t, a1, "SELECT count(*) FROM notifications WHERE kind = 'sla' AND user_id = $1", d.f.Users["admin@x.test"].ID); got != 2*n {
		t.Fatalf("the supervisor got %d breach notifications, want %d", got, 2*n)
	}
	late := scalar[float64](t, a1, "SELECT max(extract(epoch FROM breached_at - due_at))::float8 FROM sla_clocks")
	early := scalar[float64](t, a1, "SELECT min(extract(epoch FROM breached_at - due_at))::float8 FROM sla_clocks")
	riskLate := scalar[float64](t, a1, "SELECT max(extract(epoch FROM at_risk_fired_at - at_risk_at))::float8 FROM sla_clocks")
	t.Logf("breach lateness: %.3f s .. %.3f s; at-risk lateness up to %.3f s", early, late, riskLate)
	if late > 3 || riskLate > 3 || early < -0.5 {
		t.Fatalf("timers fired %.3f s .. %.3f s from their moment (at risk up to %.3f s)", early, late, riskLate)
	}
}

// Escalations: the first response's breach raises the priority, the resolution's moves the ticket to
// the next queue level, the at-risk tells the queue's supervisors; viewers see the clock change live.
func TestEscalations(t *testing.T) {
	t.Parallel()
	d := open(t)
	exec(t, d.a, "UPDATE queues SET supervisor_ids = ARRAY[$1::bigint] WHERE key = 'level_1'", d.f.Users["admin@x.test"].ID)
	d.mkPolicy(t, map[string]any{"first_response_seconds": 10, "resolution_seconds": 20, "at_risk_percent": 50,
		"escalations": []map[string]string{{"on": "breach", "clock": "first_response", "action": "raise_priority"},
			{"on": "breach", "clock": "resolution", "action": "next_queue"},
			{"on": "at_risk", "clock": "first_response", "action": "notify_supervisors"}}})
	live := d.admin.Connect(d.a, nil)
	id := d.create(t, d.admin, map[string]any{"priority_id": d.priority["delegate"], "assignee_id": d.f.Users["agent1@x.test"].ID})
	live.WaitFor(func(fs []testutil.Frame) bool {
		for _, f := range fs {
			// The resolution's breach moved the ticket: its card shows the first response (never met), breached.
			if c := f.Card(); (f.Name == "ticket.sla" || f.Name == "ticket.updated") && c.ID == id && c.SLA != nil && c.SLA.State == "breached" &&
				c.QueueID != nil && *c.QueueID == d.queue["level_2"] {
				return true
			}
		}
		return false
	}, 40*time.Second, "a live card after the resolution's breach")
	// The breach itself was told live with a ticket.sla.
	breached := false
	for _, f := range live.Frames() {
		if c := f.Card(); f.Name == "ticket.sla" && c.ID == id && c.SLA != nil && c.SLA.State == "breached" {
			breached = true
		}
	}
	if !breached {
		t.Fatal("no live ticket.sla with the clock breached")
	}
	var prio, queue int64
	var assignee *int64
	if err := d.a.DB.Pool.QueryRow(context.Background(), "SELECT priority_id, queue_id, assignee_id FROM tickets WHERE id = $1", id).
		Scan(&prio, &queue, &assignee); err != nil {
		t.Fatal(err)
	}
	if prio != d.priority["decide"] {
		t.Fatalf("priority %d, want the next more urgent one (%d)", prio, d.priority["decide"])
	}
	if queue != d.queue["level_2"] || assignee != nil {
		t.Fatalf("queue %d assignee %v, want level 2 and nobody", queue, assignee)
	}
	if got := scalar[int64](t, d.a, "SELECT count(*) FROM notifications WHERE kind = 'sla' AND user_id = $1 AND ticket_id = $2",
		d.f.Users["admin@x.test"].ID, id); got != 1 {
		t.Fatalf("the supervisor got %d notifications, want 1", got)
	}
	// The changes are on the ticket's history, by the system.
	if got := scalar[int64](t, d.a, `SELECT count(*) FROM ticket_history WHERE ticket_id = $1 AND actor_id IS NULL
		AND field IN ('priority_id', 'queue_id')`, id); got != 2 {
		t.Fatalf("%d system history rows for the escalations, want 2", got)
	}
}

// Entering a workflow state with a time limit notes it and sets a timer; the timer records it once
// and tells the assignee, and does nothing once the ticket left the state.
func TestStateLimit(t *testing.T) {
	d := open(t)
	exec(t, d.a, `UPDATE workflow_versions v SET definition = jsonb_set(v.definition, '{states}', (SELECT jsonb_agg(
		CASE WHEN (st ->> 'status_id')::bigint = $1 THEN st || '{"limit_minutes": 1}' ELSE st END)
		FROM jsonb_array_elements(v.definition -> 'states') st))`, d.status["in_progress"])
	agent := d.f.Users["agent1@x.test"].ID
	id := d.create(t, d.admin, map[string]any{"assignee_id": agent})
	d.patch(t, d.admin, id, map[string]any{"status_id": d.status["in_progress"]})
	s := d.sla(t, d.admin, id)
	if s.StateLimit == nil || s.StateLimit.LimitMinutes != 1 || s.StateLimit.Over || s.StateLimit.StatusID != d.status["in_progress"] {
		t.Fatalf("state limit: %+v", s.StateLimit)
	}
	args := stateJob(t, d, id)
	if !args.At.Equal(args.EnteredAt.Add(time.Minute)) {
		t.Fatalf("timer at %s for an entry at %s", args.At, args.EnteredAt)
	}
	for i, want := range []bool{true, false} {
		fired, err := d.a.SLA.FireStateLimit(context.Background(), args)
		if err != nil || fired != want {
			t.Fatalf("firing %d: %v %v, want %v", i, fired, err, want)
		}
	}
	if s := d.sla(t, d.admin, id); s.StateLimit == nil || !s.StateLimit.Over {
		t.Fatalf("after firing: %+v", s.StateLimit)
	}
	if got := scalar[int64](t, d.a, "SELECT count(*) FROM ticket_history WHERE ticket_id = $1 AND field = 'state_limit'", id); got != 1 {
		t.Fatalf("%d state_limit history rows", got)
	}
	if got := scalar[int64](t, d.a, "SELECT count(*) FROM notifications WHERE kind = 'sla' AND user_id = $1", agent); got != 1 {
		t.Fatalf("%d notifications for the assignee", got)
	}
	// Left and re-entered: the old timer finds a different entry and does nothing.
	d.patch(t, d.admin, id, map[string]any{"status_id": d.status["waiting"]})
	d.patch(t, d.admin, id, map[string]any{"status_id": d.status["in_progress"]})
	if fired, err := d.a.SLA.FireStateLimit(context.Background(), args); err != nil || fired {
		t.Fatalf("stale timer fired: %v %v", fired, err)
	}
}

// stateJob reads the newest state-limit job enqueued for a ticket.
func stateJob(t *testing.T, d *desk, id int64) sla.StateLimitArgs {
	t.Helper()
	raw := scalar[[]byte](t, d.a, `SELECT args FROM river_job WHERE kind = 'sla_state_limit' AND (args ->> 'ticket_id')::bigint = $1
		ORDER BY id DESC LIMIT 1`, id)
	var a sla.StateLimitArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// The counts by queue equal an independent count over the tickets, computed from each clock's used
// time rather than from its due instants; who may not see a ticket does not count it.
func TestCounts(t *testing.T) {
	d := open(t)
	p := d.mkPolicy(t, map[string]any{"at_risk_percent": 50})
	onTrack := d.create(t, d.admin, nil)
	breached := d.create(t, d.admin, nil)
	atRisk := d.create(t, d.admin, nil)
	paused := d.create(t, d.admin, nil)
	done := d.create(t, d.admin, nil)
	d.create(t, d.admin, map[string]any{"queue_id": d.queue["level_2"]})
	hidden := d.create(t, d.admin, map[string]any{"queue_id": d.queue["level_3"]})
	_ = onTrack
	// No role sees the level-3 ticket but the admin's.
	d.patch(t, d.admin, hidden, map[string]any{"allowed_roles": []int64{}})
	backdate(t, d.a, breached, 700)
	backdate(t, d.a, atRisk, 400)
	d.patch(t, d.admin, paused, map[string]any{"status_id": d.status["waiting"]})
	d.patch(t, d.admin, done, map[string]any{"status_id": d.status["resolved"]})
	// Saving the policy recalculates its clocks from the time they used.
	st, out := d.admin.Do("PUT", fmt.Sprintf("/api/v1/sla/policies/%d", p.ID), map[string]any{
		"name": map[string]string{"es": "P", "en": "P"}, "active": true, "first_response_seconds": 600, "resolution_seconds": 3600,
		"at_risk_percent": 50, "pause_status_ids": []int64{d.status["waiting"]}, "version": p.Version})
	must(t, st, out, 200)

	type row struct {
		QueueID  int64 `json:"queue_id"`
		OnTrack  int64 `json:"on_track"`
		AtRisk   int64 `json:"at_risk"`
		Breached int64 `json:"breached"`
		Paused   int64 `json:"paused"`
	}
	get := func(c *testutil.Client, query string) map[int64]row {
		t.Helper()
		st, out := c.Do("GET", "/api/v1/sla/counts"+query, nil)
		var body struct {
			Rows []row `json:"rows"`
		}
		body = decode[struct {
			Rows []row `json:"rows"`
		}](t, must(t, st, out, 200))
		m := map[int64]row{}
		for _, r := range body.Rows {
			m[r.QueueID] = r
		}
		return m
	}
	got := get(d.admin, "")
	want := map[int64]row{
		d.queue["level_1"]: {d.queue["level_1"], 1, 1, 1, 1},
		d.queue["level_2"]: {d.queue["level_2"], 1, 0, 0, 0},
		d.queue["level_3"]: {d.queue["level_3"], 1, 0, 0, 0},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("counts %v, want %v", got, want)
	}
	rows, err := d.a.DB.Pool.Query(context.Background(), `WITH cur AS (
		SELECT DISTINCT ON (k.ticket_id) t.queue_id, k.since, k.target_s, p.at_risk_percent,
		       k.elapsed_s + coalesce(extract(epoch FROM now() - k.since), 0) AS used
		  FROM sla_clocks k JOIN tickets t ON t.id = k.ticket_id JOIN statuses s ON s.id = t.status_id
		  JOIN sla_policies p ON p.id = k.policy_id
		 WHERE s.grp <> 'done' AND k.state IN ('running', 'paused')
		 ORDER BY k.ticket_id, k.clock = 'first_response' DESC)
		SELECT queue_id,
		       count(*) FILTER (WHERE since IS NOT NULL AND used < target_s * at_risk_percent / 100.0),
		       count(*) FILTER (WHERE since IS NOT NULL AND used >= target_s * at_risk_percent / 100.0 AND used < target_s),
		       count(*) FILTER (WHERE since IS NOT NULL AND used >= target_s),
		       count(*) FILTER (WHERE since IS NULL)
		  FROM cur GROUP BY queue_id`)
	if err != nil {
		t.Fatal(err)
	}
	independent := map[int64]row{}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.QueueID, &r.OnTrack, &r.AtRisk, &r.Breached, &r.Paused); err != nil {
			t.Fatal(err)
		}
		independent[r.QueueID] = r
	}
	rows.Close()
	if fmt.Sprint(got) != fmt.Sprint(independent) {
		t.Fatalf("counts %v, independent count %v", got, independent)
	}
	// Filtered by queue.
	if one := get(d.admin, fmt.Sprintf("?queue_id=%d", d.queue["level_2"])); len(one) != 1 || one[d.queue["level_2"]].OnTrack != 1 {
		t.Fatalf("level 2 only: %v", one)
	}
	// An agent does not see the level-3 ticket.
	agent := testutil.Login(t, d.a, "agent1@x.test")
	if a := get(agent, ""); a[d.queue["level_3"]].OnTrack != 0 || a[d.queue["level_1"]] != want[d.queue["level_1"]] {
		t.Fatalf("agent's counts %v", a)
	}
	// A customer holds no widget permission.
	customer := testutil.Login(t, d.a, "customer@x.test")
	st, out = customer.Do("GET", "/api/v1/sla/counts", nil)
	must(t, st, out, 403)
}
