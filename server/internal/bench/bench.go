// Package bench holds the benchmark commands: they print figures, they are not timed tests.
//
// Each benchmark works in a database of its own on the configured PostgreSQL server (created fresh,
// dropped at the end) and under a Redis prefix of its own, so it never touches the data it is pointed at.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/auth"
)

// Run runs one benchmark by name.
func Run(ctx context.Context, cfg app.Config, log *slog.Logger, name string, args []string) error {
	log = slog.New(minLevel{log.Handler(), slog.LevelWarn})
	// Each benchmark returns its summary line, printed last so that scripts can take it with tail -1.
	var run func(context.Context, app.Config, *slog.Logger, []string) (string, error)
	switch name {
	case "live":
		run = runLive
	case "board":
		run = runBoard
	case "tickets":
		run = runTickets
	case "access":
		run = runAccess
	case "workflow":
		run = runWorkflow
	case "sla":
		run = runSLA
	case "dashboard":
		run = runDashboard
	default:
		return fmt.Errorf("bench: unknown benchmark %q (live, board, tickets, access, workflow, sla, dashboard)", name)
	}
	// Other work on the machine skews the figures: say how busy it was.
	fmt.Printf("load average before: %s\n", loadAverage())
	summary, err := run(ctx, cfg, log, args)
	if err != nil {
		return err
	}
	fmt.Printf("load average after: %s\n", loadAverage())
	fmt.Println(summary)
	return nil
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// minLevel keeps the caller's log format but drops the instances' info lines, which would drown the figures.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.level}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.level}
}

// freshDatabase (re)creates the database `name` on the server of baseURL and returns its URL and a
// function that drops it.
func freshDatabase(ctx context.Context, baseURL, name string) (string, func(), error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", nil, fmt.Errorf("bench: DATABASE_URL: %w", err)
	}
	adminURL := *u
	adminURL.Path = "/postgres"
	admin := func(ctx context.Context, stmts ...string) error {
		conn, err := pgx.Connect(ctx, adminURL.String())
		if err != nil {
			return fmt.Errorf("bench: connect to the postgres database: %w", err)
		}
		defer conn.Close(context.WithoutCancel(ctx))
		for _, s := range stmts {
			if _, err := conn.Exec(ctx, s); err != nil {
				return fmt.Errorf("bench: %s: %w", s, err)
			}
		}
		return nil
	}
	ident := pgx.Identifier{name}.Sanitize()
	if err := admin(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)", "CREATE DATABASE "+ident); err != nil {
		return "", nil, err
	}
	dbURL := *u
	dbURL.Path = "/" + name
	drop := func() {
		if err := admin(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			fmt.Println("warning:", err)
		}
	}
	return dbURL.String(), drop, nil
}

// existingDatabase returns the URL of the database `name` on the server of baseURL, which a previous run
// kept, and a function that drops it.
func existingDatabase(baseURL, name string) (string, func(), error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", nil, fmt.Errorf("bench: DATABASE_URL: %w", err)
	}
	dbURL := *u
	dbURL.Path = "/" + name
	return dbURL.String(), func() {}, nil
}

// benchConfig is cfg pointed at the bench database and Redis prefix, on a free loopback port, with the
// login limits out of the way.
func benchConfig(cfg app.Config, dbURL, prefix string) app.Config {
	cfg.DatabaseURL = dbURL
	cfg.RedisPrefix = prefix
	cfg.Addr = "127.0.0.1:0"
	cfg.LoginMaxPerIP = 1000000
	cfg.LoginMaxPerMail = 1000000
	cfg.ShutdownTimeout = 5 * time.Second
	return cfg
}

// clearRedisPrefix deletes every key under prefix (the login counters a run leaves behind).
func clearRedisPrefix(ctx context.Context, rdb *redis.Client, prefix string) {
	var cursor uint64
	for {
		keys, next, err := rdb.Scan(ctx, cursor, prefix+":*", 500).Result()
		if err != nil {
			return
		}
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		if cursor = next; cursor == 0 {
			return
		}
	}
}

// raiseNoFile lifts the open-files limit to its hard maximum: every WebSocket costs two descriptors here
// (the client end and the server end live in this process).
func raiseNoFile() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	return lim.Cur
}

// login logs in through the HTTP API like the SPA does (CSRF cookie first, then the double-submit header)
// and returns the session cookie value.
func login(ctx context.Context, base, email, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/auth/me", nil)
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("bench: login: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	u, _ := url.Parse(base)
	csrf := ""
	for _, c := range jar.Cookies(u) {
		if c.Name == auth.CSRFCookie {
			csrf = c.Value
		}
	}
	if csrf == "" {
		return "", errors.New("bench: login: no CSRF cookie from /auth/me")
	}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/auth/login", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(auth.CSRFHeader, csrf)
	resp, err = hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("bench: login: %w", err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("bench: login: %s: %s", resp.Status, msg)
	}
	for _, c := range jar.Cookies(u) {
		if c.Name == auth.SessionCookie {
			return c.Value, nil
		}
	}
	return "", errors.New("bench: login: no session cookie")
}

// percentile returns the nearest-rank p-quantile (0 < p ≤ 1) of sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// summary sorts samples and returns p50 and p99.
func summary(samples []time.Duration) (p50, p99 time.Duration) {
	slices.Sort(samples)
	return percentile(samples, 0.50), percentile(samples, 0.99)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// statementTimes calls call runs times, capturing its statements, and prints the median time of each
// statement (named by label) and EXPLAIN of its page and count statements from the last call.
func statementTimes(ctx context.Context, a *app.App, hook *queryCapture, runs int, title, explain string,
	label func(string) string, call func() error) error {
	per := map[string][]time.Duration{}
	var order []string
	var last []capturedQuery
	for range runs {
		qs, err := hook.capture(call)
		if err != nil {
			return err
		}
		for _, q := range qs {
			l := label(q.sql)
			if _, ok := per[l]; !ok {
				order = append(order, l)
			}
			per[l] = append(per[l], q.dur)
		}
		last = qs
	}
	var parts []string
	for _, l := range order {
		p50, _ := summary(per[l])
		parts = append(parts, fmt.Sprintf("%s %s", l, ms(p50)))
	}
	fmt.Printf("\n== %s: median ms per statement over %d calls: %s\n", title, runs, strings.Join(parts, ", "))
	for _, q := range last {
		l := label(q.sql)
		if l != "page" && l != "count" {
			continue
		}
		fmt.Printf("-- %s statement: %s\n", l, q.sql)
		rows, err := a.DB.Pool.Query(ctx, "EXPLAIN "+explain+" "+q.sql)
		if err != nil {
			return fmt.Errorf("bench: explain: %w", err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				rows.Close()
				return err
			}
			fmt.Println("   ", line)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("bench: explain: %w", err)
		}
	}
	return nil
}
