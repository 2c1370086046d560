package notify_test

import (
	"testing"

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
