package notify_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/testutil"
)

type template struct {
	Key       string            `json:"key"`
	Subject   map[string]string `json:"subject"`
	Body      map[string]string `json:"body"`
	Variables []string          `json:"variables"`
	Version   int64             `json:"version"`
}

// The admin edits templates: a variable the template does not have is refused in the user's language,
// naming it, and nothing is written; a saved template is what the next mail says.
func TestTemplateEditing(t *testing.T) {
	apps, f := start(t, 1, 2, nil)
	a := apps[0]
	admin := testutil.Login(t, a, "admin@x.test")
	agent := testutil.Login(t, a, "agent1@x.test")

	st, out := admin.Do("GET", "/api/v1/mail/templates", nil)
	list := decode[struct{ Items []template }](t, must(t, st, out, 200))
	var keysSeen []string
	for _, tp := range list.Items {
		keysSeen = append(keysSeen, tp.Key)
		for _, l := range []string{"es", "en"} {
			if strings.TrimSpace(tp.Subject[l]) == "" || strings.TrimSpace(tp.Body[l]) == "" {
				t.Errorf("%s has no %s text", tp.Key, l)
			}
		}
	}
	if strings.Join(keysSeen, ",") != "ticket_created,ticket_updated,ticket_closed,task_digest,info_request,sla_escalation,magic_link,ticket_tracking" {
		t.Fatalf("templates %v", keysSeen)
	}
	st, out = admin.Do("GET", "/api/v1/mail/templates/ticket_updated", nil)
	cur := decode[template](t, must(t, st, out, 200))
	if !strings.Contains(strings.Join(cur.Variables, ","), "change.summary") || !strings.Contains(cur.Body["en"], "{{reply.text}}") {
		t.Fatalf("ticket_updated: %+v", cur)
	}

	bad := map[string]any{"subject": map[string]any{"es": "Novedad {{ticket.number}}", "en": "News {{ ticket.secret }}"},
		"body": map[string]any{"es": "Hola {{customer.phone}} y {{link}}", "en": "Hi"}, "version": cur.Version}
	for lang, want := range map[string][]string{
		"es": {"Variables desconocidas: ticket.secret", "Variables desconocidas: customer.phone, link"},
		"en": {"Unknown variables: ticket.secret", "Unknown variables: customer.phone, link"},
	} {
		st, out := admin.DoHeaders("PUT", "/api/v1/mail/templates/ticket_updated", bad, map[string]string{"Accept-Language": lang})
		e := decode[errorBody](t, must(t, st, out, 422))
		if !strings.HasPrefix(e.Error.Fields["subject.en"], want[0]) || !strings.HasPrefix(e.Error.Fields["body.es"], want[1]) ||
			len(e.Error.Fields) != 2 {
			t.Errorf("%s: %v", lang, e.Error.Fields)
		}
	}
	// Blank texts and a subject of two lines are refused too.
	st, out = admin.Do("PUT", "/api/v1/mail/templates/ticket_updated", map[string]any{"subject": map[string]any{"es": "a\nb", "en": " "},
		"body": map[string]any{"es": "x", "en": "y"}, "version": cur.Version})
	if e := decode[errorBody](t, must(t, st, out, 422)); e.Error.Fields["subject.es"] == "" || e.Error.Fields["subject.en"] == "" {
		t.Errorf("blank and two-line subjects: %v", e.Error.Fields)
	}
	// Several at once: one bad item refuses them all.
	st, out = admin.Do("PUT", "/api/v1/mail/templates", map[string]any{"items": []any{
		map[string]any{"key": "ticket_closed", "subject": map[string]any{"es": "Cerrado", "en": "Closed"},
			"body": map[string]any{"es": "Listo", "en": "Done"}, "version": 1},
		map[string]any{"key": "task_digest", "subject": map[string]any{"es": "Tareas", "en": "Tasks"},
			"body": map[string]any{"es": "{{tasks.list}}", "en": "{{ticket.number}}"}, "version": 1}}})
	if e := decode[errorBody](t, must(t, st, out, 422)); e.Error.Fields["items.1.body.en"] == "" || len(e.Error.Fields) != 1 {
		t.Errorf("bulk refusal: %v", e.Error.Fields)
	}
	// Not the agent's to change.
	good := map[string]any{"subject": map[string]any{"es": "Novedad en #{{ticket.number}}", "en": "News on #{{ticket.number}}"},
		"body":    map[string]any{"es": "Hola {{recipient.name}}: {{change.summary}}", "en": "Hi {{recipient.name}}: {{change.summary}} {{reply.text}}"},
		"version": cur.Version}
	if st, out := agent.Do("PUT", "/api/v1/mail/templates/ticket_updated", good); st != 403 {
		t.Errorf("agent saved a template: %d %s", st, out)
	}
	if n := scalar[int64](t, a, "SELECT sum(version) FROM mail_templates"); n != int64(len(list.Items)) {
		t.Fatalf("refusals wrote templates: versions sum to %d", n)
	}
	if st, _ := admin.Do("PUT", "/api/v1/mail/templates/welcome", good); st != 404 {
		t.Errorf("unknown template: %d", st)
	}

	st, out = admin.Do("PUT", "/api/v1/mail/templates/ticket_updated", good)
	saved := decode[template](t, must(t, st, out, 200))
	if saved.Version != cur.Version+1 || saved.Subject["en"] != "News on #{{ticket.number}}" {
		t.Fatalf("saved %+v", saved)
	}
	st, out = admin.Do("PUT", "/api/v1/mail/templates/ticket_updated", good) // the old version again
	if st != 409 || !strings.Contains(string(out), `"current"`) {
		t.Fatalf("stale save: %d %s", st, out)
	}
	// The next reply's mail is the new text.
	id := f.Tickets[0]
	comment(t, admin, id, "Ya quedó.", true)
	number := scalar[int64](t, a, "SELECT number FROM tickets WHERE id = $1", id)
	var reply outbox
	for _, m := range mails(t, a) {
		if strings.HasPrefix(m.EventKey, "comment:") && m.To == "customer@x.test" {
			reply = m
		}
	}
	if reply.Subject != fmt.Sprintf("News on #%d", number) || strings.TrimSpace(reply.Text) != "Hi customer: admin replied: Ya quedó." {
		t.Fatalf("mail after the edit: %q\n%q", reply.Subject, reply.Text)
	}
}

// The preview renders a draft with sample values or a ticket's, escaping every value in the HTML.
func TestTemplatePreview(t *testing.T) {
	apps, f := start(t, 1, 2, nil)
	a := apps[0]
	admin := testutil.Login(t, a, "admin@x.test")
	exec(t, a, "UPDATE tickets SET subject = 'Cobro <script>alert(1)</script> & más' WHERE id = $1", f.Tickets[0])
	draft := map[string]any{"lang": "en", "subject": "[#{{ticket.number}}] {{ticket.subject}}",
		"body": "**Hello** {{recipient.name}}: [open]({{ticket.url}})\n\n{{reply.text}}"}
	st, out := admin.Do("POST", "/api/v1/mail/templates/ticket_updated/preview", draft)
	r := decode[struct{ Subject, HTML, Text string }](t, must(t, st, out, 200))
	if r.Subject != "[#1042] My order did not arrive" || !strings.Contains(r.HTML, "<strong>Hello</strong> Ana Pérez") ||
		!strings.Contains(r.Text, "Hello Ana Pérez: open: https://desk.example.com/tickets/1042") {
		t.Errorf("sample preview: %+v", r)
	}
	draft["ticket_id"] = f.Tickets[0]
	draft["lang"] = "es"
	st, out = admin.Do("POST", "/api/v1/mail/templates/ticket_updated/preview", draft)
	r = decode[struct{ Subject, HTML, Text string }](t, must(t, st, out, 200))
	number := scalar[int64](t, a, "SELECT number FROM tickets WHERE id = $1", f.Tickets[0])
	if r.Subject != fmt.Sprintf("[#%d] Cobro <script>alert(1)</script> & más", number) ||
		!strings.Contains(r.HTML, fmt.Sprintf(`href="https://desk.example.com/tickets/%d"`, f.Tickets[0])) ||
		strings.Contains(r.HTML, "<script>") {
		t.Errorf("ticket preview: %+v", r)
	}
	draft["body"] = "{{ticket.subject}}"
	st, out = admin.Do("POST", "/api/v1/mail/templates/ticket_updated/preview", draft)
	r = decode[struct{ Subject, HTML, Text string }](t, must(t, st, out, 200))
	if r.HTML != "<p>Cobro &lt;script&gt;alert(1)&lt;/script&gt; &amp; más</p>\n" {
		t.Errorf("escaped value: %q", r.HTML)
	}
	draft["body"] = "{{sla.due_at}}"
	st, out = admin.DoHeaders("POST", "/api/v1/mail/templates/ticket_updated/preview", draft, map[string]string{"Accept-Language": "en"})
	if e := decode[errorBody](t, must(t, st, out, 422)); !strings.HasPrefix(e.Error.Fields["body"], "Unknown variables: sla.due_at") {
		t.Errorf("unknown variable in preview: %v", e.Error.Fields)
	}
	draft["body"], draft["ticket_id"] = "x", 999999
	if st, _ := admin.Do("POST", "/api/v1/mail/templates/ticket_updated/preview", draft); st != 404 {
		t.Errorf("preview of a missing ticket: %d", st)
	}
	// Someone who manages mail but may not see a ticket cannot preview with it.
	exec(t, a, "INSERT INTO role_permissions (role_id, permission) SELECT id, 'mail.manage' FROM roles WHERE key = 'customer'")
	other := testutil.Login(t, a, "other@x.test")
	draft["ticket_id"] = f.Tickets[0]
	if st, out := other.Do("POST", "/api/v1/mail/templates/ticket_updated/preview", draft); st != 404 {
		t.Errorf("preview with a hidden ticket: %d %s", st, out)
	}
	delete(draft, "ticket_id")
	if st, out := other.Do("POST", "/api/v1/mail/templates/ticket_updated/preview", draft); st != 200 {
		t.Errorf("preview by a mail manager: %d %s", st, out)
	}
}
