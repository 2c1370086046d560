package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/reports"
	"github.com/atiende/atiende/server/internal/testutil"
	"github.com/atiende/atiende/server/internal/tickets"
)

// desk is a test desk with tickets spread over the last weeks: every status, priority, queue, channel,
// category and subcategory (and none of the optional ones), some answered, some resolved, some with a
// resolution clock met or breached, some requested by a consultant's network.
type desk struct {
	t          *testing.T
	a          *app.App
	f          *testutil.Fixture
	admin      *testutil.Client
	consultant int64
	downline   int64
	ids        []int64 // every ticket
	network    []int64 // the tickets the consultant sees
	numbers    map[int64]int64
}

func (d *desk) exec(sql string, args ...any) {
	d.t.Helper()
	if _, err := d.a.DB.Pool.Exec(context.Background(), sql, args...); err != nil {
		d.t.Fatalf("%s: %v", sql, err)
	}
}

func (d *desk) ids64(sql string, args ...any) []int64 {
	d.t.Helper()
	rows, err := d.a.DB.Pool.Query(context.Background(), sql, args...)
	if err != nil {
		d.t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			d.t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func (d *desk) user(name string, role access.Role, kind string, sponsor *int64) int64 {
	d.t.Helper()
	hash, err := auth.HashPassword(testutil.Password)
	if err != nil {
		d.t.Fatal(err)
	}
	var id int64
	if err := d.a.DB.Pool.QueryRow(context.Background(), `INSERT INTO users (email, name, password_hash, role, locale, kind, sponsor_id)
		VALUES ($1, $2, $3, $4, 'en', $5, $6) RETURNING id`, name+"@x.test", name, hash, string(role), kind, sponsor).Scan(&id); err != nil {
		d.t.Fatal(err)
	}
	return id
}

func open(t *testing.T) *desk {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	d := &desk{t: t, a: a, f: testutil.Seed(t, a, 0), numbers: map[int64]int64{}}
	d.admin = testutil.Login(t, a, "admin@x.test")
	d.consultant = d.user("consultant", access.Consultant, "consultant", nil)
	d.downline = d.user("downline", access.Consultant, "consultant", &d.consultant)
	queues := d.ids64("SELECT id FROM queues ORDER BY id")
	channels := d.ids64("SELECT id FROM channels ORDER BY id")
	cats := d.ids64("SELECT id FROM categories WHERE parent_id IS NULL ORDER BY id")
	subs := d.ids64("SELECT id FROM categories WHERE parent_id = $1 ORDER BY id", cats[0])
	agents := []int64{d.f.Users["agent1@x.test"].ID, d.f.Users["agent2@x.test"].ID}
	opt := func(list []int64, i int) *int64 {
		if i%(len(list)+1) == len(list) {
			return nil // some tickets without one
		}
		return &list[i%(len(list)+1)]
	}
	now := time.Now().UTC()
	subjects := []string{`=HYPERLINK("http://x","y")`, "+1", "-2", "@SUM(A1)"}
	err := a.DB.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		for i := range 60 {
			subject := fmt.Sprintf("Ticket %d", i)
			if i < len(subjects) {
				subject = subjects[i]
			}
			nt := tickets.NewTicket{Subject: subject, StatusID: d.f.Statuses[i%len(d.f.Statuses)],
				PriorityID: d.f.Priorities[i%len(d.f.Priorities)], QueueID: opt(queues, i), ChannelID: opt(channels, i+1),
				AssigneeID: opt(agents, i)}
			if c := opt(cats[:1], i); c != nil {
				nt.CategoryID = c
				nt.SubcategoryID = opt(subs, i/2)
			}
			network := false
			switch i % 5 {
			case 0:
				nt.RequesterID = &d.consultant
				network = true
			case 1:
				nt.RequesterID = &d.downline
				network = true
			case 2:
				nt.RequesterID = &d.f.Users["customer@x.test"].ID
			}
			c, err := a.Tickets.Create(ctx, tx, access.Subject{}, nt)
			if err != nil {
				return err
			}
			d.ids = append(d.ids, c.ID)
			d.numbers[c.ID] = c.Number
			if network {
				d.network = append(d.network, c.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range d.ids {
		// Spread over 45 days: the default period (30 days) leaves the oldest out.
		created := now.Add(-time.Duration(i*18)*time.Hour - time.Duration(i)*time.Minute)
		d.exec("UPDATE tickets SET created_at = $2 WHERE id = $1", id, created)
		if i%3 != 0 {
			d.exec("UPDATE tickets SET first_response_at = $2 WHERE id = $1", id, created.Add(time.Duration(i*i+30)*time.Minute))
		}
		if i%4 == 1 {
			d.exec("UPDATE tickets SET resolved_at = $2 WHERE id = $1", id, created.Add(time.Duration(i*7+2)*time.Hour))
		}
		due := created.Add(24 * time.Hour)
		switch i % 6 {
		case 0: // met on time
			d.clock(id, created, due, ptr(created.Add(time.Hour)), nil)
		case 1: // breached while running
			d.clock(id, created, due, nil, &due)
		case 2: // met late, before the breach was recorded
			d.clock(id, created, due, ptr(due.Add(time.Hour)), nil)
		case 3: // still running, on time
			d.clock(id, created, due, nil, nil)
		}
	}
	return d
}

func ptr[T any](v T) *T { return &v }

func (d *desk) clock(id int64, started, due time.Time, met, breached *time.Time) {
	state := "running"
	if met != nil {
		state = "met"
	}
	d.exec(`INSERT INTO sla_clocks (ticket_id, clock, state, target_s, started_at, due_at, met_at, breached_at)
		VALUES ($1, 'resolution', $2, 86400, $3, $4, $5, $6)
		ON CONFLICT (ticket_id, clock) DO UPDATE SET state = EXCLUDED.state, due_at = EXCLUDED.due_at,
			met_at = EXCLUDED.met_at, breached_at = EXCLUDED.breached_at`, id, state, started, due, met, breached)
}

// grant gives the consultant role these permissions through the roles API, besides its defaults.
func (d *desk) grant(perms ...string) {
	d.t.Helper()
	var roles struct {
		Items []struct {
			ID      int64  `json:"id"`
			Key     string `json:"key"`
			Version int64  `json:"version"`
		} `json:"items"`
	}
	mustJSON(d.t, d.admin, "GET", "/api/v1/roles", 200, &roles)
	for _, r := range roles.Items {
		if r.Key == "consultant" {
			all := append([]string{"ticket.create", "ticket.view_network"}, perms...)
			st, body := d.admin.Do("PATCH", fmt.Sprintf("/api/v1/roles/%d", r.ID), map[string]any{"version": r.Version, "permissions": all})
			if st != 200 {
				d.t.Fatalf("grant: %d %s", st, body)
			}
			return
		}
	}
	d.t.Fatal("no consultant role")
}

func mustJSON(t *testing.T, c *testutil.Client, method, path string, want int, dst any) []byte {
	t.Helper()
	st, body := c.Do(method, path, nil)
	if st != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, st, want, body)
	}
	if dst != nil {
		if err := json.Unmarshal(body, dst); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
	}
	return body
}

// expected computes a pivot's numbers with SQL of its own over an explicit set of ticket ids: count
// and measure per (row, col), per row, per column and in all.
type expectedCell struct {
	n int64
	v *float64
}

func (d *desk) expected(visible []int64, from, to time.Time, rowCol, colCol, measure string) map[[2]string]expectedCell {
	d.t.Helper()
	x := map[string]string{
		"count":                 "NULL::float8",
		"first_response_median": "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM k.first_response_at - k.created_at))",
		"resolution_p90":        "percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM k.resolved_at - k.created_at))",
		"sla_compliance": `100.0 * count(*) FILTER (WHERE k.met_at IS NOT NULL AND k.breached_at IS NULL AND k.met_at <= k.due_at)
			/ NULLIF(count(*) FILTER (WHERE k.breached_at IS NOT NULL OR k.met_at IS NOT NULL), 0)`,
	}[measure]
	// The measure over a per-ticket x, grouped by the two dimensions and their totals; GROUPING tells a
	// total's null key from a "none" member.
	q := fmt.Sprintf(`SELECT GROUPING(r), GROUPING(c), coalesce(r, 'none'), coalesce(c, 'none'), count(*), (%[3]s)::float8
		FROM (SELECT %[1]s::text AS r, %[2]s::text AS c, t.created_at, t.first_response_at, t.resolved_at,
			k.met_at, k.breached_at, k.due_at
			FROM tickets t LEFT JOIN sla_clocks k ON k.ticket_id = t.id AND k.clock = 'resolution'
			WHERE t.id = ANY($1) AND t.created_at >= $2 AND t.created_at < $3) k
		GROUP BY GROUPING SETS ((r, c), (r), (c), ())`, rowCol, colCol, x)
	rows, err := d.a.DB.Pool.Query(context.Background(), q, visible, from, to.AddDate(0, 0, 1))
	if err != nil {
		d.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[[2]string]expectedCell{}
	for rows.Next() {
		var gr, gc int
		var r, c string
		var e expectedCell
		if err := rows.Scan(&gr, &gc, &r, &c, &e.n, &e.v); err != nil {
			d.t.Fatal(err)
		}
		if gr == 1 {
			r = "*"
		}
		if gc == 1 {
			c = "*"
		}
		out[[2]string{r, c}] = e
	}
	return out
}

func (d *desk) checkPivot(who *testutil.Client, visible []int64, rows, cols, rowCol, colCol, measure string) reports.Pivot {
	d.t.Helper()
	var p reports.Pivot
	mustJSON(d.t, who, "GET", "/api/v1/reports/pivot?rows="+rows+"&cols="+cols+"&measure="+measure, 200, &p)
	// The period and the date members are the desk's days (America/Bogota in tests), written here again
	// with the zone's name, not with the server's desk_day.
	zone := d.a.Config.DeskTimeZone
	from, _ := time.ParseInLocation(time.DateOnly, p.From, zone)
	to, _ := time.ParseInLocation(time.DateOnly, p.To, zone)
	if to.Sub(from) != 29*24*time.Hour || p.To != time.Now().In(zone).Format(time.DateOnly) {
		d.t.Errorf("default period %s – %s", p.From, p.To)
	}
	rowCol = strings.ReplaceAll(rowCol, "$zone", "'"+zone.String()+"'")
	colCol = strings.ReplaceAll(colCol, "$zone", "'"+zone.String()+"'")
	want := d.expected(visible, from, to, rowCol, colCol, measure)
	got := map[[2]string]reports.Cell{}
	for _, c := range p.Cells {
		got[[2]string{*c.Row, *c.Col}] = c
	}
	for _, c := range p.RowTotals {
		got[[2]string{*c.Row, "*"}] = c
	}
	for _, c := range p.ColTotals {
		got[[2]string{"*", *c.Col}] = c
	}
	got[[2]string{"*", "*"}] = p.Total
	if len(got) != len(want) {
		d.t.Errorf("%s×%s %s: %d numbers, want %d", rows, cols, measure, len(got), len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			d.t.Errorf("%s×%s %s: no number for %v", rows, cols, measure, k)
			continue
		}
		if g.Count != w.n {
			d.t.Errorf("%s×%s %v: count %d, want %d", rows, cols, k, g.Count, w.n)
		}
		wv := w.v
		if measure == "count" {
			wv = ptr(float64(w.n))
		}
		switch {
		case measure == "count" && (g.Value == nil || *g.Value != float64(g.Count)):
			d.t.Errorf("%v: count value %v", k, g.Value)
		case measure != "count" && (g.Value == nil) != (wv == nil):
			d.t.Errorf("%s %v: value %v, want %v", measure, k, g.Value, wv)
		case measure != "count" && g.Value != nil && math.Abs(*g.Value-*wv) > 0.01:
			d.t.Errorf("%s %v: value %v, want %v", measure, k, *g.Value, *wv)
		}
	}
	return p
}

// drills checks that every number's drill-down lists exactly its tickets in the records table.
func (d *desk) drills(who *testutil.Client, p reports.Pivot) {
	d.t.Helper()
	all := append(append(append([]reports.Cell{p.Total}, p.Cells...), p.RowTotals...), p.ColTotals...)
	drilled := 0
	for _, c := range all {
		if c.Drill == nil {
			continue
		}
		drilled++
		var l struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			Total struct {
				Count int64 `json:"count"`
			} `json:"total"`
		}
		mustJSON(d.t, who, "GET", "/api/v1/tickets?limit=200&"+*c.Drill, 200, &l)
		if int64(len(l.Items)) != c.Count || l.Total.Count != c.Count {
			d.t.Errorf("drill %s: %d tickets (total %d), the cell says %d", *c.Drill, len(l.Items), l.Total.Count, c.Count)
		}
	}
	if drilled < len(all)/2 {
		d.t.Errorf("only %d of %d numbers drill", drilled, len(all))
	}
}

func TestPivotEqualsSQLAndDrills(t *testing.T) {
	d := open(t)
	for _, c := range []struct{ rows, cols, rowCol, colCol, measure string }{
		{"status", "priority", "t.status_id", "t.priority_id", "count"},
		{"queue", "channel", "t.queue_id", "t.channel_id", "count"},
		{"subcategory", "assignee", "t.subcategory_id", "t.assignee_id", "first_response_median"},
		{"category", "created_week", "t.category_id", "to_char(date_trunc('week', t.created_at AT TIME ZONE $zone), 'YYYY-MM-DD')", "resolution_p90"},
		{"created_day", "queue", "to_char(t.created_at AT TIME ZONE $zone, 'YYYY-MM-DD')", "t.queue_id", "sla_compliance"},
		{"assignee", "created_month", "t.assignee_id", "to_char(t.created_at AT TIME ZONE $zone, 'YYYY-MM')", "count"},
	} {
		p := d.checkPivot(d.admin, d.ids, c.rows, c.cols, c.rowCol, c.colCol, c.measure)
		d.drills(d.admin, p)
	}
	// A pivot without columns: rows and their totals only.
	var p reports.Pivot
	mustJSON(t, d.admin, "GET", "/api/v1/reports/pivot?rows=priority", 200, &p)
	if len(p.Cols) != 0 || len(p.Cells) != 0 || len(p.RowTotals) != len(p.Rows) || p.Total.Count == 0 {
		t.Errorf("no columns: %+v", p)
	}
	// A filter narrows every number and its drill.
	q := d.ids64("SELECT id FROM queues ORDER BY id")[0]
	mustJSON(t, d.admin, "GET", fmt.Sprintf("/api/v1/reports/pivot?rows=status&queue=%d", q), 200, &p)
	var n int64
	if err := d.a.DB.Pool.QueryRow(context.Background(), "SELECT count(*) FROM tickets WHERE queue_id = $1 AND created_at >= $2",
		q, deskday.Today(d.a.Config.DeskTimeZone).AddDate(0, 0, -29)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if p.Total.Count != n || !strings.Contains(*p.Total.Drill, fmt.Sprintf("queue=%d", q)) {
		t.Errorf("queue filter: %d (%s), want %d", p.Total.Count, *p.Total.Drill, n)
	}
	d.drills(d.admin, p)

	// A consultant given report.pivot sees the numbers of their network's tickets only.
	consultant := testutil.Login(t, d.a, "consultant@x.test")
	mustJSON(t, consultant, "GET", "/api/v1/reports/pivot?rows=status", 403, nil)
	d.grant("report.pivot")
	for _, c := range []struct{ rows, cols, rowCol, colCol, measure string }{
		{"status", "priority", "t.status_id", "t.priority_id", "count"},
		{"channel", "created_week", "t.channel_id", "to_char(date_trunc('week', t.created_at AT TIME ZONE $zone), 'YYYY-MM-DD')", "first_response_median"},
		{"priority", "category", "t.priority_id", "t.category_id", "sla_compliance"},
	} {
		p := d.checkPivot(consultant, d.network, c.rows, c.cols, c.rowCol, c.colCol, c.measure)
		d.drills(consultant, p)
	}
}

func TestPivotRefusesBadRequests(t *testing.T) {
	d := open(t)
	for _, c := range []struct{ query, field, es, en string }{
		{"rows=color", "rows", "dimensiones ofrecidas", "offered dimensions"},
		{"rows=status&cols=status", "cols", "distintas", "different dimensions"},
		{"rows=status&measure=mean", "measure", "medidas ofrecidas", "offered measures"},
		{"rows=status&from=2026-13-01", "from", "", ""},
		{"rows=status&from=2026-12-01&to=2026-11-01", "to", "", ""},
		{"rows=status&from=2024-01-01&to=2026-01-01", "to", "366 días", "366 days"},
		{"rows=status&queue=x", "queue", "", ""},
		{"rows=created_day&cols=assignee&from=2025-01-01&to=2025-12-31", "", "", ""},
	} {
		for _, lang := range []string{"es", "en"} {
			d.admin.Lang = lang
			st, body := d.admin.Do("GET", "/api/v1/reports/pivot?"+c.query, nil)
			if c.field == "" {
				// A whole year by day over no tickets: no row, so within the limits.
				if st != 200 {
					t.Errorf("%s: %d %s", c.query, st, body)
				}
				continue
			}
			var e struct {
				Error struct {
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			_ = json.Unmarshal(body, &e)
			msg := e.Error.Fields[c.field]
			want := map[string]string{"es": c.es, "en": c.en}[lang]
			if st != 422 || msg == "" || !strings.Contains(msg, want) {
				t.Errorf("%s (%s): %d %s", c.query, lang, st, body)
			}
		}
	}
	d.admin.Lang = "en"
	// More rows than the table may hold: 422 naming the rows.
	for i := range reports.MaxRows + 1 {
		d.exec("INSERT INTO users (email, name, password_hash, role, locale) VALUES ($1, $1, 'x', 'agent', 'en')", fmt.Sprintf("many%d@x.test", i))
	}
	d.exec(`UPDATE tickets t SET assignee_id = u.id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE email LIKE 'many%') u,
		(SELECT id, row_number() OVER (ORDER BY id) AS n FROM tickets) tt WHERE tt.id = t.id AND u.n = tt.n`)
	var extra []int64
	err := d.a.DB.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		ids := d.ids64("SELECT id FROM users WHERE email LIKE 'many%' ORDER BY id")
		for _, uid := range ids {
			c, err := d.a.Tickets.Create(ctx, tx, access.Subject{}, tickets.NewTicket{Subject: "x", StatusID: d.f.Statuses[0],
				PriorityID: d.f.Priorities[0], AssigneeID: &uid})
			if err != nil {
				return err
			}
			extra = append(extra, c.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st, body := d.admin.Do("GET", "/api/v1/reports/pivot?rows=assignee", nil)
	if st != 422 || !strings.Contains(string(body), `"rows"`) || !strings.Contains(string(body), "the most is 200") {
		t.Errorf("too many rows: %d %s", st, body)
	}
	// A customer holds no report permission.
	mustJSON(t, testutil.Login(t, d.a, "customer@x.test"), "GET", "/api/v1/reports/pivot?rows=status", 403, nil)
}

// exported reads the ticket numbers (first column, after the header) of a CSV or XLSX export, and every
// cell as text.
func exported(t *testing.T, format string, body []byte) ([]int64, [][]string) {
	t.Helper()
	var rows [][]string
	if format == "csv" {
		if !bytes.HasPrefix(body, []byte("\ufeff")) {
			t.Errorf("csv without byte-order mark")
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
		r.FieldsPerRecord = -1
		var err error
		if rows, err = r.ReadAll(); err != nil {
			t.Fatal(err)
		}
	} else {
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if rows, err = f.GetRows("Sheet1"); err != nil {
			t.Fatal(err)
		}
		// No cell is a formula.
		for i, row := range rows {
			for j := range row {
				name, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if fm, _ := f.GetCellFormula("Sheet1", name); fm != "" {
					t.Errorf("xlsx cell %s is a formula: %s", name, fm)
				}
			}
		}
	}
	var numbers []int64
	for _, r := range rows[1:] {
		n, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			t.Fatalf("row %v", r)
		}
		numbers = append(numbers, n)
	}
	return numbers, rows
}

func TestExportsHoldExactlyTheVisibleTicketsAndNeutraliseFormulas(t *testing.T) {
	d := open(t)
	consultant := testutil.Login(t, d.a, "consultant@x.test")
	// The consultant role may not export by default.
	for _, path := range []string{"/api/v1/tickets/export?format=csv", "/api/v1/tickets/export?format=xlsx"} {
		if st, body := consultant.Do("GET", path, nil); st != 403 {
			t.Errorf("%s without ticket.export: %d %s", path, st, body)
		}
	}
	d.grant("ticket.export", "report.pivot", "report.history")
	want := []int64{}
	for _, id := range d.network {
		want = append(want, d.numbers[id])
	}
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	all := []int64{}
	for _, n := range d.numbers {
		all = append(all, n)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	for _, format := range []string{"csv", "xlsx"} {
		for _, who := range []struct {
			c    *testutil.Client
			want []int64
		}{{consultant, want}, {d.admin, all}} {
			st, body := who.c.Do("GET", "/api/v1/tickets/export?sort=number&format="+format, nil)
			if st != 200 {
				t.Fatalf("export %s: %d %s", format, st, body)
			}
			got, rows := exported(t, format, body)
			if !slices.Equal(got, who.want) {
				t.Errorf("%s export: %v, want %v", format, got, who.want)
			}
			if rows[0][1] != "Subject" {
				t.Errorf("%s header %v", format, rows[0])
			}
			if who.c == d.admin {
				subjects := map[string]bool{}
				for _, r := range rows[1:] {
					subjects[r[1]] = true
				}
				for _, s := range []string{`'=HYPERLINK("http://x","y")`, "'+1", "'-2", "'@SUM(A1)"} {
					if !subjects[s] {
						t.Errorf("%s export: no neutralised subject %q", format, s)
					}
				}
			}
		}
	}
	// The history export of the consultant: changes of their tickets only, subjects neutralised.
	for _, format := range []string{"csv", "xlsx"} {
		st, body := consultant.Do("GET", "/api/v1/reports/history/export?columns=number,subject,field&sort=at&format="+format, nil)
		if st != 200 {
			t.Fatalf("history export: %d %s", st, body)
		}
		got, rows := exported(t, format, body)
		seen := map[int64]bool{}
		for _, n := range got {
			seen[n] = true
		}
		if len(seen) != len(want) {
			t.Errorf("%s history export: tickets %v, want %v", format, seen, want)
		}
		for n := range seen {
			if !slices.Contains(want, n) {
				t.Errorf("%s history export holds ticket %d the consultant does not see", format, n)
			}
		}
		for _, r := range rows[1:] {
			if strings.HasPrefix(r[1], "=") || strings.HasPrefix(r[1], "@") || strings.HasPrefix(r[1], "+") {
				t.Errorf("%s history export: subject %q not neutralised", format, r[1])
			}
		}
	}
	// The pivot export: the consultant's numbers, formulas nowhere.
	for _, format := range []string{"csv", "xlsx"} {
		st, body := consultant.Do("GET", "/api/v1/reports/pivot/export?rows=status&cols=priority&format="+format, nil)
		if st != 200 {
			t.Fatalf("pivot export: %d %s", st, body)
		}
		var p reports.Pivot
		mustJSON(t, consultant, "GET", "/api/v1/reports/pivot?rows=status&cols=priority", 200, &p)
		_, rows := pivotRows(t, format, body)
		last := rows[len(rows)-1]
		if last[0] != "Total" || last[len(last)-1] != strconv.FormatInt(p.Total.Count, 10) || len(rows) != len(p.Rows)+3 {
			t.Errorf("%s pivot export: %v, total %d", format, rows, p.Total.Count)
		}
	}
	// Bad format: 422 in both languages.
	for lang, want := range map[string]string{"es": "csv o xlsx", "en": "csv or xlsx"} {
		consultant.Lang = lang
		for _, path := range []string{"/api/v1/tickets/export?format=pdf", "/api/v1/reports/pivot/export?rows=status&format=pdf",
			"/api/v1/reports/history/export?format=pdf"} {
			st, body := consultant.Do("GET", path, nil)
			if st != 422 || !strings.Contains(string(body), want) || !strings.Contains(string(body), `"format"`) {
				t.Errorf("%s (%s): %d %s", path, lang, st, body)
			}
		}
	}
}

func pivotRows(t *testing.T, format string, body []byte) (int, [][]string) {
	t.Helper()
	if format == "csv" {
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return len(rows), rows
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	return len(rows), rows
}

func TestHistoryReportPagesVisibleChanges(t *testing.T) {
	d := open(t)
	// A few changes on top of each ticket's creation row.
	for i, id := range d.ids[:10] {
		var version int64
		if err := d.a.DB.Pool.QueryRow(context.Background(), "SELECT version FROM tickets WHERE id = $1", id).Scan(&version); err != nil {
			t.Fatal(err)
		}
		st, body := d.admin.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), map[string]any{"subject": fmt.Sprintf("Changed %d", i), "version": version})
		if st != 200 {
			t.Fatalf("patch: %d %s", st, body)
		}
	}
	var total int
	if err := d.a.DB.Pool.QueryRow(context.Background(), "SELECT count(*) FROM ticket_history").Scan(&total); err != nil {
		t.Fatal(err)
	}
	// Pages of 7, oldest first, cover every change once and in order.
	var seen []int64
	cursor := ""
	var last time.Time
	for {
		var p reports.HistoryPage
		mustJSON(t, d.admin, "GET", "/api/v1/reports/history?sort=at&limit=7&cursor="+cursor, 200, &p)
		for _, r := range p.Items {
			if r.At.Before(last) || r.Number == nil || r.Actor == nil {
				t.Errorf("row %+v", r)
			}
			last = *r.At
			seen = append(seen, r.ID)
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	if len(seen) != total {
		t.Errorf("%d rows, want %d", len(seen), total)
	}
	// Chosen columns and filters: subject changes by the admin, newest first.
	var p reports.HistoryPage
	mustJSON(t, d.admin, "GET", fmt.Sprintf("/api/v1/reports/history?columns=number,field&field=subject&actor=%d", d.f.Users["admin@x.test"].ID), 200, &p)
	if len(p.Items) != 10 || p.Items[0].Subject != nil || p.Items[0].At != nil || *p.Items[0].Field != "subject" {
		t.Errorf("subject changes: %d %+v", len(p.Items), p.Items)
	}
	// Bad parameters: 422 naming each, in both languages.
	for lang, want := range map[string]string{"es": "no es una columna", "en": "is not a history column"} {
		d.admin.Lang = lang
		st, body := d.admin.Do("GET", "/api/v1/reports/history?columns=at,secret", nil)
		if st != 422 || !strings.Contains(string(body), want) {
			t.Errorf("bad column (%s): %d %s", lang, st, body)
		}
		st, body = d.admin.Do("GET", "/api/v1/reports/history?sort=number&at_from=yesterday&status=x", nil)
		if st != 422 || !strings.Contains(string(body), `"sort"`) || !strings.Contains(string(body), `"at_from"`) || !strings.Contains(string(body), `"status"`) {
			t.Errorf("bad params (%s): %d %s", lang, st, body)
		}
	}
	d.admin.Lang = "en"
	// The consultant, once allowed, reads their network's changes only.
	consultant := testutil.Login(t, d.a, "consultant@x.test")
	mustJSON(t, consultant, "GET", "/api/v1/reports/history", 403, nil)
	d.grant("report.history")
	mustJSON(t, consultant, "GET", "/api/v1/reports/history?limit=200", 200, &p)
	for _, r := range p.Items {
		if !slices.Contains(d.network, r.TicketID) {
			t.Errorf("consultant sees the history of ticket %d", r.TicketID)
		}
	}
	if len(p.Items) < len(d.network) {
		t.Errorf("consultant history: %d rows for %d tickets", len(p.Items), len(d.network))
	}
}

// names reads a catalog entry's or a role's Spanish and English names.
func (d *desk) names(table string, id int64) map[string]string {
	d.t.Helper()
	var es, en string
	if err := d.a.DB.Pool.QueryRow(context.Background(), "SELECT name_es, name_en FROM "+table+" WHERE id = $1", id).Scan(&es, &en); err != nil {
		d.t.Fatal(err)
	}
	return map[string]string{"es": es, "en": en}
}

// historyExport downloads the history export and returns its rows (header first).
func historyExport(t *testing.T, c *testutil.Client, format, query string) [][]string {
	t.Helper()
	st, body := c.Do("GET", "/api/v1/reports/history/export?format="+format+"&"+query, nil)
	if st != 200 {
		t.Fatalf("history export %s: %d %s", query, st, body)
	}
	_, rows := exported(t, format, body)
	return rows
}

func TestHistoryExportSaysValuesInWordsAndTimesInTheAskedZone(t *testing.T) {
	d := open(t)
	id := d.ids[0] // the consultant's, status Statuses[0], assigned to agent1
	agent1, agent2 := d.f.Users["agent1@x.test"], d.f.Users["agent2@x.test"]
	var role int64 // a role the ticket does not allow yet
	if err := d.a.DB.Pool.QueryRow(context.Background(), `SELECT id FROM roles
		WHERE id <> ALL((SELECT allowed_roles FROM tickets WHERE id = $1)::bigint[]) ORDER BY id LIMIT 1`, id).Scan(&role); err != nil {
		t.Fatal(err)
	}
	var version int64
	if err := d.a.DB.Pool.QueryRow(context.Background(), "SELECT version FROM tickets WHERE id = $1", id).Scan(&version); err != nil {
		t.Fatal(err)
	}
	st, body := d.admin.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), map[string]any{"version": version,
		"status_id": d.f.Statuses[1], "assignee_id": agent2.ID, "allowed_roles": []int64{role}})
	if st != 200 {
		t.Fatalf("patch: %d %s", st, body)
	}
	// 02:30 UTC on 5 March is 21:30 the day before in Bogotá (UTC-5) and 03:30 in Madrid (UTC+1).
	d.exec("UPDATE ticket_history SET at = '2026-03-05T02:30:00Z' WHERE ticket_id = $1 AND field <> 'created'", id)
	before, after := d.names("statuses", d.f.Statuses[0]), d.names("statuses", d.f.Statuses[1])
	roleNames := d.names("roles", role)
	number := strconv.FormatInt(d.numbers[id], 10)
	cols := "columns=number,at,field,before,after,actor&sort=at"
	for _, format := range []string{"csv", "xlsx"} {
		for _, lang := range []string{"es", "en"} {
			// A file is in the user's language.
			d.exec("UPDATE users SET locale = $1 WHERE email = 'admin@x.test'", lang)
			rows := historyExport(t, d.admin, format, cols+"&tz=America/Bogota&field=status_id")
			wantHead := map[string]string{"es": "Fecha (America/Bogota)", "en": "Date (America/Bogota)"}[lang]
			if rows[0][1] != wantHead {
				t.Errorf("%s %s header %v, want %q", format, lang, rows[0], wantHead)
			}
			field := map[string]string{"es": "Estado", "en": "Status"}[lang]
			want := []string{number, "2026-03-04 21:30", field, before[lang], after[lang], "admin"}
			if len(rows) != 2 || !slices.Equal(rows[1], want) {
				t.Errorf("%s %s status change: %v, want %v", format, lang, rows[1:], want)
			}
			rows = historyExport(t, d.admin, format, cols+"&tz=America/Bogota&field=assignee_id")
			want = []string{number, "2026-03-04 21:30", map[string]string{"es": "Asignado a", "en": "Assignee"}[lang], agent1.Name, agent2.Name, "admin"}
			if len(rows) != 2 || !slices.Equal(rows[1], want) {
				t.Errorf("%s %s assignee change: %v, want %v", format, lang, rows[1:], want)
			}
			rows = historyExport(t, d.admin, format, cols+"&tz=America/Bogota&field=allowed_roles")
			if len(rows) != 2 || rows[1][4] != roleNames[lang] {
				t.Errorf("%s %s roles change: %v, want %q", format, lang, rows[1:], roleNames[lang])
			}
		}
	}
	// Another zone, UTC, and the desk's (America/Bogota in tests) when none is asked.
	for tz, want := range map[string][2]string{"Europe/Madrid": {"Date (Europe/Madrid)", "2026-03-05 03:30"},
		"UTC": {"Date (UTC)", "2026-03-05 02:30"}, "": {"Date (America/Bogota)", "2026-03-04 21:30"}} {
		rows := historyExport(t, d.admin, "csv", cols+"&field=status_id&tz="+tz)
		if rows[0][1] != want[0] || rows[1][1] != want[1] {
			t.Errorf("tz %q: %v", tz, rows)
		}
	}
	// A workbook holds a real date: a serial number shown with its format.
	st, body = d.admin.Do("GET", "/api/v1/reports/history/export?format=xlsx&tz=America/Bogota&field=status_id&"+cols, nil)
	if st != 200 {
		t.Fatalf("xlsx: %d", st)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := f.GetCellValue("Sheet1", "B2", excelize.Options{RawCellValue: true})
	serial, err := strconv.ParseFloat(raw, 64)
	if wantSerial := 46085 + 21.5/24; err != nil || math.Abs(serial-wantSerial) > 1e-6 {
		t.Errorf("xlsx date cell %q, want the serial %f", raw, wantSerial)
	}
	_ = f.Close()
	// The consultant sees the same names, but role ids only: they may not list the roles (nor on the
	// ticket page).
	consultant := testutil.Login(t, d.a, "consultant@x.test")
	d.grant("ticket.export", "report.history")
	rows := historyExport(t, consultant, "csv", cols+"&field=allowed_roles")
	if len(rows) != 2 || rows[1][4] != fmt.Sprintf("#%d", role) {
		t.Errorf("consultant roles change: %v", rows)
	}
	rows = historyExport(t, consultant, "csv", cols+"&field=assignee_id")
	if len(rows) != 2 || rows[1][3] != agent1.Name || rows[1][4] != agent2.Name {
		t.Errorf("consultant assignee change: %v", rows)
	}

	// Tasks, information requests, tracking links and time limits in a status, in words (they were JSON).
	d.exec("UPDATE users SET locale = 'es' WHERE email = 'admin@x.test'")
	d.exec(`INSERT INTO ticket_history (ticket_id, actor_id, at, field, before, after) VALUES
		($1, $2, '2026-03-06T15:00:00Z', 'task', NULL, jsonb_build_object('event', 'created', 'id', 1, 'title', 'Llamar a la transportadora', 'assignee_id', $3::bigint)),
		($1, $2, '2026-03-06T15:01:00Z', 'info_request', NULL, '{"event":"returned","id":1,"round":2,"to_name":"Pat","to_email":"pat@x.test","message":"Falta la factura"}'),
		($1, $2, '2026-03-06T15:02:00Z', 'tracking_link', NULL, '{"event":"sent","id":1,"email":"ana@example.com","expires_at":"2026-04-05T15:02:00Z"}'),
		($1, NULL, '2026-03-06T15:03:00Z', 'state_limit', NULL, jsonb_build_object('event', 'over', 'status_id', $4::bigint, 'limit_minutes', 90)),
		($1, NULL, '2026-03-06T15:04:00Z', 'sla', NULL, jsonb_build_object('event', 'paused', 'clock', 'resolution', 'reason', 'status_paused', 'status_id', $4::bigint, 'due_at', '2026-03-07T15:00:00Z')),
		($1, $2, '2026-03-06T15:05:00Z', 'action', NULL, '{"action":"credit_note","movement_id":7,"amount":{"amount":"125000.50","currency":"COP"}}')`,
		id, d.f.Users["admin@x.test"].ID, agent2.ID, d.f.Statuses[1])
	for field, want := range map[string]string{
		"task":          "Tarea creada · Llamar a la transportadora · " + agent2.Name,
		"info_request":  "Devuelta para completar · Pat <pat@x.test> · ronda 2 · “Falta la factura”",
		"tracking_link": "Enlace de seguimiento reenviado · ana@example.com · vence el 2026-04-05 10:02",
		"state_limit":   "Más de 90 min en «" + after["es"] + "»",
		"sla":           "Reloj de Resolución en pausa: estado " + after["es"] + ", vence 2026-03-07 10:00",
		"action":        "Nota crédito: 125000.50 COP",
	} {
		rows := historyExport(t, d.admin, "csv", cols+"&tz=America/Bogota&field="+field)
		if len(rows) != 2 || rows[1][4] != want {
			t.Errorf("%s in words: %v, want %q", field, rows[1:], want)
		}
	}
}

func TestExportsRefuseABadTimeZone(t *testing.T) {
	d := open(t)
	for _, path := range []string{"/api/v1/reports/history/export?format=csv", "/api/v1/tickets/export?format=xlsx",
		"/api/v1/tickets/export.csv?sort=number"} {
		for _, tz := range []string{"Mars/Olympus", "Local", "../../etc/passwd", "-05:00"} {
			for lang, want := range map[string]string{"es": "no es una zona horaria IANA", "en": "is not an IANA time zone"} {
				d.admin.Lang = lang
				st, body := d.admin.Do("GET", path+"&tz="+url.QueryEscape(tz), nil)
				var e struct {
					Error struct {
						Fields map[string]string `json:"fields"`
					} `json:"error"`
				}
				if st != 422 || json.Unmarshal(body, &e) != nil || !strings.Contains(e.Error.Fields["tz"], want) {
					t.Errorf("%s tz=%q (%s): %d %s", path, tz, lang, st, body)
				}
			}
		}
	}
}

func TestTicketsExportWritesTimesInTheAskedZone(t *testing.T) {
	d := open(t)
	id := d.ids[3]
	d.exec("UPDATE tickets SET created_at = '2026-03-05T02:30:00Z', updated_at = '2026-07-01T12:00:00Z' WHERE id = $1", id)
	number := strconv.FormatInt(d.numbers[id], 10)
	for _, c := range []struct{ tz, zone, created, updated string }{
		{"America/Bogota", "America/Bogota", "2026-03-04 21:30", "2026-07-01 07:00"},
		{"Europe/Madrid", "Europe/Madrid", "2026-03-05 03:30", "2026-07-01 14:00"}, // summer time: UTC+2
		{"", "America/Bogota", "2026-03-04 21:30", "2026-07-01 07:00"},
	} {
		for _, format := range []string{"csv", "xlsx"} {
			st, body := d.admin.Do("GET", "/api/v1/tickets/export?sort=number&format="+format+"&tz="+c.tz, nil)
			if st != 200 {
				t.Fatalf("export: %d %s", st, body)
			}
			_, rows := exported(t, format, body)
			head := rows[0]
			if head[11] != "Created ("+c.zone+")" || head[12] != "Updated ("+c.zone+")" {
				t.Errorf("%s tz %q: header %v", format, c.tz, head)
			}
			found := false
			for _, r := range rows[1:] {
				if r[0] == number {
					found = true
					if r[11] != c.created || r[12] != c.updated {
						t.Errorf("%s tz %q: times %q %q, want %q %q", format, c.tz, r[11], r[12], c.created, c.updated)
					}
				}
			}
			if !found {
				t.Errorf("%s: no ticket %s", format, number)
			}
		}
	}
}
