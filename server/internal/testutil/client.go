package testutil

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Password is the password of every user a test creates.
const Password = "secret-pass-1"

var hashOnce = sync.OnceValue(func() string {
	h, err := auth.HashPassword(Password)
	if err != nil {
		panic(err)
	}
	return h
})

// Fixture is a small desk: the default catalogs, users per role and tickets in the first status.
type Fixture struct {
	Statuses   []int64 // the generic workflow's, in board order
	Priorities []int64
	Users      map[string]*people.User // by email
	Tickets    []int64
	app        *app.App
}

// Subject returns the access subject of a fixture user.
func (f *Fixture) Subject(email string) access.Subject {
	s, err := f.app.People.SubjectOf(context.Background(), f.Users[email])
	if err != nil {
		panic(err)
	}
	return s
}

// Seed fills a's database with one user per role (agent1@…, agent2@…, admin@…, customer@…)
// and n tickets, the first half requested by the customer.
func Seed(t testing.TB, a *app.App, n int) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{Users: map[string]*people.User{}, app: a}
	err := a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, u := range []struct {
			email string
			role  access.Role
		}{{"admin@x.test", access.Admin}, {"agent1@x.test", access.Agent}, {"agent2@x.test", access.Agent},
			{"customer@x.test", access.Customer}, {"other@x.test", access.Customer}} {
			usr := &people.User{Email: u.email, Name: strings.Split(u.email, "@")[0], PasswordHash: hashOnce(), Role: u.role, Locale: i18n.EN}
			if err := a.People.Create(ctx, tx, usr); err != nil {
				return err
			}
			f.Users[u.email] = usr
		}
		// The generic workflow's statuses: every move among them is allowed, as on a desk without workflows.
		if err := tx.NewSelect().Table("statuses").Column("id").
			Where(`id IN (SELECT (st ->> 'status_id')::bigint FROM workflows w JOIN workflow_versions v ON v.id = w.current_version_id,
				jsonb_array_elements(v.definition -> 'states') st WHERE w.key = 'generic')`).
			OrderExpr("CASE grp WHEN 'todo' THEN 0 WHEN 'doing' THEN 1 ELSE 2 END, position, id").Scan(ctx, &f.Statuses); err != nil {
			return err
		}
		if err := tx.NewSelect().Table("priorities").Column("id").OrderExpr("position").Scan(ctx, &f.Priorities); err != nil {
			return err
		}
		queue, err := a.Catalog.DefaultQueue(ctx, tx)
		if err != nil {
			return err
		}
		for i := range n {
			// In the first-level queue, whose roles (customer service) let every agent see them.
			nt := tickets.NewTicket{Subject: "Ticket " + string(rune('A'+i%26)), StatusID: f.Statuses[0],
				PriorityID: f.Priorities[i%len(f.Priorities)], QueueID: &queue.ID}
			if i < n/2 {
				nt.RequesterID = &f.Users["customer@x.test"].ID
			}
			c, err := a.Tickets.Create(ctx, tx, access.Subject{}, nt)
			if err != nil {
				return err
			}
			f.Tickets = append(f.Tickets, c.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("testutil: seed: %v", err)
	}
	return f
}

// Client is a browser-like HTTP client of one instance: a cookie jar and the CSRF header.
type Client struct {
	T    testing.TB
	Base string
	HTTP *http.Client
	Lang string
}

// NewClient returns a client with an empty cookie jar that has fetched its CSRF cookie.
func NewClient(t testing.TB, a *app.App) *Client {
	jar, _ := cookiejar.New(nil)
	c := &Client{T: t, Base: BaseURL(a), HTTP: &http.Client{Jar: jar, Timeout: 20 * time.Second}, Lang: "en"}
	c.Do("GET", "/api/v1/auth/me", nil)
	return c
}

// Login logs the client in as email and fails the test if that does not work.
func Login(t testing.TB, a *app.App, email string) *Client {
	c := NewClient(t, a)
	if st, body := c.Do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": Password}); st != 200 {
		t.Fatalf("login %s: %d %s", email, st, body)
	}
	return c
}

// CSRF is the client's CSRF cookie.
func (c *Client) CSRF() string { return c.Cookie(auth.CSRFCookie) }

// Cookie returns a cookie's value.
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.Base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// Do sends a request (body: nil, a []byte/string sent raw, or a value sent as JSON) with the CSRF header.
func (c *Client) Do(method, path string, body any) (int, []byte) {
	return c.DoHeaders(method, path, body, nil)
}

// DoHeaders is Do with extra headers.
func (c *Client) DoHeaders(method, path string, body any, headers map[string]string) (int, []byte) {
	c.T.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.T.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.Base+path, r)
	if err != nil {
		c.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Language", c.Lang)
	if csrf := c.CSRF(); csrf != "" {
		req.Header.Set(auth.CSRFHeader, csrf)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// Frame is one message from the live socket.
type Frame struct {
	Type     string          `json:"type"`
	Seq      int64           `json:"seq"`
	Prev     int64           `json:"prev"`
	Name     string          `json:"name"`
	TicketID int64           `json:"ticket_id"`
	Ticket   json.RawMessage `json:"ticket"`
	Previous json.RawMessage `json:"previous"`
	Reason   string          `json:"reason"`
	Code     string          `json:"code"`
	Message  string          `json:"message"`
	Comment  json.RawMessage `json:"comment"`
	Catalog  string          `json:"catalog"`
	// Notification is the notification of a notification.created.
	Notification json.RawMessage `json:"notification"`
	Viewers      []struct {
		ID     int64  `json:"id"`
		Name   string `json:"name"`
		Typing bool   `json:"typing"`
	} `json:"viewers"`
	card *tickets.Card
}

// Card decodes the frame's ticket.
func (f *Frame) Card() tickets.Card {
	if f.card == nil {
		f.card = new(tickets.Card)
		_ = json.Unmarshal(f.Ticket, f.card)
	}
	return *f.card
}

// Live is a test client of the live socket that records every frame.
type Live struct {
	t      testing.TB
	Conn   *websocket.Conn
	mu     sync.Mutex
	wmu    sync.Mutex
	frames []Frame
	closed chan struct{}
	Close  error // how the socket ended, once closed
}

// DialLive opens the live socket with the client's cookies.
func (c *Client) DialLive(a *app.App, headers http.Header) (*websocket.Conn, *http.Response, error) {
	u, _ := url.Parse(c.Base)
	h := http.Header{}
	for k, v := range headers {
		h[k] = v
	}
	var cookies []string
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	h.Set("Cookie", strings.Join(cookies, "; "))
	return websocket.DefaultDialer.Dial(WSURL(a), h)
}

// Connect opens the live socket, resumes after `after` (nil: from now) on the board, and records frames.
func (c *Client) Connect(a *app.App, after *int64) *Live {
	c.T.Helper()
	return c.ConnectTopics(a, after, []string{"board"})
}

// Send writes a frame to the socket.
func (l *Live) Send(v any) {
	l.t.Helper()
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if err := l.Conn.WriteJSON(v); err != nil {
		l.t.Fatalf("live: send: %v", err)
	}
}

// ConnectTopics opens the live socket watching topics, resumes after `after` (nil: from now), and
// records frames.
func (c *Client) ConnectTopics(a *app.App, after *int64, topics []string) *Live {
	c.T.Helper()
	conn, res, err := c.DialLive(a, nil)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		c.T.Fatalf("dial live: %v (%d)", err, status)
	}
	l := &Live{t: c.T, Conn: conn, closed: make(chan struct{})}
	if err := conn.WriteJSON(map[string]any{"type": "resume", "after": after, "topics": topics}); err != nil {
		c.T.Fatal(err)
	}
	go func() {
		defer close(l.closed)
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				l.Close = err
				return
			}
			var f Frame
			if json.Unmarshal(data, &f) == nil {
				l.mu.Lock()
				l.frames = append(l.frames, f)
				l.mu.Unlock()
			}
		}
	}()
	c.T.Cleanup(func() { conn.Close() })
	l.WaitFor(func(fs []Frame) bool {
		for _, f := range fs {
			if f.Type == "ready" || f.Type == "reload" {
				return true
			}
		}
		return false
	}, 5*time.Second, "ready")
	return l
}

// Frames returns a copy of what was received.
func (l *Live) Frames() []Frame {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Frame(nil), l.frames...)
}

// Events returns the event frames received.
func (l *Live) Events() []Frame {
	var out []Frame
	for _, f := range l.Frames() {
		if f.Type == "event" || f.Type == "remove" {
			out = append(out, f)
		}
	}
	return out
}

// WaitFor waits until cond holds over the frames, failing the test after timeout.
func (l *Live) WaitFor(cond func([]Frame) bool, timeout time.Duration, what string) {
	l.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond(l.Frames()) {
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("live: timed out after %s waiting for %s (got %d frames)", timeout, what, len(l.Frames()))
		}
		select {
		case <-l.closed:
			if cond(l.Frames()) {
				return
			}
			l.t.Fatalf("live: socket closed (%v) while waiting for %s", l.Close, what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// WaitEvents waits until n events have arrived.
func (l *Live) WaitEvents(n int, timeout time.Duration) []Frame {
	l.t.Helper()
	l.WaitFor(func([]Frame) bool { return len(l.Events()) >= n }, timeout, "events")
	return l.Events()
}

// Closed is closed when the socket has ended.
func (l *Live) Closed() <-chan struct{} { return l.closed }

// VisOf returns a ticket's visibility fields.
func (f *Fixture) VisOf(t testing.TB, a *app.App, id int64) access.TicketVis {
	t.Helper()
	v, ok, err := a.Tickets.Vis(context.Background(), id)
	if err != nil || !ok {
		t.Fatalf("vis of ticket %d: %v %v", id, ok, err)
	}
	return v
}
