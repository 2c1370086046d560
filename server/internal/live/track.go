package live

import (
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// The tracking page's socket (/t/<token>). An anonymous visitor holding a tracking link follows one
// ticket: the socket says only "changed" when something the visitor may see of it changes, and the page
// reads the ticket again through the tracking API, which applies the link's own rules. Nothing of the
// ticket travels on the socket, so it cannot show more than the page itself.

// TrackTarget is what a tracking token opens: the ticket, who the visitor counts as (the link's person)
// and when the link expires.
type TrackTarget struct {
	TicketID int64
	Subject  access.Subject
	Expires  time.Time
}

// TrackLookup resolves the request's tracking token, refusing an unknown, expired or revoked one with
// the error the tracking API gives.
type TrackLookup func(c *fiber.Ctx) (*TrackTarget, error)

const (
	trackLocal     = "atiende.live.track"
	trackReadLimit = 512
	// CloseTrackExpired closes a tracking socket whose link expired while it was open.
	CloseTrackExpired = 4410
)

var (
	frameTrackReady   = []byte(`{"type":"ready"}`)
	frameTrackChanged = []byte(`{"type":"changed"}`)
)

// watcher is one tracking socket: a wake-up of at most one pending "changed".
type watcher struct {
	ticketID int64
	subject  access.Subject
	wake     chan struct{}
}

// offer wakes the socket for an event of its ticket the visitor may see (or could see before it).
func (w *watcher) offer(m *Message) {
	if m.Internal || len(m.To) > 0 || m.Catalog != "" {
		return
	}
	if !access.CanSeeTicket(w.subject, m.Vis) && (m.PrevVis == nil || !access.CanSeeTicket(w.subject, *m.PrevVis)) {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default: // one "changed" is already waiting: the page reads everything again anyway
	}
}

func (h *Hub) watch(w *watcher) {
	h.mu.Lock()
	defer h.mu.Unlock()
	set := h.watchers[w.ticketID]
	if set == nil {
		set = map[*watcher]struct{}{}
		h.watchers[w.ticketID] = set
	}
	set[w] = struct{}{}
}

func (h *Hub) unwatch(w *watcher) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if set := h.watchers[w.ticketID]; set != nil {
		delete(set, w)
		if len(set) == 0 {
			delete(h.watchers, w.ticketID)
		}
	}
}

// TrackUpgrade checks a tracking socket before the handshake: a WebSocket upgrade, an allowed Origin and
// a working link (else the tracking API's 404 or 410, in the link's language).
func (s *Server) TrackUpgrade(lookup TrackLookup) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !fws.IsWebSocketUpgrade(c) {
			return &fiber.Error{Code: fiber.StatusUpgradeRequired}
		}
		if !s.originAllowed(c) {
			return errs.New(errs.Forbidden, "live.origin")
		}
		t, err := lookup(c)
		if err != nil {
			return err
		}
		c.Locals(trackLocal, t)
		return c.Next()
	}
}

// TrackHandler is the tracking socket's endpoint.
func (s *Server) TrackHandler() fiber.Handler {
	return fws.New(s.serveTrack, fws.Config{ReadBufferSize: 512, WriteBufferSize: 256, WriteBufferPool: &sync.Pool{}})
}

func (s *Server) serveTrack(ws *fws.Conn) {
	t, _ := ws.Locals(trackLocal).(*TrackTarget)
	if t == nil {
		return
	}
	w := &watcher{ticketID: t.TicketID, subject: t.Subject, wake: make(chan struct{}, 1)}
	s.Hub.watch(w)
	defer s.Hub.unwatch(w)

	// The page pings every 25 s; whatever it sends only keeps the socket open.
	ws.SetReadLimit(trackReadLimit)
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			_ = ws.SetReadDeadline(time.Now().Add(idleTimeout))
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	// The library recycles the connection when this returns: the reader must be done with it first.
	defer func() {
		_ = ws.Close()
		<-gone
	}()
	write := func(b []byte) bool {
		_ = ws.SetWriteDeadline(time.Now().Add(writeTimeout))
		return ws.WriteMessage(websocket.TextMessage, b) == nil
	}
	expiry := time.NewTimer(time.Until(t.Expires))
	defer expiry.Stop()
	// Ready once watching: the page reads the ticket again then, so that nothing between its first
	// read and this moment is missed.
	if !write(frameTrackReady) {
		return
	}
	for {
		select {
		case <-gone:
			return
		case <-w.wake:
			if !write(frameTrackChanged) {
				return
			}
		case <-expiry.C:
			_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(CloseTrackExpired, "expired"),
				time.Now().Add(writeTimeout))
			return
		}
	}
}
