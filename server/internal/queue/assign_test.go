package queue_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/atiende/atiende/server/internal/access"
)

// members makes n agents, members of level 1 with a mode and cap, and marks the first `online` online.
func (d *desk) members(n, online int, mode string, limit *int) []int64 {
	d.t.Helper()
	ids := make([]int64, n)
	for i := range ids {
		email := fmt.Sprintf("m%d-%s@x.test", i, mode)
		ids[i] = d.addUser(email, access.Agent)
		if i < online {
			d.online(email)
		}
	}
	d.exec("UPDATE queues SET member_ids = $1, assignment = $2, max_per_agent = $3 WHERE id = $4", ids, mode, limit, d.queues["level_1"])
	return ids
}

// counts returns how many tickets of level 1 each user holds, and how many are unassigned.
func (d *desk) counts() (map[int64]int, int) {
	d.t.Helper()
	out := map[int64]int{}
	unassigned := 0
	for _, r := range d.rows("SELECT assignee_id, count(*) FROM tickets WHERE queue_id = $1 GROUP BY assignee_id", d.queues["level_1"]) {
		if r[0] == nil {
			unassigned = int(r[1].(int64))
			continue
		}
		out[r[0].(int64)] = int(r[1].(int64))
	}
	return out, unassigned
}

// open returns each user's open tickets, in every queue.
func (d *desk) open(ids []int64) []int {
	d.t.Helper()
	out := make([]int, len(ids))
	for i, id := range ids {
		d.scan(&out[i], `SELECT count(*) FROM tickets t JOIN statuses s ON s.id = t.status_id WHERE t.assignee_id = $1 AND s.grp <> 'done'`, id)
	}
	return out
}

// createMany creates n tickets in level 1 through the creation path, from `workers` goroutines.
func (d *desk) createMany(n, workers int) {
	d.t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if w == 0 && i%(20*workers) == 0 { // the members' clients keep pinging
					for _, e := range d.present {
						if err := d.a.Online.Touch(context.Background(), d.ids[e]); err != nil {
							errs <- err
							return
						}
					}
				}
				if _, err := d.tryCreate(d.queues["level_1"], d.cats["legal"], nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		d.t.Fatal(err)
	}
}

func spread(xs []int) int {
	lo, hi := xs[0], xs[0]
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
	}
	return hi - lo
}

func TestRoundRobinIsFair(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ids := d.members(4, 3, "round_robin", nil)
	d.createMany(1000, 4)
	got, unassigned := d.counts()
	if unassigned != 0 {
		t.Fatalf("%d tickets left unassigned with members online", unassigned)
	}
	for _, id := range ids[:3] {
		if n := got[id]; n < 1000/3-1 || n > 1000/3+1 {
			t.Errorf("online member %d got %d of 1000, want %d ± 1: %v", id, n, 1000/3, got)
		}
	}
	if got[ids[3]] != 0 {
		t.Errorf("the offline member got %d", got[ids[3]])
	}
	var autos int
	d.scan(&autos, "SELECT count(*) FROM ticket_history WHERE field = 'queue_op' AND after->>'op' = 'auto_assign' AND after->>'mode' = 'round_robin'")
	if autos != 1000 {
		t.Errorf("%d auto_assign history rows, want 1000", autos)
	}
}

func TestLeastLoadedIsFairFromUnequalStarts(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ids := d.members(4, 3, "least_loaded", nil)
	// Unequal starts: 10 and 3 open tickets elsewhere, one resolved one that does not count.
	for range 10 {
		d.ticket(d.queues["level_2"], ids[0], 0)
	}
	for range 3 {
		d.ticket(0, ids[2], 0)
	}
	done := d.ticket(0, ids[1], 0)
	d.exec("UPDATE tickets SET status_id = (SELECT id FROM statuses WHERE key = 'resolved') WHERE id = $1", done)
	d.createMany(1000, 4)
	if _, unassigned := d.counts(); unassigned != 0 {
		t.Fatalf("%d tickets left unassigned", unassigned)
	}
	open := d.open(ids[:3])
	if spread(open) > 1 || open[0]+open[1]+open[2] != 1013 {
		t.Errorf("open tickets of the online members %v: want a spread of at most 1 over 1013", open)
	}
	if got, _ := d.counts(); got[ids[3]] != 0 {
		t.Errorf("the offline member got %d", got[ids[3]])
	}
}

func TestConcurrentAssignmentsStayFair(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"round_robin", "least_loaded"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			d := newDesk(t)
			ids := d.members(4, 4, mode, nil)
			d.createMany(240, 8)
			got, unassigned := d.counts()
			if unassigned != 0 {
				t.Fatalf("%d unassigned", unassigned)
			}
			xs := []int{got[ids[0]], got[ids[1]], got[ids[2]], got[ids[3]]}
			if spread(xs) > 1 || xs[0]+xs[1]+xs[2]+xs[3] != 240 {
				t.Errorf("concurrent %s: %v, want 60 ± 1 each", mode, xs)
			}
		})
	}
}

func TestCapIsRespected(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"round_robin", "least_loaded"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			d := newDesk(t)
			limit := 2
			ids := d.members(3, 3, mode, &limit)
			d.ticket(0, ids[0], 0) // already holds one elsewhere: one more reaches the cap
			d.createMany(10, 1)
			got, unassigned := d.counts()
			if got[ids[0]] != 1 || got[ids[1]] != 2 || got[ids[2]] != 2 || unassigned != 5 {
				t.Fatalf("with a cap of 2: %v and %d unassigned, want 1, 2, 2 and 5", got, unassigned)
			}
		})
	}
}

func TestManualQueuesAndNobodyOnlineStayUnassigned(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.members(2, 0, "round_robin", nil)
	d.createMany(3, 1)
	if _, unassigned := d.counts(); unassigned != 3 {
		t.Fatalf("nobody online: %d unassigned, want 3", unassigned)
	}
	d.exec("UPDATE queues SET assignment = 'manual' WHERE key = 'level_1'")
	d.online("agent1@x.test") // a member of level 1 in the fixture, online, but the queue is manual
	d.createMany(2, 1)
	if _, unassigned := d.counts(); unassigned != 5 {
		t.Fatalf("a manual queue: %d unassigned, want 5", unassigned)
	}
}

func TestDefaultManagerMostSpecificWins(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	l1, l2 := d.queues["level_1"], d.queues["level_2"]
	legal, system := d.cats["legal"], d.cats["system"]
	var sub int64
	d.scan(&sub, "SELECT id FROM categories WHERE parent_id = $1 ORDER BY position LIMIT 1", system)
	users := map[string]int64{}
	for _, n := range []string{"fallback", "queue", "category", "both", "sub"} {
		users[n] = d.addUser(n+"@x.test", access.Agent)
	}
	admin := d.login("admin@x.test")
	st, res := admin.Do("PUT", "/api/v1/default-managers", map[string]any{"items": []map[string]any{
		{"category_id": nil, "queue_id": nil, "user_id": users["fallback"]},
		{"queue_id": l2, "user_id": users["queue"]},
		{"category_id": system, "user_id": users["category"]},
		{"category_id": system, "queue_id": l2, "user_id": users["both"]},
		{"category_id": sub, "user_id": users["sub"]},
	}})
	if st != 200 {
		t.Fatalf("put: %d %s", st, res)
	}
	cases := []struct {
		queue, cat int64
		sub        *int64
		want       string
	}{
		{l1, legal, nil, "fallback"},
		{l2, legal, nil, "queue"},
		{l1, system, nil, "category"},
		{l2, system, nil, "both"},
		{l1, system, &sub, "sub"},
		{l2, system, &sub, "both"},
	}
	for _, c := range cases {
		id := d.create(c.queue, c.cat, c.sub)
		if r := d.row(id); r.AssigneeID == nil || *r.AssigneeID != users[c.want] {
			t.Errorf("queue %d category %d sub %v: assignee %v, want %s", c.queue, c.cat, c.sub, r.AssigneeID, c.want)
		}
		if op := d.lastOp(id); op["mode"] != "default_manager" {
			t.Errorf("history %v", op)
		}
	}
	// A default manager who may no longer be assigned is passed over.
	d.exec("UPDATE users SET disabled_at = now() WHERE id = $1", users["both"])
	if r := d.row(d.create(l2, system, nil)); r.AssigneeID == nil || *r.AssigneeID != users["category"] {
		t.Errorf("with the most specific manager disabled: %v, want the category's", r.AssigneeID)
	}
}
