package queue_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/testutil"
)

// TestQueueOpsByRole runs every operation as every kind of user on a ticket of level 1 assigned to
// agent1 (its member): allowed ones answer 200, the others 403 (or 404 to those who do not see the
// ticket) and write nothing.
func TestQueueOpsByRole(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	l1, l2 := d.queues["level_1"], d.queues["level_2"]
	actors := []struct {
		email string
		sees  bool
	}{
		{"customer@x.test", true}, // the requester
		{"consultant@x.test", false},
		{"agent1@x.test", true}, // member of level 1 and the assignee
		{"agent2@x.test", true}, // not a member
		{"sup1@x.test", true},   // supervises level 1
		{"sup2@x.test", false},  // supervises level 2 only
		{"admin@x.test", true},
	}
	ops := []struct {
		body    map[string]any
		allowed []string
	}{
		{map[string]any{"op": "accept"}, []string{"agent1@x.test", "sup1@x.test", "admin@x.test"}},
		{map[string]any{"op": "dispatch", "queue_id": l2}, []string{"agent1@x.test", "admin@x.test"}},
		{map[string]any{"op": "reject", "reason": "Not ours"}, []string{"agent1@x.test", "sup1@x.test", "admin@x.test"}},
		{map[string]any{"op": "transfer", "queue_id": l2}, []string{"agent1@x.test", "sup1@x.test", "admin@x.test"}},
		{map[string]any{"op": "assign", "assignee_id": d.ids["agent2@x.test"]}, []string{"sup1@x.test", "admin@x.test"}},
		{map[string]any{"op": "yank"}, []string{"sup1@x.test", "admin@x.test"}},
		{map[string]any{"op": "escalate"}, []string{"agent1@x.test", "sup1@x.test", "admin@x.test"}},
	}
	clients := map[string]*testutil.Client{}
	for _, a := range actors {
		clients[a.email] = testutil.Login(t, d.a, a.email)
	}
	for _, op := range ops {
		for _, a := range actors {
			id := d.ticket(l1, d.ids["agent1@x.test"], 0)
			before := d.state(id)
			body := map[string]any{"version": 1}
			for k, v := range op.body {
				body[k] = v
			}
			st, res := clients[a.email].Do("POST", opPath(id), body)
			allowed := false
			for _, e := range op.allowed {
				allowed = allowed || e == a.email
			}
			want := 200
			switch {
			case !a.sees:
				want = 404
			case !allowed:
				want = 403
			}
			if st != want {
				t.Errorf("%s by %s: %d %s, want %d", op.body["op"], a.email, st, res, want)
				continue
			}
			if st != 200 && d.state(id) != before {
				t.Errorf("%s by %s was refused but wrote: %s → %s", op.body["op"], a.email, before, d.state(id))
			}
		}
	}
}

func TestQueueOpEffects(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	l1, l2, l3 := d.queues["level_1"], d.queues["level_2"], d.queues["level_3"]
	agent1, agent2 := d.ids["agent1@x.test"], d.ids["agent2@x.test"]
	c1 := testutil.Login(t, d.a, "agent1@x.test")
	sup := testutil.Login(t, d.a, "sup1@x.test")
	admin := testutil.Login(t, d.a, "admin@x.test")
	do := func(c *testutil.Client, id int64, body map[string]any) map[string]any {
		t.Helper()
		body["version"] = d.row(id).Version
		st, res := c.Do("POST", opPath(id), body)
		if st != 200 {
			t.Fatalf("%v: %d %s", body, st, res)
		}
		var out map[string]any
		_ = json.Unmarshal(res, &out)
		return out
	}
	is := func(p *int64, v int64) bool { return (p == nil && v == 0) || (p != nil && *p == v) }

	t.Run("accept takes the ticket and everyone watching sees it", func(t *testing.T) {
		id := d.ticket(l1, 0, 0)
		watcher := testutil.Login(t, d.a, "agent2@x.test").Connect(d.a, nil)
		out := do(c1, id, map[string]any{"op": "accept"})
		if r := d.row(id); !is(r.AssigneeID, agent1) || !is(r.QueueID, l1) || r.Version != 2 {
			t.Fatalf("after accept: %+v", r)
		}
		if a, _ := out["assignee"].(map[string]any); a == nil || int64(a["id"].(float64)) != agent1 {
			t.Fatalf("the answer is the ticket as saved: %v", out)
		}
		if op := d.lastOp(id); op["op"] != "accept" || int64(op["assignee_id"].(float64)) != agent1 || int64(op["queue_id"].(float64)) != l1 {
			t.Fatalf("history: %v", op)
		}
		watcher.WaitFor(func(fs []testutil.Frame) bool {
			for _, f := range fs {
				if f.Name == "ticket.updated" && f.Card().ID == id && f.Card().Assignee != nil && f.Card().Assignee.ID == agent1 {
					return true
				}
			}
			return false
		}, 5*time.Second, "ticket.updated with the new assignee")
		// Accepting one's own ticket changes nothing.
		v := d.state(id)
		do(c1, id, map[string]any{"op": "accept"})
		if d.state(id) != v {
			t.Fatal("accepting one's own ticket wrote something")
		}
	})

	t.Run("dispatch hands my ticket to a queue unassigned", func(t *testing.T) {
		id := d.ticket(0, agent1, 0)
		do(c1, id, map[string]any{"op": "dispatch", "queue_id": l2})
		if r := d.row(id); r.AssigneeID != nil || !is(r.QueueID, l2) {
			t.Fatalf("after dispatch: %+v", r)
		}
	})

	t.Run("reject sends the ticket back to its creator with a note", func(t *testing.T) {
		id := d.ticket(l1, agent1, agent2)
		do(c1, id, map[string]any{"op": "reject", "reason": "  Wrong team  "})
		if r := d.row(id); r.QueueID != nil || !is(r.AssigneeID, agent2) {
			t.Fatalf("after reject: %+v", r)
		}
		var body string
		var public bool
		d.scan(&body, "SELECT body FROM ticket_comments WHERE ticket_id = $1", id)
		d.scan(&public, "SELECT public FROM ticket_comments WHERE ticket_id = $1", id)
		if body != "Rejected: Wrong team" || public {
			t.Fatalf("note %q public %v", body, public)
		}
		if op := d.lastOp(id); op["reason"] != "Wrong team" || op["op"] != "reject" {
			t.Fatalf("history: %v", op)
		}
		// A creator who may not be assigned (the customer) leaves it unassigned.
		id = d.ticket(l1, agent1, d.ids["customer@x.test"])
		do(c1, id, map[string]any{"op": "reject", "reason": "Not a case"})
		if r := d.row(id); r.QueueID != nil || r.AssigneeID != nil {
			t.Fatalf("after reject of a customer's ticket: %+v", r)
		}
	})

	t.Run("transfer, assign, yank, escalate", func(t *testing.T) {
		id := d.ticket(l1, agent1, 0)
		do(c1, id, map[string]any{"op": "transfer", "queue_id": l2})
		if r := d.row(id); r.AssigneeID != nil || !is(r.QueueID, l2) {
			t.Fatalf("after transfer: %+v", r)
		}
		id = d.ticket(l1, 0, 0)
		do(sup, id, map[string]any{"op": "assign", "assignee_id": agent2})
		if r := d.row(id); !is(r.AssigneeID, agent2) {
			t.Fatalf("after assign: %+v", r)
		}
		do(sup, id, map[string]any{"op": "yank"})
		if r := d.row(id); r.AssigneeID != nil || !is(r.QueueID, l1) {
			t.Fatalf("after yank: %+v", r)
		}
		id = d.ticket(l1, agent1, 0)
		do(c1, id, map[string]any{"op": "escalate"})
		if r := d.row(id); r.AssigneeID != nil || !is(r.QueueID, l2) {
			t.Fatalf("after escalate: %+v", r)
		}
		do(admin, id, map[string]any{"op": "escalate"})
		if r := d.row(id); !is(r.QueueID, l3) {
			t.Fatalf("after a second escalate: %+v", r)
		}
	})

	t.Run("dispatch, transfer and escalate assign automatically", func(t *testing.T) {
		d.exec("UPDATE queues SET assignment = 'round_robin', member_ids = ARRAY[$1::bigint] WHERE id = $2", agent2, l2)
		defer d.exec("UPDATE queues SET assignment = 'manual', member_ids = '{}' WHERE id = $1", l2)
		d.online("agent2@x.test")
		for _, body := range []map[string]any{{"op": "dispatch", "queue_id": l2}, {"op": "transfer", "queue_id": l2}, {"op": "escalate"}} {
			id := d.ticket(l1, agent1, 0)
			do(c1, id, body)
			if r := d.row(id); !is(r.AssigneeID, agent2) || !is(r.QueueID, l2) {
				t.Fatalf("%v: %+v", body["op"], r)
			}
			if op := d.lastOp(id); op["op"] != "auto_assign" || op["mode"] != "round_robin" {
				t.Fatalf("%v: history %v", body["op"], op)
			}
		}
		// A dispatch back into the same queue assigns again too.
		id := d.ticket(l2, agent1, 0)
		do(d.login("agent1@x.test"), id, map[string]any{"op": "dispatch", "queue_id": l2})
		if r := d.row(id); !is(r.AssigneeID, agent2) {
			t.Fatalf("dispatch into the same queue: %+v", r)
		}
	})
}

func (d *desk) login(email string) *testutil.Client { return testutil.Login(d.t, d.a, email) }

// TestQueueOpRefusals: bad input in each field, in Spanish and English, writes nothing.
func TestQueueOpRefusals(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	l1, l3 := d.queues["level_1"], d.queues["level_3"]
	agent1 := d.ids["agent1@x.test"]
	d.exec("UPDATE queues SET active = false WHERE key = 'level_2'")
	cases := []struct {
		name         string
		queue        int64
		body         map[string]any
		status       int
		field        string
		es, en       string
		fieldMessage bool // the message is the field's
	}{
		{"reject without reason", l1, map[string]any{"op": "reject", "reason": "   "}, 422, "reason",
			"Escribe el motivo del rechazo.", "Write the reason for the rejection.", true},
		{"reject with a long reason", l1, map[string]any{"op": "reject", "reason": string(make([]byte, 2001))}, 422, "reason",
			"El motivo tiene como máximo 2000 caracteres.", "The reason has at most 2000 characters.", true},
		{"dispatch to a queue that does not exist", l1, map[string]any{"op": "dispatch", "queue_id": 999999}, 422, "queue_id",
			"Elige una cola activa.", "Choose an active queue.", true},
		{"dispatch to an inactive queue", l1, map[string]any{"op": "dispatch", "queue_id": d.queues["level_2"]}, 422, "queue_id",
			"Elige una cola activa.", "Choose an active queue.", true},
		{"dispatch without queue", l1, map[string]any{"op": "dispatch"}, 422, "queue_id",
			"Elige una cola activa.", "Choose an active queue.", true},
		{"transfer to the same queue", l1, map[string]any{"op": "transfer", "queue_id": l1}, 422, "queue_id",
			"El ticket ya está en esa cola; elige otra.", "The ticket is already in that queue; choose another one.", true},
		{"escalate at the top level", l3, map[string]any{"op": "escalate"}, 422, "",
			"El ticket ya está en el nivel más alto; no hay a dónde escalarlo.", "The ticket is already at the highest level; there is nowhere to escalate it.", false},
		{"escalate past an inactive level", l1, map[string]any{"op": "escalate"}, 200, "", "", "", false},
		{"assign without assignee", l1, map[string]any{"op": "assign"}, 422, "assignee_id",
			"Elige a quién asignar el ticket.", "Choose who to assign the ticket to.", true},
		{"assign to a customer", l1, map[string]any{"op": "assign", "assignee_id": d.ids["customer@x.test"]}, 422, "assignee_id",
			"Solo se puede asignar a una persona activa del equipo de soporte.", "Tickets can only be assigned to an active member of the support team.", true},
		{"unknown operation", l1, map[string]any{"op": "steal"}, 422, "op", "", "", false},
		{"queue id not a number", l1, map[string]any{"op": "dispatch", "queue_id": "two"}, 422, "queue_id", "", "", false},
		{"unknown field", l1, map[string]any{"op": "accept", "priority": 1}, 422, "priority",
			"Este campo no existe.", "This field does not exist.", true},
		{"ticket not in a queue", 0, map[string]any{"op": "accept"}, 422, "",
			"Este ticket no está en ninguna cola.", "This ticket is not in any queue.", false},
	}
	admin := d.login("admin@x.test")
	for _, c := range cases {
		for _, lang := range []string{"es", "en"} {
			id := d.ticket(c.queue, agent1, 0)
			if c.queue == 0 {
				id = d.ticket(0, 0, 0)
			}
			before := d.state(id)
			body := map[string]any{"version": 1}
			for k, v := range c.body {
				body[k] = v
			}
			admin.Lang = lang
			st, res := admin.Do("POST", opPath(id), body)
			if st != c.status {
				t.Errorf("%s (%s): %d %s, want %d", c.name, lang, st, res, c.status)
				continue
			}
			if st == 200 {
				if r := d.row(id); !(r.QueueID != nil && *r.QueueID == l3) {
					t.Errorf("%s: now in %+v, want level 3", c.name, r)
				}
				continue
			}
			if d.state(id) != before {
				t.Errorf("%s (%s): refused but wrote %s → %s", c.name, lang, before, d.state(id))
			}
			e := decodeErr(t, res)
			msg := e.Error.Message
			if c.field != "" {
				if e.Error.Fields[c.field] == "" {
					t.Errorf("%s (%s): no message on %s: %s", c.name, lang, c.field, res)
				}
				if c.fieldMessage {
					msg = e.Error.Fields[c.field]
				}
			}
			want := map[string]string{"es": c.es, "en": c.en}[lang]
			if want != "" && msg != want {
				t.Errorf("%s (%s): message %q, want %q", c.name, lang, msg, want)
			}
		}
	}
	// A stale version: 409 with the current ticket, nothing written.
	id := d.ticket(l1, 0, 0)
	before := d.state(id)
	st, res := d.login("agent1@x.test").Do("POST", opPath(id), map[string]any{"op": "accept", "version": 7})
	if e := decodeErr(t, res); st != 409 || e.Current == nil || e.Current.Version != 1 {
		t.Fatalf("stale: %d %s", st, res)
	}
	if d.state(id) != before {
		t.Fatal("a stale operation wrote")
	}
	// A ticket that does not exist.
	if st, _ := admin.Do("POST", opPath(999999), map[string]any{"op": "accept", "version": 1}); st != 404 {
		t.Fatalf("missing ticket: %d", st)
	}
}
