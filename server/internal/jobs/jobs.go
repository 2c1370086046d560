// Package jobs runs the desk's background work (SLA timers, email, reminders) on River, over the same
// PostgreSQL as everything else. A change enqueues its jobs in its own transaction (InsertTx), so a job
// exists exactly when the change committed; River hands each job to one worker of one instance at a time.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"github.com/uptrace/bun"
)

// The queues. Timers wait in their worker until their moment (see Timer), so their queue has many slots;
// mail waits on SMTP servers, so it has a few.
const (
	QueueDefault = river.QueueDefault
	QueueTimers  = "timers"
	QueueMail    = "mail"
)

// Jobs is the job queue of one instance: it inserts from any transaction and, once started, works.
type Jobs struct {
	// Workers holds every job kind this instance works; add them with Register before Start.
	Workers *river.Workers
	kinds   int
	// Periodic jobs run on the leader instance only, so each firing happens once across instances.
	Periodic []*river.PeriodicJob

	pool     *pgxpool.Pool
	log      *slog.Logger
	inserter *river.Client[*sql.Tx]
	client   *river.Client[pgx.Tx]
}

// New prepares the queue over the pool (for working) and the database/sql handle over that same pool
// (for inserting inside Bun transactions).
func New(pool *pgxpool.Pool, sqlDB *sql.DB, log *slog.Logger) (*Jobs, error) {
	ins, err := river.NewClient(riverdatabasesql.New(sqlDB), &river.Config{Logger: quiet(log)})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Jobs{Workers: river.NewWorkers(), pool: pool, log: log, inserter: ins}, nil
}

// quiet keeps River's own logs to warnings: its info lines (leadership, start, stop) are noise here.
func quiet(log *slog.Logger) *slog.Logger {
	if log == nil {
		return nil
	}
	return slog.New(levelFilter{log.Handler(), slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (l levelFilter) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= l.min && l.Handler.Enabled(ctx, lv)
}

// Register adds a worker of one job kind; call it before Start.
func Register[T river.JobArgs](j *Jobs, w river.Worker[T]) {
	river.AddWorker(j.Workers, w)
	j.kinds++
}

// Start starts working the queues (nothing to work when no worker is registered). Call it once, after
// every worker is registered.
func (j *Jobs) Start(ctx context.Context) error {
	if j.kinds == 0 && len(j.Periodic) == 0 {
		return nil
	}
	c, err := river.NewClient(riverpgxv5.New(j.pool), &river.Config{
		Logger:  quiet(j.log),
		Workers: j.Workers,
		Queues: map[string]river.QueueConfig{
			QueueDefault: {MaxWorkers: 20},
			QueueTimers:  {MaxWorkers: 2000},
			QueueMail:    {MaxWorkers: 8},
		},
		PeriodicJobs:      j.Periodic,
		FetchPollInterval: 500 * time.Millisecond,
		// A job whose instance died is handed to another one after this long.
		RescueStuckJobsAfter: 2 * time.Minute,
		JobTimeout:           time.Minute,
	})
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if err := c.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	j.client = c
	return nil
}

// Stop lets running jobs finish for a moment, then cancels the rest, which River hands to another
// instance: a timer waiting for its moment or a slow SMTP server must not hold a shutdown.
func (j *Jobs) Stop(ctx context.Context) error {
	if j.client == nil {
		return nil
	}
	soft, cancel := context.WithTimeout(ctx, StopGrace)
	defer cancel()
	err := j.client.Stop(soft)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return j.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	return err
}

// StopGrace is how long Stop lets running jobs finish before cancelling them.
const StopGrace = time.Second

// InsertTx enqueues a job inside the caller's transaction: it runs only if that transaction commits.
func (j *Jobs) InsertTx(ctx context.Context, tx bun.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	res, err := j.inserter.InsertTx(ctx, tx.Tx, args, opts)
	if err != nil {
		return nil, fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return res, nil
}

// InsertManyTx enqueues several jobs inside the caller's transaction in one round trip.
func (j *Jobs) InsertManyTx(ctx context.Context, tx bun.Tx, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	if _, err := j.inserter.InsertManyTx(ctx, tx.Tx, params); err != nil {
		return fmt.Errorf("jobs: insert many: %w", err)
	}
	return nil
}

// Insert enqueues a job outside any transaction.
func (j *Jobs) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := j.inserter.Insert(ctx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// Lead is how early a timer job is scheduled before its moment. River makes scheduled jobs available on
// a 5-second sweep; a timer scheduled Lead early is in its worker before its moment and waits there, so
// it fires on time instead of up to a sweep late.
const Lead = 6 * time.Second

// TimerOpts are the insert options of a job that must run at `at`: in the timers queue, scheduled Lead
// before it. Its worker calls WaitUntil(ctx, at) first.
func TimerOpts(at time.Time) *river.InsertOpts {
	return &river.InsertOpts{Queue: QueueTimers, ScheduledAt: at.Add(-Lead), MaxAttempts: 10}
}

// WaitUntil sleeps until at (returning at once when it has passed); it returns ctx's error when the job
// is cancelled first, so River retries it.
func WaitUntil(ctx context.Context, at time.Time) error {
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
