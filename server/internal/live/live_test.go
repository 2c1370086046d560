package live_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
	"github.com/atiende/atiende/server/internal/tickets"
)

// mover moves fixture tickets through the service, keeping their versions.
type mover struct {
	t        *testing.T
	a        *app.App
	f        *testutil.Fixture
	subj     access.Subject
	versions map[int64]int64
	statuses map[int64]int64
	r        *rand.Rand
}

func newMover(t *testing.T, a *app.App, f *testutil.Fixture) *mover {
	m := &mover{t: t, a: a, f: f, subj: f.Subject("agent1@x.test"), versions: map[int64]int64{}, statuses: map[int64]int64{}, r: rand.New(rand.NewPCG(1, 2))}
	for _, id := range f.Tickets {
		m.versions[id] = 1
		m.statuses[id] = f.Statuses[0]
	}
	return m
}

// move moves a random ticket to another status, at the top; it returns the new card.
func (m *mover) move() tickets.Card {
	m.t.Helper()
	id := m.f.Tickets[m.r.IntN(len(m.f.Tickets))]
	st := m.statuses[id]
	for st == m.statuses[id] {
		st = m.f.Statuses[m.r.IntN(len(m.f.Statuses))]
	}
	m.statuses[id] = st
	c, err := m.a.Tickets.Move(context.Background(), m.subj, id, tickets.MoveRequest{StatusID: st, Version: m.versions[id]})
	if err != nil {
		m.t.Fatalf("move %d: %v", id, err)
	}
	m.versions[id] = c.Version
	return *c
}

// waitHub waits until an instance has handed on every event up to seq.
func waitHub(t *testing.T, a *app.App, seq int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for a.Hub.Last() < seq {
		if time.Now().After(deadline) {
			t.Fatalf("hub stuck at %d, want %d", a.Hub.Last(), seq)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkStream asserts that events arrived exactly once, in order, with a consistent prev chain, and
// that their seqs are first..first+n-1.
func checkStream(t *testing.T, name string, evs []testutil.Frame, first int64, n int) {
	t.Helper()
	if len(evs) != n {
		t.Fatalf("%s: got %d events, want %d", name, len(evs), n)
	}
	prev := first - 1
	for i, e := range evs {
		if e.Seq != first+int64(i) {
			t.Fatalf("%s: event %d has seq %d, want %d (lost, duplicated or out of order)", name, i, e.Seq, first+int64(i))
		}
		if i > 0 && e.Prev != prev {
			t.Fatalf("%s: event seq %d has prev %d, want %d", name, e.Seq, e.Prev, prev)
		}
		prev = e.Seq
	}
}

func twoInstances(t *testing.T, redisURL string, tickets int) (*app.App, *app.App, *testutil.Fixture) {
	dbURL := testutil.DB(t)
	if redisURL == "" {
		redisURL, _ = testutil.Redis(t)
	}
	_, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, tickets)
	waitHub(t, a, int64(tickets))
	b := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	waitHub(t, b, int64(tickets))
	return a, b, f
}

func TestChangeThroughOneInstanceReachesClientsOfAnother(t *testing.T) {
	a, b, f := twoInstances(t, "", 10)
	onB := testutil.Login(t, b, "agent2@x.test").Connect(b, nil)
	agent := testutil.Login(t, a, "agent1@x.test")
	id := f.Tickets[3]
	st, body := agent.Do("POST", "/api/v1/tickets/"+itoa(id)+"/move", map[string]any{"status_id": f.Statuses[1], "version": 1})
	if st != 200 {
		t.Fatalf("move: %d %s", st, body)
	}
	start := time.Now()
	evs := onB.WaitEvents(1, 5*time.Second)
	if time.Since(start) > 3*time.Second { // latency is measured by make bench-live; this asserts "live"
		t.Errorf("the move took %s to reach the other instance's client", time.Since(start))
	}
	c := evs[0].Card()
	if evs[0].Name != "ticket.moved" || c.ID != id || c.StatusID != f.Statuses[1] || c.Version != 2 {
		t.Fatalf("client of B got %+v / %+v", evs[0], c)
	}
	// The event says where the card was, so a view that never loaded it still counts exactly.
	var prev tickets.Card
	if err := json.Unmarshal(evs[0].Previous, &prev); err != nil || prev.ID != id || prev.StatusID != f.Statuses[0] || prev.Version != 1 {
		t.Fatalf("previous state: %s", evs[0].Previous)
	}
}

func TestRedisRestartInTheMiddleOfAStreamLosesNothing(t *testing.T) {
	rs := testutil.StartRedis(t)
	a, b, f := twoInstances(t, rs.URL(), 40)
	first := a.Hub.Last() + 1
	clientA := testutil.Login(t, a, "agent1@x.test").Connect(a, nil)
	clientB := testutil.Login(t, b, "agent2@x.test").Connect(b, nil)
	m := newMover(t, a, f)
	const n = 1000
	for i := range n {
		if i == 400 {
			rs.Restart(300 * time.Millisecond)
		}
		m.move()
	}
	checkStream(t, "client of A", clientA.WaitEvents(n, 20*time.Second), first, n)
	checkStream(t, "client of B", clientB.WaitEvents(n, 20*time.Second), first, n)
}

func TestRelayFailoverLosesNothing(t *testing.T) {
	a, b, f := twoInstances(t, "", 20)
	first := b.Hub.Last() + 1
	client := testutil.Login(t, b, "agent2@x.test").Connect(b, nil)
	m := newMover(t, b, f)
	const n = 300
	for i := range n {
		if i == 100 {
			// A started first, so it holds the relay lock: stop it in the middle of the stream.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := a.Close(ctx); err != nil {
				t.Fatalf("close A: %v", err)
			}
			cancel()
		}
		m.move()
	}
	checkStream(t, "client of B", client.WaitEvents(n, 15*time.Second), first, n)
}

func TestReconnectWithAnOldNumberGetsExactlyWhatWasMissed(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 10)
	waitHub(t, a, 10)
	agent := testutil.Login(t, a, "agent1@x.test")
	l := agent.Connect(a, nil)
	m := newMover(t, a, f)
	for range 5 {
		m.move()
	}
	evs := l.WaitEvents(5, 5*time.Second)
	last := evs[len(evs)-1].Seq
	l.Conn.Close()

	var missed []tickets.Card
	for range 7 {
		missed = append(missed, m.move())
	}
	waitHub(t, a, last+7)
	again := agent.Connect(a, &last)
	got := again.Events()
	checkStream(t, "resumed client", got, last+1, 7)
	for i, e := range got {
		if c := e.Card(); c.ID != missed[i].ID || c.Version != missed[i].Version {
			t.Fatalf("replayed event %d is ticket %d v%d, want %d v%d", i, c.ID, c.Version, missed[i].ID, missed[i].Version)
		}
	}
	frames := again.Frames()
	if frames[len(frames)-1].Type != "ready" || frames[len(frames)-1].Seq != last+7 {
		t.Fatalf("after the replay the server must say ready at %d, got %+v", last+7, frames[len(frames)-1])
	}
	// Live events continue the same chain after the replay.
	m.move()
	checkStream(t, "resumed client", again.WaitEvents(8, 5*time.Second), last+1, 8)

	// When what was missed is no longer kept, the client is told to reload.
	if _, err := a.DB.Pool.Exec(context.Background(), "DELETE FROM events WHERE seq <= $1", last+2); err != nil {
		t.Fatal(err)
	}
	old := last
	stale := agent.Connect(a, &old)
	if fs := stale.Frames(); len(fs) == 0 || fs[0].Type != "reload" || fs[0].Reason != "too_old" {
		t.Fatalf("a resume from a pruned point must get reload, got %+v", fs)
	}
}

func TestLiveDeliversOnlyWhatTheUserMaySee(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 10) // tickets 0..4 are requested by customer@
	waitHub(t, a, 10)
	customer := testutil.Login(t, a, "customer@x.test").Connect(a, nil)
	other := testutil.Login(t, a, "other@x.test").Connect(a, nil)
	agent := testutil.Login(t, a, "agent1@x.test").Connect(a, nil)
	subj := f.Subject("agent1@x.test")
	for _, i := range []int{7, 2, 8, 4} {
		if _, err := a.Tickets.Move(context.Background(), subj, f.Tickets[i], tickets.MoveRequest{StatusID: f.Statuses[1], Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	all := agent.WaitEvents(4, 5*time.Second)
	mine := customer.WaitEvents(2, 5*time.Second)
	time.Sleep(200 * time.Millisecond)
	if got := customer.Events(); len(got) != 2 || got[0].Card().ID != f.Tickets[2] || got[1].Card().ID != f.Tickets[4] {
		t.Fatalf("the customer must get exactly their two tickets, got %d events", len(got))
	}
	// The prev chain skips what the customer may not see, so the client sees no gap.
	if mine[1].Prev != mine[0].Seq {
		t.Fatalf("prev of the customer's second event is %d, want %d", mine[1].Prev, mine[0].Seq)
	}
	if len(other.Events()) != 0 {
		t.Fatalf("another customer received %d events of tickets not theirs", len(other.Events()))
	}
	if len(all) != 4 {
		t.Fatalf("the agent must get all 4 events, got %d", len(all))
	}
}

func TestLiveRefusesBadFramesAndForeignOrigins(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	testutil.Seed(t, a, 2)
	agent := testutil.Login(t, a, "agent1@x.test")

	t.Run("foreign origin", func(t *testing.T) {
		_, res, err := agent.DialLive(a, http.Header{"Origin": {"https://evil.example"}})
		if err == nil || res == nil || res.StatusCode != 403 {
			t.Fatalf("a foreign Origin must be refused with 403, got %v %v", err, res)
		}
	})
	t.Run("own origin", func(t *testing.T) {
		conn, _, err := agent.DialLive(a, http.Header{"Origin": {"http://" + a.Addr()}})
		if err != nil {
			t.Fatalf("the server's own origin must be allowed: %v", err)
		}
		conn.Close()
	})
	t.Run("no session", func(t *testing.T) {
		anon := testutil.NewClient(t, a)
		_, res, err := anon.DialLive(a, nil)
		if err == nil || res == nil || res.StatusCode != 401 {
			t.Fatalf("a socket without a session must be refused with 401, got %v %v", err, res)
		}
	})
	cases := []struct {
		name, frame string
		code        string
		close       int
	}{
		{"not json", "hello there", "invalid", 1008},
		{"unknown type", `{"type":"subscribe-all"}`, "invalid", 1008},
		{"unknown field", `{"type":"resume","after":null,"topics":["board"],"admin":true}`, "invalid", 1008},
		{"bad topic", `{"type":"resume","after":null,"topics":["tickets:*"]}`, "invalid", 1008},
		{"too large", `{"type":"resume","after":null,"topics":["board"],"x":"` + strings.Repeat("a", 5000) + `"}`, "too_large", 1009},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, _, err := agent.DialLive(a, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if err := conn.WriteMessage(websocket.TextMessage, []byte(c.frame)); err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			var ce *websocket.CloseError
			if c.code == "too_large" {
				// The WebSocket library refuses an oversized frame itself, before the server can answer.
				_, _, err := conn.ReadMessage()
				if !asClose(err, &ce) || ce.Code != c.close {
					t.Fatalf("the socket must close with %d, got %v", c.close, err)
				}
				return
			}
			var f testutil.Frame
			if err := conn.ReadJSON(&f); err != nil {
				t.Fatalf("expected an error message, got %v", err)
			}
			if f.Type != "error" || f.Code != c.code || f.Message == "" {
				t.Fatalf("got %+v, want an error with code %s and a message", f, c.code)
			}
			_, _, err = conn.ReadMessage()
			if !asClose(err, &ce) || ce.Code != c.close {
				t.Fatalf("the socket must close with %d, got %v", c.close, err)
			}
		})
	}
}

func TestDisconnectUserClosesTheirSockets(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 2)
	l := testutil.Login(t, a, "agent1@x.test").Connect(a, nil)
	a.Hub.DisconnectUser(f.Users["agent1@x.test"].ID)
	select {
	case <-l.Closed():
	case <-time.After(2 * time.Second):
		t.Fatal("the socket stayed open")
	}
}

func TestConcurrentResumesAndMovesStayInOrder(t *testing.T) {
	a, b, f := twoInstances(t, "", 30)
	first := a.Hub.Last() + 1
	var wg sync.WaitGroup
	clients := make([]*testutil.Live, 10)
	for i := range clients {
		inst := a
		if i%2 == 1 {
			inst = b
		}
		after := first - 1
		clients[i] = testutil.Login(t, inst, "agent1@x.test").Connect(inst, &after)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		m := newMover(t, a, f)
		for range 200 {
			m.move()
		}
	}()
	wg.Wait()
	for i, c := range clients {
		checkStream(t, "client "+itoa(int64(i)), c.WaitEvents(200, 10*time.Second), first, 200)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func asClose(err error, target **websocket.CloseError) bool {
	ce, ok := err.(*websocket.CloseError)
	if ok {
		*target = ce
	}
	return ok
}
