package bench

import (
	"github.com/uptrace/bun"

	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/tickets"
	"github.com/atiende/atiende/server/internal/workflow"
)

const (
	accessDatabase = "atiende_bench_access"
	accessPrefix   = "bench-access"
)

// genealogy is the generated sponsor tree. Persons are in an order where every sponsor comes before the
// persons it sponsors: consultants level by level from the roots, then the customers.
type genealogy struct {
	ids       []int64
	sponsor   []int     // index of the sponsor, -1 for a root
	depth     []int     // 0 for a root
	consult   []bool    // a consultant (else a customer)
	downline  []int     // persons below, the person excluded
	children  []int     // consultants directly below
	ancestors [][]int64 // the sponsor chain from the root down to the person, the person included
	byID      map[int64]int
}

// levelShape is how many consultants each level of the tree holds relative to the one above: a few
// roots, fast growth in the first levels, then fewer and fewer recruits, down to level 14.
var levelShape = []float64{4, 3, 2.5, 2.2, 2, 1.8, 1.6, 1.4, 1.25, 1.1, 0.95, 0.8, 0.6, 0.4}

// makeGenealogy draws a tree of n persons, 30 % of them consultants in levels under `roots` roots
// (each sponsored by a random consultant of the level above, so some recruit many and most none), and
// the customers each sponsored by a random consultant of any level. Ids start after base.
func makeGenealogy(r *rand.Rand, n, roots int, base int64) *genealogy {
	nCons := max(n*3/10, roots)
	sizes := []float64{float64(roots)}
	total := float64(roots)
	for _, f := range levelShape {
		sizes = append(sizes, sizes[len(sizes)-1]*f)
		total += sizes[len(sizes)-1]
	}
	scale := float64(nCons-roots) / (total - float64(roots))
	levels := make([]int, len(sizes))
	levels[0] = roots
	left := nCons - roots
	for i := 1; i < len(sizes); i++ {
		levels[i] = min(left, max(1, int(sizes[i]*scale+0.5)))
		left -= levels[i]
	}
	levels[len(levels)-1] += left

	g := &genealogy{byID: make(map[int64]int, n)}
	add := func(sponsor, depth int, consultant bool) {
		i := len(g.ids)
		id := base + int64(i) + 1
		g.ids = append(g.ids, id)
		g.sponsor = append(g.sponsor, sponsor)
		g.depth = append(g.depth, depth)
		g.consult = append(g.consult, consultant)
		var chain []int64
		if sponsor >= 0 {
			chain = append(append(make([]int64, 0, depth+1), g.ancestors[sponsor]...), id)
		} else {
			chain = []int64{id}
		}
		g.ancestors = append(g.ancestors, chain)
		g.byID[id] = i
	}
	prevLo, prevHi := 0, 0
	for d, k := range levels {
		lo := len(g.ids)
		for range k {
			sponsor := -1
			if d > 0 {
				sponsor = prevLo + r.IntN(prevHi-prevLo)
			}
			add(sponsor, d, true)
		}
		prevLo, prevHi = lo, len(g.ids)
	}
	for len(g.ids) < n {
		s := r.IntN(nCons)
		add(s, g.depth[s]+1, false)
	}
	g.downline = make([]int, len(g.ids))
	g.children = make([]int, len(g.ids))
	for i := len(g.ids) - 1; i >= 0; i-- {
		if s := g.sponsor[i]; s >= 0 {
			g.downline[s] += g.downline[i] + 1
			if g.consult[i] {
				g.children[s]++
			}
		}
	}
	return g
}

// copyPersons writes the genealogy into users with COPY: persons without a login, their sponsor and
// the ancestors column exactly as the people service keeps it.
func copyPersons(ctx context.Context, a *app.App, g *genealogy) error {
	conn, err := a.DB.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i >= len(g.ids) {
			return nil, nil
		}
		var sponsor, status any
		if s := g.sponsor[i]; s >= 0 {
			sponsor = g.ids[s]
		}
		role, kind, name := "customer", "customer", fmt.Sprintf("Cliente %06d", i+1)
		if g.consult[i] {
			role, kind, name, status = "consultant", "consultant", fmt.Sprintf("Consultora %06d", i+1), "active"
		}
		row := []any{g.ids[i], fmt.Sprintf("persona%06d@red.test", i+1), name, "", role, "es", kind, status, sponsor, g.ancestors[i]}
		i++
		return row, nil
	})
	cols := []string{"id", "email", "name", "password_hash", "role", "locale", "kind", "commercial_status", "sponsor_id", "ancestors"}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"users"}, cols, src); err != nil {
		return fmt.Errorf("bench access: persons: %w", err)
	}
	if _, err := conn.Exec(ctx, "SELECT setval('users_id_seq', (SELECT max(id) FROM users))"); err != nil {
		return fmt.Errorf("bench access: persons: %w", err)
	}
	return nil
}

// loadGenealogy reads back the tree a previous run kept (-reuse).
func loadGenealogy(ctx context.Context, a *app.App) (*genealogy, error) {
	rows, err := a.DB.Pool.Query(ctx, `SELECT id, coalesce(sponsor_id, 0), kind = 'consultant', ancestors FROM users
		WHERE kind IN ('consultant', 'customer') AND email LIKE 'persona%' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	g := &genealogy{byID: map[int64]int{}}
	var sponsors []int64
	for rows.Next() {
		var id, sponsor int64
		var consultant bool
		var anc []int64
		if err := rows.Scan(&id, &sponsor, &consultant, &anc); err != nil {
			return nil, err
		}
		g.byID[id] = len(g.ids)
		g.ids = append(g.ids, id)
		sponsors = append(sponsors, sponsor)
		g.consult = append(g.consult, consultant)
		g.ancestors = append(g.ancestors, anc)
		g.depth = append(g.depth, len(anc)-1)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	g.sponsor = make([]int, len(g.ids))
	for i, s := range sponsors {
		g.sponsor[i] = -1
		if j, ok := g.byID[s]; ok {
			g.sponsor[i] = j
		}
	}
	g.downline = make([]int, len(g.ids))
	g.children = make([]int, len(g.ids))
	for i := len(g.ids) - 1; i >= 0; i-- {
		if s := g.sponsor[i]; s >= 0 {
			g.downline[s] += g.downline[i] + 1
			if g.consult[i] {
				g.children[s]++
			}
		}
	}
	return g, nil
}

// accessBand is a group of consultants of similar downline size, measured together.
type accessBand struct {
	name   string
	lo, hi int // downline persons, hi exclusive
}

var accessBands = []accessBand{
	{"root (whole branch)", 10000, 1 << 30},
	{"upper (1k-10k below)", 1000, 10000},
	{"mid (100-1k below)", 100, 1000},
	{"lower (10-100 below)", 10, 100},
	{"leaf (<10 below)", 0, 10},
}

type accessOptions struct {
	persons, tickets, roots  int
	iterations, warmup, per  int
	clients                  int
	rate                     float64
	duration                 time.Duration
	rounds, liveTickets      int
	keep, reuse, skipNetwork bool
	skipLive                 bool
}

// runAccess measures visibility at scale: a consultant's "my network's tickets" first page over a
// genealogy of persons and a million tickets, and live fan-out when each connection's hub decides from
// the event's visibility fields what it may see.
func runAccess(ctx context.Context, cfg app.Config, log *slog.Logger, args []string) (string, error) {
	var o accessOptions
	fs := flag.NewFlagSet("bench access", flag.ContinueOnError)
	fs.IntVar(&o.persons, "persons", 100000, "persons of the genealogy (30 % consultants, the rest customers)")
	fs.IntVar(&o.roots, "roots", 5, "roots of the genealogy")
	fs.IntVar(&o.tickets, "tickets", 1000000, "tickets to generate")
	fs.IntVar(&o.iterations, "iterations", 300, "timed list calls per band")
	fs.IntVar(&o.warmup, "warmup", 20, "untimed list calls per band before timing")
	fs.IntVar(&o.per, "consultants", 20, "consultants sampled per band")
	fs.IntVar(&o.clients, "clients", 1000, "WebSocket connections")
	fs.Float64Var(&o.rate, "rate", 20, "ticket moves per second")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long each live run moves tickets")
	fs.IntVar(&o.rounds, "rounds", 2, "live rounds, each an unfiltered then a filtered run")
	fs.IntVar(&o.liveTickets, "live-tickets", 200, "tickets the live runs move")
	fs.BoolVar(&o.keep, "keep", false, "keep the bench database afterwards, for inspection")
	fs.BoolVar(&o.reuse, "reuse", false, "measure the database a previous run with -keep left, without generating")
	fs.BoolVar(&o.skipNetwork, "skip-network", false, "skip the network list figure")
	fs.BoolVar(&o.skipLive, "skip-live", false, "skip the live fan-out figure")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if o.persons < 100 || o.tickets < 1 || o.roots < 1 || o.iterations < 1 || o.per < 1 || o.clients < 10 ||
		o.rate <= 0 || o.duration <= 0 || o.rounds < 1 || o.liveTickets < 2 || o.warmup < 0 {
		return "", errors.New("bench access: -persons ≥ 100, -clients ≥ 10, -live-tickets ≥ 2 and positive -tickets, -roots, -iterations, -consultants, -rate, -duration, -rounds")
	}
	var dbURL string
	var drop func()
	var err error
	if o.reuse {
		dbURL, drop, err = existingDatabase(cfg.DatabaseURL, accessDatabase)
	} else {
		dbURL, drop, err = freshDatabase(ctx, cfg.DatabaseURL, accessDatabase)
	}
	if err != nil {
		return "", err
	}
	if o.keep || o.reuse {
		fmt.Printf("keeping the database %s\n", accessDatabase)
	} else {
		defer drop()
	}
	a, err := app.New(ctx, benchConfig(cfg, dbURL, accessPrefix), log)
	if err != nil {
		return "", err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		clearRedisPrefix(cctx, a.Redis, accessPrefix)
		_ = a.Close(cctx)
	}()
	if err := a.Start(ctx); err != nil {
		return "", err
	}
	clearRedisPrefix(ctx, a.Redis, accessPrefix)

	var g *genealogy
	if o.reuse {
		if g, err = loadGenealogy(ctx, a); err != nil {
			return "", err
		}
		if err := a.DB.Pool.QueryRow(ctx, "SELECT count(*) FROM tickets").Scan(&o.tickets); err != nil {
			return "", err
		}
		fmt.Printf("bench access: reusing %d persons and %d tickets\n", len(g.ids), o.tickets)
	} else if g, err = generateAccess(ctx, a, o); err != nil {
		return "", err
	}
	printGenealogy(g)

	networkP99 := "skipped"
	if !o.skipNetwork {
		p99, err := measureNetwork(ctx, a, g, o)
		if err != nil {
			return "", err
		}
		networkP99 = ms(p99)
	}
	ratio := "skipped"
	if !o.skipLive {
		r, err := measureFanout(ctx, a, g, o)
		if err != nil {
			return "", err
		}
		ratio = fmt.Sprintf("%.2f", r)
	}
	return fmt.Sprintf("bench-access persons=%d tickets=%d network_p99_ms=%s filter_ratio=%s", len(g.ids), o.tickets, networkP99, ratio), nil
}

// generateAccess writes the desk (admin, agents), the genealogy and the tickets, and analyzes them.
func generateAccess(ctx context.Context, a *app.App, o accessOptions) (*genealogy, error) {
	start := time.Now()
	if err := seedDesk(ctx, a, 50, 0); err != nil {
		return nil, err
	}
	var base int64
	if err := a.DB.Pool.QueryRow(ctx, "SELECT coalesce(max(id), 0) FROM users").Scan(&base); err != nil {
		return nil, err
	}
	g := makeGenealogy(rand.New(rand.NewPCG(4, 2026)), o.persons, o.roots, base)
	if err := copyPersons(ctx, a, g); err != nil {
		return nil, err
	}
	fmt.Printf("bench access: %d persons written in %s\n", len(g.ids), time.Since(start).Round(100*time.Millisecond))
	_, shape, err := loadDesk(ctx, a)
	if err != nil {
		return nil, err
	}
	// Allowed roles as a new ticket gets them: the union of its queue's and its typification's roles.
	type typKey struct{ queue, cat, sub int64 }
	roles := map[typKey][]int64{}
	for _, q := range shape.typ.Queues {
		for ci := range shape.typ.Category {
			c, sc := shape.typ.Category[ci], shape.typ.Subcategory[ci]
			rs, err := a.Catalog.AllowedRoles(ctx, a.DB.Bun, &q, &c, &sc)
			if err != nil {
				return nil, err
			}
			roles[typKey{q, c, sc}] = rs
		}
	}
	// Requester and affected person drawn from the whole genealogy; the network as tickets.setNetwork
	// computes it (people.NetworkOf: the union of both chains, ascending, without duplicates).
	shape.extraCols = []string{"affected_id", "network", "allowed_roles"}
	shape.extend = func(r *rand.Rand, row []any) []any {
		req := r.IntN(len(g.ids))
		row[5] = g.ids[req]
		chains := g.ancestors[req]
		var affected any
		if r.IntN(4) == 0 {
			aff := r.IntN(len(g.ids))
			affected = g.ids[aff]
			chains = append(slices.Clip(chains), g.ancestors[aff]...)
		}
		rs := roles[typKey{row[9].(int64), row[7].(int64), row[8].(int64)}]
		return append(row, affected, access.SortIDs(chains), rs)
	}
	// The two GIN indexes of the visibility fields are built once after the load (the same definitions),
	// which is faster than maintaining them row by row.
	defs, err := dropIndexes(ctx, a, "tickets_network_idx", "tickets_allowed_roles_idx")
	if err != nil {
		return nil, err
	}
	span := 2 * 365 * 24 * time.Hour
	now := time.Now().UTC().Truncate(time.Second)
	if err := copyTickets(ctx, a, o.tickets, shape, now.Add(-span), now); err != nil {
		return nil, err
	}
	istart := time.Now()
	for _, d := range defs {
		if _, err := a.DB.Pool.Exec(ctx, "SET maintenance_work_mem = '512MB'; "+d); err != nil {
			return nil, fmt.Errorf("bench access: %s: %w", d, err)
		}
	}
	fmt.Printf("bench access: visibility indexes built in %s\n", time.Since(istart).Round(100*time.Millisecond))
	genTime := time.Since(start)
	vstart := time.Now()
	if _, err := a.DB.Pool.Exec(ctx, "VACUUM (ANALYZE) tickets"); err != nil {
		return nil, fmt.Errorf("bench access: vacuum: %w", err)
	}
	if _, err := a.DB.Pool.Exec(ctx, "VACUUM (ANALYZE) users"); err != nil {
		return nil, fmt.Errorf("bench access: vacuum: %w", err)
	}
	if _, err := a.DB.Pool.Exec(ctx, "ANALYZE"); err != nil {
		return nil, fmt.Errorf("bench access: analyze: %w", err)
	}
	var size string
	_ = a.DB.Pool.QueryRow(ctx, "SELECT pg_size_pretty(pg_total_relation_size('tickets'))").Scan(&size)
	fmt.Printf("bench access: generated %d persons and %d tickets in %s, VACUUM (ANALYZE) in %s; tickets with indexes %s\n",
		len(g.ids), o.tickets, genTime.Round(100*time.Millisecond), time.Since(vstart).Round(100*time.Millisecond), size)
	return g, nil
}

// dropIndexes drops indexes and returns their definitions, to create them again.
func dropIndexes(ctx context.Context, a *app.App, names ...string) ([]string, error) {
	var defs []string
	for _, n := range names {
		var def string
		if err := a.DB.Pool.QueryRow(ctx, "SELECT pg_get_indexdef(to_regclass($1))", n).Scan(&def); err != nil {
			return nil, fmt.Errorf("bench access: index %s: %w", n, err)
		}
		if _, err := a.DB.Pool.Exec(ctx, "DROP INDEX "+pgx.Identifier{n}.Sanitize()); err != nil {
			return nil, fmt.Errorf("bench access: drop %s: %w", n, err)
		}
		defs = append(defs, def)
	}
	return defs, nil
}

func printGenealogy(g *genealogy) {
	var cons, maxDepth, leaves int
	perDepth := map[int]int{}
	for i := range g.ids {
		maxDepth = max(maxDepth, g.depth[i])
		if g.consult[i] {
			cons++
			perDepth[g.depth[i]]++
			if g.children[i] == 0 {
				leaves++
			}
		}
	}
	var levels []string
	for d := 0; d <= maxDepth; d++ {
		if perDepth[d] > 0 {
			levels = append(levels, fmt.Sprintf("%d", perDepth[d]))
		}
	}
	var roots []string
	for i := range g.ids {
		if g.sponsor[i] < 0 {
			roots = append(roots, fmt.Sprintf("%d", g.downline[i]))
		}
	}
	fmt.Printf("genealogy: %d persons, %d consultants (%d recruit no consultant), %d customers; deepest person at level %d\n",
		len(g.ids), cons, leaves, len(g.ids)-cons, maxDepth)
	fmt.Printf("genealogy: consultants per level from the roots: %s; downline of each root: %s\n",
		strings.Join(levels, " "), strings.Join(roots, " "))
}

// ---------------------------------------------------------------- figure 1: the network's tickets

// measureNetwork times tickets.Service.List for consultants of each band (their default view: every
// ticket they see, last change first, 50 a page, with the capped count alongside) and prints EXPLAIN
// ANALYZE of the worst band's slowest consultant. It returns the p99 over every call.
func measureNetwork(ctx context.Context, a *app.App, g *genealogy, o accessOptions) (time.Duration, error) {
	r := rand.New(rand.NewPCG(9, 9))
	type sampled struct {
		idx  int
		subj access.Subject
		max  time.Duration
	}
	fmt.Printf("\n== network list: tickets.Service.List for a consultant (default sort, 50 a page, count up to %d alongside); %d calls per band after %d warm-up calls\n",
		tickets.MaxPartialCount, o.iterations, o.warmup)
	var all []time.Duration
	var worstBand []*sampled
	var worstP99 time.Duration
	worstName := ""
	for _, b := range accessBands {
		var cands []int
		for i := range g.ids {
			if g.consult[i] && g.downline[i] >= b.lo && g.downline[i] < b.hi {
				cands = append(cands, i)
			}
		}
		if len(cands) == 0 {
			fmt.Printf("band %-22s no consultants\n", b.name)
			continue
		}
		r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		cands = cands[:min(o.per, len(cands))]
		ss := make([]*sampled, len(cands))
		down, depth := 0, 0
		for k, i := range cands {
			u, err := a.People.ByID(ctx, g.ids[i])
			if err != nil || u == nil {
				return 0, fmt.Errorf("bench access: consultant %d: %v", g.ids[i], err)
			}
			subj, err := a.People.SubjectOf(ctx, u)
			if err != nil {
				return 0, err
			}
			if !subj.Has(access.TicketViewNetwork) {
				return 0, fmt.Errorf("bench access: consultant %d does not see their network", u.ID)
			}
			ss[k] = &sampled{idx: i, subj: subj}
			down += g.downline[i]
			depth += g.depth[i]
		}
		lq := tickets.ListQuery{Limit: 50}
		for k := range o.warmup {
			if _, err := a.Tickets.List(ctx, ss[k%len(ss)].subj, lq); err != nil {
				return 0, err
			}
		}
		times := make([]time.Duration, 0, o.iterations)
		totals, capped := 0, 0
		for k := range o.iterations {
			s := ss[r.IntN(len(ss))]
			if k < len(ss) {
				s = ss[k] // every sampled consultant at least once
			}
			t := time.Now()
			l, err := a.Tickets.List(ctx, s.subj, lq)
			d := time.Since(t)
			if err != nil {
				return 0, err
			}
			if len(l.Items) == 0 && l.Total.Count > 0 {
				return 0, fmt.Errorf("bench access: consultant %d: empty page of %d tickets", s.subj.UserID, l.Total.Count)
			}
			times = append(times, d)
			s.max = max(s.max, d)
			totals += l.Total.Count
			if l.Total.Capped {
				capped++
			}
		}
		all = append(all, times...)
		p50, p99 := summary(times)
		fmt.Printf("band %-22s %2d consultants, mean downline %6d, mean level %4.1f: p50 %6s ms  p99 %6s ms  max %6s ms  (mean total %d, capped in %d of %d)\n",
			b.name, len(ss), down/len(ss), float64(depth)/float64(len(ss)), ms(p50), ms(p99), ms(times[len(times)-1]),
			totals/len(times), capped, len(times))
		if p99 >= worstP99 {
			worstP99, worstBand, worstName = p99, ss, b.name
		}
	}
	p50, p99 := summary(all)
	fmt.Printf("all bands: %d calls, p50 %s ms, p99 %s ms\n", len(all), ms(p50), ms(p99))

	// The worst band's slowest consultant, statement by statement, with its plans.
	slowest := slices.MaxFunc(worstBand, func(x, y *sampled) int { return cmp.Compare(x.max, y.max) })
	hook := &queryCapture{}
	a.DB.Bun.AddQueryHook(hook)
	title := fmt.Sprintf("worst band %s: consultant %d (downline %d, level %d)", worstName, slowest.subj.UserID,
		g.downline[slowest.idx], g.depth[slowest.idx])
	if err := statementTimes(ctx, a, hook, 21, title, "(ANALYZE, BUFFERS)", ticketsLabel, func() error {
		_, err := a.Tickets.List(ctx, slowest.subj, tickets.ListQuery{Limit: 50})
		return err
	}); err != nil {
		return 0, err
	}
	fmt.Println()
	return p99, nil
}

// ---------------------------------------------------------------- figure 2: filtered fan-out

// liveConn is one connection of a live run: who it is and which moved tickets it may see.
type liveConn struct {
	label string
	subj  access.Subject
	token string
	sees  map[int64]bool
}

// fanoutRun is what one live run measured.
type fanoutRun struct {
	latencies      []time.Duration
	perEventLast   []time.Duration // commit → last recipient, per event
	perEventSpread []time.Duration // first → last recipient, per event
	frames, events int
	lost, dup      int
	reordered      int
	prevMismatch   int
	unexpected     int
	cpu            time.Duration
}

// measureFanout opens the connections on this instance and moves tickets at a fixed rate, in rounds
// of one unfiltered run (every connection an admin: sees everything) then one filtered run (a mix of
// agents, consultants and customers, each seeing what its subject may), and compares the delivery
// latency. It returns filtered p99 / unfiltered p99.
func measureFanout(ctx context.Context, a *app.App, g *genealogy, o accessOptions) (float64, error) {
	t0 := time.Now()
	clock := func() time.Duration { return time.Since(t0) }
	nofile := raiseNoFile()
	fmt.Printf("== live fan-out: %d connections to one instance, %g moves/s for %s per run, %d rounds of (unfiltered, filtered); %d CPUs, GOMAXPROCS %d, open-files limit %d\n",
		o.clients, o.rate, o.duration, o.rounds, runtime.NumCPU(), runtime.GOMAXPROCS(0), nofile)

	// The moved tickets, with their visibility fields (a move does not change them).
	rows, err := a.DB.Pool.Query(ctx, "SELECT id, status_id, version FROM tickets TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT $1", o.liveTickets)
	if err != nil {
		return 0, err
	}
	var tks []*benchTicket
	for rows.Next() {
		t := new(benchTicket)
		if err := rows.Scan(&t.id, &t.status, &t.version); err != nil {
			rows.Close()
			return 0, err
		}
		tks = append(tks, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	vis := map[int64]access.TicketVis{}
	for _, t := range tks {
		v, ok, err := a.Tickets.Vis(ctx, t.id)
		if err != nil || !ok {
			return 0, fmt.Errorf("bench access: ticket %d: %v", t.id, err)
		}
		vis[t.id] = v
	}
	var statuses []int64
	if err := a.DB.Bun.NewSelect().Table("statuses").Column("id").Where("key IN (?)", bun.In(workflow.GenericStatusKeys)).OrderExpr("id").Scan(ctx, &statuses); err != nil {
		return 0, err
	}

	admin, err := a.People.ByEmail(ctx, ticketsAdmin)
	if err != nil || admin == nil {
		return 0, fmt.Errorf("bench access: no admin: %v", err)
	}
	adminSubj, err := a.People.SubjectOf(ctx, admin)
	if err != nil {
		return 0, err
	}
	unfiltered, err := accessConns(ctx, a, []int64{admin.ID}, o.clients, vis)
	if err != nil {
		return 0, err
	}
	filteredIDs, mix := filteredMix(ctx, a, g, vis, o.clients)
	filtered, err := accessConns(ctx, a, filteredIDs, o.clients, vis)
	if err != nil {
		return 0, err
	}
	fmt.Printf("filtered mix: %s\n", mix)
	for _, set := range []struct {
		name  string
		conns []*liveConn
	}{{"unfiltered", unfiltered}, {"filtered", filtered}} {
		seen := 0
		for _, c := range set.conns {
			seen += len(c.sees)
		}
		fmt.Printf("%s: a moved ticket reaches %.1f %% of the connections on average\n", set.name,
			100*float64(seen)/float64(len(set.conns)*len(tks)))
	}
	// The filter itself, apart from everything else: access.CanSeeTicket for every connection of the
	// filtered mix and every moved ticket (what the hub runs per event per connection).
	checks := 0
	ct := time.Now()
	for range 20 {
		for _, t := range tks {
			for _, c := range filtered {
				if access.CanSeeTicket(c.subj, vis[t.id]) {
					checks++
				}
			}
		}
	}
	perCheck := time.Since(ct) / time.Duration(20*len(tks)*len(filtered))
	fmt.Printf("filter cost: access.CanSeeTicket %d ns per connection per event = %s µs per event at %d connections (%d checks passed)\n",
		perCheck.Nanoseconds(), fmt.Sprintf("%.1f", float64(perCheck.Nanoseconds()*int64(len(filtered)))/1000), len(filtered), checks)

	url := "ws://" + a.Addr() + "/api/v1/live"
	runs := map[string]*fanoutRun{"unfiltered": {}, "filtered": {}}
	for round := 1; round <= o.rounds; round++ {
		for _, set := range []struct {
			name  string
			conns []*liveConn
		}{{"unfiltered", unfiltered}, {"filtered", filtered}} {
			res, err := fanout(ctx, a, url, set.conns, adminSubj, tks, statuses, o, clock)
			if err != nil {
				return 0, fmt.Errorf("bench access: %s run: %w", set.name, err)
			}
			p50, p99 := summary(slices.Clone(res.latencies))
			fmt.Printf("round %d %-10s: %d events, %d frames delivered (%.0f per event); lost %d, dup %d, reordered %d, prev mismatches %d, not visible %d; latency p50 %s ms, p99 %s ms; process CPU %s ms per event\n",
				round, set.name, res.events, res.frames, float64(res.frames)/float64(max(res.events, 1)), res.lost, res.dup,
				res.reordered, res.prevMismatch, res.unexpected, ms(p50), ms(p99), ms(res.cpu/time.Duration(max(res.events, 1))))
			if res.lost+res.dup+res.reordered+res.prevMismatch+res.unexpected > 0 {
				return 0, fmt.Errorf("bench access: %s run delivered wrongly", set.name)
			}
			acc := runs[set.name]
			acc.latencies = append(acc.latencies, res.latencies...)
			acc.perEventLast = append(acc.perEventLast, res.perEventLast...)
			acc.perEventSpread = append(acc.perEventSpread, res.perEventSpread...)
			acc.frames += res.frames
			acc.events += res.events
			acc.cpu += res.cpu
		}
	}
	var p99s [2]time.Duration
	for k, name := range []string{"unfiltered", "filtered"} {
		r := runs[name]
		p50, p99 := summary(r.latencies)
		l50, l99 := summary(r.perEventLast)
		s50, s99 := summary(r.perEventSpread)
		p99s[k] = p99
		fmt.Printf("%-10s: %d frames over %d events: delivery (receipt − commit) p50 %s ms, p99 %s ms; per event commit → last recipient p50 %s ms, p99 %s ms; first → last recipient p50 %s ms, p99 %s ms; process CPU %s ms per event\n",
			name, r.frames, r.events, ms(p50), ms(p99), ms(l50), ms(l99), ms(s50), ms(s99), ms(r.cpu/time.Duration(max(r.events, 1))))
	}
	ratio := float64(p99s[1]) / float64(max(p99s[0], time.Microsecond))
	fmt.Printf("filter_ratio = filtered p99 / unfiltered p99 of the delivery latency of delivered frames = %.2f\n", ratio)
	return ratio, nil
}

// accessConns makes n connections' sessions, cycling through users, each with the moved tickets it sees.
func accessConns(ctx context.Context, a *app.App, users []int64, n int, vis map[int64]access.TicketVis) ([]*liveConn, error) {
	subjects := map[int64]access.Subject{}
	for _, id := range users {
		if _, ok := subjects[id]; ok {
			continue
		}
		u, err := a.People.ByID(ctx, id)
		if err != nil || u == nil {
			return nil, fmt.Errorf("bench access: user %d: %v", id, err)
		}
		s, err := a.People.SubjectOf(ctx, u)
		if err != nil {
			return nil, err
		}
		subjects[id] = s
	}
	conns := make([]*liveConn, n)
	sessions := make([][]any, n)
	r := rand.New(rand.NewPCG(uint64(n), uint64(len(users))))
	for i := range n {
		s := subjects[users[i%len(users)]]
		b := make([]byte, 24)
		for k := range b {
			b[k] = byte(r.UintN(256))
		}
		token := hex.EncodeToString(b)
		h := sha256.Sum256([]byte(token))
		sessions[i] = []any{h[:], s.UserID, time.Now().Add(24 * time.Hour)}
		c := &liveConn{label: string(s.Role), subj: s, token: token, sees: map[int64]bool{}}
		for id, v := range vis {
			if access.CanSeeTicket(s, v) {
				c.sees[id] = true
			}
		}
		conns[i] = c
	}
	if _, err := a.DB.Pool.CopyFrom(ctx, pgx.Identifier{"sessions"}, []string{"token_hash", "user_id", "expires_at"},
		pgx.CopyFromRows(sessions)); err != nil {
		return nil, fmt.Errorf("bench access: sessions: %w", err)
	}
	return conns, nil
}

// filteredMix picks the users of the filtered run, one per connection: 10 % agents (who see the
// tickets by their role), 60 % consultants across the tree (a few roots, then more and more of the
// levels below, down to the leaves) and 30 % customers (a third of them requesters of moved tickets).
func filteredMix(ctx context.Context, a *app.App, g *genealogy, vis map[int64]access.TicketVis, n int) ([]int64, string) {
	r := rand.New(rand.NewPCG(3, 3))
	var agents []int64
	_ = a.DB.Bun.NewSelect().Table("users").Column("id").Where("role = 'agent'").OrderExpr("id").Scan(ctx, &agents)
	byBand := make([][]int64, len(accessBands))
	var customers []int64
	for i := range g.ids {
		if !g.consult[i] {
			customers = append(customers, g.ids[i])
			continue
		}
		for k, b := range accessBands {
			if g.downline[i] >= b.lo && g.downline[i] < b.hi {
				byBand[k] = append(byBand[k], g.ids[i])
			}
		}
	}
	var requesters []int64
	for _, v := range vis {
		if v.RequesterID != 0 {
			requesters = append(requesters, v.RequesterID)
		}
	}
	slices.Sort(requesters)
	pick := func(xs []int64) int64 { return xs[r.IntN(len(xs))] }
	nAgents, nCons := n/10, n*6/10
	consShare := []int{1, 9, 25, 30, 35} // per band, of 100
	var out []int64
	counts := map[string]int{}
	for range nAgents {
		out = append(out, pick(agents))
		counts["agents"]++
	}
	for k, share := range consShare {
		for range nCons * share / 100 {
			if len(byBand[k]) > 0 {
				out = append(out, pick(byBand[k]))
				counts["consultants "+accessBands[k].name]++
			}
		}
	}
	for len(out) < n {
		if counts["customers"]%3 == 0 && len(requesters) > 0 {
			out = append(out, pick(requesters))
		} else {
			out = append(out, pick(customers))
		}
		counts["customers"]++
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	return out, strings.Join(parts, ", ")
}

// fanout opens the connections, moves tickets for o.duration and checks what each connection received:
// every event of a ticket it sees once, in order, with prev naming the one before, and nothing else.
func fanout(ctx context.Context, a *app.App, url string, conns []*liveConn, mover access.Subject, tks []*benchTicket,
	statuses []int64, o accessOptions, clock func() time.Duration) (*fanoutRun, error) {
	cs := make([]*wsClient, len(conns))
	errs := make([]error, len(conns))
	next := make(chan int)
	done := make(chan struct{})
	for range dialWorkers {
		go func() {
			for i := range next {
				h := http.Header{"Cookie": {auth.SessionCookie + "=" + conns[i].token}}
				cs[i], errs[i] = dialOne(ctx, url, h, clock, true)
			}
			done <- struct{}{}
		}()
	}
	for i := range conns {
		next <- i
	}
	close(next)
	for range dialWorkers {
		<-done
	}
	defer closeAll(cs)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	time.Sleep(idleSettle)
	reserve(cs, int(o.rate*o.duration.Seconds())+64)
	base := a.Hub.Last()
	cpu0 := processCPU()
	mv, err := moveTickets(ctx, a.Tickets, mover, tks, statuses, liveOptions{rate: o.rate, duration: o.duration}, clock)
	if err != nil {
		return nil, err
	}
	if err := waitRelayed(ctx, a.DB.Bun, []*app.App{a}, 15*time.Second); err != nil {
		return nil, err
	}
	// One writer and no other events: the k-th commit in time is seq base+k+1.
	order := make([]commitKey, 0, len(mv.commits))
	for k := range mv.commits {
		order = append(order, k)
	}
	slices.SortFunc(order, func(x, y commitKey) int { return cmp.Compare(mv.commits[x], mv.commits[y]) })
	if final := a.Hub.Last(); final != base+int64(len(order)) {
		return nil, fmt.Errorf("%d commits but seqs %d..%d", len(order), base+1, final)
	}
	// Each connection's expected events and the last of them, then wait for stragglers.
	seqOf := make(map[commitKey]int64, len(order))
	for k, key := range order {
		seqOf[key] = base + int64(k) + 1
	}
	want := make([]int, len(cs))
	wantLast := make([]int64, len(cs))
	for i, c := range conns {
		for k, key := range order {
			if c.sees[key.ticket] {
				want[i]++
				wantLast[i] = base + int64(k) + 1
			}
		}
	}
	deadline := time.Now().Add(stragglerWait)
	for time.Now().Before(deadline) {
		all := true
		for i, c := range cs {
			if c.last.Load() < wantLast[i] {
				all = false
				break
			}
		}
		if all {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	res := &fanoutRun{events: len(mv.commits), cpu: processCPU() - cpu0}
	closeAll(cs)
	first := map[int64]time.Duration{}
	last := map[int64]time.Duration{}
	for i, c := range cs {
		seen := map[int64]bool{}
		maxSeq, prev := c.readySeq, c.readySeq
		for _, rc := range c.recs {
			res.frames++
			commit, ok := mv.commits[commitKey{rc.ticket, rc.version}]
			switch {
			case seen[rc.seq]:
				res.dup++
				continue
			case !ok || !conns[i].sees[rc.ticket] || seqOf[commitKey{rc.ticket, rc.version}] != rc.seq:
				res.unexpected++
				continue
			}
			seen[rc.seq] = true
			if rc.seq < maxSeq {
				res.reordered++
			} else {
				maxSeq = rc.seq
			}
			if rc.prev != prev {
				res.prevMismatch++
			}
			prev = rc.seq
			lat := rc.at - commit
			res.latencies = append(res.latencies, lat)
			if f, ok := first[rc.seq]; !ok || lat < f {
				first[rc.seq] = lat
			}
			last[rc.seq] = max(last[rc.seq], lat)
		}
		res.lost += max(want[i]-len(seen), 0)
		if c.err != nil {
			return nil, fmt.Errorf("connection %d: %w", i, c.err)
		}
	}
	for seq, l := range last {
		res.perEventLast = append(res.perEventLast, l)
		res.perEventSpread = append(res.perEventSpread, l-first[seq])
	}
	if len(res.latencies) == 0 {
		return nil, errors.New("no frame delivered")
	}
	return res, nil
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
