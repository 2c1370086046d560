// Package testutil gives tests real services: each test its own PostgreSQL database (cloned from a
// migrated template), its own Redis prefix, and running App instances. A test that needs a service
// fails when it is missing; it never skips.
package testutil

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/migrations"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/db"
)

// Env returns a required test variable, failing the test when it is missing.
func Env(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run the tests with `make test`, which starts PostgreSQL and Redis", name)
	}
	return v
}

// Log is a logger for tests: quiet unless ATIENDE_TEST_LOG is set.
func Log() *slog.Logger {
	if os.Getenv("ATIENDE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// migrationsHash names the template after the migrations, so a new migration makes a new template.
func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(migrations.FS, p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func ensureTemplate(ctx context.Context, admin string) (string, error) {
	templateOnce.Do(func() {
		templateName = "atiende_tpl_" + migrationsHash()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			templateErr = fmt.Errorf("testutil: connect %s: %w", admin, err)
			return
		}
		defer conn.Close(ctx)
		// Test binaries of several packages run at once: one of them builds the template.
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7461)"); err != nil {
			templateErr = err
			return
		}
		defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(7461)")
		var exists bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", templateName).Scan(&exists); err != nil {
			templateErr = err
			return
		}
		if exists {
			return
		}
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+templateName+" WITH (FORCE)")
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+templateName); err != nil {
			templateErr = err
			return
		}
		d, err := db.Open(ctx, withDatabase(admin, templateName), 2)
		if err != nil {
			templateErr = err
			return
		}
		err = db.Migrate(ctx, d.Bun, Log())
		d.Close()
		if err != nil {
			templateErr = err
			return
		}
		_, templateErr = conn.Exec(ctx, "ALTER DATABASE "+templateName+" WITH is_template true")
	})
	return templateName, templateErr
}

// DB creates a fresh, migrated database for the test and returns its URL; it is dropped afterwards.
func DB(t testing.TB) string {
	t.Helper()
	admin := Env(t, "ATIENDE_TEST_DATABASE_URL")
	ctx := context.Background()
	tpl, err := ensureTemplate(ctx, admin)
	if err != nil {
		t.Fatalf("testutil: template database: %v", err)
	}
	name := fmt.Sprintf("atiende_t_%d_%d", time.Now().UnixNano()%1e9, rand.IntN(1e6))
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("testutil: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tpl); err != nil {
		t.Fatalf("testutil: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDatabase(admin, name)
}

// Redis returns the test Redis URL and a prefix of the test's own for keys and channels.
func Redis(t testing.TB) (string, string) {
	t.Helper()
	return Env(t, "ATIENDE_TEST_REDIS_URL"), fmt.Sprintf("t%d", rand.Uint64())
}

// Config returns a configuration for an instance on a free loopback port.
func Config(dbURL, redisURL, prefix string) app.Config {
	return app.Config{
		DatabaseURL: dbURL, RedisURL: redisURL, Addr: "127.0.0.1:0", RedisPrefix: prefix,
		SessionTTL: time.Hour, ShutdownTimeout: 5 * time.Second, LogLevel: slog.LevelInfo, DBMaxConns: 20,
		LoginMaxPerIP: 1000, LoginMaxPerMail: 5, LoginWindow: time.Minute,
	}
}

// Start starts an instance and closes it at the end of the test.
func Start(t testing.TB, cfg app.Config) *app.App {
	t.Helper()
	ctx := context.Background()
	a, err := app.New(ctx, cfg, Log())
	if err != nil {
		t.Fatalf("testutil: new app: %v", err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatalf("testutil: start app: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.Close(ctx)
	})
	return a
}

// BaseURL is the http:// address of an instance.
func BaseURL(a *app.App) string { return "http://" + a.Addr() }

// WSURL is the ws:// address of an instance's live socket.
func WSURL(a *app.App) string {
	return "ws://" + strings.TrimPrefix(a.Addr(), "http://") + "/api/v1/live"
}
