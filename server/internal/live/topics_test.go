package live_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/testutil"
)

// appendEvent writes an event the way a domain service does: in a transaction of its own.
func appendEvent(t *testing.T, a *app.App, ev live.Event) {
	t.Helper()
	err := a.DB.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		return live.Append(ctx, tx, ev)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func names(fs []testutil.Frame) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// A reply reaches whoever watches its ticket; an internal note only staff; the board does not get
// conversations; a catalog change reaches every connection.
func TestCommentsGoToTheTicketsWatchersAndCatalogChangesToEveryone(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 4) // tickets 0 and 1 are requested by customer@
	waitHub(t, a, 4)
	mine := f.Tickets[0]
	topic := []string{"board", live.TicketTopic(mine)}
	agentDetail := testutil.Login(t, a, "agent1@x.test").ConnectTopics(a, nil, topic)
	agentBoard := testutil.Login(t, a, "agent2@x.test").Connect(a, nil)
	customerDetail := testutil.Login(t, a, "customer@x.test").ConnectTopics(a, nil, topic)
	otherDetail := testutil.Login(t, a, "other@x.test").ConnectTopics(a, nil, topic)
	vis := f.VisOf(t, a, mine)

	appendEvent(t, a, live.Event{Name: live.TicketCommented, TicketID: mine, Vis: vis, Internal: true,
		Comment: map[string]any{"id": 1, "public": false, "body": "nota interna"}})
	appendEvent(t, a, live.Event{Name: live.TicketCommented, TicketID: mine, Vis: vis,
		Comment: map[string]any{"id": 2, "public": true, "body": "respuesta"}})
	appendEvent(t, a, live.Event{Name: live.CatalogChanged, Catalog: "channels"})

	got := agentDetail.WaitEvents(3, 5*time.Second)
	if n := names(got); n[0] != "ticket.commented" || n[1] != "ticket.commented" || n[2] != "catalog.changed" {
		t.Fatalf("the agent watching the ticket must get the note, the reply and the catalog change, got %v", n)
	}
	if string(got[0].Comment) == "" || got[2].Catalog != "channels" {
		t.Fatalf("frames must carry the comment and the catalog: %+v", got)
	}
	cust := customerDetail.WaitEvents(2, 5*time.Second)
	if n := names(cust); len(n) != 2 || n[0] != "ticket.commented" || n[1] != "catalog.changed" {
		t.Fatalf("the requester must get the public reply and the catalog change only, got %v", n)
	}
	if cust[1].Prev != cust[0].Seq {
		t.Fatalf("the requester's prev chain must skip the internal note: prev %d, want %d", cust[1].Prev, cust[0].Seq)
	}
	board := agentBoard.WaitEvents(1, 5*time.Second)
	other := otherDetail.WaitEvents(1, 5*time.Second)
	time.Sleep(100 * time.Millisecond)
	if n := names(agentBoard.Events()); len(n) != 1 || n[0] != "catalog.changed" || board[0].Catalog != "channels" {
		t.Fatalf("a board-only connection gets no conversation, got %v", n)
	}
	if n := names(otherDetail.Events()); len(n) != 1 || n[0] != "catalog.changed" || other[0].Catalog != "channels" {
		t.Fatalf("a customer watching someone else's ticket gets only the catalog change, got %v", n)
	}

	// A resume replays the same selection: the customer resuming from 0 gets the reply, not the note.
	again := testutil.Login(t, a, "customer@x.test").ConnectTopics(a, new(int64), topic)
	var convo []string
	for _, e := range again.Events() {
		if e.Name == "ticket.commented" {
			convo = append(convo, string(e.Comment))
		}
	}
	if len(convo) != 1 || convo[0] != string(cust[0].Comment) {
		t.Fatalf("a resumed customer must get exactly the public reply, got %v", convo)
	}
}

// A connection changes what it watches without reconnecting.
func TestWatchChangesTopicsWithoutReconnecting(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 4)
	waitHub(t, a, 4)
	id := f.Tickets[2]
	agent := testutil.Login(t, a, "agent1@x.test").Connect(a, nil)
	agent.Send(map[string]any{"type": "watch", "topics": []string{"board", live.TicketTopic(id)}})
	agent.Send(map[string]any{"type": "ping"}) // the pong proves the watch was handled first
	agent.WaitFor(func(fs []testutil.Frame) bool { return len(fs) > 0 && fs[len(fs)-1].Type == "pong" }, 5*time.Second, "pong")
	appendEvent(t, a, live.Event{Name: live.TicketCommented, TicketID: id, Vis: f.VisOf(t, a, id),
		Comment: map[string]any{"id": 9, "public": true, "body": "hola"}})
	if ev := agent.WaitEvents(1, 5*time.Second); ev[0].Name != "ticket.commented" {
		t.Fatalf("after watching the ticket its replies arrive, got %v", names(ev))
	}
	agent.Send(map[string]any{"type": "watch", "topics": []string{"board", "ticket:x"}})
	<-agent.Closed()
	fs := agent.Frames()
	if last := fs[len(fs)-1]; last.Type != "error" || last.Code != "invalid" {
		t.Fatalf("a bad topic in watch is refused, got %+v", last)
	}
}

// Presence: who else views a ticket and who is typing, across instances; customers neither see nor
// show it; a closed connection leaves.
func TestPresenceAcrossInstances(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	b := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 2) // ticket 0 is requested by customer@
	id := f.Tickets[0]
	topic := []string{live.TicketTopic(id)}
	lucia := testutil.Login(t, a, "agent1@x.test").ConnectTopics(a, nil, topic)
	mateo := testutil.Login(t, b, "agent2@x.test").ConnectTopics(b, nil, topic)
	customer := testutil.Login(t, b, "customer@x.test").ConnectTopics(b, nil, topic)
	viewers := func(l *testutil.Live, want string) {
		t.Helper()
		l.WaitFor(func(fs []testutil.Frame) bool {
			for i := len(fs) - 1; i >= 0; i-- {
				if fs[i].Type == "presence" {
					got := ""
					for _, v := range fs[i].Viewers {
						got += f.Users[emailOf(f, v.ID)].Email
						if v.Typing {
							got += "(typing)"
						}
						got += " "
					}
					return fs[i].TicketID == id && got == want
				}
			}
			return false
		}, 5*time.Second, "viewers "+want)
	}
	lucia.Send(map[string]any{"type": "presence", "ticket_id": id, "typing": false})
	viewers(lucia, "agent1@x.test ")
	mateo.Send(map[string]any{"type": "presence", "ticket_id": id, "typing": true})
	viewers(lucia, "agent1@x.test agent2@x.test(typing) ")
	viewers(mateo, "agent1@x.test agent2@x.test(typing) ")
	customer.Send(map[string]any{"type": "presence", "ticket_id": id, "typing": true})
	mateo.Send(map[string]any{"type": "presence", "ticket_id": id, "typing": false})
	viewers(lucia, "agent1@x.test agent2@x.test ")
	mateo.Conn.Close()
	viewers(lucia, "agent1@x.test ")
	for _, fr := range customer.Frames() {
		if fr.Type == "presence" {
			t.Fatalf("a customer must not receive presence, got %+v", fr)
		}
	}
}

func emailOf(f *testutil.Fixture, id int64) string {
	for email, u := range f.Users {
		if u.ID == id {
			return email
		}
	}
	return ""
}
