package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/jobs"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/seed"
	"github.com/atiende/atiende/server/internal/sla"
)

const (
	slaDatabase = "atiende_bench_sla"
	slaPrefix   = "bench-sla"
)

// runSLA measures the SLA widget's counts by queue over a desk of many tickets with clocks (the query
// and the HTTP endpoint), then how late breach timers fire when many are due within a minute.
func runSLA(ctx context.Context, cfg app.Config, log *slog.Logger, args []string) (string, error) {
	fs := flag.NewFlagSet("bench sla", flag.ContinueOnError)
	n := fs.Int("tickets", 1000000, "tickets to generate, each with its two clocks")
	samples := fs.Int("samples", 200, "timed counts per case")
	warmup := fs.Int("warmup", 20, "untimed counts per case before timing")
	nTimers := fs.Int("timers", 10000, "breach timers due within -spread")
	spread := fs.Duration("spread", time.Minute, "the span over which the timers fall due")
	keep := fs.Bool("keep", false, "keep the bench database afterwards, for inspection")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if *n < 1 || *samples < 1 || *nTimers < 1 || *warmup < 0 || *spread <= 0 {
		return "", errors.New("bench sla: -tickets, -samples, -timers and -spread must be positive")
	}
	if *nTimers > *n {
		return "", errors.New("bench sla: -timers cannot exceed -tickets")
	}
	dbURL, drop, err := freshDatabase(ctx, cfg.DatabaseURL, slaDatabase)
	if err != nil {
		return "", err
	}
	if *keep {
		fmt.Printf("keeping the database %s\n", slaDatabase)
	} else {
		defer drop()
	}
	a, err := app.New(ctx, benchConfig(cfg, dbURL, slaPrefix), log)
	if err != nil {
		return "", err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		clearRedisPrefix(cctx, a.Redis, slaPrefix)
		_ = a.Close(cctx)
	}()
	if err := a.Start(ctx); err != nil {
		return "", err
	}
	clearRedisPrefix(ctx, a.Redis, slaPrefix)

	start := time.Now()
	if err := seedDesk(ctx, a, 50, 20000); err != nil {
		return "", err
	}
	admin, shape, err := loadSLADesk(ctx, a)
	if err != nil {
		return "", err
	}
	now := time.Now().UTC().Truncate(time.Second)
	if err := copyTickets(ctx, a, *n, shape, now.Add(-2*365*24*time.Hour), now); err != nil {
		return "", err
	}
	if err := copyClocks(ctx, a); err != nil {
		return "", err
	}
	if _, err := a.DB.Pool.Exec(ctx, "VACUUM (ANALYZE) sla_clocks"); err != nil {
		return "", fmt.Errorf("bench sla: vacuum: %w", err)
	}
	if _, err := a.DB.Pool.Exec(ctx, "VACUUM (ANALYZE) tickets"); err != nil {
		return "", fmt.Errorf("bench sla: vacuum: %w", err)
	}
	var open, shown int64
	if err := a.DB.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state IN ('running', 'paused')), count(*) FILTER (WHERE shown)
		FROM sla_clocks`).Scan(&open, &shown); err != nil {
		return "", err
	}
	fmt.Printf("bench sla: %d tickets and %d clocks (%d counting, %d shown by open tickets) in %s\n",
		*n, 2**n, open, shown, time.Since(start).Round(100*time.Millisecond))

	// The widget: the counts as the admin (the index alone) and as a supervisor of two queues (joined to
	// the tickets and filtered by access), in the service and over HTTP.
	subj := access.Subject{UserID: admin.ID, Name: admin.Name, Email: admin.Email, Role: access.Admin, Locale: i18n.ES}
	sup := access.Subject{UserID: admin.ID + 100000, Role: access.Supervisor, Perms: access.Defaults(access.Supervisor),
		Queues: shape.typ.Queues[:min(2, len(shape.typ.Queues))], Locale: i18n.ES}
	var worst time.Duration
	for _, c := range []struct {
		name string
		subj access.Subject
		f    sla.CountsFilter
	}{{"admin, all queues", subj, sla.CountsFilter{}}, {"admin, one queue", subj, sla.CountsFilter{QueueID: &shape.typ.Queues[0]}},
		{"supervisor, filtered", sup, sla.CountsFilter{}}} {
		for range *warmup {
			if _, err := a.SLA.Counts(ctx, c.subj, c.f); err != nil {
				return "", err
			}
		}
		times := make([]time.Duration, 0, *samples)
		for range *samples {
			t := time.Now()
			if _, err := a.SLA.Counts(ctx, c.subj, c.f); err != nil {
				return "", err
			}
			times = append(times, time.Since(t))
		}
		p50, p99 := summary(times)
		fmt.Printf("counts %-22s p50 %7s ms  p99 %7s ms  max %7s ms\n", c.name, ms(p50), ms(p99), ms(times[len(times)-1]))
		if c.subj.Role == access.Admin {
			worst = max(worst, p99)
		}
	}
	httpP99, err := httpCounts(ctx, a, *warmup, *samples)
	if err != nil {
		return "", err
	}
	fmt.Printf("counts %-22s p99 %7s ms\n", "GET /sla/counts (admin)", ms(httpP99))
	worst = max(worst, httpP99)

	lateP99, err := benchTimers(ctx, a, *nTimers, *spread)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("bench-sla tickets=%d widget_p99_ms=%s timers=%d late_p99_s=%.3f", *n, ms(worst), *nTimers, lateP99), nil
}

// copyClocks gives every ticket its two clocks in one statement, as the clock engine leaves them: done
// tickets met; open tickets with their first response met seven times in ten, paused while waiting on
// the customer, and due instants spread from hours ago to days ahead, so that all four states count.
func copyClocks(ctx context.Context, a *app.App) error {
	if _, err := a.DB.Pool.Exec(ctx, "UPDATE sla_policies SET active = true"); err != nil {
		return err
	}
	conn, err := a.DB.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// As for the tickets: without the per-row triggers when this session may, then the aggregates the
	// triggers keep are rebuilt once, exactly as the triggers would have left them.
	if os.Getenv("ATIENDE_BENCH_TRIGGERS") == "" {
		if _, err := conn.Exec(ctx, "SET session_replication_role = replica"); err == nil {
			defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "SET session_replication_role = DEFAULT") }()
		}
	}
	_, err = conn.Exec(ctx, `
		WITH t AS (
			SELECT t.id, t.queue_id, t.category_id, t.channel_id, t.requester_id, t.affected_id, t.assignee_id, t.allowed_roles, t.network,
			       t.created_at, t.updated_at, t.status_id, s.grp <> 'done' AS open,
			       s.key = 'waiting' AS waiting, t.id % 10 < 7 AS fr_met, p.id AS policy_id,
			       p.first_response_seconds AS fr, p.resolution_seconds AS res, p.at_risk_percent AS pct,
			       now() + make_interval(mins => ((t.id * 7919) % 3000)::int - 600) AS due
			  FROM tickets t JOIN statuses s ON s.id = t.status_id JOIN sla_policies p ON p.priority_ids = ARRAY[t.priority_id])
		INSERT INTO sla_clocks (ticket_id, clock, policy_id, state, target_s, elapsed_s, started_at, since, paused_by,
		                        due_at, at_risk_at, at_risk_fired_at, breached_at, met_at, generation, queue_id, category_id,
		                        channel_id, requester_id, affected_id, assignee_id, allowed_roles, network, shown)
		SELECT t.id, c.clock, t.policy_id, x.state, x.target, x.target / 2, t.created_at,
		       CASE WHEN x.state = 'running' THEN now() END,
		       CASE WHEN x.state = 'paused' THEN t.status_id END,
		       CASE WHEN x.state = 'running' THEN t.due END,
		       CASE WHEN x.state = 'running' THEN t.due - make_interval(secs => x.target * (100 - t.pct) / 100) END,
		       CASE WHEN x.state = 'running' AND t.due - make_interval(secs => x.target * (100 - t.pct) / 100) <= now()
		            THEN t.due - make_interval(secs => x.target * (100 - t.pct) / 100) END,
		       CASE WHEN x.state = 'running' AND t.due <= now() THEN t.due END,
		       CASE WHEN x.state = 'met' THEN t.updated_at END,
		       1, t.queue_id, t.category_id, t.channel_id, t.requester_id, t.affected_id, t.assignee_id, t.allowed_roles, t.network,
		       t.open AND x.state <> 'met' AND (c.clock = 'first_response' OR t.fr_met)
		  FROM t CROSS JOIN (VALUES ('first_response'), ('resolution')) AS c (clock)
		  CROSS JOIN LATERAL (SELECT
		       CASE WHEN NOT t.open OR (c.clock = 'first_response' AND t.fr_met) THEN 'met'
		            WHEN t.waiting THEN 'paused' ELSE 'running' END AS state,
		       CASE WHEN c.clock = 'first_response' THEN t.fr ELSE t.res END AS target) AS x`)
	if err != nil {
		return fmt.Errorf("bench sla: clocks: %w", err)
	}
	if _, err := conn.Exec(ctx, "SELECT dashboard_rebuild()"); err != nil {
		return fmt.Errorf("bench sla: aggregates: %w", err)
	}
	return nil
}

// httpCounts times GET /sla/counts as the admin over HTTP and returns its p99.
func httpCounts(ctx context.Context, a *app.App, warmup, samples int) (time.Duration, error) {
	base := "http://" + a.Addr()
	session, err := login(ctx, base, ticketsAdmin, ticketsPassword)
	if err != nil {
		return 0, err
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	get := func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/sla/counts", nil)
		req.Header.Set("Cookie", auth.SessionCookie+"="+session+"; "+auth.CSRFCookie+"=bench")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("bench sla: GET /sla/counts: %s: %s", resp.Status, body)
		}
		return nil
	}
	for range warmup {
		if err := get(); err != nil {
			return 0, err
		}
	}
	times := make([]time.Duration, 0, samples)
	for range samples {
		t := time.Now()
		if err := get(); err != nil {
			return 0, err
		}
		times = append(times, time.Since(t))
	}
	_, p99 := summary(times)
	return p99, nil
}

// benchTimers sets n resolution clocks running with their breach due evenly over spread (starting a
// little ahead, so that every timer is enqueued before its moment), enqueues their timers as the clock
// engine does, waits for every breach and returns the p99 of breached_at − due_at in seconds.
func benchTimers(ctx context.Context, a *app.App, n int, spread time.Duration) (float64, error) {
	lead := jobs.Lead + 10*time.Second
	var ids []int64
	if err := a.DB.Bun.NewSelect().Table("sla_clocks").Column("ticket_id").Where("clock = 'resolution'").
		OrderExpr("ticket_id DESC").Limit(int64(n)).Scan(ctx, &ids); err != nil {
		return 0, err
	}
	start := time.Now()
	step := spread / time.Duration(n)
	const batch = 1000
	for lo := 0; lo < len(ids); lo += batch {
		hi := min(lo+batch, len(ids))
		err := a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			params := make([]river.InsertManyParams, 0, hi-lo)
			dues := make([]time.Time, 0, hi-lo)
			for i := lo; i < hi; i++ {
				due := start.Add(lead + step*time.Duration(i)).Truncate(time.Microsecond)
				dues = append(dues, due)
			}
			if _, err := tx.NewRaw(`UPDATE sla_clocks k SET state = 'running', since = now(), elapsed_s = 0, paused_by = NULL,
				due_at = d.due, at_risk_at = now(), at_risk_fired_at = now(), breached_at = NULL, met_at = NULL,
				generation = generation + 1
				FROM unnest(?::bigint[], ?::timestamptz[]) AS d (ticket_id, due)
				WHERE k.ticket_id = d.ticket_id AND k.clock = 'resolution'`,
				pgdialect.Array(ids[lo:hi]), pgdialect.Array(dues)).Exec(ctx); err != nil {
				return err
			}
			var rows []struct {
				TicketID   int64     `bun:"ticket_id"`
				Generation int64     `bun:"generation"`
				DueAt      time.Time `bun:"due_at"`
			}
			if err := tx.NewSelect().Table("sla_clocks").Column("ticket_id", "generation", "due_at").
				Where("clock = 'resolution'").Where("ticket_id IN (?)", bun.In(ids[lo:hi])).Scan(ctx, &rows); err != nil {
				return err
			}
			for _, r := range rows {
				args := sla.ClockTimerArgs{TicketID: r.TicketID, Clock: sla.Resolution, Generation: r.Generation, Event: sla.EventBreach, At: r.DueAt}
				params = append(params, river.InsertManyParams{Args: args, InsertOpts: jobs.TimerOpts(r.DueAt)})
			}
			return a.Jobs.InsertManyTx(ctx, tx, params)
		})
		if err != nil {
			return 0, fmt.Errorf("bench sla: timers: %w", err)
		}
	}
	fmt.Printf("bench sla: %d breach timers enqueued in %s, due from +%s over %s\n", len(ids),
		time.Since(start).Round(10*time.Millisecond), lead, spread)
	// Each breach writes one history row with the due instant it fired for (an escalation may later
	// give the clock a new policy and clear its breach, so the rows are what is counted).
	deadline := start.Add(lead + spread + 2*time.Minute)
	const fired = `FROM ticket_history WHERE field = 'sla' AND after ->> 'event' = 'breached' AND after ->> 'clock' = 'resolution'
		AND ticket_id = ANY($1) AND at >= $2`
	for {
		var got int
		if err := a.DB.Pool.QueryRow(ctx, "SELECT count(*) "+fired, ids, start).Scan(&got); err != nil {
			return 0, err
		}
		if got >= len(ids) {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("bench sla: only %d of %d breaches fired", got, len(ids))
		}
		time.Sleep(time.Second)
	}
	var p50, p99, worst float64
	var rows, history int
	if err := a.DB.Pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT ticket_id),
		percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM at - (after ->> 'due_at')::timestamptz))::float8,
		percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM at - (after ->> 'due_at')::timestamptz))::float8,
		max(extract(epoch FROM at - (after ->> 'due_at')::timestamptz))::float8 `+fired, ids, start).Scan(&history, &rows, &p50, &p99, &worst); err != nil {
		return 0, err
	}
	fmt.Printf("timers: %d tickets breached (%d history rows), late p50 %.3f s  p99 %.3f s  max %.3f s\n", rows, history, p50, p99, worst)
	return p99, nil
}

// loadSLADesk is loadDesk over the five statuses of the generic workflow: the statuses later migrations
// added for other workflows take no generated tickets.
func loadSLADesk(ctx context.Context, a *app.App) (*people.User, *deskShape, error) {
	admin, err := a.People.ByEmail(ctx, ticketsAdmin)
	if err != nil || admin == nil {
		return nil, nil, fmt.Errorf("bench sla: no admin %s (%v)", ticketsAdmin, err)
	}
	s := &deskShape{}
	db := a.DB.Bun
	if err := db.NewSelect().Table("statuses").Column("id").
		Where("key IN ('unattended', 'in_progress', 'waiting', 'resolved', 'closed')").OrderExpr("id").Scan(ctx, &s.statuses); err != nil {
		return nil, nil, err
	}
	if err := db.NewSelect().Table("priorities").Column("id").OrderExpr("id").Scan(ctx, &s.priorities); err != nil {
		return nil, nil, err
	}
	if s.typ, err = seed.LoadTypification(ctx, db); err != nil {
		return nil, nil, err
	}
	if err := db.NewSelect().Table("categories").Column("id").Where("parent_id IS NULL").OrderExpr("id").Scan(ctx, &s.categories); err != nil {
		return nil, nil, err
	}
	if err := db.NewSelect().Table("users").Column("id").Where("role = 'agent'").OrderExpr("id").Scan(ctx, &s.agents); err != nil {
		return nil, nil, err
	}
	if err := db.NewSelect().Table("users").Column("id").Where("role = 'customer'").OrderExpr("id").Scan(ctx, &s.requesters); err != nil {
		return nil, nil, err
	}
	return admin, s, nil
}
