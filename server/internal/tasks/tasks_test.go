package tasks_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/tasks"
	"github.com/atiende/atiende/server/internal/testutil"
)

// TestTaskLifecycle: staff create, edit, complete, reopen, reassign and delete a task; a stale version is
// refused with the current task; bad input and customers are refused in their language with nothing
// written; every step is on the ticket's history and each new assignee is told in the app.
func TestTaskLifecycle(t *testing.T) {
	e := newEnv(t, 2, nil)
	ticket := e.f.Tickets[0] // requested by the customer
	agent := testutil.Login(t, e.a, "agent1@x.test")
	due := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	st, body := agent.Do("POST", path("/tickets/%d/tasks", ticket), map[string]any{
		"title": "Call the carrier", "description": "Ask where the parcel is", "assignee_id": e.uid("agent2@x.test"), "due_at": due})
	expect(t, "create", st, body, 201)
	task := decode[tasks.Task](t, body)
	if task.Assignee == nil || task.Assignee.Name != "agent2" || task.Version != 1 || task.Done || !task.DueAt.Equal(due) || !task.CanEdit {
		t.Fatalf("created %+v", task)
	}
	if n := e.count("SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'task' AND ticket_id = ?", e.uid("agent2@x.test"), ticket); n != 1 {
		t.Fatalf("assignee notifications: %d", n)
	}

	// Bad input and customers: refused in the user's language, nothing written.
	for _, lang := range []string{"es", "en"} {
		agent.Lang = lang
		st, body = agent.Do("POST", path("/tickets/%d/tasks", ticket), map[string]any{"title": "  "})
		expect(t, "empty title "+lang, st, body, 422)
		msg := decode[apiError](t, body).Error.Fields["title"]
		if (lang == "es") != strings.Contains(msg, "obligatorio") {
			t.Fatalf("%s message %q", lang, msg)
		}
		st, body = agent.Do("POST", path("/tickets/%d/tasks", ticket), map[string]any{"title": "x", "assignee_id": 999999})
		expect(t, "unknown assignee "+lang, st, body, 422)
	}
	agent.Lang = "en"
	customer := testutil.Login(t, e.a, "customer@x.test")
	st, body = customer.Do("GET", path("/tickets/%d/tasks", ticket), nil)
	expect(t, "customer lists", st, body, 403)
	st, body = customer.Do("POST", path("/tickets/%d/tasks", ticket), map[string]any{"title": "mine"})
	expect(t, "customer creates", st, body, 403)
	st, body = customer.Do("GET", path("/tasks/%d/comments", task.ID), nil)
	expect(t, "customer reads comments", st, body, 404)
	if n := e.count("SELECT count(*) FROM ticket_tasks"); n != 1 {
		t.Fatalf("tasks written by refused requests: %d", n)
	}

	// Edits, and a stale edit refused with the current task.
	st, body = agent.Do("PATCH", path("/tasks/%d", task.ID), map[string]any{"version": 1, "title": "Call the carrier today"})
	expect(t, "edit", st, body, 200)
	st, body = agent.Do("PATCH", path("/tasks/%d", task.ID), map[string]any{"version": 1, "title": "Stale"})
	expect(t, "stale edit", st, body, 409)
	var cur tasks.Task
	cur = decode[tasks.Task](t, decode[apiError](t, body).Current)
	if cur.Version != 2 || cur.Title != "Call the carrier today" {
		t.Fatalf("current of 409: %+v", cur)
	}
	st, body = agent.Do("PATCH", path("/tasks/%d", task.ID), map[string]any{"version": 2, "done": true})
	expect(t, "complete", st, body, 200)
	if got := decode[tasks.Task](t, body); !got.Done || got.DoneAt == nil {
		t.Fatalf("completed %+v", got)
	}
	st, body = agent.Do("PATCH", path("/tasks/%d", task.ID), map[string]any{"version": 3, "done": false, "assignee_id": e.uid("admin@x.test")})
	expect(t, "reopen and reassign", st, body, 200)
	if got := decode[tasks.Task](t, body); got.Done || got.DoneAt != nil || got.Assignee.ID != e.uid("admin@x.test") {
		t.Fatalf("reopened %+v", got)
	}
	if n := e.count("SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'task'", e.uid("admin@x.test")); n != 1 {
		t.Fatalf("new assignee notifications: %d", n)
	}
	st, body = agent.Do("DELETE", path("/tasks/%d?version=3", task.ID), nil)
	expect(t, "stale delete", st, body, 409)
	st, body = agent.Do("DELETE", path("/tasks/%d?version=4", task.ID), nil)
	expect(t, "delete", st, body, 204)
	st, body = agent.Do("GET", path("/tickets/%d/tasks", ticket), nil)
	expect(t, "list", st, body, 200)
	if items := decode[struct{ Items []tasks.Task }](t, body).Items; len(items) != 0 {
		t.Fatalf("after delete: %+v", items)
	}
	want := []string{"created", "completed", "reopened", "reassigned", "deleted"}
	if got := e.events(ticket, "task"); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("history %v, want %v", got, want)
	}
}

// TestAssigneeWithoutTheTicket: a task's assignee who may not see its ticket sees that task alone (in
// my tasks, its comments and files), completes it, comments and attaches files, but changes nothing
// else and never sees the ticket. Files are checked like ticket attachments.
func TestAssigneeWithoutTheTicket(t *testing.T) {
	e := newEnv(t, 2, func(c *app.Config) { c.AttachmentMaxBytes = 4096 })
	ticket := e.f.Tickets[0] // the customer's; other@x.test does not see it
	agent := testutil.Login(t, e.a, "agent1@x.test")
	st, body := agent.Do("POST", path("/tickets/%d/tasks", ticket), map[string]any{"title": "Send the signed form",
		"assignee_id": e.uid("other@x.test"), "due_at": time.Now().Add(48 * time.Hour)})
	expect(t, "create", st, body, 201)
	task := decode[tasks.Task](t, body)
	// One without a due date and one done, to see the order of my tasks.
	st, body = agent.Do("POST", path("/tickets/%d/tasks", ticket), map[string]any{"title": "No date", "assignee_id": e.uid("other@x.test")})
	expect(t, "create undated", st, body, 201)

	// Told in the app, without a link to a ticket they may not open.
	if n := e.count("SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'task' AND ticket_id IS NULL", e.uid("other@x.test")); n != 2 {
		t.Fatalf("assignee notifications without the ticket: %d", n)
	}
	other := testutil.Login(t, e.a, "other@x.test")
	st, body = other.Do("GET", path("/tickets/%d", ticket), nil)
	expect(t, "ticket hidden", st, body, 404)
	st, body = other.Do("GET", path("/tickets/%d/tasks", ticket), nil)
	expect(t, "ticket's tasks hidden", st, body, 404)
	st, body = other.Do("GET", path("/me/tasks?open=true"), nil)
	expect(t, "my tasks", st, body, 200)
	mine := decode[tasks.TaskPage](t, body).Items
	if len(mine) != 2 || mine[0].ID != task.ID || mine[1].Title != "No date" || mine[0].CanEdit || mine[0].TicketNumber == 0 {
		t.Fatalf("my tasks %+v", mine)
	}
	st, body = other.Do("PATCH", path("/tasks/%d", task.ID), map[string]any{"version": 1, "title": "Renamed"})
	expect(t, "assignee renames", st, body, 403)
	st, body = other.Do("DELETE", path("/tasks/%d", task.ID), nil)
	expect(t, "assignee deletes", st, body, 403)
	st, body = other.Do("POST", path("/tasks/%d/comments", task.ID), map[string]any{"body": "Sent by post today"})
	expect(t, "assignee comments", st, body, 201)
	st, body = other.Do("PATCH", path("/tasks/%d", task.ID), map[string]any{"version": 1, "done": true})
	expect(t, "assignee completes", st, body, 200)
	if got := decode[tasks.Task](t, body); !got.Done || got.Title != "Send the signed form" {
		t.Fatalf("completed %+v", got)
	}
	st, body = other.Do("GET", path("/me/tasks?open=true"), nil)
	expect(t, "my open tasks", st, body, 200)
	if items := decode[tasks.TaskPage](t, body).Items; len(items) != 1 || items[0].Title != "No date" {
		t.Fatalf("open tasks after completing: %+v", items)
	}

	// Files: a good one, then one too large and one disguised, refused with nothing stored.
	content := []byte("signed form, page 1\n")
	b, h := form(t, nil, upload{"file", "form.txt", content})
	st, body = other.DoHeaders("POST", path("/tasks/%d/files", task.ID), b, h)
	expect(t, "upload", st, body, 201)
	f := decode[tasks.File](t, body)
	st, got := agent.Do("GET", f.URL, nil)
	expect(t, "download", st, got, 200)
	if !bytes.Equal(got, content) {
		t.Fatalf("downloaded %q", got)
	}
	for _, lang := range []string{"es", "en"} {
		other.Lang = lang
		b, h = form(t, nil, upload{"file", "big.txt", bytes.Repeat([]byte("a"), 5000)})
		st, body = other.DoHeaders("POST", path("/tasks/%d/files", task.ID), b, h)
		expect(t, "too large "+lang, st, body, 413)
		if msg := decode[apiError](t, body).Error.Message; !strings.Contains(msg, "4 KiB") {
			t.Fatalf("too large message %q", msg)
		}
		b, h = form(t, nil, upload{"file", "photo.png", []byte("just text, not a picture")})
		st, body = other.DoHeaders("POST", path("/tasks/%d/files", task.ID), b, h)
		expect(t, "disguised "+lang, st, body, 422)
		msg := decode[apiError](t, body).Error.Fields["file"]
		if (lang == "es") != strings.Contains(msg, "contenido") {
			t.Fatalf("%s disguised message %q", lang, msg)
		}
	}
	if n := e.count("SELECT count(*) FROM task_files"); n != 1 {
		t.Fatalf("task files: %d", n)
	}
	st, body = agent.Do("GET", path("/tasks/%d/comments", task.ID), nil)
	expect(t, "staff read comments", st, body, 200)
	if cs := decode[struct{ Items []tasks.Comment }](t, body).Items; len(cs) != 1 || cs[0].Author.Name != "other" {
		t.Fatalf("comments %+v", cs)
	}
	// The customer who requested the ticket sees it, but not its tasks nor their files.
	customer := testutil.Login(t, e.a, "customer@x.test")
	st, body = customer.Do("GET", f.URL, nil)
	expect(t, "customer downloads", st, body, 404)
}
