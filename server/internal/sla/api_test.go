package sla_test

import (
	"fmt"
	"testing"

	"github.com/atiende/atiende/server/internal/testutil"
)

// bothLocales sends a request in Spanish and in English and returns the status and the two error bodies.
func bothLocales(t *testing.T, c *testutil.Client, method, path string, body any) (int, errorBody, errorBody) {
	t.Helper()
	st, es := c.DoHeaders(method, path, body, map[string]string{"Accept-Language": "es"})
	st2, en := c.DoHeaders(method, path, body, map[string]string{"Accept-Language": "en"})
	if st != st2 {
		t.Fatalf("%s %s: status %d in es, %d in en", method, path, st, st2)
	}
	return st, decode[errorBody](t, es), decode[errorBody](t, en)
}

// refused checks a 4xx naming fields in both languages, with different (translated) messages.
func refused(t *testing.T, c *testutil.Client, method, path string, body any, status int, fields ...string) {
	t.Helper()
	st, es, en := bothLocales(t, c, method, path, body)
	if st != status {
		t.Fatalf("%s %s: status %d, want %d: %+v", method, path, st, status, en)
	}
	if es.Error.Message == "" || es.Error.Message == en.Error.Message {
		t.Fatalf("messages not translated: %q / %q", es.Error.Message, en.Error.Message)
	}
	for _, f := range fields {
		if es.Error.Fields[f] == "" || en.Error.Fields[f] == "" || es.Error.Fields[f] == en.Error.Fields[f] {
			t.Fatalf("field %s: es %q en %q (all: %v)", f, es.Error.Fields[f], en.Error.Fields[f], en.Error.Fields)
		}
	}
}

func TestCalendarAPI(t *testing.T) {
	d := open(t)
	before := scalar[int64](t, d.a, "SELECT count(*) FROM sla_calendars")
	refused(t, d.admin, "POST", "/api/v1/sla/calendars", map[string]any{
		"name": map[string]string{"es": "Oficina", "en": "Office"}, "time_zone": "Mars/Olympus",
		"hours": []map[string]any{{"weekday": 1, "start": "10:00", "end": "09:00"}, {"weekday": 2, "start": "08:00", "end": "12:00"},
			{"weekday": 2, "start": "11:00", "end": "13:00"}, {"weekday": 9, "start": "08:00", "end": "12:00"},
			{"weekday": 3, "start": "8h", "end": "12:00"}},
		"holidays": []map[string]any{{"date": "2026-02-30", "name": "x"}},
	}, 422, "time_zone", "hours.0.end", "hours.2", "hours.3.weekday", "hours.4.start", "holidays.0.date")
	if after := scalar[int64](t, d.a, "SELECT count(*) FROM sla_calendars"); after != before {
		t.Fatalf("a refused calendar was written: %d → %d", before, after)
	}
	agent := testutil.Login(t, d.a, "agent1@x.test")
	good := map[string]any{"name": map[string]string{"es": "Oficina", "en": "Office"}, "time_zone": "America/Bogota",
		"hours":    []map[string]any{{"weekday": 1, "start": "08:00", "end": "12:00"}, {"weekday": 1, "start": "12:00", "end": "17:00"}},
		"holidays": []map[string]any{{"date": "2026-12-25", "name": "Navidad"}}}
	refused(t, agent, "POST", "/api/v1/sla/calendars", good, 403)
	st, out := d.admin.Do("POST", "/api/v1/sla/calendars", good)
	cal := decode[struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
		Hours   []any `json:"hours"`
	}](t, must(t, st, out, 201))
	if len(cal.Hours) != 2 {
		t.Fatalf("touching intervals: %+v", cal)
	}
	// Staff read calendars; a customer does not.
	st, out = agent.Do("GET", "/api/v1/sla/calendars", nil)
	must(t, st, out, 200)
	customer := testutil.Login(t, d.a, "customer@x.test")
	refused(t, customer, "GET", "/api/v1/sla/calendars", nil, 403)
	// A stale version is refused; a calendar a policy uses cannot go.
	good["version"] = cal.Version + 1
	refused(t, d.admin, "PUT", fmt.Sprintf("/api/v1/sla/calendars/%d", cal.ID), good, 409)
	d.mkPolicy(t, map[string]any{"calendar_id": cal.ID})
	refused(t, d.admin, "DELETE", fmt.Sprintf("/api/v1/sla/calendars/%d?version=%d", cal.ID, cal.Version), nil, 422)
	refused(t, d.admin, "GET", "/api/v1/sla/calendars/99999", nil, 404)
}

func TestPolicyAPI(t *testing.T) {
	d := open(t)
	before := scalar[int64](t, d.a, "SELECT count(*) FROM sla_policies")
	base := func(over map[string]any) map[string]any {
		b := map[string]any{"name": map[string]string{"es": "Política", "en": "Policy"}, "active": true,
			"first_response_seconds": 600, "resolution_seconds": 3600}
		for k, v := range over {
			b[k] = v
		}
		return b
	}
	refused(t, d.admin, "POST", "/api/v1/sla/policies", base(map[string]any{"first_response_seconds": 7200}), 422, "first_response_seconds")
	refused(t, d.admin, "POST", "/api/v1/sla/policies", base(map[string]any{"resolution_seconds": 5, "at_risk_percent": 100,
		"priority_ids": []int64{999}, "calendar_id": 999}), 422, "resolution_seconds", "at_risk_percent", "priority_ids", "calendar_id")
	refused(t, d.admin, "POST", "/api/v1/sla/policies", base(map[string]any{"resolution_seconds": 367 * 86400}), 422, "resolution_seconds")
	refused(t, d.admin, "POST", "/api/v1/sla/policies", base(map[string]any{"escalations": []map[string]string{
		{"on": "later", "clock": "any", "action": "notify_assignee"}, {"on": "breach", "clock": "any", "action": "dance"}}}),
		422, "escalations.0.on", "escalations.1.action")
	refused(t, d.admin, "POST", "/api/v1/sla/policies", base(map[string]any{"name": map[string]string{"es": "", "en": "x"}}), 422, "name.es")
	agent := testutil.Login(t, d.a, "agent1@x.test")
	refused(t, agent, "POST", "/api/v1/sla/policies", base(nil), 403)
	if after := scalar[int64](t, d.a, "SELECT count(*) FROM sla_policies"); after != before {
		t.Fatalf("a refused policy was written: %d → %d", before, after)
	}
	p := d.mkPolicy(t, nil)
	st, out := agent.Do("GET", fmt.Sprintf("/api/v1/sla/policies/%d", p.ID), nil)
	must(t, st, out, 200)
	refused(t, d.admin, "PUT", fmt.Sprintf("/api/v1/sla/policies/%d", p.ID), base(map[string]any{"version": p.Version + 1}), 409)
	refused(t, d.admin, "POST", "/api/v1/sla/policies/order", map[string]any{"ids": []int64{p.ID}}, 422, "ids")
	st, out = d.admin.Do("DELETE", fmt.Sprintf("/api/v1/sla/policies/%d?version=%d", p.ID, p.Version), nil)
	must(t, st, out, 204)
}

// Deleting the policy a ticket runs under hands it to the next matching policy, keeping the time used.
func TestPolicyDeleteHandsOver(t *testing.T) {
	d := open(t)
	first := d.mkPolicy(t, map[string]any{"first_response_seconds": 300})
	second := d.mkPolicy(t, map[string]any{"first_response_seconds": 900})
	id := d.create(t, d.admin, nil)
	backdate(t, d.a, id, 60)
	st, out := d.admin.Do("DELETE", fmt.Sprintf("/api/v1/sla/policies/%d?version=%d", first.ID, first.Version), nil)
	must(t, st, out, 204)
	s := d.sla(t, d.admin, id)
	if s.Policy == nil || s.Policy.ID != second.ID || s.clock(t, "first_response").TargetS != 900 {
		t.Fatalf("after deleting the policy: %+v", s)
	}
	near(t, "elapsed kept", s.clock(t, "first_response").ElapsedS, 60, 3)
	st, out = d.admin.Do("DELETE", fmt.Sprintf("/api/v1/sla/policies/%d?version=%d", second.ID, second.Version), nil)
	must(t, st, out, 204)
	if s := d.sla(t, d.admin, id); s.Policy != nil || len(s.Clocks) != 0 {
		t.Fatalf("with no policy left: %+v", s)
	}
	h := history(t, d.a, id)
	if len(h) != 6 || h[2] != "recalculated/first_response/policy_changed" || h[4] != "stopped/first_response/policy_removed" {
		t.Fatalf("history %v", h)
	}
}
