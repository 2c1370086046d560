package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// OnlineTTL is how long a user stays online after their last connection's last sign of life: clients
// ping every 25 s, and a connection silent for 75 s is closed.
const OnlineTTL = 60 * time.Second

// onlineRefresh is the least time between two refreshes of one connection's presence.
const onlineRefresh = 10 * time.Second

// OnlineSet says who has a live connection on any instance. It is one Redis sorted set whose members
// are "userID:instance" scored by their expiry: each instance adds its member when a user's first
// connection there opens, refreshes it on the connections' pings and removes it when the last one
// closes; a crashed instance's members expire. A user is online while any member of theirs is live.
type OnlineSet struct {
	Redis  *redis.Client
	Prefix string

	once     sync.Once
	instance string
}

func (o *OnlineSet) key() string { return o.Prefix + ":online" }

func (o *OnlineSet) member(userID int64) string {
	o.once.Do(func() {
		var b [6]byte
		_, _ = rand.Read(b[:])
		o.instance = hex.EncodeToString(b[:])
	})
	return strconv.FormatInt(userID, 10) + ":" + o.instance
}

// Touch marks a user online from this instance for OnlineTTL.
func (o *OnlineSet) Touch(ctx context.Context, userID int64) error {
	now := time.Now()
	pipe := o.Redis.Pipeline()
	pipe.ZAdd(ctx, o.key(), redis.Z{Score: float64(now.Add(OnlineTTL).UnixMilli()), Member: o.member(userID)})
	pipe.ZRemRangeByScore(ctx, o.key(), "-inf", "("+strconv.FormatInt(now.UnixMilli(), 10))
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("live: online: %w", err)
	}
	return nil
}

// Leave marks a user no longer online from this instance (their other instances' connections still count).
func (o *OnlineSet) Leave(ctx context.Context, userID int64) error {
	if err := o.Redis.ZRem(ctx, o.key(), o.member(userID)).Err(); err != nil {
		return fmt.Errorf("live: online: %w", err)
	}
	return nil
}

// Online reports, for each of ids, whether the user has a live connection on any instance.
func (o *OnlineSet) Online(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = false
	}
	if len(ids) == 0 {
		return out, nil
	}
	live, err := o.Redis.ZRangeByScore(ctx, o.key(), &redis.ZRangeBy{
		Min: strconv.FormatInt(time.Now().UnixMilli(), 10), Max: "+inf"}).Result()
	if err != nil {
		return nil, fmt.Errorf("live: online: %w", err)
	}
	for _, m := range live {
		uid, _, _ := strings.Cut(m, ":")
		if id, err := strconv.ParseInt(uid, 10, 64); err == nil {
			if _, asked := out[id]; asked {
				out[id] = true
			}
		}
	}
	return out, nil
}

// onlineState is the hub's bookkeeping of its users' online members.
type onlineState struct {
	mu   sync.Mutex          // one Redis write per user decision at a time, so the last one wins
	seen map[int64]time.Time // when each user's member was last written
}

// syncOnline writes a user's online member from the hub's connections now: touched while the user has
// one here, removed after the last closes. It decides under the state lock from the current count, so
// a close racing an open cannot leave a connected user offline.
func (h *Hub) syncOnline(uid int64, refresh bool) {
	if h.Online == nil || uid == 0 {
		return
	}
	h.online.mu.Lock()
	defer h.online.mu.Unlock()
	h.mu.RLock()
	n := len(h.users[uid])
	h.mu.RUnlock()
	if h.online.seen == nil {
		h.online.seen = map[int64]time.Time{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var err error
	switch last, ok := h.online.seen[uid]; {
	case n == 0:
		delete(h.online.seen, uid)
		err = h.Online.Leave(ctx, uid)
	case !ok || !refresh || time.Since(last) >= onlineRefresh:
		h.online.seen[uid] = time.Now()
		err = h.Online.Touch(ctx, uid)
	}
	if err != nil {
		slog.Warn("live: online", "user", uid, "err", err)
	}
}
