package queue_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/testutil"
)

type work struct {
	WIP []struct {
		ID int64 `json:"id"`
	} `json:"wip"`
	Queues []struct {
		QueueID int64 `json:"queue_id"`
		Waiting int   `json:"waiting"`
		Items   []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	} `json:"queues"`
	Members []struct {
		QueueID int64 `json:"queue_id"`
		User    struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"user"`
		Online bool `json:"online"`
		Open   int  `json:"open"`
	} `json:"members"`
}

func getWork(t *testing.T, c *testutil.Client) work {
	t.Helper()
	st, res := c.Do("GET", "/api/v1/queues/work", nil)
	if st != 200 {
		t.Fatalf("work: %d %s", st, res)
	}
	var w work
	if err := json.Unmarshal(res, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestMyWork(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	l1, l2 := d.queues["level_1"], d.queues["level_2"]
	agent1 := d.ids["agent1@x.test"]
	mine1 := d.ticket(l2, agent1, 0)
	mine2 := d.ticket(0, agent1, 0)
	done := d.ticket(0, agent1, 0)
	d.exec("UPDATE tickets SET status_id = (SELECT id FROM statuses WHERE key = 'closed') WHERE id = $1", done)
	waiting := []int64{d.ticket(l1, 0, 0), d.ticket(l1, 0, 0)}
	d.ticket(l1, d.ids["agent2@x.test"], 0) // assigned: not waiting
	d.ticket(l2, 0, 0)                      // another queue

	w := getWork(t, d.login("agent1@x.test"))
	if len(w.WIP) != 2 || w.WIP[0].ID != mine1 || w.WIP[1].ID != mine2 {
		t.Errorf("wip %+v, want %d then %d (oldest first, the closed one left out)", w.WIP, mine1, mine2)
	}
	if len(w.Queues) != 1 || w.Queues[0].QueueID != l1 || w.Queues[0].Waiting != 2 || len(w.Queues[0].Items) != 2 ||
		w.Queues[0].Items[0].ID != waiting[0] {
		t.Errorf("queues %+v, want level 1 with its 2 waiting tickets", w.Queues)
	}
	if len(w.Members) != 0 {
		t.Errorf("an agent supervises nothing: %+v", w.Members)
	}

	// The supervisor of level 1 sees its members, online or not, with their open tickets.
	sup := d.login("sup1@x.test")
	w = getWork(t, sup)
	if len(w.Queues) != 1 || w.Queues[0].QueueID != l1 || w.Queues[0].Waiting != 2 {
		t.Errorf("supervisor's queues %+v", w.Queues)
	}
	if len(w.Members) != 1 || w.Members[0].User.ID != agent1 || w.Members[0].Online || w.Members[0].Open != 2 {
		t.Fatalf("members %+v, want agent1 offline with 2 open", w.Members)
	}
	// A live connection makes the member online; closing it, offline again.
	l := d.login("agent1@x.test").Connect(d.a, nil)
	if w = getWork(t, sup); !w.Members[0].Online {
		t.Fatalf("agent1 connected but not online: %+v", w.Members)
	}
	l.Conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for getWork(t, sup).Members[0].Online {
		if time.Now().After(deadline) {
			t.Fatal("agent1 still online 5 s after their only connection closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A customer has no queues.
	if w := getWork(t, d.login("customer@x.test")); len(w.WIP)+len(w.Queues)+len(w.Members) != 0 {
		t.Errorf("customer's work: %+v", w)
	}
}

func TestOnlineAcrossInstances(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	uid := d.ids["agent2@x.test"]
	// A second instance sharing the database and Redis prefix.
	b := testutil.Start(t, d.a.Config)
	on := func() bool {
		m, err := d.a.Online.Online(ctx, []int64{uid, 999999})
		if err != nil {
			t.Fatal(err)
		}
		if m[999999] {
			t.Fatal("an unknown user is online")
		}
		return m[uid]
	}
	if on() {
		t.Fatal("online before connecting")
	}
	c := d.login("agent2@x.test")
	la := c.Connect(d.a, nil)
	lb := c.Connect(b, nil)
	if !on() {
		t.Fatal("not online while connected")
	}
	la.Conn.Close()
	<-la.Closed()
	// Once the first instance has let its connection go, the one to the other still counts.
	deadline := time.Now().Add(5 * time.Second)
	for d.a.Hub.Count() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first instance still holds the closed connection")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !on() {
		t.Fatal("offline while still connected to the other instance")
	}
	lb.Conn.Close()
	deadline = time.Now().Add(5 * time.Second)
	for on() {
		if time.Now().After(deadline) {
			t.Fatal("still online after every connection closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
