// Package db opens Atiende's one PostgreSQL pool (shared by Bun and, later, the job queue) and applies
// the embedded migrations.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/migrate"

	"github.com/atiende/atiende/migrations"
)

// DB is the pool and the Bun handle over it.
type DB struct {
	Pool *pgxpool.Pool
	Bun  *bun.DB
	sql  *sql.DB
}

// Open connects to PostgreSQL and checks that it answers.
func Open(ctx context.Context, url string, maxConns int32) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: parse DATABASE_URL: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	// The desk's statements are short and many at once: starting parallel workers costs more than the
	// work (measured: a 3 ms records-table page took 40–130 ms waiting for its workers on 2 busy cores).
	// A URL that sets it keeps its own value.
	if _, set := cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"]; !set {
		cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: ping: %w", err)
	}
	sqldb := stdlib.OpenDBFromPool(pool)
	return &DB{Pool: pool, Bun: bun.NewDB(sqldb, pgdialect.New()), sql: sqldb}, nil
}

// SQL is the database/sql handle over the pool (Bun's, and the job queue's inserts).
func (d *DB) SQL() *sql.DB { return d.sql }

// Close closes the pool.
func (d *DB) Close() {
	_ = d.sql.Close()
	d.Pool.Close()
}

// migrateLockKey is the advisory lock that serialises migrations between instances.
const migrateLockKey int64 = 0x61746d6967 // "atmig"

// Migrate applies every migration not applied yet, under bun's migration lock.
func Migrate(ctx context.Context, bdb *bun.DB, log *slog.Logger) error {
	ms := migrate.NewMigrations()
	if err := ms.Discover(migrations.FS); err != nil {
		return fmt.Errorf("db: discover migrations: %w", err)
	}
	m := migrate.NewMigrator(bdb, ms, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("db: init migrations: %w", err)
	}
	// Instances starting together wait for each other here instead of failing on bun's table lock.
	conn, err := bdb.Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrateLockKey); err != nil {
		return fmt.Errorf("db: migrate lock: %w", err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrateLockKey)
	}()
	group, err := m.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	if group.IsZero() {
		log.Info("database is up to date")
	} else {
		log.Info("migrated", "group", group.ID, "migrations", group.Migrations.String())
	}
	return nil
}
