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
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/seed"
	"github.com/atiende/atiende/server/internal/tickets"
)

const (
	ticketsDatabase = "atiende_bench_tickets"
	ticketsPrefix   = "bench-tickets"
	ticketsPassword = "bench-tickets-password"
	ticketsAdmin    = "bench-admin@atiende.test"
	copyChunk       = 100000
)

// Words of the generated descriptions. The common ones are what agents search for every day; each rare
// one is in about one ticket in five thousand.
var (
	phrases = []string{
		"El cliente adjunta la factura del pedido.", "Solicita la nota crédito de la factura anterior.",
		"Pide que se revise la facturación del mes.", "El pedido llegó incompleto.", "La transportadora no entregó el pedido.",
		"Se comunica por tercera vez por la misma queja.", "Solicita hablar con un supervisor.", "Ya envió fotos del producto.",
		"El cliente pide el reembolso del pago.", "El pago aparece dos veces en el extracto.", "Solicita cambio de dirección de entrega.",
		"La queja es por la demora en la entrega.", "Indica que el asesor no le dio solución.", "Solicita copia del contrato.",
		"Reclamo por cobro de intereses.", "El producto llegó en mal estado.", "Quiere cancelar el pedido antes del despacho.",
		"Pide actualizar su correo y su teléfono.", "Solicita paz y salvo para trámite bancario.", "Felicita al equipo por la atención.",
	}
	commonWords = []string{"factura", "pedido", "queja", "solicitud", "reclamo", "cliente"}
	rareWords   = []string{"Barranquilla", "Bucaramanga", "Cartagena", "Manizales", "Pereira", "Villavicencio", "Montería",
		"Popayán", "Riohacha", "Sincelejo", "Tunja", "Valledupar", "Yopal", "Leticia", "Quibdó", "Florencia", "Arauca",
		"Mocoa", "Pasto", "Neiva", "Ibagué", "Armenia", "Girardot", "Zipaquirá", "Duitama", "Sogamoso", "Tumaco",
		"Buenaventura", "Palmira", "Tuluá", "Cartago", "Apartadó", "Turbo", "Envigado", "Rionegro", "Magangué", "Ocaña",
		"Pamplona", "Honda", "Mompox"}
	tagPool = []string{"vip", "reincidente", "urgente", "redes", "prensa"}
)

// deskShape is the catalogs and people the generated tickets point to, in the migration's order.
type deskShape struct {
	statuses, priorities []int64 // statuses: unattended, in progress, waiting, resolved, closed
	typ                  *seed.Typification
	categories           []int64 // distinct top-level categories
	agents, requesters   []int64
	// extraCols and extend let another benchmark add columns to each generated row (extend returns the
	// row with their values appended) or change it.
	extraCols []string
	extend    func(r *rand.Rand, row []any) []any
}

type ticketsCase struct {
	name   string
	kind   string // "none", "filter" or "search"
	sample func(r *rand.Rand) tickets.ListQuery
}

// runTickets generates a desk of n tickets and measures the records table's first page (the call GET
// /api/v1/tickets makes) under each single filter and each kind of text search.
func runTickets(ctx context.Context, cfg app.Config, log *slog.Logger, args []string) (string, error) {
	fs := flag.NewFlagSet("bench tickets", flag.ContinueOnError)
	n := fs.Int("tickets", 1000000, "tickets to generate")
	samples := fs.Int("samples", 200, "timed queries per case, each with another value")
	warmup := fs.Int("warmup", 20, "untimed queries per case before timing")
	nAgents := fs.Int("agents", 50, "agents to assign tickets to")
	nRequesters := fs.Int("requesters", 20000, "requesters")
	keep := fs.Bool("keep", false, "keep the bench database afterwards, for inspection")
	reuse := fs.Bool("reuse", false, "measure the database a previous run with -keep left, without generating")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if *n < 1 || *samples < 1 || *nAgents < 1 || *nRequesters < 1 || *warmup < 0 {
		return "", errors.New("bench tickets: -tickets, -samples, -agents and -requesters must be positive")
	}
	var dbURL string
	var drop func()
	var err error
	if *reuse {
		dbURL, drop, err = existingDatabase(cfg.DatabaseURL, ticketsDatabase)
	} else {
		dbURL, drop, err = freshDatabase(ctx, cfg.DatabaseURL, ticketsDatabase)
	}
	if err != nil {
		return "", err
	}
	if *keep || *reuse {
		fmt.Printf("keeping the database %s\n", ticketsDatabase)
	} else {
		defer drop()
	}
	a, err := app.New(ctx, benchConfig(cfg, dbURL, ticketsPrefix), log)
	if err != nil {
		return "", err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		clearRedisPrefix(cctx, a.Redis, ticketsPrefix)
		_ = a.Close(cctx)
	}()
	if err := a.Start(ctx); err != nil {
		return "", err
	}
	clearRedisPrefix(ctx, a.Redis, ticketsPrefix)

	span := 2 * 365 * 24 * time.Hour
	now := time.Now().UTC().Truncate(time.Second)
	var admin *people.User
	var shape *deskShape
	if *reuse {
		if admin, shape, err = loadDesk(ctx, a); err != nil {
			return "", err
		}
		var first, last time.Time
		if err := a.DB.Pool.QueryRow(ctx, "SELECT count(*), min(created_at), max(updated_at) FROM tickets").Scan(n, &first, &last); err != nil {
			return "", err
		}
		now = last
		span = last.Sub(first)
		fmt.Printf("bench tickets: reusing %d tickets\n", *n)
	} else {
		start := time.Now()
		if err := seedDesk(ctx, a, *nAgents, *nRequesters); err != nil {
			return "", err
		}
		if admin, shape, err = loadDesk(ctx, a); err != nil {
			return "", err
		}
		if err := copyTickets(ctx, a, *n, shape, now.Add(-span), now); err != nil {
			return "", err
		}
		genTime := time.Since(start)
		vstart := time.Now()
		if _, err := a.DB.Pool.Exec(ctx, "VACUUM (ANALYZE) tickets"); err != nil {
			return "", fmt.Errorf("bench tickets: vacuum: %w", err)
		}
		if _, err := a.DB.Pool.Exec(ctx, "ANALYZE"); err != nil {
			return "", fmt.Errorf("bench tickets: analyze: %w", err)
		}
		fmt.Printf("bench tickets: generated %d tickets (%d agents, %d requesters) in %s, VACUUM (ANALYZE) in %s\n",
			*n, len(shape.agents), len(shape.requesters), genTime.Round(100*time.Millisecond), time.Since(vstart).Round(100*time.Millisecond))
	}
	var size string
	_ = a.DB.Pool.QueryRow(ctx, "SELECT pg_size_pretty(pg_total_relation_size('tickets'))").Scan(&size)
	fmt.Printf("bench tickets: tickets with indexes %s; %s\n", size, ticketDistribution(ctx, a))

	subj := access.Subject{UserID: admin.ID, Name: admin.Name, Email: admin.Email, Role: access.Admin, Locale: i18n.ES}
	cases := ticketsCases(ctx, a, shape, now.Add(-span), now)
	worst := map[string]time.Duration{}
	for _, c := range cases {
		r := rand.New(rand.NewPCG(7, uint64(len(c.name))))
		for range *warmup {
			if _, err := a.Tickets.List(ctx, subj, c.sample(r)); err != nil {
				return "", fmt.Errorf("bench tickets: %s: %w", c.name, err)
			}
		}
		times := make([]time.Duration, 0, *samples)
		rows, capped := 0, 0
		for range *samples {
			lq := c.sample(r)
			t := time.Now()
			l, err := a.Tickets.List(ctx, subj, lq)
			if err != nil {
				return "", fmt.Errorf("bench tickets: %s: %w", c.name, err)
			}
			times = append(times, time.Since(t))
			rows += l.Total.Count
			if l.Total.Capped {
				capped++
			}
		}
		p50, p99 := summary(times)
		fmt.Printf("case %-22s p50 %7s ms  p99 %7s ms  max %7s ms  (mean total %d, capped in %d of %d)\n",
			c.name, ms(p50), ms(p99), ms(times[len(times)-1]), rows/len(times), capped, len(times))
		worst[c.kind] = max(worst[c.kind], p99)
	}

	if err := httpTickets(ctx, a, shape); err != nil {
		return "", err
	}
	if err := explainTickets(ctx, a, subj, cases); err != nil {
		return "", err
	}
	return fmt.Sprintf("bench-tickets tickets=%d filter_p99_ms=%s search_p99_ms=%s", *n, ms(worst["filter"]), ms(worst["search"])), nil
}

// seedDesk inserts the admin who logs in over HTTP, the agents and the requesters (customers without a
// login).
func seedDesk(ctx context.Context, a *app.App, nAgents, nRequesters int) error {
	hash, err := auth.HashPassword(ticketsPassword)
	if err != nil {
		return err
	}
	admin := &people.User{Email: ticketsAdmin, Name: "Administración de prueba", PasswordHash: hash, Role: access.Admin, Locale: i18n.ES}
	if err := a.People.Create(ctx, a.DB.Bun, admin); err != nil {
		return err
	}
	users := make([][]any, 0, nAgents+nRequesters)
	for i := range nAgents {
		users = append(users, []any{fmt.Sprintf("bench-agent%02d@atiende.test", i+1), fmt.Sprintf("Agente %02d", i+1), "", string(access.Agent), "es"})
	}
	for i := range nRequesters {
		users = append(users, []any{fmt.Sprintf("cliente%05d@correo.test", i+1), fmt.Sprintf("Cliente %05d", i+1), "", string(access.Customer), "es"})
	}
	if _, err := a.DB.Pool.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"email", "name", "password_hash", "role", "locale"},
		pgx.CopyFromRows(users)); err != nil {
		return fmt.Errorf("bench tickets: users: %w", err)
	}
	return nil
}

// loadDesk reads the admin and the ids the tickets use: catalogs in the migration's order, agents and
// requesters.
func loadDesk(ctx context.Context, a *app.App) (*people.User, *deskShape, error) {
	admin, err := a.People.ByEmail(ctx, ticketsAdmin)
	if err != nil || admin == nil {
		return nil, nil, fmt.Errorf("bench tickets: no admin %s (%v)", ticketsAdmin, err)
	}
	s := &deskShape{}
	db := a.DB.Bun
	// The generic workflow's five statuses, in the order of statusWeights (the other workflows bring more).
	generic := []string{"unattended", "in_progress", "waiting", "resolved", "closed"}
	if err := db.NewSelect().Table("statuses").Column("id").Where("key IN (?)", bun.In(generic)).
		OrderExpr("array_position(?::text[], key)", pgdialect.Array(generic)).Scan(ctx, &s.statuses); err != nil {
		return nil, nil, err
	}
	if err := db.NewSelect().Table("priorities").Column("id").OrderExpr("id").Scan(ctx, &s.priorities); err != nil {
		return nil, nil, err
	}
	if len(s.statuses) != len(statusWeights) || len(s.priorities) != len(priorityWeights) {
		return nil, nil, fmt.Errorf("bench tickets: expected %d statuses and %d priorities from the migrations", len(statusWeights), len(priorityWeights))
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

// statusByAge draws a status the way a desk's history looks: recent tickets are mostly open, tickets
// older than a month almost all resolved or closed.
func statusByAge(r *rand.Rand, age time.Duration) int {
	pOpen := 0.03
	switch {
	case age < 3*24*time.Hour:
		pOpen = 0.9
	case age < 30*24*time.Hour:
		pOpen = 0.4
	}
	if r.Float64() < pOpen {
		return seed.Pick(r, []int{40, 40, 20}) // unattended, in progress, waiting
	}
	return 3 + seed.Pick(r, []int{20, 80}) // resolved, closed
}

// caseWeights makes some typification cases much more frequent than others, as on a real desk.
func caseWeights() []int {
	w := make([]int, len(seed.Cases))
	for i := range w {
		w[i] = 1 + (len(w)-i)*(len(w)-i)/4
	}
	return w
}

// copyTickets writes n tickets with COPY in chunks, created in time order between from and to (as a
// desk fills up), each with realistic fields. The ticket_counts trigger and every index are maintained
// as on real writes.
func copyTickets(ctx context.Context, a *app.App, n int, s *deskShape, from, to time.Time) error {
	r := rand.New(rand.NewPCG(42, 1000000))
	step := to.Sub(from) / time.Duration(n)
	created := func(i int) time.Time {
		return from.Add(step*time.Duration(i) + time.Duration(r.Int64N(int64(step)+1))).Truncate(time.Microsecond)
	}
	// First pass: each ticket's creation time and status, to give each column its ranks.
	createdAt := make([]time.Time, n)
	status := make([]uint8, n)
	perStatus := make([]int, len(s.statuses))
	for i := range n {
		createdAt[i] = created(i)
		status[i] = uint8(statusByAge(r, to.Sub(createdAt[i])))
		perStatus[status[i]]++
	}
	ranks := make([][]string, len(s.statuses))
	for st, k := range perStatus {
		var err error
		if ranks[st], err = tickets.RanksAfter("", k); err != nil {
			return err
		}
	}
	used := make([]int, len(s.statuses))
	weights := caseWeights()
	frequent := s.requesters[:min(200, len(s.requesters))]

	conn, err := a.DB.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// Bulk-load settings of this session only: larger GIN pending lists flushed with more memory.
	for _, set := range []string{"SET synchronous_commit = off", "SET work_mem = '256MB'", "SET gin_pending_list_limit = '32MB'"} {
		if _, err := conn.Exec(ctx, set); err != nil {
			return fmt.Errorf("bench tickets: %s: %w", set, err)
		}
	}
	// The rows are valid by construction: when the server lets this session (a superuser), skip the
	// per-row triggers (foreign-key checks and the ticket_counts upsert, which cost more than the row
	// itself) and fill ticket_counts once at the end exactly as the trigger would have.
	noTriggers := false
	if os.Getenv("ATIENDE_BENCH_TRIGGERS") == "" {
		if _, err := conn.Exec(ctx, "SET session_replication_role = replica"); err == nil {
			noTriggers = true
			fmt.Println("bench tickets: row triggers off for the load (superuser session); ticket_counts filled at the end")
		}
	}
	cols := []string{"subject", "description", "status_id", "priority_id", "assignee_id", "requester_id", "channel_id",
		"category_id", "subcategory_id", "queue_id", "order_number", "tags", "rank", "created_at", "updated_at"}
	cols = append(cols, s.extraCols...)
	start := time.Now()
	for lo := 0; lo < n; lo += copyChunk {
		hi := min(lo+copyChunk, n)
		i := lo
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if i >= hi {
				return nil, nil
			}
			row := ticketRow(r, s, weights, frequent, status[i], createdAt[i], to, ranks[status[i]][used[status[i]]])
			used[status[i]]++
			i++
			if s.extend != nil {
				row = s.extend(r, row)
			}
			return row, nil
		})
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"tickets"}, cols, src); err != nil {
			return fmt.Errorf("bench tickets: copy: %w", err)
		}
		fmt.Printf("bench tickets: %d of %d tickets written (%s)\n", hi, n, time.Since(start).Round(100*time.Millisecond))
	}
	if noTriggers {
		if _, err := conn.Exec(ctx, "SET session_replication_role = DEFAULT"); err != nil {
			return err
		}
		_, err := conn.Exec(ctx, `INSERT INTO ticket_counts (status_id, priority_id, shard, n)
			SELECT status_id, priority_id, id % 16, count(*) FROM tickets GROUP BY 1, 2, 3
			ON CONFLICT (status_id, priority_id, shard) DO UPDATE SET n = ticket_counts.n + EXCLUDED.n`)
		if err != nil {
			return fmt.Errorf("bench tickets: counts: %w", err)
		}
	}
	return nil
}

// ticketRow draws one ticket's columns (in copyTickets' order).
func ticketRow(r *rand.Rand, s *deskShape, weights []int, frequent []int64, st uint8, created, now time.Time, rank string) []any {
	ci := seed.Pick(r, weights)
	c := seed.Cases[ci]
	order := 48000 + r.IntN(900000)
	var subject string
	switch r.IntN(3) {
	case 0:
		subject = fmt.Sprintf("%s — pedido %d", c.ES, order)
	case 1:
		subject = c.ES
	default:
		subject = fmt.Sprintf("%s (%s)", c.ES, strings.ToLower(c.CategoryES))
	}
	var d strings.Builder
	d.WriteString(c.CategoryES + ": " + c.ES + ".")
	for range 1 + r.IntN(3) {
		d.WriteString(" " + phrases[r.IntN(len(phrases))])
	}
	if r.IntN(200) == 0 {
		fmt.Fprintf(&d, " Ciudad de entrega: %s.", rareWords[r.IntN(len(rareWords))])
	}
	var assignee, requester, orderNumber any
	if (st == 0 && r.IntN(5) == 0) || st == 1 || st == 2 || (st >= 3 && r.IntN(100) < 95) {
		assignee = s.agents[r.IntN(len(s.agents))]
	}
	switch x := r.IntN(100); {
	case x < 27:
		requester = frequent[r.IntN(len(frequent))]
	case x < 90:
		requester = s.requesters[r.IntN(len(s.requesters))]
	}
	if r.IntN(10) < 6 {
		orderNumber = fmt.Sprintf("PED-%d", order)
	}
	tags := []string{}
	if r.IntN(10) == 0 {
		tags = append(tags, tagPool[r.IntN(len(tagPool))])
	}
	// The last change: days after the creation for closed work, any time until now for open work.
	mean := 2 * 24 * time.Hour
	if st < 3 {
		mean = 5 * 24 * time.Hour
	}
	updated := created.Add(time.Duration(r.ExpFloat64() * float64(mean))).Truncate(time.Microsecond)
	if updated.After(now) {
		updated = now
	}
	return []any{subject, d.String(), s.statuses[st], s.priorities[seed.Pick(r, priorityWeights)], assignee, requester,
		s.typ.Channels[seed.Pick(r, seed.ChannelWeights)], s.typ.Category[ci], s.typ.Subcategory[ci],
		s.typ.Queues[seed.Pick(r, seed.QueueWeights)], orderNumber, tags, rank, created, updated}
}

// ticketDistribution describes the generated desk.
func ticketDistribution(ctx context.Context, a *app.App) string {
	var out []string
	q := func(label, sql string) {
		rows, err := a.DB.Pool.Query(ctx, sql)
		if err != nil {
			out = append(out, label+": "+err.Error())
			return
		}
		defer rows.Close()
		var parts []string
		for rows.Next() {
			var k string
			var n int64
			if rows.Scan(&k, &n) == nil {
				parts = append(parts, fmt.Sprintf("%s %d", k, n))
			}
		}
		out = append(out, label+": "+strings.Join(parts, ", "))
	}
	q("statuses", "SELECT s.key, count(t.id) FROM statuses s LEFT JOIN tickets t ON t.status_id = s.id GROUP BY s.id, s.key ORDER BY s.id")
	q("queues", "SELECT q.key, count(t.id) FROM queues q LEFT JOIN tickets t ON t.queue_id = q.id GROUP BY q.id, q.key ORDER BY q.id")
	q("people", `SELECT 'assigned', count(assignee_id) FROM tickets UNION ALL SELECT 'with a requester', count(requester_id) FROM tickets
		UNION ALL SELECT 'requesters used', count(DISTINCT requester_id) FROM tickets`)
	return strings.Join(out, "; ")
}

// ticketsCases are the measured queries: no filter, each single filter and each kind of text search,
// each drawing a new value per query.
func ticketsCases(ctx context.Context, a *app.App, s *deskShape, from, to time.Time) []ticketsCase {
	var lo, hi int64
	_ = a.DB.Pool.QueryRow(ctx, "SELECT min(number), max(number) FROM tickets").Scan(&lo, &hi)
	pick := func(xs []int64) func(r *rand.Rand) int64 {
		return func(r *rand.Rand) int64 { return xs[r.IntN(len(xs))] }
	}
	subcats := s.typ.Subcategory
	lq := func(f func(r *rand.Rand, q *tickets.ListQuery)) func(r *rand.Rand) tickets.ListQuery {
		return func(r *rand.Rand) tickets.ListQuery {
			q := tickets.ListQuery{Limit: 50}
			f(r, &q)
			return q
		}
	}
	days := int(to.Sub(from).Hours() / 24)
	return []ticketsCase{
		{"no filter", "none", lq(func(*rand.Rand, *tickets.ListQuery) {})},
		{"status", "filter", lq(func(r *rand.Rand, q *tickets.ListQuery) { q.StatusID = pick(s.statuses)(r) })},
		{"priority", "filter", lq(func(r *rand.Rand, q *tickets.ListQuery) { q.PriorityID = pick(s.priorities)(r) })},
		{"queue", "filter", lq(func(r *rand.Rand, q *tickets.ListQuery) { q.QueueID = pick(s.typ.Queues)(r) })},
		{"channel", "filter", lq(func(r *rand.Rand, q *tickets.ListQuery) { q.ChannelID = pick(s.typ.Channels)(r) })},
		{"category", "filter", lq(func(r *rand.Rand, q *tickets.ListQuery) { q.CategoryID = pick(s.categories)(r) })},
		{"subcategory", "filter", lq(func(r *rand.Rand, q *tickets.ListQuery) { q.SubcategoryID = pick(subcats)(r) })},
		{"assignee", "filter", lq(func(r *rand.Rand, q *tickets.ListQuery) {
			if r.IntN(10) == 0 {
				q.Unassigned = true
			} else {
				q.AssigneeID = pick(s.agents)(r)
			}
		})},
		{"requester", "filter", lq(func(r *rand.Rand, q *tickets.ListQuery) { q.RequesterID = pick(s.requesters)(r) })},
		{"created 1-31 days", "filter", lq(func(r *rand.Rand, q *tickets.ListQuery) {
			f := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(days))
			t := f.AddDate(0, 0, 1+r.IntN(31))
			q.CreatedFrom, q.CreatedTo = &f, &t
		})},
		{"q common word", "search", lq(func(r *rand.Rand, q *tickets.ListQuery) { q.Text = commonWords[r.IntN(len(commonWords))] })},
		{"q=factura", "search", lq(func(r *rand.Rand, q *tickets.ListQuery) { q.Text = "factura" })},
		{"q rare word", "search", lq(func(r *rand.Rand, q *tickets.ListQuery) {
			q.Text = strings.ToLower(rareWords[r.IntN(len(rareWords))])
		})},
		{"q two words", "search", lq(func(r *rand.Rand, q *tickets.ListQuery) {
			q.Text = commonWords[r.IntN(len(commonWords))] + " " + strings.ToLower(rareWords[r.IntN(len(rareWords))])
		})},
		{"q #number", "search", lq(func(r *rand.Rand, q *tickets.ListQuery) { q.Text = fmt.Sprintf("#%d", lo+r.Int64N(hi-lo+1)) })},
	}
}

// httpTickets checks GET /api/v1/tickets once end to end (session, handler, JSON) and reports its time.
func httpTickets(ctx context.Context, a *app.App, s *deskShape) error {
	base := "http://" + a.Addr()
	session, err := login(ctx, base, ticketsAdmin, ticketsPassword)
	if err != nil {
		return err
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	for _, q := range []string{"", fmt.Sprintf("status=%d", s.statuses[0]), "q=factura"} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/tickets?"+q, nil)
		req.Header.Set("Cookie", auth.SessionCookie+"="+session)
		t := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"items":[{`) {
			return fmt.Errorf("bench tickets: GET /api/v1/tickets?%s: %s %.200s", q, resp.Status, body)
		}
		fmt.Printf("http GET /api/v1/tickets?%-12s %s, %d bytes in %s ms (one request, cold session cache)\n", q, resp.Status, len(body), ms(time.Since(t)))
	}
	return nil
}

// ticketsLabel names a statement of List.
func ticketsLabel(q string) string {
	switch {
	case strings.Contains(q, "count(*)"):
		return "count"
	case strings.Contains(q, "ORDER BY") && strings.Contains(q, `"tickets"`):
		return "page"
	case strings.Contains(q, "atiende_unaccent"):
		return "unaccent"
	case strings.Contains(q, "FROM events"):
		return "last seq"
	case strings.Contains(q, "users"):
		return "names"
	}
	return "other"
}

// explainTickets prints, per case, the median time of each statement of List and EXPLAIN ANALYZE of its
// page and count statements, taken verbatim from bun through a query hook.
func explainTickets(ctx context.Context, a *app.App, subj access.Subject, cases []ticketsCase) error {
	hook := &queryCapture{}
	a.DB.Bun.AddQueryHook(hook)
	for _, c := range cases {
		r := rand.New(rand.NewPCG(11, uint64(len(c.name))))
		const runs = 21
		if err := statementTimes(ctx, a, hook, runs, c.name, "(ANALYZE, BUFFERS off)", ticketsLabel,
			func() error { _, err := a.Tickets.List(ctx, subj, c.sample(r)); return err }); err != nil {
			return err
		}
	}
	fmt.Println()
	return nil
}
