package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
)

// Server serves the live WebSocket.
type Server struct {
	Pool *pgxpool.Pool
	Hub  *Hub
	Log  *slog.Logger
	// AllowedOrigins may open the socket besides the server's own origin.
	AllowedOrigins []string
	// Subject returns the logged-in user of a request.
	Subject func(c *fiber.Ctx) (access.Subject, bool)
	// MaxReplay is how many events a reconnecting client may catch up on before it is told to reload.
	MaxReplay int64
	// SendQueue is the number of frames a connection may have waiting before it is dropped.
	SendQueue int
	// Presence tracks who views and who writes on each ticket (nil: presence frames are ignored).
	Presence *Presence
}

const (
	subjectLocal  = "atiende.live.subject"
	maxFrameBytes = 4096
	helloTimeout  = 10 * time.Second
	idleTimeout   = 75 * time.Second // the client pings every 25 s
	writeTimeout  = 10 * time.Second
)

var topicRe = regexp.MustCompile(`^(board|ticket:[0-9]{1,18})$`)

// Upgrade checks a live request before the handshake: a WebSocket upgrade, an allowed Origin and a session.
func (s *Server) Upgrade() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !fws.IsWebSocketUpgrade(c) {
			return &fiber.Error{Code: fiber.StatusUpgradeRequired}
		}
		if !s.originAllowed(c) {
			return errs.New(errs.Forbidden, "live.origin")
		}
		subj, ok := s.Subject(c)
		if !ok {
			return errs.New(errs.Unauthorized, "error.unauthorized")
		}
		c.Locals(subjectLocal, subj)
		return c.Next()
	}
}

func (s *Server) originAllowed(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true // not a browser: cross-site WebSocket hijacking needs one
	}
	for _, o := range s.AllowedOrigins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, c.Hostname())
}

// Handler is the WebSocket endpoint.
func (s *Server) Handler() fiber.Handler {
	return fws.New(s.serve, fws.Config{
		ReadBufferSize:  1024,
		WriteBufferSize: 1024,
		// Share write buffers between connections: an idle connection holds none.
		WriteBufferPool: &sync.Pool{},
	})
}

type clientMessage struct {
	Type     string   `json:"type"`
	After    *int64   `json:"after"`
	Topics   []string `json:"topics"`
	TicketID *int64   `json:"ticket_id"`
	Typing   bool     `json:"typing"`
}

// maxTopics bounds what one connection watches.
const maxTopics = 20

func validTopics(ts []string) bool {
	if len(ts) > maxTopics {
		return false
	}
	for _, t := range ts {
		if !topicRe.MatchString(t) {
			return false
		}
	}
	return true
}

func (s *Server) serve(ws *fws.Conn) {
	subj, _ := ws.Locals(subjectLocal).(access.Subject)
	ws.SetReadLimit(maxFrameBytes)
	queue := s.SendQueue
	if queue == 0 {
		queue = 32
	}
	c := &Client{subject: subj, send: make(chan []byte, queue), pending: []*Message{}}
	w := &writer{ws: ws, c: c}
	c.startWriter = func() { w.spawn(w.drain) }
	var once sync.Once
	c.closeFn = func(code int) { once.Do(func() { w.spawn(func() { w.close(code) }) }) }
	defer func() {
		c.Close(websocket.CloseNormalClosure)
		// The library recycles the connection when this returns: no write may still be under way.
		w.wg.Wait()
	}()
	defer s.Hub.syncOnline(subj.UserID, false) // after the removal: offline when it was the last
	defer s.Hub.remove(c)
	if s.Presence != nil {
		defer s.Presence.leave(c)
	}

	// The hello and the replay run on a goroutine of their own: the stack they grow (JSON, the replay
	// query) goes with it, and the goroutine that lives as long as the connection stays small.
	done := make(chan bool)
	go func() { done <- s.handshake(ws, c) }()
	if !<-done {
		return
	}
	for {
		_ = ws.SetReadDeadline(time.Now().Add(idleTimeout))
		msg, ok := s.read(ws, c)
		if !ok {
			return
		}
		switch msg.Type {
		case "ping":
			s.Hub.syncOnline(subj.UserID, true)
			c.mu.Lock()
			c.queueLocked([]byte(`{"type":"pong"}`))
			c.mu.Unlock()
		case "watch":
			if !validTopics(msg.Topics) {
				s.refuse(c, "invalid", "live.bad_topic")
				return
			}
			s.Hub.retopic(c, msg.Topics)
		case "presence":
			var ticketID int64
			if msg.TicketID != nil {
				if *msg.TicketID <= 0 {
					s.refuse(c, "invalid", "live.bad_topic")
					return
				}
				ticketID = *msg.TicketID
			}
			if s.Presence != nil {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				if err := s.Presence.set(ctx, c, ticketID, msg.Typing); err != nil {
					s.Log.Warn("live: presence", "err", err)
				}
				cancel()
			}
		default:
			s.refuse(c, "invalid", "live.unknown_type")
			return
		}
	}
}

// handshake reads the resume message, registers the client with the hub and replays what it missed.
func (s *Server) handshake(ws *fws.Conn, c *Client) bool {
	_ = ws.SetReadDeadline(time.Now().Add(helloTimeout))
	hello, ok := s.read(ws, c)
	if !ok {
		return false
	}
	if hello.Type != "resume" {
		s.refuse(c, "invalid", "live.unknown_type")
		return false
	}
	if !validTopics(hello.Topics) {
		s.refuse(c, "invalid", "live.bad_topic")
		return false
	}
	c.topics = hello.Topics
	s.Hub.add(c)
	s.Hub.syncOnline(c.subject.UserID, false)
	return s.resume(c, hello.After)
}

// writer writes a connection's queued frames. It runs only while frames are waiting, so an idle
// connection holds no writer goroutine; wmu keeps one write at a time and the close after the last frame.
type writer struct {
	ws  *fws.Conn
	c   *Client
	wmu sync.Mutex
	wg  sync.WaitGroup
}

func (w *writer) spawn(f func()) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		f()
	}()
}

func (w *writer) drain() {
	for {
		w.wmu.Lock()
		w.c.mu.Lock()
		frame := w.c.nextLocked()
		if frame == nil {
			w.c.writing = false
			w.c.mu.Unlock()
			w.wmu.Unlock()
			return
		}
		w.c.mu.Unlock()
		err := w.write(frame)
		w.wmu.Unlock()
		if err != nil {
			_ = w.ws.Close() // the reader sees it and ends the connection; writing stays set: no restart
			return
		}
	}
}

func (w *writer) write(frame []byte) error {
	_ = w.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return w.ws.WriteMessage(websocket.TextMessage, frame)
}

// close flushes what is queued (an error or reload message explains the close), then closes with code.
func (w *writer) close(code int) {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	for {
		w.c.mu.Lock()
		frame := w.c.nextLocked()
		w.c.mu.Unlock()
		if frame == nil || w.write(frame) != nil {
			break
		}
	}
	_ = w.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
	_ = w.ws.Close()
}

// read returns the next client message; on a bad frame it answers with an error and reports false.
func (s *Server) read(ws *fws.Conn, c *Client) (clientMessage, bool) {
	var msg clientMessage
	_, data, err := ws.ReadMessage()
	if err != nil {
		// Includes a frame over maxFrameBytes, which the library closes with 1009 itself.
		return msg, false
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&msg); err != nil || msg.Type == "" {
		s.refuse(c, "invalid", "live.not_json")
		return msg, false
	}
	return msg, true
}

// refuse answers a bad frame with an error message and closes the socket with 1008.
func (s *Server) refuse(c *Client, code, key string) {
	frame, _ := json.Marshal(map[string]string{"type": "error", "code": code, "message": i18n.T(c.subject.Locale, key, nil)})
	c.mu.Lock()
	c.queueLocked(frame) // after anything still waiting; the close flushes it
	c.mu.Unlock()
	c.Close(CloseInvalid)
}

// resume sends what the client missed after `after`, then the events that arrived meanwhile, then ready.
func (s *Server) resume(c *Client, after *int64) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	upto := s.Hub.Last()
	from := upto
	if after != nil {
		from = *after
	}
	maxReplay := s.MaxReplay
	if maxReplay == 0 {
		maxReplay = 10000
	}
	reload := upto-from > maxReplay
	var evs []numberedEvent
	for !reload && from < upto {
		batch, err := readRange(ctx, s.Pool, from, relayBatch)
		if err != nil {
			s.Log.Warn("live: resume", "err", err)
			c.Close(websocket.CloseInternalServerErr)
			return false
		}
		if len(batch) == 0 || batch[0].seq != from+1 {
			reload = true // pruned: too old to replay
			break
		}
		for _, ev := range batch {
			if ev.seq > upto {
				break
			}
			evs = append(evs, ev)
			from = ev.seq
		}
		if len(batch) < relayBatch {
			break
		}
	}
	if reload {
		c.mu.Lock()
		c.pending = nil
		c.mu.Unlock()
		c.send <- []byte(`{"type":"reload","reason":"too_old"}`)
		c.Close(websocket.CloseNormalClosure) // the close flushes the message
		return false
	}
	// While pending is not nil, the hub only buffers for this client, so this goroutine alone sends
	// and may wait for the writer instead of dropping a slow client in the middle of its catch-up.
	if after != nil {
		c.lastSent = *after
	} else {
		c.lastSent = upto
	}
	for _, ev := range evs {
		m, err := parseEnvelope(envelope(ev.seq, ev.payload))
		if err != nil {
			continue
		}
		if !c.sendWaiting(m) {
			return false
		}
	}
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return false
		}
		batch := c.pending
		if len(batch) == 0 {
			c.pending = nil // live from here: the hub delivers directly
			c.queueLocked([]byte(`{"type":"ready","seq":` + strconv.FormatInt(c.lastSent, 10) + `}`))
			live := !c.closed
			c.mu.Unlock()
			return live
		}
		c.pending = []*Message{}
		c.mu.Unlock()
		for _, m := range batch {
			if !c.sendWaiting(m) {
				return false
			}
		}
	}
}

// sendWaiting queues m's frame during a catch-up, waiting for room.
func (c *Client) sendWaiting(m *Message) bool {
	frame := c.frameFor(m)
	if frame == nil {
		return true
	}
	t := time.NewTimer(writeTimeout)
	defer t.Stop()
	select {
	case c.send <- frame:
		c.lastSent = m.Seq
		c.mu.Lock()
		c.kickLocked()
		c.mu.Unlock()
		return true
	case <-t.C:
		c.Close(CloseOverflow)
		return false
	}
}
