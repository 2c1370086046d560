package tickets_test

import (
	"context"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/testutil"
)

// TestTicketTimes: a ticket's first response is the first public reply by staff other than the
// requester, and it is resolved while its status is in the DONE group, from when it entered it.
func TestTicketTimes(t *testing.T) {
	a, f := start(t, 1)
	id := f.Tickets[0]
	customer := f.Users["customer@x.test"]
	exec(t, a, `UPDATE tickets SET requester_id = $1 WHERE id = $2`, customer.ID, id)
	times := func() (fr, res *time.Time) {
		t.Helper()
		if err := a.DB.Bun.NewSelect().Table("tickets").Column("first_response_at", "resolved_at").
			Where("id = ?", id).Scan(context.Background(), &fr, &res); err != nil {
			t.Fatal(err)
		}
		return fr, res
	}
	if fr, res := times(); fr != nil || res != nil {
		t.Fatalf("a new open ticket has no first response nor resolution: %v %v", fr, res)
	}
	mustComment(t, testutil.Login(t, a, "customer@x.test"), id, map[string]any{"body": "¿Hay novedades?", "public": true})
	admin := testutil.Login(t, a, "admin@x.test")
	mustComment(t, admin, id, map[string]any{"body": "Nota interna", "public": false})
	if fr, _ := times(); fr != nil {
		t.Fatalf("the requester's reply and an internal note are no first response: %v", fr)
	}
	reply := mustComment(t, testutil.Login(t, a, "agent1@x.test"), id, map[string]any{"body": "Lo revisamos hoy", "public": true})
	fr, _ := times()
	want, _ := time.Parse(time.RFC3339Nano, reply.CreatedAt)
	if fr == nil || !fr.Equal(want) {
		t.Fatalf("first response = %v, want the agent's reply at %v", fr, want)
	}
	mustComment(t, admin, id, map[string]any{"body": "Segunda respuesta", "public": true})
	if again, _ := times(); again == nil || !again.Equal(want) {
		t.Fatalf("a later reply moved the first response: %v", again)
	}

	var done, todo int64
	if err := a.DB.Bun.NewSelect().Table("statuses").Column("id").Where("grp = 'done'").Order("position").Limit(1).Scan(context.Background(), &done); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Bun.NewSelect().Table("statuses").Column("id").Where("grp = 'todo'").Order("position").Limit(1).Scan(context.Background(), &todo); err != nil {
		t.Fatal(err)
	}
	exec(t, a, `UPDATE tickets SET status_id = $1 WHERE id = $2`, done, id)
	_, res := times()
	if res == nil || time.Since(*res) > time.Minute {
		t.Fatalf("entering a done status resolves the ticket now: %v", res)
	}
	exec(t, a, `UPDATE tickets SET subject = 'otro asunto' WHERE id = $1`, id)
	if _, still := times(); still == nil || !still.Equal(*res) {
		t.Fatalf("another change moved the resolution time: %v → %v", res, still)
	}
	exec(t, a, `UPDATE tickets SET status_id = $1 WHERE id = $2`, todo, id)
	if _, reopened := times(); reopened != nil {
		t.Fatalf("a reopened ticket is unresolved: %v", reopened)
	}
}
