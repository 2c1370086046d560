package tasks_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/tasks"
	"github.com/atiende/atiende/server/internal/testutil"
)

// TestDigest: each user with overdue open tasks gets exactly one digest (one email, one notification)
// listing exactly their overdue tasks, soonest due first; done and not-yet-due tasks are left out; a
// second run the same desk-local day sends nothing.
func TestDigest(t *testing.T) {
	e := newEnv(t, 2, nil)
	agent := testutil.Login(t, e.a, "agent1@x.test")
	now := time.Now()
	mk := func(title, assignee string, due time.Duration, done bool) {
		t.Helper()
		st, body := agent.Do("POST", path("/tickets/%d/tasks", e.f.Tickets[1]), map[string]any{"title": title,
			"assignee_id": e.uid(assignee), "due_at": now.Add(due)})
		expect(t, "create "+title, st, body, 201)
		if done {
			task := decode[tasks.Task](t, body)
			st, body = agent.Do("PATCH", path("/tasks/%d", task.ID), map[string]any{"version": task.Version, "done": true})
			expect(t, "complete "+title, st, body, 200)
		}
	}
	mk("late by an hour", "agent2@x.test", -time.Hour, false)
	mk("late by a day", "agent2@x.test", -24*time.Hour, false)
	mk("not yet due", "agent2@x.test", time.Hour, false)
	mk("late but done", "agent2@x.test", -2*time.Hour, true)
	mk("admin's late one", "admin@x.test", -time.Minute, false)
	mk("admin's future one", "admin@x.test", 72*time.Hour, false)

	ctx := context.Background()
	sent, err := e.a.Tasks.Digest(ctx, now)
	if err != nil || sent != 2 {
		t.Fatalf("digest: %d %v", sent, err)
	}
	day := now.In(e.a.Config.DeskTimeZone).Format(time.DateOnly)
	var digests []sentMail
	for _, m := range e.mail.all() {
		if m.Template == "task_digest" {
			digests = append(digests, m)
		}
	}
	sort.Slice(digests, func(i, j int) bool { return digests[i].To < digests[j].To })
	if len(digests) != 2 {
		t.Fatalf("digests %+v", digests)
	}
	want := map[string][]string{"admin@x.test": {"admin's late one"}, "agent2@x.test": {"late by a day", "late by an hour"}}
	for _, m := range digests {
		var titles []string
		for _, task := range m.Vars["tasks"].([]map[string]any) {
			titles = append(titles, task["title"].(string))
		}
		if strings.Join(titles, "|") != strings.Join(want[m.To], "|") {
			t.Fatalf("%s's digest lists %v, want %v", m.To, titles, want[m.To])
		}
		if key := "digest:" + day + ":user:"; !strings.HasPrefix(m.EventKey, key) || m.Lang != "es" && m.Lang != "en" {
			t.Fatalf("digest key %q lang %q", m.EventKey, m.Lang)
		}
		if text := m.Vars["tasks_text"].(string); !strings.Contains(text, want[m.To][0]) || !strings.Contains(text, "/tickets/") {
			t.Fatalf("digest text %q", text)
		}
	}
	notes := func() int {
		return e.count("SELECT count(*) FROM notifications WHERE kind = 'task' AND ticket_id IS NULL")
	}
	if n := notes(); n != 2 {
		t.Fatalf("digest notifications: %d", n)
	}
	// The same day again (an instance restarted, a retried job): nothing more.
	sent, err = e.a.Tasks.Digest(ctx, now.Add(time.Minute))
	if err != nil || sent != 0 || len(e.mail.all()) != len(digests)+countOther(e.mail.all()) || notes() != 2 {
		t.Fatalf("second run: sent %d, err %v, mails %d, notifications %d", sent, err, len(e.mail.all()), notes())
	}
}

// TestDigestJob: the digest's worker is registered with the job queue: a digest job for tomorrow sends
// tomorrow's digests, now including the task due within the hour.
func TestDigestJob(t *testing.T) {
	e := newEnv(t, 1, nil)
	agent := testutil.Login(t, e.a, "agent1@x.test")
	st, body := agent.Do("POST", path("/tickets/%d/tasks", e.f.Tickets[0]), map[string]any{"title": "due soon",
		"assignee_id": e.uid("agent2@x.test"), "due_at": time.Now().Add(time.Hour)})
	expect(t, "create", st, body, 201)
	at := time.Now().Add(24 * time.Hour)
	if err := e.a.Jobs.Insert(context.Background(), tasks.DigestArgs{At: at}, nil); err != nil {
		t.Fatal(err)
	}
	key := "digest:" + at.In(e.a.Config.DeskTimeZone).Format(time.DateOnly) + ":user:" + itoa(e.uid("agent2@x.test"))
	deadline := time.Now().Add(15 * time.Second)
	for {
		ms := e.mail.all()
		if len(ms) == 1 && ms[0].EventKey == key {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no digest from the job: %+v", ms)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func countOther(ms []sentMail) int {
	n := 0
	for _, m := range ms {
		if m.Template != "task_digest" {
			n++
		}
	}
	return n
}

// TestDailyAtNext: the digest's schedule fires at the next 07:00 local, also across a DST change.
func TestDailyAtNext(t *testing.T) {
	t.Parallel()
	bogota, _ := time.LoadLocation("America/Bogota")
	ny, _ := time.LoadLocation("America/New_York")
	cases := []struct {
		loc      *time.Location
		from     time.Time
		wantHour string
	}{
		{bogota, time.Date(2026, 12, 4, 6, 59, 0, 0, bogota), "2026-12-04 07:00 -05"},
		{bogota, time.Date(2026, 12, 4, 7, 0, 0, 0, bogota), "2026-12-05 07:00 -05"},
		{bogota, time.Date(2026, 12, 31, 23, 0, 0, 0, bogota), "2027-01-01 07:00 -05"},
		{ny, time.Date(2026, 3, 7, 8, 0, 0, 0, ny), "2026-03-08 07:00 EDT"}, // the night clocks go forward
		{ny, time.Date(2026, 11, 1, 0, 30, 0, 0, ny), "2026-11-01 07:00 EST"},
	}
	for _, c := range cases {
		got := tasks.DailyAt{Loc: c.loc, Hour: 7}.Next(c.from.UTC()).In(c.loc).Format("2006-01-02 15:04 MST")
		if got != c.wantHour {
			t.Errorf("from %s: got %s, want %s", c.from, got, c.wantHour)
		}
	}
}
