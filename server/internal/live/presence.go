package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/atiende/atiende/server/internal/access"
)

// Presence tracks who is viewing each ticket and who is writing a reply on it, across instances. It is
// ephemeral, so it lives in Redis and not in the event sequence: each viewing connection holds an entry
// in a sorted set per ticket, scored by its expiry and refreshed by the client's heartbeat; a change is
// announced on a channel, and every instance reads the ticket's set afresh and sends it to the
// connections watching that ticket which may see it.
type Presence struct {
	Redis  *redis.Client
	Prefix string
	Hub    *Hub
	Log    *slog.Logger
	// Vis returns a ticket's visibility fields, and false when there is no such ticket.
	Vis func(ctx context.Context, ticketID int64) (access.TicketVis, bool, error)
}

// PresenceTTL is how long an entry lasts without a heartbeat (clients send one every 10 s).
const PresenceTTL = 30 * time.Second

// presenceThrottle is the least time between two unchanged heartbeats of one connection that are acted on.
const presenceThrottle = time.Second

// Viewer is a user viewing a ticket.
type Viewer struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Typing bool   `json:"typing"`
}

// presenceState is one connection's presence, kept by its read loop.
type presenceState struct {
	conn   string
	ticket int64
	vis    access.TicketVis
	typing bool
	member string
	last   time.Time
}

type presenceMember struct {
	Conn   string `json:"c"`
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Typing bool   `json:"typing,omitempty"`
}

type presenceNote struct {
	TicketID int64            `json:"ticket_id"`
	Vis      access.TicketVis `json:"vis"`
}

func (p *Presence) key(ticketID int64) string {
	return p.Prefix + ":presence:" + strconv.FormatInt(ticketID, 10)
}

func (p *Presence) channel() string { return p.Prefix + ":presence" }

// set records that c views ticketID (0: none) and whether its user is typing, and announces the change.
func (p *Presence) set(ctx context.Context, c *Client, ticketID int64, typing bool) error {
	st := &c.presence
	now := time.Now()
	if ticketID == st.ticket && typing == st.typing && now.Sub(st.last) < presenceThrottle {
		return nil
	}
	var vis access.TicketVis
	if ticketID != 0 {
		if !access.CanSeePresence(c.subject) {
			ticketID = 0
		} else {
			v, ok, err := p.Vis(ctx, ticketID)
			if err != nil {
				return err
			}
			if !ok || !access.CanSeeTicket(c.subject, v) {
				ticketID = 0
			}
			vis = v
		}
	}
	if ticketID == 0 && st.ticket == 0 {
		return nil
	}
	if st.conn == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		st.conn = hex.EncodeToString(b[:])
	}
	member := ""
	if ticketID != 0 {
		m, err := json.Marshal(presenceMember{Conn: st.conn, ID: c.subject.UserID, Name: c.subject.Name, Typing: typing})
		if err != nil {
			return err
		}
		member = string(m)
	}
	pipe := p.Redis.TxPipeline()
	if st.ticket != 0 && st.member != member {
		pipe.ZRem(ctx, p.key(st.ticket), st.member)
	}
	if ticketID != 0 {
		pipe.ZAdd(ctx, p.key(ticketID), redis.Z{Score: float64(now.Add(PresenceTTL).UnixMilli()), Member: member})
		pipe.PExpire(ctx, p.key(ticketID), 2*PresenceTTL)
	}
	old, oldVis := st.ticket, st.vis
	if old != 0 && old != ticketID {
		p.announce(ctx, pipe, old, oldVis)
	}
	if ticketID != 0 {
		p.announce(ctx, pipe, ticketID, vis)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("live: presence: %w", err)
	}
	st.ticket, st.vis, st.typing, st.member, st.last = ticketID, vis, typing, member, now
	return nil
}

// leave removes c's presence when its connection ends.
func (p *Presence) leave(c *Client) {
	if c.presence.ticket == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := p.set(ctx, c, 0, false); err != nil {
		p.Log.Warn("live: presence leave", "err", err)
	}
}

func (p *Presence) announce(ctx context.Context, pipe redis.Pipeliner, ticketID int64, vis access.TicketVis) {
	b, _ := json.Marshal(presenceNote{TicketID: ticketID, Vis: vis})
	pipe.Publish(ctx, p.channel(), b)
}

// Viewers returns the users viewing a ticket now, by name; a user with several tabs counts once and
// is typing when any of them is.
func (p *Presence) Viewers(ctx context.Context, ticketID int64) ([]Viewer, error) {
	key := p.key(ticketID)
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	pipe := p.Redis.Pipeline()
	pipe.ZRemRangeByScore(ctx, key, "-inf", "("+now)
	members := pipe.ZRange(ctx, key, 0, -1)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("live: viewers: %w", err)
	}
	byUser := map[int64]*Viewer{}
	for _, raw := range members.Val() {
		var m presenceMember
		if json.Unmarshal([]byte(raw), &m) != nil {
			continue
		}
		v := byUser[m.ID]
		if v == nil {
			v = &Viewer{ID: m.ID, Name: m.Name}
			byUser[m.ID] = v
		}
		v.Typing = v.Typing || m.Typing
	}
	out := make([]Viewer, 0, len(byUser))
	for _, v := range byUser {
		out = append(out, *v)
	}
	slices.SortFunc(out, func(a, b Viewer) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// Start subscribes to presence announcements; the returned function delivers them until ctx ends.
func (p *Presence) Start(ctx context.Context) (func(context.Context), error) {
	ps := p.Redis.Subscribe(ctx, p.channel())
	if _, err := ps.Receive(ctx); err != nil {
		_ = ps.Close()
		return nil, fmt.Errorf("live: presence subscribe: %w", err)
	}
	return func(ctx context.Context) {
		defer ps.Close()
		ch := ps.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case msg, ok := <-ch:
				if !ok {
					return
				}
				p.deliver(ctx, msg.Payload)
			}
		}
	}, nil
}

func (p *Presence) deliver(ctx context.Context, payload string) {
	var n presenceNote
	if json.Unmarshal([]byte(payload), &n) != nil || n.TicketID <= 0 {
		return
	}
	if !p.Hub.watched(TicketTopic(n.TicketID)) {
		return
	}
	viewers, err := p.Viewers(ctx, n.TicketID)
	if err != nil {
		p.Log.Warn("live: presence", "err", err)
		return
	}
	frame, err := json.Marshal(struct {
		Type     string   `json:"type"`
		TicketID int64    `json:"ticket_id"`
		Viewers  []Viewer `json:"viewers"`
	}{"presence", n.TicketID, viewers})
	if err != nil {
		return
	}
	p.Hub.presence(n.TicketID, n.Vis, frame)
}
