package automation_test

import (
	"slices"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/testutil"
)

// A rule "more than 0 minutes in Waiting" fires on its own one minute after a ticket enters Waiting —
// with no further change to the ticket — exactly once with two instances working the timers; a ticket
// that left Waiting before the minute is left alone.
func TestTimedRuleFiresWhenTheTimeComes(t *testing.T) {
	t.Parallel()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 2)
	testutil.Start(t, testutil.Config(dbURL, redisURL, prefix)) // a second instance on the same data
	admin := testutil.Login(t, a, "admin@x.test")
	st := keys(t, a, "statuses")
	r := mkRule(t, admin, map[string]any{"name": "Sin respuesta", "conditions": []any{
		cond("status_id", "eq", st["waiting"]), cond("minutes_in_state", "gt", 0)},
		"actions": []any{act("add_tag", "sin-respuesta")}})
	stays, leaves := f.Tickets[0], f.Tickets[1]
	patch(t, a, admin, stays, map[string]any{"status_id": st["waiting"]})
	patch(t, a, admin, leaves, map[string]any{"status_id": st["waiting"]})
	if n := scalar[int64](t, a, `SELECT count(*) FROM river_job WHERE kind = 'automation_timed_rule'`); n != 2 {
		t.Fatalf("%d timers scheduled, want one per ticket", n)
	}
	if ticket(t, a, stays).RuleRows != 0 {
		t.Fatal("the rule fired before its minute")
	}
	time.Sleep(10 * time.Second)
	patch(t, a, admin, leaves, map[string]any{"status_id": st["in_progress"]})

	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) && ticket(t, a, stays).RuleRows == 0 {
		time.Sleep(200 * time.Millisecond)
	}
	entered := scalar[time.Time](t, a, `SELECT state_entered_at FROM tickets WHERE id = $1`, stays)
	fired := scalar[time.Time](t, a, `SELECT fired_at FROM automation_timed_firings WHERE ticket_id = $1`, stays)
	if late := fired.Sub(entered.Add(time.Minute)); late < 0 || late > 3*time.Second {
		t.Errorf("fired %v after the minute, want within 3 s", late)
	}
	time.Sleep(2 * time.Second) // room for a second firing, were there one
	got := ticket(t, a, stays)
	if got.RuleRows != 1 || !slices.Contains(got.Tags, "sin-respuesta") {
		t.Fatalf("rule %d: %d firings, tags %v; want exactly one firing that tagged the ticket", r.ID, got.RuleRows, got.Tags)
	}
	if n := ticket(t, a, leaves).RuleRows; n != 0 {
		t.Fatalf("the ticket that left Waiting before the minute got %d firings", n)
	}
}
