package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/dashboard"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/testutil"
)

var widgetKeys = []string{"status", "queue", "priority", "issue_type", "sla", "agent_load", "backlog_age",
	"response_times", "created_resolved", "top_typifications"}

type desk struct {
	a        *app.App
	f        *testutil.Fixture
	admin    *testutil.Client
	queues   []int64
	subcats  [][2]int64 // category, subcategory of the generic workflow
	channels []int64
	roleCS   int64
}

// zone is the desk's time zone (America/Bogota in tests: the default), whose days the widgets count.
func (d *desk) zone() string { return d.a.Config.DeskTimeZone.String() }

// day is the desk's day n days from today, YYYY-MM-DD.
func (d *desk) day(n int) string {
	return time.Now().In(d.a.Config.DeskTimeZone).AddDate(0, 0, n).Format(time.DateOnly)
}

func open(t *testing.T) *desk {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	d := &desk{a: a, f: testutil.Seed(t, a, 0)}
	ctx := context.Background()
	// A supervisor of the second-level queue, who sees its tickets and their own.
	sup := &people.User{Email: "super@x.test", Name: "super", PasswordHash: scalar[string](t, a,
		"SELECT password_hash FROM users WHERE email = 'admin@x.test'"), Role: access.Supervisor, Locale: i18n.EN}
	if err := a.People.Create(ctx, a.DB.Bun, sup); err != nil {
		t.Fatal(err)
	}
	d.f.Users[sup.Email] = sup
	exec(t, a, "UPDATE queues SET supervisor_ids = ARRAY[$1::bigint] WHERE key = 'level_2'", sup.ID)
	// Clocks for every ticket, so that the SLA widget has something to count.
	exec(t, a, "UPDATE sla_policies SET active = true")
	d.admin = testutil.Login(t, a, "admin@x.test")
	d.queues = ids(t, a, "SELECT id FROM queues ORDER BY id")
	d.channels = ids(t, a, "SELECT id FROM channels ORDER BY id")
	rows, err := a.DB.Pool.Query(ctx, `SELECT c.parent_id, c.id FROM categories c JOIN categories p ON p.id = c.parent_id
		WHERE c.workflow_id IS NULL AND p.workflow_id IS NULL ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var x [2]int64
		if err := rows.Scan(&x[0], &x[1]); err != nil {
			t.Fatal(err)
		}
		d.subcats = append(d.subcats, x)
	}
	rows.Close()
	if len(d.subcats) < 3 {
		t.Fatalf("only %d subcategories of the generic workflow", len(d.subcats))
	}
	return d
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

func ids(t *testing.T, a *app.App, sql string, args ...any) []int64 {
	t.Helper()
	rows, err := a.DB.Pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// do sends a request and fails the test unless it answers want.
func do(t *testing.T, c *testutil.Client, method, path string, body any, want int) []byte {
	t.Helper()
	st, b := c.Do(method, path, body)
	if st != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, st, want, b)
	}
	return b
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, body)
	}
	return v
}

type card struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
}

// stream makes n random changes through the HTTP API as the admin and the agents: creations, moves
// between statuses (into DONE and back), reassignments, new priorities, queues and typifications, allowed
// roles cleared, and public replies that set the first response.
func (d *desk) stream(t *testing.T, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 11))
	agents := []*testutil.Client{testutil.Login(t, d.a, "agent1@x.test"), testutil.Login(t, d.a, "agent2@x.test")}
	people := []int64{d.f.Users["agent1@x.test"].ID, d.f.Users["agent2@x.test"].ID, d.f.Users["super@x.test"].ID}
	var ts []card
	pick := func(xs []int64) int64 { return xs[r.IntN(len(xs))] }
	version := func(id int64) int64 {
		return scalar[int64](t, d.a, "SELECT version FROM tickets WHERE id = $1", id)
	}
	patch := func(id int64, body map[string]any) {
		body["version"] = version(id)
		do(t, d.admin, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), body, 200)
	}
	for i := range n {
		if len(ts) < 6 || r.IntN(4) == 0 {
			sc := d.subcats[r.IntN(len(d.subcats))]
			body := map[string]any{"subject": fmt.Sprintf("Caso %d", i), "category_id": sc[0],
				"priority_id": pick(d.f.Priorities), "queue_id": pick(d.queues), "channel_id": pick(d.channels),
				"status_id": d.f.Statuses[r.IntN(len(d.f.Statuses))], "requester_id": d.f.Users["customer@x.test"].ID}
			if r.IntN(4) > 0 {
				body["subcategory_id"] = sc[1]
			}
			if r.IntN(3) > 0 {
				body["assignee_id"] = pick(people)
			}
			c := decode[card](t, do(t, d.admin, "POST", "/api/v1/tickets", body, 201))
			ts = append(ts, c)
			continue
		}
		id := ts[r.IntN(len(ts))].ID
		switch r.IntN(7) {
		case 0, 1:
			st := d.f.Statuses[r.IntN(len(d.f.Statuses))]
			do(t, d.admin, "POST", fmt.Sprintf("/api/v1/tickets/%d/move", id),
				map[string]any{"status_id": st, "version": version(id)}, 200)
		case 2:
			if r.IntN(4) == 0 {
				patch(id, map[string]any{"assignee_id": nil})
			} else {
				patch(id, map[string]any{"assignee_id": pick(people)})
			}
		case 3:
			patch(id, map[string]any{"priority_id": pick(d.f.Priorities), "queue_id": pick(d.queues)})
		case 4:
			sc := d.subcats[r.IntN(len(d.subcats))]
			patch(id, map[string]any{"category_id": sc[0], "subcategory_id": sc[1], "channel_id": pick(d.channels)})
		case 5:
			patch(id, map[string]any{"allowed_roles": []int64{}})
		case 6:
			// A reply by an agent who sees the ticket, else by the admin.
			c := d.admin
			if st, _ := agents[0].Do("GET", fmt.Sprintf("/api/v1/tickets/%d", id), nil); st == 200 {
				c = agents[0]
			}
			do(t, c, "POST", fmt.Sprintf("/api/v1/tickets/%d/comments", id), map[string]any{"body": "Respuesta", "public": true}, 201)
		}
	}
	// Some tickets created days ago, resolved or answered then, so that ages and periods differ.
	exec(t, d.a, `UPDATE tickets SET created_at = created_at - make_interval(days => (id % 40)::int)`)
	exec(t, d.a, `UPDATE tickets SET first_response_at = created_at + make_interval(mins => (id % 300)::int) WHERE first_response_at IS NOT NULL AND id % 3 = 0`)
	exec(t, d.a, `UPDATE tickets SET resolved_at = created_at + make_interval(hours => (id % 50)::int) WHERE resolved_at IS NOT NULL AND id % 2 = 0`)
}

// visSQL is who sees a ticket t, written here again in SQL from the subject's fields.
func visSQL(s access.Subject) string {
	if s.Has(access.TicketViewAll) {
		return "true"
	}
	u := s.UserID
	parts := []string{fmt.Sprintf("t.requester_id = %d", u), fmt.Sprintf("t.affected_id = %d", u), fmt.Sprintf("t.assignee_id = %d", u)}
	if s.Has(access.TicketViewNetwork) {
		parts = append(parts, fmt.Sprintf("%d = ANY(t.network)", u))
	}
	arr := func(xs []int64) string {
		ss := make([]string, len(xs))
		for i, x := range xs {
			ss[i] = fmt.Sprint(x)
		}
		return "ARRAY[" + strings.Join(ss, ",") + "]::bigint[]"
	}
	if s.Has(access.TicketViewByRole) && len(s.RoleIDs) > 0 {
		parts = append(parts, "t.allowed_roles && "+arr(s.RoleIDs))
	}
	if s.Has(access.TicketViewQueue) && len(s.Queues) > 0 {
		parts = append(parts, "t.queue_id = ANY("+arr(s.Queues)+")")
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// expected counts a widget independently: plain SQL over tickets (and sla_clocks) with the visibility
// predicate, keyed as flatten keys the widget's answer.
func (d *desk) expected(t *testing.T, s access.Subject, key string, q url.Values, from, to string) map[string]float64 {
	t.Helper()
	where := "WHERE " + visSQL(s)
	for _, p := range []string{"queue", "category", "channel"} {
		if v := q.Get(p); v != "" {
			where += fmt.Sprintf(" AND t.%s_id = %s", p, v)
		}
	}
	open := " AND t.status_id IN (SELECT id FROM statuses WHERE grp <> 'done')"
	z := d.zone()
	// The period's days are the desk's: from its zone's midnight to the midnight after the last day.
	between := func(col string) string {
		return fmt.Sprintf(" AND %s >= ('%s'::date)::timestamp AT TIME ZONE '%s' AND %s < ('%s'::date + 1)::timestamp AT TIME ZONE '%s'",
			col, from, z, col, to, z)
	}
	period := func(col string) string { return between("t." + col) }
	var sql string
	switch key {
	case "status":
		sql = "SELECT t.status_id::text, count(*)::float8 FROM tickets t " + where + open + " GROUP BY 1 UNION ALL " +
			"SELECT t.status_id::text, count(*)::float8 FROM tickets t " + where + period("resolved_at") + " GROUP BY 1"
	case "queue":
		sql = "SELECT coalesce(t.queue_id, 0)::text, count(*)::float8 FROM tickets t " + where + open + " GROUP BY 1"
	case "priority":
		sql = "SELECT t.priority_id::text, count(*)::float8 FROM tickets t " + where + open + " GROUP BY 1"
	case "issue_type":
		sql = "SELECT coalesce(t.category_id, 0)::text, count(*)::float8 FROM tickets t " + where + open + " GROUP BY 1 UNION ALL " +
			"SELECT coalesce(t.category_id, 0) || '/' || coalesce(t.subcategory_id, 0), count(*)::float8 FROM tickets t " + where + open + " AND t.category_id IS NOT NULL GROUP BY 1"
	case "agent_load":
		sql = "SELECT coalesce(t.assignee_id, 0)::text, count(*)::float8 FROM tickets t " + where + open + " GROUP BY 1"
	case "backlog_age":
		sql = `SELECT CASE WHEN a = 0 THEN '0' WHEN a <= 2 THEN '1_2' WHEN a <= 7 THEN '3_7' WHEN a <= 30 THEN '8_30' ELSE '31' END, count(*)::float8
			FROM (SELECT (now() AT TIME ZONE '` + z + `')::date - (t.created_at AT TIME ZONE '` + z + `')::date AS a FROM tickets t ` + where + open + `) x GROUP BY 1`
	case "sla":
		sql = `SELECT CASE WHEN k.breached_at IS NOT NULL OR k.due_at <= now() THEN 'breached'
			WHEN k.at_risk_at <= now() THEN 'at_risk' ELSE 'on_track' END, count(*)::float8
			FROM tickets t JOIN sla_clocks k ON k.ticket_id = t.id AND k.shown AND k.since IS NOT NULL ` + where + " GROUP BY 1"
		for _, c := range []string{"first_response", "resolution"} {
			sql += fmt.Sprintf(` UNION ALL SELECT '%s/met', count(*)::float8 FROM tickets t JOIN sla_clocks k ON k.ticket_id = t.id AND k.clock = '%s'
				AND k.met_at IS NOT NULL AND k.breached_at IS NULL %s %s
				UNION ALL SELECT '%s/breached', count(*)::float8 FROM tickets t JOIN sla_clocks k ON k.ticket_id = t.id AND k.clock = '%s'
				%s %s`, c, c, between("k.met_at"), where, c, c, between("k.breached_at"), where)
		}
	case "response_times":
		for i, m := range [][2]string{{"first_response", "first_response_at"}, {"resolution", "resolved_at"}} {
			if i > 0 {
				sql += " UNION ALL "
			}
			secs := "extract(epoch FROM t." + m[1] + " - t.created_at)"
			sql += fmt.Sprintf(`SELECT '%[1]s/count', count(*)::float8 FROM tickets t %[2]s UNION ALL
				SELECT '%[1]s/median', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY %[3]s))::float8 FROM tickets t %[2]s HAVING count(*) > 0 UNION ALL
				SELECT '%[1]s/p90', round(percentile_cont(0.9) WITHIN GROUP (ORDER BY %[3]s))::float8 FROM tickets t %[2]s HAVING count(*) > 0`,
				m[0], where+period(m[1]), secs)
		}
	case "created_resolved":
		sql = "SELECT 'created/' || to_char((t.created_at AT TIME ZONE '" + z + "')::date, 'YYYY-MM-DD'), count(*)::float8 FROM tickets t " + where + period("created_at") + " GROUP BY 1 UNION ALL " +
			"SELECT 'resolved/' || to_char((t.resolved_at AT TIME ZONE '" + z + "')::date, 'YYYY-MM-DD'), count(*)::float8 FROM tickets t " + where + period("resolved_at") + " GROUP BY 1"
	case "top_typifications":
		sql = "SELECT t.subcategory_id::text, count(*)::float8 FROM tickets t " + where + period("created_at") +
			" AND t.subcategory_id IS NOT NULL GROUP BY t.subcategory_id ORDER BY 2 DESC, t.subcategory_id LIMIT 10"
	}
	rows, err := d.a.DB.Pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var k string
		var v float64
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		if v != 0 {
			out[k] += v
		}
	}
	return out
}

// flatten keys a widget's numbers like expected does, without zeros; drills lists each number's drill.
func flatten(w dashboard.Widget) (map[string]float64, map[string]string) {
	out, drills := map[string]float64{}, map[string]string{}
	id := func(s string) string {
		if s == "none" || s == "unassigned" {
			return "0"
		}
		return s
	}
	add := func(k string, v float64, drill string) {
		if v != 0 {
			out[k] += v
			drills[k] = drill
		}
	}
	for _, s := range w.Slices {
		add(id(s.ID), float64(s.Value), s.Drill)
		for _, c := range s.Children {
			add(id(s.ID)+"/"+id(c.ID), float64(c.Value), c.Drill)
		}
	}
	for _, s := range w.Series {
		for _, p := range s.Points {
			add(s.ID+"/"+p.X, float64(p.Value), p.Drill)
		}
	}
	for _, s := range w.Stats {
		add(s.ID+"/count", float64(s.Count), s.Drill)
		if s.MedianS != nil {
			add(s.ID+"/median", *s.MedianS, "")
			add(s.ID+"/p90", *s.P90S, "")
		}
	}
	for _, c := range w.Compliance {
		add(c.Clock+"/met", float64(c.Met), c.DrillMet)
		add(c.Clock+"/breached", float64(c.Breached), c.DrillBreached)
	}
	return out, drills
}

func equalMaps(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// listCount is how many tickets the records table lists for a drill, following its cursors.
func listCount(t *testing.T, c *testutil.Client, drill string) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		path := "/api/v1/tickets?" + drill + "&limit=200"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		page := decode[struct {
			Items      []card  `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}](t, do(t, c, "GET", path, nil, 200))
		n += len(page.Items)
		if page.NextCursor == nil {
			return n
		}
		cursor = *page.NextCursor
	}
}

// TestWidgetsMatchSQLAfterRandomChanges: after a random stream of changes through the API, every widget's
// numbers equal an independent SQL count for the admin, a supervisor and an agent, under no filter and
// under each filter; and every number's drill lists exactly that many tickets in the records table.
func TestWidgetsMatchSQLAfterRandomChanges(t *testing.T) {
	d := open(t)
	d.stream(t, 160)
	today := d.day(0)
	from := d.day(-29)
	longFrom := d.day(-89)
	cat := d.subcats[0][0]
	filters := []url.Values{{}, {"queue": {fmt.Sprint(d.queues[1])}}, {"category": {fmt.Sprint(cat)}},
		{"channel": {fmt.Sprint(d.channels[0])}}, {"from": {longFrom}, "to": {today}}}
	nonZero := 0
	for _, email := range []string{"admin@x.test", "super@x.test", "agent1@x.test"} {
		subj := d.f.Subject(email)
		c := testutil.Login(t, d.a, email)
		for _, key := range widgetKeys {
			if !access.CanSeeWidget(subj, key) {
				continue
			}
			for _, q := range filters {
				pf, pt := from, today
				if q.Get("from") != "" {
					pf, pt = q.Get("from"), q.Get("to")
				}
				w := decode[dashboard.Widget](t, do(t, c, "GET", "/api/v1/dashboard/widgets/"+key+"?"+q.Encode(), nil, 200))
				got, drills := flatten(w)
				if key == "created_resolved" && q.Get("from") != "" {
					// Per week over a long period: compare the days summed into weeks below, by the drill.
					got = nil
				}
				want := d.expected(t, subj, key, q, pf, pt)
				if got != nil && !equalMaps(got, want) {
					t.Fatalf("%s %s %v: widget %v, SQL %v", email, key, q, got, want)
				}
				if w.From != pf || w.To != pt {
					t.Fatalf("%s period %s..%s, want %s..%s", key, w.From, w.To, pf, pt)
				}
				full, _ := flatten(w)
				for k, drill := range drills {
					if strings.HasSuffix(k, "/median") || strings.HasSuffix(k, "/p90") || drill == "" {
						continue
					}
					nonZero++
					if n := listCount(t, c, drill); float64(n) != full[k] {
						t.Fatalf("%s %s %v: slice %s = %v but GET /tickets?%s lists %d", email, key, q, k, full[k], drill, n)
					}
				}
			}
		}
	}
	if nonZero < 100 {
		t.Fatalf("only %d non-zero numbers checked", nonZero)
	}
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// TestWidgetPermissionsAndBadFilters: a widget a role lacks is 403, an unknown one 404, bad filters 422
// naming the field in the user's language, on the widgets and on the records table's new parameters.
func TestWidgetPermissionsAndBadFilters(t *testing.T) {
	d := open(t)
	customer := testutil.Login(t, d.a, "customer@x.test")
	agent := testutil.Login(t, d.a, "agent1@x.test")
	agentSubj := d.f.Subject("agent1@x.test")
	for _, key := range widgetKeys {
		if st, body := customer.Do("GET", "/api/v1/dashboard/widgets/"+key, nil); st != 403 {
			t.Fatalf("customer %s: %d %s", key, st, body)
		}
		want := 403
		if access.CanSeeWidget(agentSubj, key) {
			want = 200
		}
		if st, body := agent.Do("GET", "/api/v1/dashboard/widgets/"+key, nil); st != want {
			t.Fatalf("agent %s: %d, want %d: %s", key, st, want, body)
		}
	}
	do(t, d.admin, "GET", "/api/v1/dashboard/widgets/weather", nil, 404)
	for _, c := range []struct{ path, field, lang, text string }{
		{"/api/v1/dashboard/widgets/status?from=2026-13-01", "from", "en", "YYYY-MM-DD"},
		{"/api/v1/dashboard/widgets/status?from=2026-02-01&to=2026-01-01", "to", "es", "anterior"},
		{"/api/v1/dashboard/widgets/queue?queue=abc", "queue", "en", "id"},
		{"/api/v1/dashboard/widgets/response_times?from=2020-01-01&to=2026-01-01", "from", "es", "dos años"},
		{"/api/v1/tickets?open=yes", "open", "es", "true"},
		{"/api/v1/tickets?resolved_from=ayer", "resolved_from", "es", "AAAA-MM-DD"},
		{"/api/v1/tickets?responded_from=2026-02-01&responded_to=2026-01-01", "responded_to", "en", "before"},
		{"/api/v1/tickets?sla_state=late", "sla_state", "en", "on_track"},
		{"/api/v1/tickets?sla_clock=resolution&sla_result=late", "sla_result", "es", "met"},
		{"/api/v1/tickets?sla_clock=reply&sla_result=met", "sla_clock", "en", "first_response"},
		{"/api/v1/tickets?sla_from=2026-01-01", "sla_clock", "en", "first_response"},
		{"/api/v1/tickets/export.csv?sla_state=late", "sla_state", "es", "on_track"},
	} {
		d.admin.Lang = c.lang
		st, body := d.admin.Do("GET", c.path, nil)
		e := decode[errorBody](t, body)
		if st != 422 || !strings.Contains(e.Error.Fields[c.field], c.text) {
			t.Fatalf("%s (%s): %d %s", c.path, c.lang, st, body)
		}
	}
}

// TestLayout: the default layout is every allowed widget at size m; a saved one comes back; a stale
// version is 409 with the current layout; unknown, duplicate or forbidden widgets and bad sizes are 422.
func TestLayout(t *testing.T) {
	d := open(t)
	agent := testutil.Login(t, d.a, "agent1@x.test")
	allowed := access.Widgets(d.f.Subject("agent1@x.test"))
	l := decode[dashboard.Layout](t, do(t, agent, "GET", "/api/v1/dashboard/layout", nil, 200))
	if l.Version != 0 || len(l.Layout) != len(allowed) || strings.Join(l.Widgets, ",") != strings.Join(allowed, ",") || l.Layout[0].Size != "m" {
		t.Fatalf("default layout %+v, allowed %v", l, allowed)
	}
	if len(allowed) == len(widgetKeys) {
		t.Fatal("the agent should lack some widget for this test")
	}
	mine := []dashboard.Item{{Key: allowed[len(allowed)-1], Size: "l"}, {Key: allowed[0], Size: "s"}}
	saved := decode[dashboard.Layout](t, do(t, agent, "PUT", "/api/v1/dashboard/layout", map[string]any{"layout": mine, "version": 0}, 200))
	if saved.Version != 1 || len(saved.Layout) != 2 || saved.Layout[0] != mine[0] || saved.Layout[1] != mine[1] {
		t.Fatalf("saved %+v", saved)
	}
	again := decode[dashboard.Layout](t, do(t, agent, "GET", "/api/v1/dashboard/layout", nil, 200))
	if again.Version != 1 || len(again.Layout) != 2 || again.Layout[0] != mine[0] {
		t.Fatalf("read back %+v", again)
	}
	// Another window still at version 0 (or 1 after this save) is refused with the current layout.
	do(t, agent, "PUT", "/api/v1/dashboard/layout", map[string]any{"layout": mine[:1], "version": 1}, 200)
	st, body := agent.Do("PUT", "/api/v1/dashboard/layout", map[string]any{"layout": mine, "version": 1})
	var conflict struct {
		Current dashboard.Layout `json:"current"`
	}
	if err := json.Unmarshal(body, &conflict); st != 409 || err != nil || conflict.Current.Version != 2 || len(conflict.Current.Layout) != 1 {
		t.Fatalf("stale save: %d %s", st, body)
	}
	forbidden := ""
	for _, k := range widgetKeys {
		if !access.CanSeeWidget(d.f.Subject("agent1@x.test"), k) {
			forbidden = k
		}
	}
	for _, bad := range [][]dashboard.Item{
		{{Key: "weather", Size: "m"}},
		{{Key: allowed[0], Size: "m"}, {Key: allowed[0], Size: "l"}},
		{{Key: forbidden, Size: "m"}},
		{{Key: allowed[0], Size: "xl"}},
	} {
		st, body := agent.Do("PUT", "/api/v1/dashboard/layout", map[string]any{"layout": bad, "version": 2})
		if e := decode[errorBody](t, body); st != 422 || e.Error.Fields["layout"] == "" {
			t.Fatalf("layout %v: %d %s", bad, st, body)
		}
	}
	if v := scalar[int64](t, d.a, "SELECT version FROM dashboard_layouts WHERE user_id = $1", d.f.Users["agent1@x.test"].ID); v != 2 {
		t.Fatalf("a refused layout was written: version %d", v)
	}
}

// TestStatusGroupChangeRecounts: an admin moving a status into the DONE group changes which tickets are
// open without writing any of them; the open-ticket widgets follow at once, for every role.
func TestStatusGroupChangeRecounts(t *testing.T) {
	d := open(t)
	d.stream(t, 60)
	var st struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	}
	if err := d.a.DB.Pool.QueryRow(context.Background(), `SELECT s.id, s.version FROM statuses s
		WHERE s.grp = 'doing' ORDER BY (SELECT count(*) FROM tickets t WHERE t.status_id = s.id) DESC, s.id LIMIT 1`).
		Scan(&st.ID, &st.Version); err != nil {
		t.Fatal(err)
	}
	moved := scalar[int64](t, d.a, "SELECT count(*) FROM tickets WHERE status_id = $1", st.ID)
	if moved == 0 {
		t.Fatal("the stream left no ticket in a DOING status")
	}
	before := decode[dashboard.Widget](t, do(t, d.admin, "GET", "/api/v1/dashboard/widgets/queue", nil, 200)).Total
	do(t, d.admin, "PATCH", "/api/v1/catalog/statuses/"+fmt.Sprint(st.ID), map[string]any{"version": st.Version, "group": "done"}, 200)
	today := d.day(0)
	from := d.day(-29)
	for _, email := range []string{"admin@x.test", "super@x.test", "agent1@x.test"} {
		subj := d.f.Subject(email)
		c := testutil.Login(t, d.a, email)
		for _, key := range []string{"status", "queue", "priority", "issue_type", "agent_load", "backlog_age"} {
			if !access.CanSeeWidget(subj, key) {
				continue
			}
			for _, q := range []url.Values{{}, {"queue": {fmt.Sprint(d.queues[1])}}, {"channel": {fmt.Sprint(d.channels[0])}}} {
				got, _ := flatten(decode[dashboard.Widget](t, do(t, c, "GET", "/api/v1/dashboard/widgets/"+key+"?"+q.Encode(), nil, 200)))
				if want := d.expected(t, subj, key, q, from, today); !equalMaps(got, want) {
					t.Fatalf("after the group change, %s %s %v: widget %v, SQL %v", email, key, q, got, want)
				}
			}
		}
	}
	after := decode[dashboard.Widget](t, do(t, d.admin, "GET", "/api/v1/dashboard/widgets/queue", nil, 200)).Total
	if after != before-moved {
		t.Fatalf("open tickets by queue: %d before, %d after closing a status with %d tickets", before, after, moved)
	}
}

// TestSLAWidgetFollowsTheTimeAheadOfItsTimers: a clock shows at risk or breached once its instant passes,
// though its timer marks it a moment later (or not at all while no worker runs). With clocks in every case
// (instants passed with no mark, marked at risk and past due, marked, untouched), the SLA widget equals the
// SQL count over the time for each user and filter, and each drill lists its number; once the timers'
// marks land, the numbers stay the same.
func TestSLAWidgetFollowsTheTimeAheadOfItsTimers(t *testing.T) {
	d := open(t)
	d.stream(t, 160)
	running := ` WHERE shown AND since IS NOT NULL AND breached_at IS NULL`
	if n := scalar[int64](t, d.a, "SELECT count(*) FROM sla_clocks"+running); n < 12 {
		t.Fatalf("only %d running clocks to work with", n)
	}
	// The time moves on without the timers: these updates change no mark, so no trigger sees them.
	exec(t, d.a, `UPDATE sla_clocks SET at_risk_at = now() - interval '1 minute'`+running+` AND ticket_id % 5 = 0`)
	exec(t, d.a, `UPDATE sla_clocks SET at_risk_at = now() - interval '2 minutes', due_at = now() - interval '1 minute'`+running+` AND ticket_id % 5 = 1`)
	// Marked at risk by its timer (this one a trigger sees), then past due with no breach mark yet.
	exec(t, d.a, `UPDATE sla_clocks SET at_risk_at = now() - interval '9 minutes', at_risk_fired_at = now() - interval '9 minutes'`+running+` AND ticket_id % 5 IN (2, 3)`)
	exec(t, d.a, `UPDATE sla_clocks SET due_at = now() - interval '1 minute'`+running+` AND ticket_id % 5 = 3`)
	today := d.day(0)
	from := d.day(-29)
	check := func(stage string) map[string]float64 {
		var admin map[string]float64
		for _, email := range []string{"admin@x.test", "super@x.test", "agent1@x.test"} {
			subj := d.f.Subject(email)
			c := testutil.Login(t, d.a, email)
			for _, q := range []url.Values{{}, {"queue": {fmt.Sprint(d.queues[1])}}, {"category": {fmt.Sprint(d.subcats[0][0])}}} {
				w := decode[dashboard.Widget](t, do(t, c, "GET", "/api/v1/dashboard/widgets/sla?"+q.Encode(), nil, 200))
				got, _ := flatten(w)
				if want := d.expected(t, subj, "sla", q, from, today); !equalMaps(got, want) {
					t.Fatalf("%s: %s %v: widget %v, SQL %v", stage, email, q, got, want)
				}
				states := map[string]float64{}
				for _, sl := range w.Slices {
					states[sl.ID] = float64(sl.Value)
					if n := listCount(t, c, sl.Drill); float64(n) != states[sl.ID] {
						t.Fatalf("%s: %s %v: %s = %v but its drill lists %d", stage, email, q, sl.ID, states[sl.ID], n)
					}
				}
				if email == "admin@x.test" && len(q) == 0 {
					admin = states
				}
			}
		}
		return admin
	}
	before := check("before the timers")
	if before["at_risk"] == 0 || before["breached"] == 0 || before["on_track"] == 0 {
		t.Fatalf("the cases left a state empty: %v", before)
	}
	// The timers fire: the at-risk and breach marks land on the clocks whose instants passed.
	exec(t, d.a, `UPDATE sla_clocks SET breached_at = due_at`+running+` AND due_at <= now()`)
	exec(t, d.a, `UPDATE sla_clocks SET at_risk_fired_at = at_risk_at`+running+` AND at_risk_fired_at IS NULL AND at_risk_at <= now()`)
	if after := check("after the timers"); !equalMaps(after, before) {
		t.Fatalf("the marks changed the admin's numbers: %v before, %v after", before, after)
	}
}

// TestDaysAreTheDesks: the widgets count the desk's days (America/Bogota, UTC-5, in tests), not UTC days.
// Three tickets of one queue: at noon and at 21:30 on a desk day D (the latter is 02:30 UTC on D+1), and
// at 03:00 on D+1 (08:00 UTC). The created-vs-resolved trend counts 2 on D and 1 on D+1 (UTC days would
// give 1 and 2), each drill lists exactly those tickets, and a day's backlog bucket agrees.
func TestDaysAreTheDesks(t *testing.T) {
	d := open(t)
	loc := d.a.Config.DeskTimeZone
	if off := func() int { _, o := time.Now().In(loc).Zone(); return o }(); off == 0 {
		t.Fatalf("the desk's zone in tests is %s, which is UTC now: this test needs another calendar", loc)
	}
	day := deskday.Today(loc).AddDate(0, 0, -3)
	next := day.AddDate(0, 0, 1)
	queue := d.queues[0]
	create := func(at time.Time) int64 {
		c := decode[card](t, do(t, d.admin, "POST", "/api/v1/tickets", map[string]any{"subject": "Huso " + at.Format(time.RFC3339),
			"queue_id": queue, "category_id": d.subcats[0][0], "channel_id": d.channels[0], "requester_id": d.f.Users["customer@x.test"].ID}, 201))
		exec(t, d.a, "UPDATE tickets SET created_at = $1 WHERE id = $2", at, c.ID)
		return c.ID
	}
	noon, late, early := create(day.Add(12*time.Hour)), create(day.Add(21*time.Hour+30*time.Minute)), create(next.Add(3*time.Hour))
	q := url.Values{"queue": {fmt.Sprint(queue)}, "from": {day.Format(time.DateOnly)}, "to": {next.Format(time.DateOnly)}}
	w := decode[dashboard.Widget](t, do(t, d.admin, "GET", "/api/v1/dashboard/widgets/created_resolved?"+q.Encode(), nil, 200))
	var created *dashboard.Series
	for i := range w.Series {
		if w.Series[i].ID == "created" {
			created = &w.Series[i]
		}
	}
	if created == nil || len(created.Points) != 2 {
		t.Fatalf("created series %+v, want two days", created)
	}
	want := map[string]struct {
		n   int64
		ids []int64
	}{day.Format(time.DateOnly): {2, []int64{noon, late}}, next.Format(time.DateOnly): {1, []int64{early}}}
	for _, p := range created.Points {
		exp, ok := want[p.X]
		if !ok || p.Value != exp.n {
			t.Fatalf("created on %s: %d, want %+v (desk days %v)", p.X, p.Value, exp, want)
		}
		page := decode[struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}](t, do(t, d.admin, "GET", "/api/v1/tickets?"+p.Drill, nil, 200))
		var got []int64
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, exp.ids) {
			t.Fatalf("the drill of %s (%s) lists %v, want %v", p.X, p.Drill, got, exp.ids)
		}
	}
	if w.Total != 3 || w.From != day.Format(time.DateOnly) || w.To != next.Format(time.DateOnly) {
		t.Fatalf("total %d over %s..%s, want 3 over %s..%s", w.Total, w.From, w.To, day.Format(time.DateOnly), next.Format(time.DateOnly))
	}
	// The backlog's ages are counted in the desk's days too: the ticket of D+1 is two days old, both of
	// D three.
	b := decode[dashboard.Widget](t, do(t, d.admin, "GET", "/api/v1/dashboard/widgets/backlog_age?queue="+fmt.Sprint(queue), nil, 200))
	ages := map[string]int64{}
	for _, s := range b.Slices {
		ages[s.ID] = s.Value
	}
	if ages["1_2"] != 1 || ages["3_7"] != 2 {
		t.Fatalf("backlog ages %v, want 1 of 1–2 days and 2 of 3–7 days", ages)
	}
}
