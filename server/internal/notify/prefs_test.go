package notify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/notify"
	"github.com/atiende/atiende/server/internal/testutil"
)

// Every event is on until the user turns it off; an unknown event is refused and nothing is saved.
func TestPreferences(t *testing.T) {
	apps, _ := start(t, 1, 0, nil)
	a := apps[0]
	c := testutil.Login(t, a, "customer@x.test")
	type prefs struct {
		Events map[string]bool `json:"events"`
	}
	st, out := c.Do("GET", "/api/v1/me/mail-preferences", nil)
	p := decode[prefs](t, must(t, st, out, 200))
	for _, e := range []string{"ticket_created", "ticket_replied", "ticket_status", "ticket_assigned", "ticket_closed", "task_digest"} {
		if on, ok := p.Events[e]; !ok || !on {
			t.Errorf("%s: %v", e, p.Events)
		}
	}
	for _, lang := range []string{"es", "en"} {
		st, out := c.DoHeaders("PUT", "/api/v1/me/mail-preferences", map[string]any{"events": map[string]any{"ticket_closed": false,
			"newsletter": false}}, map[string]string{"Accept-Language": lang})
		if e := decode[errorBody](t, must(t, st, out, 422)); e.Error.Fields["newsletter"] == "" {
			t.Errorf("%s: %s", lang, out)
		}
	}
	if n := scalar[int](t, a, "SELECT count(*) FROM mail_preferences"); n != 0 {
		t.Fatalf("a refused change saved %d preferences", n)
	}
	st, out = c.Do("PUT", "/api/v1/me/mail-preferences", map[string]any{"events": map[string]any{"ticket_closed": false}})
	must(t, st, out, 200)
	st, out = c.Do("PUT", "/api/v1/me/mail-preferences", map[string]any{"events": map[string]any{"ticket_replied": false, "ticket_closed": true}})
	must(t, st, out, 200)
	st, out = c.Do("GET", "/api/v1/me/mail-preferences", nil)
	p = decode[prefs](t, must(t, st, out, 200))
	if p.Events["ticket_replied"] || !p.Events["ticket_closed"] || !p.Events["ticket_status"] {
		t.Errorf("after two changes: %v", p.Events)
	}
}

// The daily digest other packages queue honours the user's choice, whether they name the user or only
// the address, and fills its variables from nested values.
func TestDigestPreference(t *testing.T) {
	apps, f := start(t, 1, 0, nil)
	a := apps[0]
	ctx := context.Background()
	exec(t, a, "INSERT INTO mail_preferences (user_id, event, enabled) VALUES ($1, 'task_digest', false)", f.Users["agent2@x.test"].ID)
	vars := map[string]any{"tasks": map[string]any{"count": 2, "list": []string{"Llamar al cliente (#12)", "Revisar factura (#13)"},
		"url": "https://desk.example.com/work"}}
	err := a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, email := range []string{"agent1@x.test", "AGENT2@x.test"} {
			if err := a.Notify.QueueMailTx(ctx, tx, notify.TemplateTaskDigest, "digest:2026-12-04:"+email, nil, email, "Agente", "es", vars); err != nil {
				return err
			}
		}
		id := f.Users["agent2@x.test"].ID
		return a.Notify.QueueTx(ctx, tx, notify.Mail{Template: notify.TemplateTaskDigest, EventKey: "digest:2026-12-05:user",
			To: notify.Recipient{UserID: &id, Email: "agent2@x.test", Name: "agent2", Lang: "en"}, Vars: vars})
	})
	if err != nil {
		t.Fatal(err)
	}
	ms := mails(t, a)
	if len(ms) != 1 || ms[0].To != "agent1@x.test" {
		t.Fatalf("digests queued: %+v", ms)
	}
	if ms[0].Subject != "Tienes 2 tareas vencidas" || !strings.Contains(ms[0].Text, "- Llamar al cliente (#12)\n- Revisar factura (#13)") ||
		!strings.Contains(ms[0].Text, "Ver mis tareas: https://desk.example.com/work") {
		t.Errorf("digest: %q\n%s", ms[0].Subject, ms[0].Text)
	}
}
