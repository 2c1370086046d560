package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/dashboard"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/i18n"
)

const (
	dashboardDatabase = "atiende_bench_dashboard"
	dashboardPrefix   = "bench-dashboard"
)

// runDashboard loads a desk of many tickets over two years (about one in twenty open, first responses
// and resolutions filled, SLA clocks on every ticket) and times every dashboard widget through the
// service, as the admin and as a supervisor of two queues (visibility-filtered), under no filter and
// under a queue filter; each answer is checked against a count written independently over tickets.
func runDashboard(ctx context.Context, cfg app.Config, log *slog.Logger, args []string) (string, error) {
	fs := flag.NewFlagSet("bench dashboard", flag.ContinueOnError)
	n := fs.Int("tickets", 1000000, "tickets to generate")
	// 1,000 answers: the p99 is then the 10th-slowest, not the 2nd or 3rd of 200 (one scheduling hiccup).
	samples := fs.Int("samples", 1000, "timed answers per widget and case")
	warmup := fs.Int("warmup", 20, "untimed answers per widget and case before timing")
	keep := fs.Bool("keep", false, "keep the bench database afterwards, for inspection")
	reuse := fs.Bool("reuse", false, "time the database a -keep run left (migrated to this build) instead of loading a new one")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if *n < 1 || *samples < 1 || *warmup < 0 {
		return "", errors.New("bench dashboard: -tickets and -samples must be positive")
	}
	var dbURL string
	var err error
	drop := func() {}
	if *reuse {
		u, err := url.Parse(cfg.DatabaseURL)
		if err != nil {
			return "", fmt.Errorf("bench dashboard: DATABASE_URL: %w", err)
		}
		u.Path = "/" + dashboardDatabase
		dbURL, *keep = u.String(), true
	} else if dbURL, drop, err = freshDatabase(ctx, cfg.DatabaseURL, dashboardDatabase); err != nil {
		return "", err
	}
	if *keep {
		fmt.Printf("keeping the database %s\n", dashboardDatabase)
	} else {
		defer drop()
	}
	a, err := app.New(ctx, benchConfig(cfg, dbURL, dashboardPrefix), log)
	if err != nil {
		return "", err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		clearRedisPrefix(cctx, a.Redis, dashboardPrefix)
		_ = a.Close(cctx)
	}()
	if err := a.Start(ctx); err != nil {
		return "", err
	}
	clearRedisPrefix(ctx, a.Redis, dashboardPrefix)

	start := time.Now()
	if !*reuse {
		if err := seedDesk(ctx, a, 50, 20000); err != nil {
			return "", err
		}
	}
	admin, shape, err := loadDesk(ctx, a)
	if err != nil {
		return "", err
	}
	now := time.Now().UTC().Truncate(time.Second)
	if !*reuse {
		// Each ticket's first response (most within hours of its creation) and, once done, its resolution at
		// its last change: the columns the trigger would set on live writes.
		shape.extraCols = []string{"first_response_at", "resolved_at"}
		shape.extend = func(r *rand.Rand, row []any) []any {
			created, updated := row[13].(time.Time), row[14].(time.Time)
			done := row[2] == shape.statuses[3] || row[2] == shape.statuses[4]
			var fr, res any
			if r.IntN(100) < 85 {
				t := created.Add(time.Duration(r.ExpFloat64() * float64(3*time.Hour))).Truncate(time.Microsecond)
				if t.After(updated) {
					t = updated
				}
				fr = t
			}
			if done {
				res = updated
			}
			return append(row, fr, res)
		}
		if err := copyTickets(ctx, a, *n, shape, now.Add(-2*365*24*time.Hour), now); err != nil {
			return "", err
		}
		// Customer service sees the tickets of the queues' roles, as on a live desk.
		if _, err := a.DB.Pool.Exec(ctx, `UPDATE tickets t SET allowed_roles = q.role_ids FROM queues q
			WHERE q.id = t.queue_id AND t.allowed_roles <> q.role_ids AND t.id % 10 = 0`); err != nil {
			return "", err
		}
		// The clocks, then every aggregate the row triggers keep, rebuilt once (the load ran without them).
		if err := copyClocks(ctx, a); err != nil {
			return "", err
		}
		for _, table := range []string{"tickets", "sla_clocks", "dashboard_open_counts", "dashboard_open_totals", "dashboard_day_counts", "sla_running_counts", "sla_result_days"} {
			if _, err := a.DB.Pool.Exec(ctx, "VACUUM (ANALYZE) "+table); err != nil {
				return "", fmt.Errorf("bench dashboard: vacuum: %w", err)
			}
		}
	}
	var open, rows int64
	_ = a.DB.Pool.QueryRow(ctx, "SELECT count(*) FROM tickets t JOIN statuses s ON s.id = t.status_id WHERE s.grp <> 'done'").Scan(&open)
	_ = a.DB.Pool.QueryRow(ctx, "SELECT count(*) FROM dashboard_open_counts").Scan(&rows)
	fmt.Printf("bench dashboard: %d tickets (%d open, %d aggregate rows) with clocks in %s\n", *n, open, rows,
		time.Since(start).Round(100*time.Millisecond))

	var supRole int64
	if err := a.DB.Bun.NewSelect().Table("roles").Column("id").Where("key = 'supervisor'").Scan(ctx, &supRole); err != nil {
		return "", err
	}
	subjects := []struct {
		name string
		subj access.Subject
	}{
		{"admin", access.Subject{UserID: admin.ID, Name: admin.Name, Role: access.Admin, Locale: i18n.ES}},
		{"supervisor", access.Subject{UserID: shape.agents[0], Role: access.Supervisor, RoleIDs: []int64{supRole},
			Perms: access.Defaults(access.Supervisor), Queues: shape.typ.Queues[:min(2, len(shape.typ.Queues))], Locale: i18n.ES}},
	}
	today := deskday.Today(a.Config.DeskTimeZone) // the widgets count the desk's days
	filters := []dashboard.Filter{
		{From: today.AddDate(0, 0, -29), To: today},
		{From: today.AddDate(0, 0, -29), To: today, QueueID: shape.typ.Queues[0]},
	}
	var counterP99, timedP99 time.Duration
	exact := true
	for _, s := range subjects {
		for _, key := range access.Widgets(s.subj) {
			for range *warmup {
				if _, err := a.Dashboard.Get(ctx, s.subj, key, filters[0]); err != nil {
					return "", fmt.Errorf("bench dashboard: %s: %w", key, err)
				}
			}
			times := make([]time.Duration, 0, *samples)
			for i := range *samples {
				t := time.Now()
				if _, err := a.Dashboard.Get(ctx, s.subj, key, filters[i%len(filters)]); err != nil {
					return "", fmt.Errorf("bench dashboard: %s: %w", key, err)
				}
				times = append(times, time.Since(t))
			}
			p50, p99 := summary(times)
			ok := true
			for _, f := range filters {
				w, err := a.Dashboard.Get(ctx, s.subj, key, f)
				if err != nil {
					return "", err
				}
				if err := checkWidget(ctx, a.DB.Bun, s.subj, f, w); err != nil {
					fmt.Printf("MISMATCH %s %s: %v\n", s.name, key, err)
					ok, exact = false, false
				}
			}
			fmt.Printf("widget %-18s %-10s p50 %7s ms  p99 %7s ms  max %7s ms  exact %v\n", key, s.name, ms(p50), ms(p99), ms(times[len(times)-1]), ok)
			if dashboard.IsCounter(key) {
				counterP99 = max(counterP99, p99)
			} else {
				timedP99 = max(timedP99, p99)
			}
		}
	}
	return fmt.Sprintf("bench-dashboard-server tickets=%d counter_p99_ms=%s timed_p99_ms=%s exact=%v", *n, ms(counterP99), ms(timedP99), exact), nil
}

// checkWidget compares a widget's numbers with counts written independently over the tickets (and the
// clocks) with access.TicketFilter, never through the aggregate.
func checkWidget(ctx context.Context, db *bun.DB, subj access.Subject, f dashboard.Filter, w *dashboard.Widget) error {
	base := func(cols string) *bun.SelectQuery {
		q := db.NewSelect().TableExpr("tickets AS t").ColumnExpr(cols)
		if f.QueueID != 0 {
			q = q.Where("t.queue_id = ?", f.QueueID)
		}
		return access.TicketFilter(q, "t", subj)
	}
	openQ := "t.status_id IN (SELECT id FROM statuses WHERE grp <> 'done')"
	end := f.To.AddDate(0, 0, 1)
	zone := f.From.Location().String() // the desk's: the period's days are its midnights
	type kv struct {
		K string `bun:"k"`
		N int64  `bun:"n"`
	}
	group := func(q *bun.SelectQuery) (map[string]int64, error) {
		var rows []kv
		if err := q.Scan(ctx, &rows); err != nil {
			return nil, err
		}
		out := map[string]int64{}
		for _, r := range rows {
			out[r.K] += r.N
		}
		return out, nil
	}
	got := map[string]int64{}
	for _, s := range w.Slices {
		id := s.ID
		if id == "none" || id == "unassigned" {
			id = "0"
		}
		got[id] += s.Value
	}
	var want map[string]int64
	var err error
	switch w.Key {
	case "status":
		want, err = group(base("t.status_id::text AS k, count(*) AS n").Where(openQ).GroupExpr("1"))
		if err == nil {
			var done map[string]int64
			done, err = group(base("t.status_id::text AS k, count(*) AS n").Where("t.resolved_at >= ? AND t.resolved_at < ?", f.From, end).GroupExpr("1"))
			for k, v := range done {
				want[k] += v
			}
		}
	case "queue":
		want, err = group(base("coalesce(t.queue_id, 0)::text AS k, count(*) AS n").Where(openQ).GroupExpr("1"))
	case "priority":
		want, err = group(base("t.priority_id::text AS k, count(*) AS n").Where(openQ).GroupExpr("1"))
	case "issue_type":
		want, err = group(base("coalesce(t.category_id, 0)::text AS k, count(*) AS n").Where(openQ).GroupExpr("1"))
	case "agent_load":
		want, err = group(base("coalesce(t.assignee_id, 0)::text AS k, count(*) AS n").Where(openQ).GroupExpr("1"))
	case "backlog_age":
		want, err = group(base(`CASE WHEN a = 0 THEN '0' WHEN a <= 2 THEN '1_2' WHEN a <= 7 THEN '3_7' WHEN a <= 30 THEN '8_30' ELSE '31' END AS k, count(*) AS n`).
			TableExpr("LATERAL (SELECT (now() AT TIME ZONE ?)::date - (t.created_at AT TIME ZONE ?)::date AS a) AS x", zone, zone).Where(openQ).GroupExpr("1"))
	case "sla":
		want, err = group(base(`CASE WHEN k.breached_at IS NOT NULL OR k.due_at <= now() THEN 'breached'
			WHEN k.at_risk_at <= now() THEN 'at_risk' ELSE 'on_track' END AS k, count(*) AS n`).
			Join("JOIN sla_clocks AS k ON k.ticket_id = t.id AND k.shown AND k.since IS NOT NULL").GroupExpr("1"))
	case "response_times":
		got = map[string]int64{}
		for _, s := range w.Stats {
			got[s.ID] = s.Count
		}
		want = map[string]int64{}
		for id, col := range map[string]string{"first_response": "first_response_at", "resolution": "resolved_at"} {
			var n int64
			if err = base("count(*)").Where("t."+col+" >= ? AND t."+col+" < ?", f.From, end).Scan(ctx, &n); err != nil {
				break
			}
			want[id] = n
		}
	case "created_resolved":
		got = map[string]int64{}
		for _, s := range w.Series {
			for _, p := range s.Points {
				got[s.ID] += p.Value
			}
		}
		want = map[string]int64{}
		for id, col := range map[string]string{"created": "created_at", "resolved": "resolved_at"} {
			var n int64
			if err = base("count(*)").Where("t."+col+" >= ? AND t."+col+" < ?", f.From, end).Scan(ctx, &n); err != nil {
				break
			}
			want[id] = n
		}
	case "top_typifications":
		want, err = group(base("t.subcategory_id::text AS k, count(*) AS n").Where("t.created_at >= ? AND t.created_at < ?", f.From, end).
			Where("t.subcategory_id IS NOT NULL").GroupExpr("t.subcategory_id").OrderExpr("n DESC, t.subcategory_id").Limit(10))
	}
	if err != nil {
		return err
	}
	for k, v := range want {
		if got[k] != v {
			return fmt.Errorf("%s: widget %d, count %d", k, got[k], v)
		}
	}
	for k, v := range got {
		if v != 0 && want[k] != v {
			return fmt.Errorf("%s: widget %d, count %d", k, v, want[k])
		}
	}
	return nil
}
