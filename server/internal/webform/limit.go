package webform

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/atiende/atiende/server/internal/errs"
)

// bucket is a per-address budget of public writes over a window.
type bucket struct {
	name   string
	max    int
	window time.Duration
}

// The budgets of the public writes: a person sends a few forms, and replies more often; a robot is
// stopped after that much.
var (
	submitBudget = bucket{name: "submit", max: 5, window: 10 * time.Minute}
	replyBudget  = bucket{name: "reply", max: 20, window: 10 * time.Minute}
)

func (s *Service) key(b bucket, ip string) string {
	return s.KeyPrefix + ":webform:" + b.name + ":" + ip
}

// throttle refuses an address that used up a budget, with the seconds to wait.
func (s *Service) throttle(ctx context.Context, b bucket, ip string) error {
	if s.Redis == nil {
		return nil
	}
	n, err := s.Redis.Get(ctx, s.key(b, ip)).Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("webform: rate limit: %w", err)
	}
	if n < b.max {
		return nil
	}
	wait := max(int(s.Redis.TTL(ctx, s.key(b, ip)).Val().Seconds()), 1)
	e := errs.Newf(errs.RateLimited, "webform.rate_limited", map[string]any{"seconds": wait})
	e.RetryAfter = wait
	return e
}

// spend counts one write against an address's budget; the window starts with the first.
func (s *Service) spend(ctx context.Context, b bucket, ip string) error {
	if s.Redis == nil {
		return nil
	}
	pipe := s.Redis.TxPipeline()
	pipe.Incr(ctx, s.key(b, ip))
	pipe.ExpireNX(ctx, s.key(b, ip), b.window)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("webform: rate limit: %w", err)
	}
	return nil
}
