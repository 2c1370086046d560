package live

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// relayLockKey is the advisory lock that makes one instance the relay.
const relayLockKey int64 = 0x6174726c79 // "atrly"

// relayBatch is how many events the relay numbers at once.
const relayBatch = 1000

// Relay numbers committed events densely and publishes them on Redis, in order. Every instance runs
// one; only the holder of the advisory lock works, and another takes over within a second when it dies.
type Relay struct {
	ConnConfig *pgx.ConnConfig // for the relay's own connection, which holds the lock and LISTENs
	Redis      *redis.Client
	Channel    string
	Log        *slog.Logger
	// Retry is how long a standby waits between attempts to take the lock (default 500 ms).
	Retry time.Duration

	published int64 // the newest seq known published (leader only)
}

func (r *Relay) setLeading(v bool) { relayLeader.Set(boolFloat(v)) }

// Run works until ctx ends.
func (r *Relay) Run(ctx context.Context) {
	for ctx.Err() == nil {
		err := r.standBy(ctx)
		if err != nil && ctx.Err() == nil {
			r.Log.Warn("relay: lost or could not take the lead", "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(r.retry()):
		}
	}
}

func (r *Relay) retry() time.Duration {
	if r.Retry == 0 {
		return 500 * time.Millisecond
	}
	return r.Retry
}

// standBy holds one connection and tries the lock on it until it gets it, then leads until ctx ends or
// the connection fails.
func (r *Relay) standBy(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, r.ConnConfig)
	if err != nil {
		return fmt.Errorf("relay: connect: %w", err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = conn.Close(closeCtx) // closing the session releases the lock
	}()
	for {
		var got bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", relayLockKey).Scan(&got); err != nil {
			return fmt.Errorf("relay: lock: %w", err)
		}
		if got {
			return r.lead(ctx, conn)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(r.retry()):
		}
	}
}

// lead numbers and publishes while this connection holds the lock.
func (r *Relay) lead(ctx context.Context, conn *pgx.Conn) error {
	r.setLeading(true)
	defer r.setLeading(false)
	r.Log.Info("relay: leading")
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return fmt.Errorf("relay: listen: %w", err)
	}
	if err := conn.QueryRow(ctx, "SELECT published_seq FROM relay_state WHERE id = 1").Scan(&r.published); err != nil {
		return fmt.Errorf("relay: state: %w", err)
	}
	for {
		if err := r.step(ctx, conn); err != nil {
			return err
		}
		waitCtx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := conn.WaitForNotification(waitCtx)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("relay: wait: %w", err)
		}
	}
}

// step numbers everything committed and publishes everything numbered but not yet published.
func (r *Relay) step(ctx context.Context, conn *pgx.Conn) error {
	for {
		numbered, err := r.number(ctx, conn)
		if err != nil {
			return err
		}
		if err := r.publishPending(ctx, conn, numbered); err != nil {
			// Redis is away: the events are safe in PostgreSQL and every bus polls for them;
			// publishing resumes at the next wake-up.
			r.Log.Warn("relay: publish failed", "err", err)
			return nil
		}
		if len(numbered) < relayBatch {
			return nil
		}
	}
}

type numberedEvent struct {
	seq     int64
	payload []byte
}

// number gives the committed, unnumbered events the next numbers, in the order they were written.
// Only the lock holder runs it, on the lock's own connection, so the numbers stay dense.
func (r *Relay) number(ctx context.Context, conn *pgx.Conn) ([]numberedEvent, error) {
	rows, err := conn.Query(ctx, `
		WITH base AS (SELECT coalesce(max(seq), 0) AS b FROM events),
		     batch AS (SELECT id, row_number() OVER (ORDER BY id) AS rn
		                 FROM events WHERE seq IS NULL ORDER BY id LIMIT $1)
		UPDATE events e SET seq = base.b + batch.rn
		  FROM batch, base
		 WHERE e.id = batch.id
		RETURNING e.seq, e.payload::text`, relayBatch)
	if err != nil {
		return nil, fmt.Errorf("relay: number: %w", err)
	}
	var out []numberedEvent
	for rows.Next() {
		var ev numberedEvent
		var p string
		if err := rows.Scan(&ev.seq, &p); err != nil {
			rows.Close()
			return nil, fmt.Errorf("relay: number: %w", err)
		}
		ev.payload = []byte(p)
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("relay: number: %w", err)
	}
	// RETURNING gives no order guarantee.
	sortBySeq(out)
	return out, nil
}

// publishPending publishes every numbered event after the last published one, in order.
func (r *Relay) publishPending(ctx context.Context, conn *pgx.Conn, fresh []numberedEvent) error {
	for {
		var batch []numberedEvent
		if len(fresh) > 0 && fresh[0].seq == r.published+1 {
			batch, fresh = fresh, nil
		} else {
			var err error
			batch, err = readRange(ctx, conn, r.published, relayBatch)
			if err != nil {
				return err
			}
			fresh = nil
		}
		if len(batch) == 0 {
			return nil
		}
		pipe := r.Redis.Pipeline()
		for _, ev := range batch {
			pipe.Publish(ctx, r.Channel, envelope(ev.seq, ev.payload))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("relay: publish: %w", err)
		}
		r.published = batch[len(batch)-1].seq
		relayPublished.Add(float64(len(batch)))
		if _, err := conn.Exec(ctx, "UPDATE relay_state SET published_seq = $1 WHERE id = 1", r.published); err != nil {
			return fmt.Errorf("relay: save state: %w", err)
		}
		if len(batch) < relayBatch {
			return nil
		}
	}
}

// readRange reads up to limit numbered events after seq, in order.
func readRange(ctx context.Context, conn interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, after int64, limit int) ([]numberedEvent, error) {
	rows, err := conn.Query(ctx, `SELECT seq, payload::text FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("live: read events: %w", err)
	}
	defer rows.Close()
	var out []numberedEvent
	for rows.Next() {
		var ev numberedEvent
		var p string
		if err := rows.Scan(&ev.seq, &p); err != nil {
			return nil, fmt.Errorf("live: read events: %w", err)
		}
		ev.payload = []byte(p)
		out = append(out, ev)
	}
	return out, rows.Err()
}

func sortBySeq(evs []numberedEvent) {
	slices.SortFunc(evs, func(a, b numberedEvent) int { return cmp.Compare(a.seq, b.seq) })
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
