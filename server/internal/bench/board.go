package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/seed"
	"github.com/atiende/atiende/server/internal/tickets"
	"github.com/atiende/atiende/server/internal/workflow"
)

const (
	boardDatabase = "atiende_bench_board"
	boardPrefix   = "bench-board"
	boardPassword = "bench-board-password"
	boardAdmin    = "bench-admin@atiende.test"
	boardLimit    = 50 // the handler's default page size
	insertChunk   = 25000
)

// Status and priority mix of a working desk (the same weights as the demo seed): most tickets closed,
// a live backlog in front.
var (
	statusWeights   = []int{18, 12, 6, 10, 54} // unattended, in progress, waiting, resolved, closed
	priorityWeights = []int{10, 25, 35, 30}
)

type boardCase struct {
	name   string
	filter tickets.BoardFilter
}

// runBoard measures tickets.Service.Board — the call GET /api/v1/board makes — on a generated desk.
func runBoard(ctx context.Context, cfg app.Config, log *slog.Logger, args []string) (string, error) {
	fs := flag.NewFlagSet("bench board", flag.ContinueOnError)
	n := fs.Int("tickets", 100000, "tickets to generate")
	iterations := fs.Int("iterations", 500, "timed runs per case")
	warmup := fs.Int("warmup", 50, "untimed runs per case before timing")
	nAgents := fs.Int("agents", 20, "agents to assign tickets to")
	text := fs.String("q", "factura", "the text-search case: a word that occurs in subjects")
	keep := fs.Bool("keep", false, "keep the bench database afterwards, for inspection")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if *n < 1 || *iterations < 1 || *nAgents < 1 || *warmup < 0 {
		return "", errors.New("bench board: -tickets, -iterations and -agents must be positive")
	}
	dbURL, drop, err := freshDatabase(ctx, cfg.DatabaseURL, boardDatabase)
	if err != nil {
		return "", err
	}
	if *keep {
		fmt.Printf("keeping the database %s\n", boardDatabase)
	} else {
		defer drop()
	}
	a, err := app.New(ctx, benchConfig(cfg, dbURL, boardPrefix), log)
	if err != nil {
		return "", err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		clearRedisPrefix(cctx, a.Redis, boardPrefix)
		_ = a.Close(cctx)
	}()
	if err := a.Start(ctx); err != nil {
		return "", err
	}
	clearRedisPrefix(ctx, a.Redis, boardPrefix)

	start := time.Now()
	admin, agents, priorities, err := seedBoardUsers(ctx, a, *nAgents)
	if err != nil {
		return "", err
	}
	if err := generateTickets(ctx, a, *n, agents); err != nil {
		return "", err
	}
	if _, err := a.DB.Pool.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
		return "", fmt.Errorf("bench board: vacuum: %w", err)
	}
	fmt.Printf("bench board: generated %d tickets (%d agents, %s) and ran VACUUM (ANALYZE) in %s\n",
		*n, len(agents), distribution(ctx, a.DB.Bun), time.Since(start).Round(100*time.Millisecond))

	subj := access.Subject{UserID: admin.ID, Name: admin.Name, Email: admin.Email, Role: access.Admin, Locale: i18n.ES}
	cases := []boardCase{
		{"unfiltered", tickets.BoardFilter{Limit: boardLimit}},
		{fmt.Sprintf("assignee=%d", agents[0]), tickets.BoardFilter{AssigneeID: agents[0], Limit: boardLimit}},
		{fmt.Sprintf("priority=%d", priorities[1]), tickets.BoardFilter{PriorityID: priorities[1], Limit: boardLimit}},
		{fmt.Sprintf("q=%q", *text), tickets.BoardFilter{Text: *text, Limit: boardLimit}},
	}
	var all []time.Duration
	for _, c := range cases {
		var b *tickets.Board
		for range *warmup {
			if b, err = a.Tickets.Board(ctx, subj, c.filter); err != nil {
				return "", fmt.Errorf("bench board: %s: %w", c.name, err)
			}
		}
		samples := make([]time.Duration, 0, *iterations)
		for range *iterations {
			t := time.Now()
			if b, err = a.Tickets.Board(ctx, subj, c.filter); err != nil {
				return "", fmt.Errorf("bench board: %s: %w", c.name, err)
			}
			samples = append(samples, time.Since(t))
		}
		all = append(all, samples...)
		p50, p99 := summary(samples)
		cards, total := 0, int64(0)
		for _, col := range b.Columns {
			cards += len(col.Cards)
			total += col.Count
		}
		fmt.Printf("case %-14s p50 %6s ms  p99 %6s ms  max %6s ms  (%d cards on the first pages, %d tickets counted)\n",
			c.name, ms(p50), ms(p99), ms(samples[len(samples)-1]), cards, total)
	}

	if err := httpBoard(ctx, a, *iterations, *warmup); err != nil {
		return "", err
	}
	if err := explainBoard(ctx, a, subj, []boardCase{cases[0], cases[1], cases[3]}); err != nil {
		return "", err
	}

	p50, p99 := summary(all)
	return fmt.Sprintf("bench-board tickets=%d p50_ms=%s p99_ms=%s", *n, ms(p50), ms(p99)), nil
}

// seedBoardUsers inserts the catalogs, one admin (who logs in over HTTP) and the agents.
func seedBoardUsers(ctx context.Context, a *app.App, nAgents int) (*people.User, []int64, []int64, error) {
	hash, err := auth.HashPassword(boardPassword)
	if err != nil {
		return nil, nil, nil, err
	}
	admin := &people.User{Email: boardAdmin, Name: "Administración de prueba", PasswordHash: hash, Role: access.Admin, Locale: i18n.ES}
	var agents, priorities []int64
	err = a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := a.People.Create(ctx, tx, admin); err != nil {
			return err
		}
		for i := range nAgents {
			u := &people.User{Email: fmt.Sprintf("bench-agent%02d@atiende.test", i+1), Name: fmt.Sprintf("Agente %02d", i+1),
				PasswordHash: hash, Role: access.Agent, Locale: i18n.ES}
			if err := a.People.Create(ctx, tx, u); err != nil {
				return err
			}
			agents = append(agents, u.ID)
		}
		return tx.NewSelect().Table("priorities").Column("id").OrderExpr("id").Scan(ctx, &priorities)
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("bench board: seed: %w", err)
	}
	return admin, agents, priorities, nil
}

// generateTickets inserts n tickets set-wise: Go draws each ticket's fields and the per-column ranks
// (valid fractional keys from tickets.RanksAfter, so moves on this data behave as on real data), and
// INSERT … SELECT FROM unnest(arrays) writes them in a few statements. The ticket_counts trigger runs
// per row, so the counts are right.
func generateTickets(ctx context.Context, a *app.App, n int, agents []int64) error {
	// In the order the migration inserts them, which statusWeights and priorityWeights follow.
	var statuses, priorities []int64
	if err := a.DB.Bun.NewSelect().Table("statuses").Column("id").Where("key IN (?)", bun.In(workflow.GenericStatusKeys)).OrderExpr("id").Scan(ctx, &statuses); err != nil {
		return err
	}
	if err := a.DB.Bun.NewSelect().Table("priorities").Column("id").OrderExpr("id").Scan(ctx, &priorities); err != nil {
		return err
	}
	if len(statuses) != len(statusWeights) || len(priorities) != len(priorityWeights) {
		return fmt.Errorf("bench board: expected %d statuses and %d priorities from the migrations", len(statusWeights), len(priorityWeights))
	}
	r := rand.New(rand.NewPCG(42, 100000))
	stIdx := make([]int, n)
	perStatus := make([]int, len(statuses))
	for i := range n {
		stIdx[i] = seed.Pick(r, statusWeights)
		perStatus[stIdx[i]]++
	}
	ranks := make([][]string, len(statuses))
	for s, k := range perStatus {
		var err error
		if ranks[s], err = tickets.RanksAfter("", k); err != nil {
			return err
		}
	}
	used := make([]int, len(statuses))
	now := time.Now()
	for lo := 0; lo < n; lo += insertChunk {
		hi := min(lo+insertChunk, n)
		m := hi - lo
		subjects, descriptions, rankCol := make([]string, m), make([]string, m), make([]string, m)
		statusCol, priorityCol := make([]int64, m), make([]int64, m)
		assigneeCol := make([]*int64, m)
		created := make([]time.Time, m)
		for j := range m {
			s := stIdx[lo+j]
			c := seed.Cases[r.IntN(len(seed.Cases))]
			subjects[j] = fmt.Sprintf("%s — pedido %d", c.ES, 48000+r.IntN(900000))
			descriptions[j] = c.CategoryES + ": " + c.ES
			statusCol[j] = statuses[s]
			priorityCol[j] = priorities[seed.Pick(r, priorityWeights)]
			rankCol[j] = ranks[s][used[s]]
			used[s]++
			// About 70% assigned: a third of the unattended column, 78% of the rest.
			if (s == 0 && r.IntN(3) == 0) || (s != 0 && r.IntN(100) < 78) {
				id := agents[r.IntN(len(agents))]
				assigneeCol[j] = &id
			}
			created[j] = now.Add(-time.Duration(r.IntN(180*24*60)) * time.Minute)
		}
		_, err := a.DB.Pool.Exec(ctx, `
			INSERT INTO tickets (subject, description, status_id, priority_id, assignee_id, rank, created_at, updated_at)
			SELECT x.subject, x.description, x.status_id, x.priority_id, x.assignee_id, x.rank, x.created_at, x.created_at
			  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::timestamptz[])
			       AS x (subject, description, status_id, priority_id, assignee_id, rank, created_at)`,
			subjects, descriptions, statusCol, priorityCol, assigneeCol, rankCol, created)
		if err != nil {
			return fmt.Errorf("bench board: insert tickets: %w", err)
		}
	}
	return nil
}

// distribution describes the generated desk from the maintained counts.
func distribution(ctx context.Context, db *bun.DB) string {
	var rows []struct {
		Key string `bun:"key"`
		N   int64  `bun:"n"`
	}
	err := db.NewRaw(`SELECT s.key, coalesce(sum(c.n), 0)::bigint AS n FROM statuses s
		LEFT JOIN ticket_counts c ON c.status_id = s.id GROUP BY s.id, s.key ORDER BY s.id`).Scan(ctx, &rows)
	if err != nil {
		return "counts: " + err.Error()
	}
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s %d", r.Key, r.N))
	}
	var assigned int64
	_ = db.NewRaw("SELECT count(*) FROM tickets WHERE assignee_id IS NOT NULL").Scan(ctx, &assigned)
	return strings.Join(parts, ", ") + fmt.Sprintf("; %d assigned", assigned)
}

// httpBoard times GET /api/v1/board end to end through the instance: session lookup, handler, JSON.
func httpBoard(ctx context.Context, a *app.App, iterations, warmup int) error {
	base := "http://" + a.Addr()
	session, err := login(ctx, base, boardAdmin, boardPassword)
	if err != nil {
		return err
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	get := func() (int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/board", nil)
		req.Header.Set("Cookie", auth.SessionCookie+"="+session)
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		nb, err := io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET /api/v1/board: %s", resp.Status)
		}
		return int(nb), err
	}
	size := 0
	for range warmup {
		if size, err = get(); err != nil {
			return err
		}
	}
	samples := make([]time.Duration, 0, iterations)
	for range iterations {
		t := time.Now()
		if _, err := get(); err != nil {
			return err
		}
		samples = append(samples, time.Since(t))
	}
	p50, p99 := summary(samples)
	fmt.Printf("http GET /api/v1/board (unfiltered, %d bytes, keep-alive client in the same process): p50 %s ms  p99 %s ms\n",
		size, ms(p50), ms(p99))
	return nil
}

// queryCapture records the SQL bun runs while on: the exact statements Board sends, for EXPLAIN, and
// how long each took.
type queryCapture struct {
	mu      sync.Mutex
	on      bool
	queries []capturedQuery
}

type capturedQuery struct {
	sql string
	dur time.Duration
}

func (h *queryCapture) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (h *queryCapture) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.on {
		h.queries = append(h.queries, capturedQuery{e.Query, time.Since(e.StartTime)})
	}
}

func (h *queryCapture) capture(f func() error) ([]capturedQuery, error) {
	h.mu.Lock()
	h.on, h.queries = true, nil
	h.mu.Unlock()
	err := f()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.on = false
	return h.queries, err
}

// queryLabel names a statement of Board.
func queryLabel(q string) string {
	switch {
	case strings.Contains(q, "CROSS JOIN LATERAL"):
		return "page"
	case strings.Contains(q, "ticket_counts"), strings.Contains(q, "count(*)"):
		return "count"
	case strings.Contains(q, "FROM events"):
		return "last seq"
	case strings.Contains(q, "statuses"):
		return "statuses"
	case strings.Contains(q, "users"):
		return "names"
	}
	return "other"
}

// explainBoard prints the time of each statement of Board and EXPLAIN (ANALYZE, BUFFERS) of its page
// and count statements, taken verbatim from bun through a query hook (added only now, after the timing).
func explainBoard(ctx context.Context, a *app.App, subj access.Subject, cases []boardCase) error {
	hook := &queryCapture{}
	a.DB.Bun.AddQueryHook(hook)
	for _, c := range cases {
		const runs = 50
		if err := statementTimes(ctx, a, hook, runs, "statements of Board, "+c.name, "(ANALYZE, BUFFERS)", queryLabel,
			func() error { _, err := a.Tickets.Board(ctx, subj, c.filter); return err }); err != nil {
			return err
		}
	}
	fmt.Println()
	return nil
}
