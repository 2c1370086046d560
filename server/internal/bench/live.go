package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
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
	liveDatabase  = "atiende_bench_live"
	livePrefix    = "bench-live"
	livePassword  = "bench-live-password"
	liveAgentMail = "bench-agent@atiende.test"
	dialWorkers   = 16
	idleSettle    = 2 * time.Second
	stragglerWait = 5 * time.Second
)

type liveOptions struct {
	clients    int
	rate       float64
	duration   time.Duration
	baseline   time.Duration
	tickets    int
	memProfile string
	keep       bool
}

// runLive measures the whole live path with two instances in this process: a move commits (tickets.Move:
// ticket row, history and event row in one transaction), the leading relay numbers and publishes it on
// Redis, both instances' buses receive it and their hubs write it to every board client. Latency is the
// receipt time at the client minus the moment Move returned, read from one monotonic clock.
func runLive(ctx context.Context, cfg app.Config, log *slog.Logger, args []string) (string, error) {
	var o liveOptions
	fs := flag.NewFlagSet("bench live", flag.ContinueOnError)
	fs.IntVar(&o.clients, "clients", 1000, "WebSocket clients, half on each instance")
	fs.Float64Var(&o.rate, "rate", 20, "ticket moves per second")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "how long to move tickets")
	fs.DurationVar(&o.baseline, "baseline-duration", 20*time.Second, "how long the bare Redis-to-WebSocket baseline publishes")
	fs.IntVar(&o.tickets, "tickets", 200, "tickets to move around")
	fs.BoolVar(&o.keep, "keep", false, "keep the bench database afterwards, for inspection")
	fs.StringVar(&o.memProfile, "memprofile", "", "write heap profiles here (and to FILE.before, before the clients connect; diff them with pprof -diff_base)")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if o.clients < 2 || o.rate <= 0 || o.duration <= 0 || o.baseline <= 0 || o.tickets < 2 {
		return "", errors.New("bench live: -clients ≥ 2, -tickets ≥ 2, and a positive -rate, -duration and -baseline-duration")
	}
	if o.memProfile != "" {
		runtime.MemProfileRate = 1 // exact figures for the diagnosis (slower)
	}
	t0 := time.Now()
	clock := func() time.Duration { return time.Since(t0) } // monotonic, shared by writers and clients

	nofile := raiseNoFile()
	fmt.Printf("bench live: %d clients, %g moves/s for %s, %d tickets; %d CPUs, GOMAXPROCS %d, open-files limit %d\n",
		o.clients, o.rate, o.duration, o.tickets, runtime.NumCPU(), runtime.GOMAXPROCS(0), nofile)
	if need := uint64(2*o.clients + 256); nofile < need {
		fmt.Printf("warning: the open-files limit %d is below the %d this run needs\n", nofile, need)
	}

	// 1. The client end alone, for the memory figure (see measureClientsOnly).
	clientOnly, err := measureClientsOnly(ctx, o.clients, clock)
	if err != nil {
		return "", err
	}
	fmt.Printf("memory: client end alone (against a handshake-only server): %+.1f MiB for %d connections = %s\n",
		mib(clientOnly.total()), o.clients, clientOnly.perConn(o.clients))

	// 2. Two instances on a fresh database.
	dbURL, drop, err := freshDatabase(ctx, cfg.DatabaseURL, liveDatabase)
	if err != nil {
		return "", err
	}
	if o.keep {
		fmt.Printf("keeping the database %s\n", liveDatabase)
	} else {
		defer drop()
	}
	bcfg := benchConfig(cfg, dbURL, livePrefix)
	var apps []*app.App
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		for _, a := range apps {
			clearRedisPrefix(cctx, a.Redis, livePrefix)
			_ = a.Close(cctx)
		}
	}()
	for range 2 {
		a, err := app.New(ctx, bcfg, log)
		if err != nil {
			return "", err
		}
		apps = append(apps, a)
		if err := a.Start(ctx); err != nil {
			return "", err
		}
	}
	A, B := apps[0], apps[1]
	clearRedisPrefix(ctx, A.Redis, livePrefix)
	agent, tks, statuses, err := seedLive(ctx, A, o.tickets)
	if err != nil {
		return "", err
	}
	if err := waitRelayed(ctx, A.DB.Bun, apps, 15*time.Second); err != nil {
		return "", err
	}
	session, err := login(ctx, "http://"+A.Addr(), liveAgentMail, livePassword)
	if err != nil {
		return "", err
	}
	fmt.Printf("instances: A %s, B %s; seeded %d tickets over %d statuses; agent logged in through A\n",
		A.Addr(), B.Addr(), len(tks), len(statuses))
	header := http.Header{"Cookie": {auth.SessionCookie + "=" + session}}
	urls := []string{"ws://" + A.Addr() + "/api/v1/live", "ws://" + B.Addr() + "/api/v1/live"}
	open := func(n int) ([]*wsClient, error) {
		return dialAll(ctx, n, func(i int) string { return urls[i%2] }, header, clock, true)
	}
	// Warm up the pools (database connections, fasthttp workers) so that they do not count as per-connection memory.
	warm, err := open(max(o.clients/4, 2))
	if err != nil {
		return "", err
	}
	closeAll(warm)
	waitHubsEmpty(apps, 10*time.Second)

	// 3. Memory of idle live connections, client end and server end together.
	before := heapAndStacks()
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile + ".before"); err != nil {
			return "", err
		}
	}
	clients, err := open(o.clients)
	defer func() { closeAll(clients) }()
	if err != nil {
		return "", err
	}
	time.Sleep(idleSettle)
	both := heapAndStacks().minus(before)
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return "", err
		}
	}
	server := both.minus(clientOnly)
	kibPerConn := kib(server.total()) / float64(o.clients)
	fmt.Printf("memory: client + Atiende server ends: %+.1f MiB = %s\n", mib(both.total()), both.perConn(o.clients))
	fmt.Printf("memory: Atiende server end = difference = %s; hubs hold %d + %d\n", server.perConn(o.clients), A.Hub.Count(), B.Hub.Count())

	// 4. Moves.
	reserve(clients, int(o.rate*o.duration.Seconds())+64)
	subj, err := A.People.SubjectOf(ctx, agent)
	if err != nil {
		return "", err
	}
	mv, err := moveTickets(ctx, A.Tickets, subj, tks, statuses, o, clock)
	if err != nil {
		return "", err
	}
	fmt.Printf("moves: %d committed in %s (%.1f/s), %d no-ops, %d errors; Move call p50 %s ms, p99 %s ms\n",
		len(mv.commits), mv.elapsed.Round(time.Millisecond), float64(len(mv.commits))/mv.elapsed.Seconds(),
		mv.noops, mv.errors, ms(mv.callP50), ms(mv.callP99))
	if err := waitRelayed(ctx, A.DB.Bun, apps, 15*time.Second); err != nil {
		return "", err
	}
	final := A.Hub.Last()
	deadline := time.Now().Add(stragglerWait)
	for time.Now().Before(deadline) && !allReached(clients, final) {
		time.Sleep(20 * time.Millisecond)
	}
	closeAll(clients)
	res := checkLive(clients, final, mv.commits)
	fmt.Printf("delivery: final seq %d; %d frames received; lost %d, dup %d, reordered %d, prev mismatches %d, other frames %d, client errors %d\n",
		final, res.frames, res.lost, res.dup, res.reordered, res.prevMismatch, res.other, res.clientErrors)
	p50, p99 := summary(res.latencies)
	fmt.Printf("latency (receipt − commit) over %d deliveries: p50 %s ms, p90 %s ms, p99 %s ms, max %s ms; %d received before Move returned\n",
		len(res.latencies), ms(p50), ms(percentile(res.latencies, 0.90)), ms(p99), ms(res.latencies[len(res.latencies)-1]), res.early)

	printSpread(res.perEvent)

	// 5. The baseline: the same library and the same number of clients, nothing but Redis to sockets.
	frameLen := 400
	if res.frames > 0 {
		frameLen = int(res.frameBytes / int64(res.frames))
	}
	bl, err := runBaseline(ctx, bcfg.RedisURL, livePrefix+":baseline", o.clients, o.rate, o.baseline, frameLen, clock)
	if err != nil {
		return "", err
	}
	fmt.Printf("baseline: %d messages of %d bytes to %d clients: p50 %s ms, p99 %s ms; lost %d, dropped by the server %d\n",
		bl.published, frameLen, o.clients, ms(bl.p50), ms(bl.p99), bl.lost, bl.dropped)
	ratio := float64(p99) / float64(max(bl.p99, time.Microsecond))
	return fmt.Sprintf("bench-live clients=%d rate=%g p50_ms=%s p99_ms=%s lost=%d dup=%d reordered=%d kib_per_conn=%.2f baseline_p99_ms=%s ratio_p99=%.2f",
		o.clients, o.rate, ms(p50), ms(p99), res.lost, res.dup, res.reordered, kibPerConn, ms(bl.p99), ratio), nil
}

// benchTicket is what the mover knows of a ticket: only the bench moves them, so it stays current.
type benchTicket struct {
	id, status, version int64
}

// seedLive fills the bench database: catalogs, one agent, and n tickets through tickets.Service.Create.
func seedLive(ctx context.Context, a *app.App, n int) (*people.User, []*benchTicket, []int64, error) {
	hash, err := auth.HashPassword(livePassword)
	if err != nil {
		return nil, nil, nil, err
	}
	agent := &people.User{Email: liveAgentMail, Name: "Agente de prueba", PasswordHash: hash, Role: access.Agent, Locale: i18n.ES}
	var statuses, priorities []int64
	r := rand.New(rand.NewPCG(7, 11))
	err = a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := a.People.Create(ctx, tx, agent); err != nil {
			return err
		}
		if err := tx.NewSelect().Table("statuses").Column("id").Where("key IN (?)", bun.In(workflow.GenericStatusKeys)).OrderExpr("id").Scan(ctx, &statuses); err != nil {
			return err
		}
		if err := tx.NewSelect().Table("priorities").Column("id").OrderExpr("id").Scan(ctx, &priorities); err != nil {
			return err
		}
		for i := range n {
			c := seed.Cases[r.IntN(len(seed.Cases))]
			if _, err := a.Tickets.Create(ctx, tx, access.Subject{}, tickets.NewTicket{
				Subject: fmt.Sprintf("%s — pedido %d", c.ES, 48000+i), Description: c.CategoryES + ": " + c.ES,
				StatusID: statuses[r.IntN(len(statuses))], PriorityID: priorities[r.IntN(len(priorities))],
				AssigneeID: &agent.ID,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("bench live: seed: %w", err)
	}
	var tks []*benchTicket
	rows, err := a.DB.Pool.Query(ctx, "SELECT id, status_id, version FROM tickets ORDER BY id")
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		t := new(benchTicket)
		if err := rows.Scan(&t.id, &t.status, &t.version); err != nil {
			return nil, nil, nil, err
		}
		tks = append(tks, t)
	}
	return agent, tks, statuses, rows.Err()
}

// waitRelayed waits until every event is numbered and every instance's hub has handed on the newest.
func waitRelayed(ctx context.Context, db *bun.DB, apps []*app.App, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var unnumbered, last int64
		if err := db.NewRaw("SELECT count(*) FILTER (WHERE seq IS NULL), coalesce(max(seq), 0) FROM events").
			Scan(ctx, &unnumbered, &last); err != nil {
			return fmt.Errorf("bench live: %w", err)
		}
		done := unnumbered == 0
		for _, a := range apps {
			done = done && a.Hub.Last() == last
		}
		if done {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bench live: events not relayed after %s (%d unnumbered, newest %d)", timeout, unnumbered, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitHubsEmpty(apps []*app.App, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		n := 0
		for _, a := range apps {
			n += a.Hub.Count()
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type commitKey struct{ ticket, version int64 }

type moveResult struct {
	commits          map[commitKey]time.Duration // when Move returned, per resulting ticket version
	noops, errors    int
	elapsed          time.Duration
	callP50, callP99 time.Duration
}

// moveTickets moves random tickets to random statuses and places, `rate` times a second on a fixed
// schedule (one writer, so that a slow move delays the next instead of piling up conflicts).
func moveTickets(ctx context.Context, svc *tickets.Service, subj access.Subject, tks []*benchTicket, statuses []int64,
	o liveOptions, clock func() time.Duration) (moveResult, error) {
	res := moveResult{commits: map[commitKey]time.Duration{}}
	r := rand.New(rand.NewPCG(2026, 5))
	n := int(o.rate * o.duration.Seconds())
	interval := time.Duration(float64(time.Second) / o.rate)
	var calls []time.Duration
	start := time.Now()
	nextReport := start.Add(10 * time.Second)
	var members []*benchTicket
	for i := range n {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		t := tks[r.IntN(len(tks))]
		status := statuses[r.IntN(len(statuses))]
		members = members[:0]
		for _, x := range tks {
			if x.status == status && x != t {
				members = append(members, x)
			}
		}
		var after *int64
		if k := r.IntN(len(members) + 1); k < len(members) {
			after = &members[k].id
		}
		called := clock()
		card, err := svc.Move(ctx, subj, t.id, tickets.MoveRequest{StatusID: status, AfterID: after, Version: t.version})
		committed := clock()
		calls = append(calls, committed-called)
		if err != nil {
			res.errors++
			if res.errors <= 5 {
				fmt.Println("move error:", err)
			}
			continue
		}
		if card.Version == t.version {
			res.noops++ // already there: nothing written, no event
			continue
		}
		t.status, t.version = card.StatusID, card.Version
		res.commits[commitKey{t.id, card.Version}] = committed
		if time.Now().After(nextReport) {
			fmt.Printf("moves: %d/%d after %s\n", i+1, n, time.Since(start).Round(time.Second))
			nextReport = nextReport.Add(10 * time.Second)
		}
	}
	res.elapsed = time.Since(start)
	res.callP50, res.callP99 = summary(calls)
	return res, nil
}

// printSpread splits the latency into the path to the first client (relay, Redis, bus: the same for all
// clients) and the fan-out after it (last − first receipt), and names the slowest events.
func printSpread(per map[int64]*eventSpread) {
	if len(per) == 0 {
		return
	}
	var firsts, fans []time.Duration
	seqs := make([]int64, 0, len(per))
	for seq, e := range per {
		firsts = append(firsts, e.first)
		fans = append(fans, e.last-e.first)
		seqs = append(seqs, seq)
	}
	f50, f99 := summary(firsts)
	s50, s99 := summary(fans)
	fmt.Printf("per event: commit → first client p50 %s ms, p99 %s ms; first → last client p50 %s ms, p99 %s ms\n",
		ms(f50), ms(f99), ms(s50), ms(s99))
	slices.SortFunc(seqs, func(a, b int64) int { return cmp.Compare(per[b].last, per[a].last) })
	var worst []string
	for _, seq := range seqs[:min(5, len(seqs))] {
		worst = append(worst, fmt.Sprintf("seq %d first %s last %s", seq, ms(per[seq].first), ms(per[seq].last)))
	}
	fmt.Printf("slowest events (ms): %s\n", strings.Join(worst, "; "))
}

func allReached(cs []*wsClient, seq int64) bool {
	for _, c := range cs {
		if c.last.Load() < seq {
			return false
		}
	}
	return true
}

type liveCheck struct {
	frames                               int
	frameBytes                           int64
	lost, dup, reordered, prevMismatch   int
	other, clientErrors, early, unmapped int
	latencies                            []time.Duration
	perEvent                             map[int64]*eventSpread
}

// eventSpread is one event's first and last receipt over all clients, relative to its commit.
type eventSpread struct{ first, last time.Duration }

// checkLive checks every client's stream against the dense sequence: each seq after the client's ready
// point up to final must arrive once, in increasing order, each frame's prev naming the one before.
func checkLive(cs []*wsClient, final int64, commits map[commitKey]time.Duration) liveCheck {
	res := liveCheck{perEvent: map[int64]*eventSpread{}}
	for _, c := range cs {
		res.other += c.other + c.scanMismatch
		if c.err != nil {
			res.clientErrors++
		}
		expected := final - c.readySeq
		seen := make([]bool, max(expected, 0)+1)
		distinct := int64(0)
		maxSeq, prev := c.readySeq, c.readySeq
		for _, rc := range c.recs {
			res.frames++
			res.frameBytes += int64(rc.size)
			i := rc.seq - c.readySeq
			if i <= 0 || i > expected {
				res.dup++ // at or before the ready point, or beyond anything written: not a new event
				continue
			}
			if seen[i] {
				res.dup++
				continue
			}
			seen[i] = true
			distinct++
			if rc.seq < maxSeq {
				res.reordered++
			} else {
				maxSeq = rc.seq
			}
			if rc.prev != prev {
				res.prevMismatch++
			}
			prev = rc.seq
			commit, ok := commits[commitKey{rc.ticket, rc.version}]
			if !ok {
				res.unmapped++
				continue
			}
			lat := rc.at - commit
			if lat < 0 {
				res.early++
			}
			res.latencies = append(res.latencies, lat)
			if e := res.perEvent[rc.seq]; e == nil {
				res.perEvent[rc.seq] = &eventSpread{lat, lat}
			} else {
				e.first, e.last = min(e.first, lat), max(e.last, lat)
			}
		}
		res.lost += int(expected - distinct)
	}
	if res.unmapped > 0 {
		fmt.Printf("note: %d deliveries had no matching commit (not a move of this run)\n", res.unmapped)
	}
	if len(res.latencies) == 0 {
		res.latencies = []time.Duration{0}
	}
	return res
}

// ---------------------------------------------------------------- clients

// dialer is the clients' dialer: small buffers and a shared write-buffer pool, so the client end of
// this process weighs little next to the server end being measured.
var dialer = &websocket.Dialer{
	HandshakeTimeout: 10 * time.Second,
	ReadBufferSize:   2048,
	WriteBufferSize:  512,
	WriteBufferPool:  &sync.Pool{},
}

type record struct {
	seq, prev, ticket, version int64
	at, sent                   time.Duration
	size                       int
}

// wsClient is one benchmark client: a connection and the goroutine that reads it.
type wsClient struct {
	conn     *websocket.Conn
	ready    chan struct{}
	done     chan struct{}
	closing  atomic.Bool
	last     atomic.Int64
	readySeq int64
	recs     []record
	other    int
	err      error
	// scanMismatch counts frames where scanFrame and encoding/json disagreed (must stay 0).
	scanMismatch int
	// spare is room for recs handed over before a measurement, so that a thousand clients do not all
	// grow their slices (and copy them) on the same event in the middle of it.
	spare atomic.Pointer[[]record]
}

// reserve gives each client room for n more records.
func reserve(cs []*wsClient, n int) {
	for _, c := range cs {
		buf := make([]record, 0, n)
		c.spare.Store(&buf)
	}
}

type liveFrame struct {
	Type   string `json:"type"`
	Seq    int64  `json:"seq"`
	Prev   int64  `json:"prev"`
	Ticket struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	} `json:"ticket"`
	Sent int64 `json:"sent"` // baseline frames only: when the message was published (ns on the bench clock)
}

func (c *wsClient) read(clock func() time.Duration) {
	defer close(c.done)
	readyClosed := false
	var buf bytes.Buffer
	buf.Grow(1024) // now, so that the client end weighs the same in both memory phases
	for n := 0; ; n++ {
		_, r, err := c.conn.NextReader()
		if err == nil {
			buf.Reset()
			_, err = buf.ReadFrom(r)
		}
		at := clock()
		if err != nil {
			if !c.closing.Load() {
				c.err = err
			}
			return
		}
		data := buf.Bytes()
		// The clients share the two cores with the servers, so they read frames with a small scanner
		// instead of a full JSON decode, checked against encoding/json now and then.
		f, ok := scanFrame(data)
		if !ok || n%64 == 0 {
			var full liveFrame
			if err := json.Unmarshal(data, &full); err != nil {
				c.other++
				continue
			}
			if ok && f != full {
				c.scanMismatch++
			}
			f = full
		}
		switch f.Type {
		case "event":
			if len(c.recs) == cap(c.recs) {
				if p := c.spare.Swap(nil); p != nil {
					c.recs = append((*p)[:0], c.recs...)
				}
			}
			c.recs = append(c.recs, record{seq: f.Seq, prev: f.Prev, ticket: f.Ticket.ID, version: f.Ticket.Version,
				at: at, sent: time.Duration(f.Sent), size: len(data)})
			c.last.Store(f.Seq)
		case "ready":
			if !readyClosed {
				c.readySeq = f.Seq
				c.last.Store(f.Seq)
				readyClosed = true
				close(c.ready)
			}
		default:
			c.other++
		}
	}
}

// scanFrame reads the fields the bench needs from an event frame without decoding the rest. It relies
// on the keys being unique at their level: seq and prev at the top, id (the first field) and version in
// ticket — true of the frames of shared/live/messages.schema.json.
func scanFrame(b []byte) (liveFrame, bool) {
	var f liveFrame
	i := bytes.Index(b, []byte(`"type":"`))
	if i < 0 {
		return f, false
	}
	rest := b[i+len(`"type":"`):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 || string(rest[:j]) != "event" {
		return f, false
	}
	f.Type = "event"
	var ok1, ok2 bool
	f.Seq, ok1 = intAfter(b, `"seq":`)
	f.Prev, ok2 = intAfter(b, `"prev":`)
	if !ok1 || !ok2 {
		return f, false
	}
	f.Sent, _ = intAfter(b, `"sent":`)
	if t := bytes.Index(b, []byte(`"ticket":{`)); t >= 0 {
		var ok3, ok4 bool
		f.Ticket.ID, ok3 = intAfter(b[t:], `"id":`)
		f.Ticket.Version, ok4 = intAfter(b[t:], `"version":`)
		if !ok3 || !ok4 {
			return f, false
		}
	}
	return f, true
}

func intAfter(b []byte, key string) (int64, bool) {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0, false
	}
	b = b[i+len(key):]
	var n int64
	k := 0
	for ; k < len(b) && b[k] >= '0' && b[k] <= '9'; k++ {
		n = n*10 + int64(b[k]-'0')
	}
	return n, k > 0
}

func (c *wsClient) close() {
	c.closing.Store(true)
	_ = c.conn.Close()
	<-c.done
}

func closeAll(cs []*wsClient) {
	for _, c := range cs {
		if c != nil {
			c.close()
		}
	}
}

// dialAll opens n clients with a few dialers at a time. With resume, each sends the resume message
// (after null, the board) and waits for ready.
func dialAll(ctx context.Context, n int, urlOf func(int) string, header http.Header, clock func() time.Duration, resume bool) ([]*wsClient, error) {
	cs := make([]*wsClient, n)
	errs := make([]error, n)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range dialWorkers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				cs[i], errs[i] = dialOne(ctx, urlOf(i), header, clock, resume)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		closeAll(cs)
		return nil, err
	}
	return cs, nil
}

func dialOne(ctx context.Context, url string, header http.Header, clock func() time.Duration, resume bool) (*wsClient, error) {
	conn, resp, err := dialer.DialContext(ctx, url, header)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("bench: dial %s: %w (%s)", url, err, resp.Status)
		}
		return nil, fmt.Errorf("bench: dial %s: %w", url, err)
	}
	c := &wsClient{conn: conn, ready: make(chan struct{}), done: make(chan struct{})}
	if resume {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"resume","after":null,"topics":["board"]}`)); err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("bench: resume: %w", err)
		}
	}
	go c.read(clock)
	if !resume {
		return c, nil
	}
	select {
	case <-c.ready:
		return c, nil
	case <-c.done:
		return nil, fmt.Errorf("bench: connection ended before ready: %v", c.err)
	case <-time.After(10 * time.Second):
		c.close()
		return nil, errors.New("bench: no ready within 10 s")
	}
}

// ---------------------------------------------------------------- memory

// memUse is the memory held by live objects and by goroutine stacks, after a full collection.
type memUse struct{ heap, stacks, goroutines int64 }

func heapAndStacks() memUse {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memUse{int64(m.HeapInuse), int64(m.StackInuse), int64(runtime.NumGoroutine())}
}

func (m memUse) minus(o memUse) memUse {
	return memUse{m.heap - o.heap, m.stacks - o.stacks, m.goroutines - o.goroutines}
}
func (m memUse) total() int64 { return m.heap + m.stacks }

// perConn formats m per connection, in KiB, with its heap and stack parts.
func (m memUse) perConn(n int) string {
	return fmt.Sprintf("%.2f KiB/conn (heap %.2f, stacks %.2f; %.2f goroutines/conn)", kib(m.total())/float64(n),
		kib(m.heap)/float64(n), kib(m.stacks)/float64(n), float64(m.goroutines)/float64(n))
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: memprofile: %w", err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		return fmt.Errorf("bench: memprofile: %w", err)
	}
	return nil
}

func kib(b int64) float64 { return float64(b) / 1024 }
func mib(b int64) float64 { return float64(b) / (1 << 20) }

// The per-connection figure is for the server end of an idle live connection. The bench's clients live
// in the same process, so a single before/after reading counts both ends. measureClientsOnly therefore
// opens the same clients first against a server end that holds nothing of its own per connection — a
// raw listener that answers the handshake, keeps the bare socket and runs no goroutine for it — and
// the server end is (both ends with Atiende) − (client end alone). The figure is Go heap and stacks;
// kernel socket buffers are not in it.
func measureClientsOnly(ctx context.Context, n int, clock func() time.Duration) (memUse, error) {
	srv, err := startHandshakeOnly()
	if err != nil {
		return memUse{}, err
	}
	defer srv.close()
	url := func(int) string { return "ws://" + srv.addr() + "/" }
	warm, err := dialAll(ctx, max(n/4, 2), url, nil, clock, false)
	if err != nil {
		return memUse{}, err
	}
	closeAll(warm)
	srv.dropAll()
	before := heapAndStacks()
	cs, err := dialAll(ctx, n, url, nil, clock, false)
	if err != nil {
		return memUse{}, err
	}
	time.Sleep(idleSettle)
	delta := heapAndStacks().minus(before)
	closeAll(cs)
	srv.dropAll()
	return delta, nil
}
