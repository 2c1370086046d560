package notify_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
)

type created struct {
	ID     int64 `json:"id"`
	Number int64 `json:"number"`
}

func newTicket(t *testing.T, a *app.App, c *testutil.Client, fields map[string]any) created {
	t.Helper()
	body := map[string]any{"subject": "Factura duplicada", "category_id": keys(t, a, "categories")["system"],
		"channel_id": keys(t, a, "channels")["phone"]}
	for k, v := range fields {
		body[k] = v
	}
	st, out := c.Do("POST", "/api/v1/tickets", body)
	return decode[created](t, must(t, st, out, 201))
}

func patchTicket(t *testing.T, a *app.App, c *testutil.Client, id int64, fields map[string]any) int64 {
	t.Helper()
	v := scalar[int64](t, a, "SELECT version FROM tickets WHERE id = $1", id)
	body := map[string]any{"version": v}
	for k, val := range fields {
		body[k] = val
	}
	st, out := c.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), body)
	must(t, st, out, 200)
	return v + 1
}

func comment(t *testing.T, c *testutil.Client, id int64, body string, public bool) {
	t.Helper()
	st, out := c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/comments", id), map[string]any{"body": body, "public": public})
	must(t, st, out, 201)
}

// Without SMTP every mail a ticket's life causes is kept as logged, to the right people only: never to
// whoever acted, never for an internal note, never about an event a user turned off; a requester without
// an account gets every mail about their ticket. The admin reads them in the mail log.
func TestTicketMailsLogged(t *testing.T) {
	apps, f := start(t, 1, 0, nil)
	a := apps[0]
	agent1, agent2 := f.Users["agent1@x.test"], f.Users["agent2@x.test"]
	exec(t, a, "UPDATE users SET locale = 'es' WHERE id = $1", agent1.ID)
	admin := testutil.Login(t, a, "admin@x.test")
	ag1 := testutil.Login(t, a, "agent1@x.test")
	ag2 := testutil.Login(t, a, "agent2@x.test")
	customer := testutil.Login(t, a, "customer@x.test")

	// Created by the admin: the requester and the assignee are told, the admin is not.
	tk := newTicket(t, a, admin, map[string]any{"requester_id": f.Users["customer@x.test"].ID, "assignee_id": agent1.ID})
	got := mailsOf(mails(t, a), fmt.Sprintf("ticket:%d:created", tk.ID))
	if r := recipients(got); strings.Join(r, ",") != "agent1@x.test,customer@x.test" {
		t.Fatalf("created mail went to %v", r)
	}
	if s := got["customer@x.test"].Subject; s != fmt.Sprintf("[#%d] We received your request: Factura duplicada", tk.Number) {
		t.Errorf("customer (en) subject %q", s)
	}
	if s := got["agent1@x.test"].Subject; s != fmt.Sprintf("[#%d] Recibimos tu solicitud: Factura duplicada", tk.Number) ||
		got["agent1@x.test"].Lang != "es" {
		t.Errorf("agent (es) subject %q", s)
	}
	// agent2 watches; the customer replies: the assignee and the watcher are told, the customer is not.
	st, out := ag2.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/watchers", tk.ID), map[string]any{"user_id": agent2.ID})
	must(t, st, out, 200)
	before := len(mails(t, a))
	comment(t, customer, tk.ID, "Sigo esperando la nota crédito.", true)
	ms := mails(t, a)
	var reply map[string]outbox
	for _, m := range ms[before:] {
		if strings.HasPrefix(m.EventKey, "comment:") {
			reply = mailsOf(ms, m.EventKey)
		}
	}
	if r := recipients(reply); len(ms)-before != 2 || strings.Join(r, ",") != "agent1@x.test,agent2@x.test" {
		t.Fatalf("reply mailed %v (%d new mails)", r, len(ms)-before)
	}
	if m := reply["agent2@x.test"]; !strings.Contains(m.Text, "customer replied:") || !strings.Contains(m.Text, "Sigo esperando la nota crédito.") {
		t.Errorf("reply mail text:\n%s", m.Text)
	}
	// An internal note mails nobody, whoever wrote it.
	before = len(mails(t, a))
	comment(t, ag1, tk.ID, "Nota interna: revisar con contabilidad.", false)
	comment(t, admin, tk.ID, "Otra nota interna.", false)
	if n := len(mails(t, a)); n != before {
		t.Fatalf("internal notes queued %d mails", n-before)
	}

	// agent2 turns status mail off: a status change reaches the customer and the assignee only.
	st, out = ag2.Do("PUT", "/api/v1/me/mail-preferences", map[string]any{"events": map[string]any{"ticket_status": false}})
	prefs := decode[struct {
		Events map[string]bool `json:"events"`
	}](t, must(t, st, out, 200))
	if len(prefs.Events) != 6 || prefs.Events["ticket_status"] || !prefs.Events["ticket_closed"] || !prefs.Events["task_digest"] {
		t.Fatalf("preferences after the change: %v", prefs.Events)
	}
	v := patchTicket(t, a, admin, tk.ID, map[string]any{"status_id": f.Statuses[1]})
	got = mailsOf(mails(t, a), fmt.Sprintf("ticket:%d:v%d:status", tk.ID, v))
	if r := recipients(got); strings.Join(r, ",") != "agent1@x.test,customer@x.test" {
		t.Fatalf("status mail went to %v", r)
	}
	if m := got["agent1@x.test"]; m.Template != "ticket_updated" || !strings.Contains(m.Text, "el estado pasó de") {
		t.Errorf("status mail: %s\n%s", m.Template, m.Text)
	}
	// Closing: ticket_closed to all three (agent2 kept closing mail on).
	v = patchTicket(t, a, admin, tk.ID, map[string]any{"status_id": f.Statuses[len(f.Statuses)-1]})
	got = mailsOf(mails(t, a), fmt.Sprintf("ticket:%d:v%d:status", tk.ID, v))
	if r := recipients(got); strings.Join(r, ",") != "agent1@x.test,agent2@x.test,customer@x.test" {
		t.Fatalf("closing mail went to %v", r)
	}
	for _, m := range got {
		if m.Template != "ticket_closed" {
			t.Errorf("closing mail to %s uses %s", m.To, m.Template)
		}
	}
	// Reassigning from agent1 to agent2, by agent2 themself: agent1 hears of it, the requester does not.
	v = patchTicket(t, a, ag2, tk.ID, map[string]any{"assignee_id": agent2.ID})
	got = mailsOf(mails(t, a), fmt.Sprintf("ticket:%d:v%d:assigned", tk.ID, v))
	if r := recipients(got); strings.Join(r, ",") != "agent1@x.test" || !strings.Contains(got["agent1@x.test"].Text, "ahora lo atiende agent2") {
		t.Fatalf("assignment mail went to %v: %v", r, got)
	}

	// A requester without an account (the web form's) gets the mail whoever creates the ticket.
	anon := newTicket(t, a, ag1, map[string]any{"requester": map[string]any{"name": "Rosa Díaz", "email": "rosa@fuera.test"}})
	got = mailsOf(mails(t, a), fmt.Sprintf("ticket:%d:created", anon.ID))
	if r := recipients(got); strings.Join(r, ",") != "rosa@fuera.test" || got["rosa@fuera.test"].Lang != "es" {
		t.Fatalf("anonymous requester's created mail: %v", got)
	}
	// …and a user who turned created mail off does not.
	st, out = ag2.Do("PUT", "/api/v1/me/mail-preferences", map[string]any{"events": map[string]any{"ticket_created": false}})
	must(t, st, out, 200)
	off := newTicket(t, a, admin, map[string]any{"requester_id": f.Users["customer@x.test"].ID, "assignee_id": agent2.ID})
	if got := mailsOf(mails(t, a), fmt.Sprintf("ticket:%d:created", off.ID)); strings.Join(recipients(got), ",") != "customer@x.test" {
		t.Fatalf("created mail to a user who turned it off: %v", got)
	}

	// Every mail is logged (no SMTP), and the mail log shows them to the admin, newest first.
	all := mails(t, a)
	for _, m := range all {
		if m.Status != "logged" || m.Attempts != 0 {
			t.Errorf("%s to %s: %s", m.EventKey, m.To, m.Status)
		}
	}
	type logPage struct {
		Items []struct {
			ID        int64   `json:"id"`
			EventKey  string  `json:"event_key"`
			ToEmail   string  `json:"to_email"`
			Status    string  `json:"status"`
			MessageID string  `json:"message_id"`
			Subject   string  `json:"subject"`
			TicketID  *int64  `json:"ticket_id"`
			SentAt    *string `json:"sent_at"`
			Text      *string `json:"text"`
		} `json:"items"`
		HasMore bool `json:"has_more"`
	}
	st, out = admin.Do("GET", "/api/v1/mail/log?status=logged", nil)
	page := decode[logPage](t, must(t, st, out, 200))
	if len(page.Items) != len(all) || page.HasMore || page.Items[0].ID != all[len(all)-1].ID || page.Items[0].Text != nil {
		t.Fatalf("mail log: %d items (want %d), first %+v", len(page.Items), len(all), page.Items[0])
	}
	st, out = admin.Do("GET", "/api/v1/mail/log?status=sent", nil)
	if p := decode[logPage](t, must(t, st, out, 200)); len(p.Items) != 0 {
		t.Errorf("sent mails without SMTP: %v", p.Items)
	}
	st, out = admin.Do("GET", fmt.Sprintf("/api/v1/mail/log?before=%d", all[1].ID), nil)
	if p := decode[logPage](t, must(t, st, out, 200)); len(p.Items) != 1 || p.Items[0].ID != all[0].ID {
		t.Errorf("page before %d: %+v", all[1].ID, p.Items)
	}
	st, out = admin.Do("GET", fmt.Sprintf("/api/v1/mail/log/%d", all[0].ID), nil)
	detail := decode[struct {
		Subject string `json:"subject"`
		Text    string `json:"text"`
		HTML    string `json:"html"`
	}](t, must(t, st, out, 200))
	if !strings.Contains(detail.Text, "https://desk.example.com/tickets/") || !strings.Contains(detail.HTML, `href="https://desk.example.com/tickets/`) {
		t.Errorf("log detail:\n%s\n%s", detail.Text, detail.HTML)
	}
	for _, path := range []string{"/api/v1/mail/log", fmt.Sprintf("/api/v1/mail/log/%d", all[0].ID), "/api/v1/mail/templates"} {
		if st, out := ag1.Do("GET", path, nil); st != 403 {
			t.Errorf("agent GET %s: %d %s", path, st, out)
		}
	}
	st, out = admin.DoHeaders("GET", "/api/v1/mail/log?status=lost", nil, map[string]string{"Accept-Language": "en"})
	if e := decode[errorBody](t, must(t, st, out, 422)); e.Error.Fields["status"] == "" {
		t.Errorf("bad status filter: %s", out)
	}
}
