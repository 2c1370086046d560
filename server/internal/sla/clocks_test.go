package sla_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/testutil"
)

// The first active policy in position order whose conditions all hold applies; a ticket no policy
// matches has no clocks and its card no SLA.
func TestPolicySelection(t *testing.T) {
	d := open(t)
	urgent := d.mkPolicy(t, map[string]any{"priority_ids": []int64{d.priority["do"]}, "first_response_seconds": 300})
	level2 := d.mkPolicy(t, map[string]any{"queue_ids": []int64{d.queue["level_2"]}, "first_response_seconds": 900})
	inactive := d.mkPolicy(t, map[string]any{"active": false, "first_response_seconds": 60})
	_ = inactive

	a := d.create(t, d.admin, map[string]any{"priority_id": d.priority["do"], "queue_id": d.queue["level_2"]})
	if s := d.sla(t, d.admin, a); s.Policy == nil || s.Policy.ID != urgent.ID || s.clock(t, "first_response").TargetS != 300 {
		t.Fatalf("urgent ticket in level 2: %+v", s)
	}
	b := d.create(t, d.admin, map[string]any{"priority_id": d.priority["delete"], "queue_id": d.queue["level_2"]})
	if s := d.sla(t, d.admin, b); s.Policy == nil || s.Policy.ID != level2.ID {
		t.Fatalf("low ticket in level 2: %+v", s)
	}
	c := d.create(t, d.admin, map[string]any{"priority_id": d.priority["delete"]})
	if s := d.sla(t, d.admin, c); s.Policy != nil || len(s.Clocks) != 0 {
		t.Fatalf("a ticket no policy matches has clocks: %+v", s)
	}
	st, out := d.admin.Do("GET", fmt.Sprintf("/api/v1/tickets/%d", c), nil)
	if card := decode[struct {
		SLA any `json:"sla"`
	}](t, must(t, st, out, 200)); card.SLA != nil {
		t.Fatalf("card of a ticket without policy shows %v", card.SLA)
	}
	// Moving the order puts the level-2 policy first.
	st, out = d.admin.Do("POST", "/api/v1/sla/policies/order", map[string]any{"ids": orderWith(t, d, level2.ID)})
	must(t, st, out, 200)
	e := d.create(t, d.admin, map[string]any{"priority_id": d.priority["do"], "queue_id": d.queue["level_2"]})
	if s := d.sla(t, d.admin, e); s.Policy == nil || s.Policy.ID != level2.ID {
		t.Fatalf("after reordering: %+v", s)
	}
	if h := history(t, d.a, e); !slices.Equal(h, []string{"started/first_response/created", "started/resolution/created"}) {
		t.Fatalf("history %v", h)
	}
}

// orderWith lists every policy id with first at the front.
func orderWith(t *testing.T, d *desk, first int64) []int64 {
	t.Helper()
	rows, err := d.a.DB.Pool.Query(t.Context(), "SELECT id FROM sla_policies WHERE id <> $1 ORDER BY position", first)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := []int64{first}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// A clock's life: paused while waiting on the customer (the time used is kept), resumed, recalculated
// when a priority change picks another policy and when its policy is edited, met by the first staff
// reply but not by the requester's, met on resolution and resumed on reopening; each step on the
// ticket's history and on its card.
func TestClockLifecycle(t *testing.T) {
	d := open(t)
	medium := d.mkPolicy(t, map[string]any{"priority_ids": []int64{d.priority["delegate"]}, "first_response_seconds": 600, "resolution_seconds": 3600})
	high := d.mkPolicy(t, map[string]any{"priority_ids": []int64{d.priority["decide"]}, "first_response_seconds": 1200, "resolution_seconds": 7200})
	id := d.create(t, d.admin, map[string]any{"priority_id": d.priority["delegate"]})

	s := d.sla(t, d.admin, id)
	if s.Policy.ID != medium.ID || s.clock(t, "first_response").State != "on_track" || s.clock(t, "resolution").TargetS != 3600 {
		t.Fatalf("started: %+v", s)
	}
	// 100 s pass, then the ticket waits on the customer.
	backdate(t, d.a, id, 100)
	d.patch(t, d.admin, id, map[string]any{"status_id": d.status["waiting"]})
	s = d.sla(t, d.admin, id)
	fr := s.clock(t, "first_response")
	if !fr.Paused || fr.State != "paused" || fr.DueAt != nil || fr.PausedBy == nil || *fr.PausedBy != d.status["waiting"] {
		t.Fatalf("paused: %+v", fr)
	}
	near(t, "elapsed while paused", fr.ElapsedS, 100, 3)
	st, out := d.admin.Do("GET", fmt.Sprintf("/api/v1/tickets/%d", id), nil)
	card := decode[struct {
		SLA struct {
			Clock      string `json:"clock"`
			State      string `json:"state"`
			RemainingS int64  `json:"remaining_s"`
			PausedBy   *int64 `json:"paused_by"`
		} `json:"sla"`
	}](t, must(t, st, out, 200))
	if card.SLA.Clock != "first_response" || card.SLA.State != "paused" || card.SLA.PausedBy == nil {
		t.Fatalf("card while paused: %+v", card.SLA)
	}
	near(t, "card remaining", card.SLA.RemainingS, 500, 3)

	// Time spent paused does not count.
	exec(t, d.a, "UPDATE sla_clocks SET started_at = started_at - interval '1 hour' WHERE ticket_id = $1", id)
	d.patch(t, d.admin, id, map[string]any{"status_id": d.status["in_progress"]})
	fr = d.sla(t, d.admin, id).clock(t, "first_response")
	near(t, "elapsed after resuming", fr.ElapsedS, 100, 3)
	near(t, "due after resuming", int64(time.Until(*fr.DueAt)/time.Second), 500, 3)

	// A higher priority picks the other policy: the time used stays, the new target applies.
	d.patch(t, d.admin, id, map[string]any{"priority_id": d.priority["decide"]})
	s = d.sla(t, d.admin, id)
	fr = s.clock(t, "first_response")
	if s.Policy.ID != high.ID || fr.TargetS != 1200 {
		t.Fatalf("after the priority change: %+v", s)
	}
	near(t, "due after the priority change", int64(time.Until(*fr.DueAt)/time.Second), 1100, 3)

	// Editing the policy recalculates the open tickets under it at once.
	st, out = d.admin.Do("PUT", fmt.Sprintf("/api/v1/sla/policies/%d", high.ID), map[string]any{
		"name": map[string]string{"es": "Alta", "en": "High"}, "active": true, "priority_ids": []int64{d.priority["decide"]},
		"first_response_seconds": 1800, "resolution_seconds": 7200, "pause_status_ids": []int64{d.status["waiting"]},
		"version": high.Version})
	must(t, st, out, 200)
	fr = d.sla(t, d.admin, id).clock(t, "first_response")
	near(t, "due after the policy edit", int64(time.Until(*fr.DueAt)/time.Second), 1700, 3)

	// The requester's reply is no first response; an agent's internal note neither; the agent's reply is.
	customer := testutil.Login(t, d.a, "customer@x.test")
	d.reply(t, customer, id, true)
	agent := testutil.Login(t, d.a, "agent1@x.test")
	d.reply(t, d.admin, id, false)
	if fr = d.sla(t, d.admin, id).clock(t, "first_response"); fr.State != "on_track" {
		t.Fatalf("first response after the customer's reply and a note: %+v", fr)
	}
	d.reply(t, agent, id, true)
	if fr = d.sla(t, d.admin, id).clock(t, "first_response"); fr.State != "met" || fr.MetAt == nil {
		t.Fatalf("first response after the agent's reply: %+v", fr)
	}
	// The card now shows the resolution clock.
	st, out = d.admin.Do("GET", fmt.Sprintf("/api/v1/tickets/%d", id), nil)
	if c := decode[struct {
		SLA struct {
			Clock string `json:"clock"`
		} `json:"sla"`
	}](t, must(t, st, out, 200)); c.SLA.Clock != "resolution" {
		t.Fatalf("card clock after the first response: %+v", c)
	}

	// Resolved: the resolution is met; reopened: it goes on.
	d.patch(t, d.admin, id, map[string]any{"status_id": d.status["resolved"]})
	if r := d.sla(t, d.admin, id).clock(t, "resolution"); r.State != "met" {
		t.Fatalf("resolution after resolving: %+v", r)
	}
	d.patch(t, d.admin, id, map[string]any{"status_id": d.status["in_progress"]})
	if r := d.sla(t, d.admin, id).clock(t, "resolution"); r.State != "on_track" || r.DueAt == nil {
		t.Fatalf("resolution after reopening: %+v", r)
	}

	want := []string{
		"started/first_response/created", "started/resolution/created",
		"paused/first_response/status_paused", "paused/resolution/status_paused",
		"resumed/first_response/status_resumed", "resumed/resolution/status_resumed",
		"recalculated/first_response/priority_changed", "recalculated/resolution/priority_changed",
		"recalculated/first_response/policy_changed", "recalculated/resolution/policy_changed",
		"met/first_response/first_reply",
		"met/resolution/ticket_done",
		"resumed/resolution/reopened",
	}
	if h := history(t, d.a, id); !slices.Equal(h, want) {
		t.Fatalf("history\n got %v\nwant %v", h, want)
	}
}

// A ticket the subject may not see has no SLA to show (404), and one it may see does.
func TestTicketSLAVisibility(t *testing.T) {
	d := open(t)
	d.mkPolicy(t, nil)
	id := d.create(t, d.admin, map[string]any{})
	other := testutil.Login(t, d.a, "other@x.test")
	st, out := other.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/sla", id), nil)
	must(t, st, out, 404)
	customer := testutil.Login(t, d.a, "customer@x.test")
	if s := d.sla(t, customer, id); len(s.Clocks) != 2 {
		t.Fatalf("requester's view: %+v", s)
	}
}
