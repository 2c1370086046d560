package live

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/atiende/atiende/server/internal/access"
)

// Topic names what a connection watches.
const TopicBoard = "board"

// TicketTopic is the topic of one ticket's detail.
func TicketTopic(id int64) string { return "ticket:" + strconv.FormatInt(id, 10) }

// Hub hands each event to the connections that watch it and may see it. Connections are indexed by
// topic, so an event costs work in proportion to its recipients.
type Hub struct {
	mu     sync.RWMutex
	topics map[string]map[*Client]struct{}
	users  map[int64]map[*Client]struct{}
	// watchers are the tracking pages' sockets, by ticket (see track.go).
	watchers map[int64]map[*watcher]struct{}
	last     atomic.Int64

	// Active reports whether a user may still use the desk (enabled); nil means always. An access.changed
	// asks it once per user with connections here, never per event.
	Active func(ctx context.Context, userID int64) (bool, error)
	// Online records who is connected, across instances (nil: not recorded).
	Online *OnlineSet
	online onlineState
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{topics: map[string]map[*Client]struct{}{}, users: map[int64]map[*Client]struct{}{},
		watchers: map[int64]map[*watcher]struct{}{}}
}

// Last is the newest seq the hub has handed on.
func (h *Hub) Last() int64 { return h.last.Load() }

func (h *Hub) setLast(seq int64) { h.last.Store(seq) }

// Publish hands m to every connection that watches it; each decides visibility and keeps order. A
// catalog change goes to every connection; a comment only to the watchers of its ticket.
func (h *Hub) Publish(m *Message) {
	h.mu.RLock()
	switch {
	case m.Name == AccessChanged:
		for _, uid := range m.Users {
			if set := h.users[uid]; len(set) > 0 {
				cs := make([]*Client, 0, len(set))
				for c := range set {
					cs = append(cs, c)
				}
				go h.accessChanged(uid, cs)
			}
		}
	case len(m.To) > 0:
		for _, uid := range m.To {
			for c := range h.users[uid] {
				c.offer(m)
			}
		}
	case m.Catalog != "":
		for _, set := range h.users {
			for c := range set {
				c.offer(m)
			}
		}
	case m.Name == TicketCommented:
		for c := range h.topics[TicketTopic(m.TicketID)] {
			c.offer(m)
		}
	default:
		board := h.topics[TopicBoard]
		for c := range board {
			c.offer(m)
		}
		for c := range h.topics[TicketTopic(m.TicketID)] {
			if _, dup := board[c]; !dup {
				c.offer(m)
			}
		}
	}
	if m.TicketID != 0 {
		for w := range h.watchers[m.TicketID] {
			w.offer(m)
		}
	}
	h.last.Store(m.Seq)
	h.mu.RUnlock()
}

// retopic replaces what a connection watches.
func (h *Hub) retopic(c *Client, topics []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range c.topics {
		if set := h.topics[t]; set != nil {
			delete(set, c)
			if len(set) == 0 {
				delete(h.topics, t)
			}
		}
	}
	c.mu.Lock()
	c.topics = topics
	c.mu.Unlock()
	for _, t := range topics {
		set := h.topics[t]
		if set == nil {
			set = map[*Client]struct{}{}
			h.topics[t] = set
		}
		set[c] = struct{}{}
	}
}

// watched reports whether any connection of this instance watches a topic.
func (h *Hub) watched(topic string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.topics[topic]) > 0
}

// presence sends a ticket's viewers to the connections watching it that may see them.
func (h *Hub) presence(ticketID int64, vis access.TicketVis, frame []byte) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.topics[TicketTopic(ticketID)] {
		if access.CanSeePresence(c.subject) && access.CanSeeTicket(c.subject, vis) {
			c.mu.Lock()
			if !c.closed && c.pending == nil {
				c.queueLocked(frame)
			}
			c.mu.Unlock()
		}
	}
}

func (h *Hub) add(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range c.topics {
		set := h.topics[t]
		if set == nil {
			set = map[*Client]struct{}{}
			h.topics[t] = set
		}
		set[c] = struct{}{}
	}
	set := h.users[c.subject.UserID]
	if set == nil {
		set = map[*Client]struct{}{}
		h.users[c.subject.UserID] = set
	}
	set[c] = struct{}{}
	hubConnections.Inc()
}

func (h *Hub) remove(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range c.topics {
		if set := h.topics[t]; set != nil {
			delete(set, c)
			if len(set) == 0 {
				delete(h.topics, t)
			}
		}
	}
	if set := h.users[c.subject.UserID]; set != nil {
		if _, ok := set[c]; ok {
			hubConnections.Dec()
		}
		delete(set, c)
		if len(set) == 0 {
			delete(h.users, c.subject.UserID)
		}
	}
}

// accessChanged ends the connections of a user whose access changed: a disabled user's close with
// CloseRevoked (log in again); the others are told to reload, so that their views and their next
// connection are decided by their new roles, and closed.
func (h *Hub) accessChanged(uid int64, cs []*Client) {
	active := true
	if h.Active != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		ok, err := h.Active(ctx, uid)
		cancel()
		if err != nil {
			slog.Error("live: access changed", "user", uid, "err", err)
		}
		active = ok || err != nil // on a failed check they reload and re-authenticate
	}
	for _, c := range cs {
		if !active {
			c.Close(CloseRevoked)
			continue
		}
		c.mu.Lock()
		if !c.closed {
			c.queueLocked([]byte(`{"type":"reload","reason":"access_changed"}`))
			c.closed = true
		}
		c.mu.Unlock()
		c.closeFn(CloseAccessChanged)
	}
}

// DisconnectUser closes every live connection of a user (a disabled account, a logout everywhere).
func (h *Hub) DisconnectUser(userID int64) {
	h.mu.RLock()
	var cs []*Client
	for c := range h.users[userID] {
		cs = append(cs, c)
	}
	h.mu.RUnlock()
	for _, c := range cs {
		c.Close(CloseRevoked)
	}
}

// CloseAll closes every connection with a code (1001 when the instance shuts down, so clients resume elsewhere).
func (h *Hub) CloseAll(code int) {
	h.mu.RLock()
	var cs []*Client
	for _, set := range h.users {
		for c := range set {
			cs = append(cs, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range cs {
		c.Close(code)
	}
}

// Count returns the number of connections.
func (h *Hub) Count() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	for _, set := range h.users {
		n += len(set)
	}
	return n
}

// Close codes sent to clients.
const (
	CloseGoingAway = 1001 // the instance is shutting down: resume elsewhere
	CloseInvalid   = 1008 // a frame broke the protocol (a frame over the size limit gets 1009 from the library)
	CloseOverflow  = 4001 // could not keep up: resume
	CloseRevoked   = 4003 // the session ended: log in again
	// CloseAccessChanged follows a reload message: the user's roles changed, reconnect after reloading.
	CloseAccessChanged = 4004
)

// Client is one live connection as the hub sees it: what it watches, who it is, and an ordered,
// bounded queue of frames for its writer.
type Client struct {
	subject     access.Subject
	topics      []string
	send        chan []byte
	closeFn     func(code int)
	startWriter func() // starts a goroutine that writes what is queued, then ends

	mu       sync.Mutex
	lastSent int64      // the seq of the last frame queued, or the resume point
	pending  []*Message // events that arrived while the client was catching up; nil once live
	closed   bool
	writing  bool     // a writer goroutine is running
	backlog  [][]byte // frames after a full queue, in order; nil while the client keeps up

	presence presenceState // read loop only
}

// maxBacklog bounds the frames a client may fall behind by (a burst after a relay takeover, a bulk
// change) before it is dropped and resumes.
const maxBacklog = 2048

// maxPending bounds what a resuming client may buffer before it is told to reload.
const maxPending = 4096

// offer queues m for the client if it may see it (or a removal when it could before and cannot now).
func (c *Client) offer(m *Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	if c.pending != nil {
		if len(c.pending) >= maxPending {
			c.overflowLocked()
			return
		}
		c.pending = append(c.pending, m)
		return
	}
	c.deliverLocked(m)
}

func (c *Client) deliverLocked(m *Message) {
	frame := c.frameFor(m)
	if frame == nil {
		return
	}
	if c.queueLocked(frame) {
		c.lastSent = m.Seq
	}
}

// queueLocked queues a frame for the writer: in the queue, or past it in the backlog during a burst.
// A client the backlog cannot hold is dropped and resumes.
func (c *Client) queueLocked(frame []byte) bool {
	if c.backlog == nil {
		select {
		case c.send <- frame:
			c.kickLocked()
			return true
		default:
		}
	}
	if len(c.backlog) >= maxBacklog {
		c.overflowLocked()
		return false
	}
	c.backlog = append(c.backlog, frame)
	c.kickLocked()
	return true
}

// nextLocked takes the next frame to write: the queue first (it holds the older frames), then the
// backlog; nil when nothing waits.
func (c *Client) nextLocked() []byte {
	select {
	case frame := <-c.send:
		return frame
	default:
	}
	if len(c.backlog) == 0 {
		return nil
	}
	frame := c.backlog[0]
	c.backlog = c.backlog[1:]
	if len(c.backlog) == 0 {
		c.backlog = nil
	}
	return frame
}

// kickLocked starts the writer when frames wait and none is running.
func (c *Client) kickLocked() {
	if !c.writing && c.startWriter != nil {
		c.writing = true
		c.startWriter()
	}
}

// frameFor returns the frame m becomes for this client, or nil when it sends nothing: a duplicate, or a
// ticket the client may not see and could not see before either.
func (c *Client) frameFor(m *Message) []byte {
	if m.Seq <= c.lastSent {
		return nil
	}
	if len(m.To) > 0 { // targeted at users: theirs alone, never anyone else's (resumes come through here too)
		if slices.Contains(m.To, c.subject.UserID) {
			return eventFrame(m, c.lastSent)
		}
		return nil
	}
	if m.Catalog != "" {
		return eventFrame(m, c.lastSent)
	}
	if m.Internal && !access.CanSeeInternal(c.subject) {
		return nil
	}
	if m.Name == TicketCommented && !c.watchesLocked(TicketTopic(m.TicketID)) {
		return nil
	}
	switch {
	case access.CanSeeTicket(c.subject, m.Vis):
		return eventFrame(m, c.lastSent)
	case m.PrevVis != nil && access.CanSeeTicket(c.subject, *m.PrevVis):
		return removeFrame(m, c.lastSent)
	}
	return nil
}

func (c *Client) watchesLocked(topic string) bool {
	for _, t := range c.topics {
		if t == topic {
			return true
		}
	}
	return false
}

func (c *Client) overflowLocked() {
	hubOverflows.Inc()
	c.closed = true
	c.closeFn(CloseOverflow)
}

// Close ends the connection with a close code.
func (c *Client) Close(code int) {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.closeFn(code)
}

func eventFrame(m *Message, prev int64) []byte {
	out := make([]byte, 0, len(m.body)+40)
	out = append(out, `{"type":"event","prev":`...)
	out = strconv.AppendInt(out, prev, 10)
	out = append(out, ',')
	return append(out, m.body[1:]...)
}

func removeFrame(m *Message, prev int64) []byte {
	out := make([]byte, 0, 80)
	out = append(out, `{"type":"remove","seq":`...)
	out = strconv.AppendInt(out, m.Seq, 10)
	out = append(out, `,"prev":`...)
	out = strconv.AppendInt(out, prev, 10)
	out = append(out, `,"ticket_id":`...)
	out = strconv.AppendInt(out, m.TicketID, 10)
	return append(out, '}')
}
