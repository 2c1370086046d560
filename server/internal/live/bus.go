package live

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

// Bus receives numbered events from Redis on one instance, checks that they arrive without a gap,
// fills any gap from PostgreSQL, and hands them to the hub in order, each exactly once.
type Bus struct {
	Pool    *pgxpool.Pool
	Redis   *redis.Client
	Channel string
	Hub     *Hub
	Log     *slog.Logger
	// Poll is how often the bus checks PostgreSQL for events it has not seen, which covers a Redis
	// outage and the last events before one (default 1 s).
	Poll time.Duration

	last int64
}

// Start reads the newest seq so that the bus hands on only what comes after, and subscribes. It
// returns once the subscription is confirmed, so that nothing published afterwards is missed.
func (b *Bus) Start(ctx context.Context) (func(context.Context), error) {
	if err := b.Pool.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM events").Scan(&b.last); err != nil {
		return nil, fmt.Errorf("bus: start: %w", err)
	}
	b.Hub.setLast(b.last)
	ps := b.Redis.Subscribe(ctx, b.Channel)
	if _, err := ps.Receive(ctx); err != nil {
		_ = ps.Close()
		return nil, fmt.Errorf("bus: subscribe: %w", err)
	}
	return func(ctx context.Context) { b.run(ctx, ps) }, nil
}

type busItem struct {
	payload     []byte
	resubscribe bool
}

func (b *Bus) run(ctx context.Context, ps *redis.PubSub) {
	defer ps.Close()
	items := make(chan busItem, 4096)
	go func() {
		for ctx.Err() == nil {
			msg, err := ps.Receive(ctx)
			if err != nil {
				if ctx.Err() == nil {
					b.Log.Warn("bus: receive", "err", err)
					select {
					case <-ctx.Done():
					case <-time.After(200 * time.Millisecond):
					}
				}
				continue
			}
			var it busItem
			switch m := msg.(type) {
			case *redis.Message:
				it.payload = []byte(m.Payload)
			case *redis.Subscription:
				// (Re)subscribed after a reconnect: what was published meanwhile is only in PostgreSQL.
				it.resubscribe = true
			default:
				continue
			}
			select {
			case items <- it:
			case <-ctx.Done():
				return
			}
		}
	}()
	poll := b.Poll
	if poll == 0 {
		poll = time.Second
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case it := <-items:
			if it.resubscribe {
				b.catchUp(ctx, 0)
				continue
			}
			m, err := parseEnvelope(it.payload)
			if err != nil {
				b.Log.Error("bus: drop malformed message", "err", err)
				continue
			}
			b.handle(ctx, m)
		case <-tick.C:
			b.catchUp(ctx, 0)
		}
	}
}

// handle delivers m after filling any gap before it.
func (b *Bus) handle(ctx context.Context, m *Message) {
	if m.Seq <= b.last {
		return // already delivered (a republish after a relay takeover, or backfilled)
	}
	if m.Seq > b.last+1 {
		b.catchUp(ctx, m.Seq-1)
		if m.Seq != b.last+1 {
			return // the gap could not be filled now; the next poll delivers it from PostgreSQL
		}
	}
	b.deliver(m)
}

// catchUp reads from PostgreSQL every event after the last delivered one, up to `upto` (0: all).
func (b *Bus) catchUp(ctx context.Context, upto int64) {
	for ctx.Err() == nil {
		evs, err := readRange(ctx, b.Pool, b.last, relayBatch)
		if err != nil {
			b.Log.Warn("bus: backfill", "err", err)
			return
		}
		for _, ev := range evs {
			if upto > 0 && ev.seq > upto {
				return
			}
			if ev.seq != b.last+1 {
				// Numbers are dense, so this only happens if rows were deleted by retention.
				b.Log.Error("bus: hole in the event sequence", "after", b.last, "got", ev.seq)
			}
			m, err := parseEnvelope(envelope(ev.seq, ev.payload))
			if err != nil {
				b.Log.Error("bus: drop malformed event", "seq", ev.seq, "err", err)
				b.last = ev.seq
				continue
			}
			busBackfilled.Inc()
			b.deliver(m)
		}
		if len(evs) < relayBatch {
			return
		}
	}
}

func (b *Bus) deliver(m *Message) {
	b.last = m.Seq
	busReceived.Inc()
	b.Hub.Publish(m)
}
