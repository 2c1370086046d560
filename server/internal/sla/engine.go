package sla

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/jobs"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Reasons a clock changed, as its history row names them.
const (
	ReasonCreated         = "created"
	ReasonPriorityChanged = "priority_changed"
	ReasonCategoryChanged = "category_changed"
	ReasonQueueChanged    = "queue_changed"
	ReasonChannelChanged  = "channel_changed"
	ReasonPolicyChanged   = "policy_changed"
	ReasonPolicyRemoved   = "policy_removed"
	ReasonStatusPaused    = "status_paused"
	ReasonStatusResumed   = "status_resumed"
	ReasonDone            = "ticket_done"
	ReasonReopened        = "reopened"
	ReasonFirstReply      = "first_reply"
)

// Hook keeps a ticket's clocks and state limit in step with every creation and change.
func (s *Service) Hook(ctx context.Context, tx bun.Tx, c tickets.Change) error {
	// An earlier hook (a rule, automatic assignment) may have changed the ticket again after c.After:
	// the clocks follow the ticket as it stands.
	t, err := s.Tickets.Load(ctx, tx, c.After.ID, false)
	if err != nil || t == nil {
		return err
	}
	reason := ReasonCreated
	if c.Before != nil {
		reason = changeReason(c.Before, t)
	}
	changed, err := s.evaluate(ctx, tx, c.Subject, t, reason)
	if err != nil {
		return err
	}
	if c.Before == nil || c.Before.StatusID != t.StatusID {
		if err := s.enterState(ctx, tx, t); err != nil {
			return err
		}
	}
	if changed {
		return s.emit(ctx, tx, t)
	}
	return nil
}

// changeReason names what in a change may have chosen another policy.
func changeReason(b, a *tickets.Ticket) string {
	switch {
	case b.PriorityID != a.PriorityID:
		return ReasonPriorityChanged
	case !sameID(b.CategoryID, a.CategoryID) || !sameID(b.SubcategoryID, a.SubcategoryID):
		return ReasonCategoryChanged
	case !sameID(b.QueueID, a.QueueID):
		return ReasonQueueChanged
	case !sameID(b.ChannelID, a.ChannelID):
		return ReasonChannelChanged
	}
	return ReasonPolicyChanged
}

func sameID(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// CommentHook meets the first-response clock on the first public reply by staff who are not the
// ticket's requester (access.CountsFirstResponse).
func (s *Service) CommentHook(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, c *tickets.Comment) error {
	if !c.Public || !access.CountsFirstResponse(subj, t.Vis()) {
		return nil
	}
	clocks, err := lockClocks(ctx, tx, t.ID)
	if err != nil {
		return err
	}
	fr := clocks[FirstResponse]
	if fr == nil || !fr.active() {
		return nil
	}
	p, cal, err := s.policyOf(ctx, tx, fr.PolicyID)
	if err != nil {
		return err
	}
	now := nowFn()
	settle(fr, cal, now)
	fr.State, fr.Since, fr.PausedBy, fr.MetAt = Met, nil, nil, &now
	fr.Generation++
	if err := s.save(ctx, tx, t, clocks, p); err != nil {
		return err
	}
	if err := s.record(ctx, tx, subj, t.ID, fr, Met, ReasonFirstReply); err != nil {
		return err
	}
	return s.emit(ctx, tx, t)
}

// lockClocks loads a ticket's clocks for update, by clock.
func lockClocks(ctx context.Context, tx bun.IDB, ticketID int64) (map[string]*Clock, error) {
	var rows []Clock
	if err := tx.NewSelect().Model(&rows).Where("ticket_id = ?", ticketID).OrderExpr("clock").For("UPDATE").Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: clocks: %w", err)
	}
	out := map[string]*Clock{}
	for i := range rows {
		rows[i].gen0 = rows[i].Generation
		out[rows[i].Clock] = &rows[i]
	}
	return out, nil
}

// policyOf loads a policy and its calendar (nil policy, 24×7 calendar when id is nil or gone).
func (s *Service) policyOf(ctx context.Context, db bun.IDB, id *int64) (*Policy, *Calendar, error) {
	if id == nil {
		return nil, AroundTheClock(), nil
	}
	p, err := policyByID(ctx, db, *id)
	if err != nil {
		return nil, nil, err
	}
	cal, err := s.calendar(ctx, db, p)
	if err != nil {
		return nil, nil, err
	}
	return p, cal, nil
}

// settle brings a running clock's elapsed time up to now.
func settle(c *Clock, cal *Calendar, now time.Time) {
	if c.Since != nil {
		c.ElapsedS += cal.Between(*c.Since, now)
		c.Since = &now
	}
}

// evaluate brings t's clocks in line with t as it stands: the policy its fields choose, its status
// (pausing, done or working) and its queue and category. It records each clock's change on the ticket
// and reports whether any clock changed in a way a card shows.
func (s *Service) evaluate(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, reason string) (bool, error) {
	clocks, err := lockClocks(ctx, tx, t.ID)
	if err != nil {
		return false, err
	}
	policies, err := activePolicies(ctx, tx)
	if err != nil {
		return false, err
	}
	var pol *Policy
	for i := range policies {
		if policies[i].matches(t) {
			pol = &policies[i]
			break
		}
	}
	return s.apply(ctx, tx, subj, t, clocks, pol, reason, false)
}

// apply moves t's clocks to policy pol (nil: none applies) and to t's status. With force, the clocks
// under pol are recalculated even when its target did not change (its calendar or share did).
func (s *Service) apply(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, clocks map[string]*Clock, pol *Policy, reason string, force bool) (bool, error) {
	if pol == nil && len(clocks) == 0 {
		return false, nil
	}
	now := nowFn()
	st, err := statusOf(ctx, tx, t.StatusID)
	if err != nil {
		return false, err
	}
	var newCal *Calendar
	if pol != nil {
		if newCal, err = s.calendar(ctx, tx, pol); err != nil {
			return false, err
		}
	}
	// The calendars the clocks ran on until now, to settle them.
	oldCals := map[int64]*Calendar{}
	changed := false
	type event struct {
		c             *Clock
		event, reason string
	}
	var events []event
	for _, name := range []string{FirstResponse, Resolution} {
		c := clocks[name]
		if c != nil && c.active() {
			cal := AroundTheClock()
			if c.PolicyID != nil {
				if cal = oldCals[*c.PolicyID]; cal == nil {
					_, cal, err = s.policyOf(ctx, tx, c.PolicyID)
					if err != nil {
						return false, err
					}
					oldCals[*c.PolicyID] = cal
				}
			}
			settle(c, cal, now)
		}
		if pol == nil {
			// No policy applies any more: the clocks stop where they are.
			if c != nil && c.active() {
				c.State, c.Since, c.PausedBy, c.StoppedAt, c.PolicyID = Stopped, nil, nil, &now, nil
				c.Generation++
				events = append(events, event{c, Stopped, ReasonPolicyRemoved})
			}
			continue
		}
		fresh := c == nil || (c.PolicyID == nil && c.State == Stopped)
		if fresh {
			if st.Group == catalog.Done {
				// A ticket already done when a policy first applies to it has nothing left to time.
				continue
			}
			c = &Clock{TicketID: t.ID, Clock: name, State: Running, StartedAt: now, Since: &now, Generation: 1}
			if clocks[name] != nil {
				c.Generation = clocks[name].Generation + 1
			}
			clocks[name] = c
			c.PolicyID, c.TargetS = &pol.ID, pol.target(name)
			events = append(events, event{c, "started", reason})
		} else if force || c.PolicyID == nil || *c.PolicyID != pol.ID || c.TargetS != pol.target(name) {
			if c.active() || (name == Resolution && c.State == Met) {
				c.PolicyID, c.TargetS = &pol.ID, pol.target(name)
				c.Generation++
				if c.active() {
					events = append(events, event{c, "recalculated", reason})
				}
			}
		}
		// The status decides whether the clock runs.
		wantPause := slices.Contains(pol.PauseStatusIDs, t.StatusID)
		done := st.Group == catalog.Done
		switch {
		case done && c.active():
			c.Since, c.PausedBy = nil, nil
			c.Generation++
			if name == Resolution {
				c.State, c.MetAt = Met, &now
				events = append(events, event{c, Met, ReasonDone})
			} else {
				c.State, c.StoppedAt = Stopped, &now
				events = append(events, event{c, Stopped, ReasonDone})
			}
		case !done && name == Resolution && c.State == Met:
			// Reopened: the resolution clock goes on from where it stopped.
			c.MetAt = nil
			c.State, c.Since = Running, &now
			c.Generation++
			events = append(events, event{c, "resumed", ReasonReopened})
			if wantPause {
				c.State, c.Since, c.PausedBy = Paused, nil, &t.StatusID
			}
		case !done && wantPause && c.State == Running:
			c.State, c.Since, c.PausedBy = Paused, nil, &t.StatusID
			c.Generation++
			events = append(events, event{c, Paused, ReasonStatusPaused})
		case !done && wantPause && c.State == Paused && (c.PausedBy == nil || *c.PausedBy != t.StatusID):
			c.PausedBy = &t.StatusID
			c.Generation++
		case !done && !wantPause && c.State == Paused:
			c.State, c.Since, c.PausedBy = Running, &now, nil
			c.Generation++
			events = append(events, event{c, "resumed", ReasonStatusResumed})
		}
	}
	if len(events) > 0 {
		changed = true
	}
	// A change of queue or category moves the clocks in the counts, without a history row.
	for _, c := range clocks {
		if !sameID(c.QueueID, t.QueueID) || !sameID(c.CategoryID, t.CategoryID) {
			changed = true
		}
	}
	if !changed {
		return false, nil
	}
	if err := s.schedule(ctx, tx, t, clocks, pol, newCal); err != nil {
		return false, err
	}
	if err := s.save(ctx, tx, t, clocks, pol); err != nil {
		return false, err
	}
	for _, e := range events {
		if err := s.record(ctx, tx, subj, t.ID, e.c, e.event, e.reason); err != nil {
			return false, err
		}
	}
	return len(events) > 0, nil
}

// statusOf reads a status's group.
func statusOf(ctx context.Context, db bun.IDB, id int64) (*catalog.Status, error) {
	st := new(catalog.Status)
	if err := db.NewSelect().Model(st).Column("id", "grp").Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: status %d: %w", id, err)
	}
	return st, nil
}

// plan computes a running clock's due and at-risk instants and clears what fired when the clock has
// time again (a longer target after a policy change).
func plan(c *Clock, pol *Policy, cal *Calendar, now time.Time) {
	if c.State != Running || c.Since == nil {
		if c.State == Paused {
			c.DueAt, c.AtRiskAt = nil, nil
		}
		return
	}
	pct := int64(75)
	if pol != nil {
		pct = int64(pol.AtRiskPercent)
	}
	threshold := c.TargetS * pct / 100
	if c.ElapsedS < c.TargetS {
		c.BreachedAt = nil
		due := cal.Add(*c.Since, c.TargetS-c.ElapsedS)
		c.DueAt = timeOrNil(due)
	} else if c.BreachedAt == nil {
		// Already over its target (a shorter target, a clock resumed after its time ran out): it breaches now.
		c.DueAt = &now
	} else {
		c.DueAt = c.BreachedAt
	}
	if c.ElapsedS < threshold {
		c.AtRiskFiredAt = nil
		c.AtRiskAt = timeOrNil(cal.Add(*c.Since, threshold-c.ElapsedS))
	} else if c.AtRiskFiredAt == nil {
		c.AtRiskAt = &now
	} else {
		c.AtRiskAt = c.AtRiskFiredAt
	}
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// schedule plans the running clocks whose generation moved and enqueues their timers in tx.
func (s *Service) schedule(ctx context.Context, tx bun.Tx, t *tickets.Ticket, clocks map[string]*Clock, pol *Policy, cal *Calendar) error {
	if cal == nil {
		cal = AroundTheClock()
	}
	now := nowFn()
	var params []river.InsertManyParams
	for _, c := range clocks {
		if c.Generation == c.gen0 {
			continue
		}
		plan(c, pol, cal, now)
		if c.State != Running {
			continue
		}
		if c.AtRiskFiredAt == nil && c.AtRiskAt != nil {
			a := ClockTimerArgs{TicketID: t.ID, Clock: c.Clock, Generation: c.Generation, Event: EventAtRisk, At: *c.AtRiskAt}
			params = append(params, river.InsertManyParams{Args: a, InsertOpts: jobs.TimerOpts(a.At)})
		}
		if c.BreachedAt == nil && c.DueAt != nil {
			a := ClockTimerArgs{TicketID: t.ID, Clock: c.Clock, Generation: c.Generation, Event: EventBreach, At: *c.DueAt}
			params = append(params, river.InsertManyParams{Args: a, InsertOpts: jobs.TimerOpts(a.At)})
		}
	}
	return s.Jobs.InsertManyTx(ctx, tx, params)
}

// save writes t's clocks (inserting new ones) with the ticket's queue, category and visibility fields
// (a trigger on tickets keeps them afterwards) and which one the counts follow: the first response
// until it is met, then the resolution, while either counts.
func (s *Service) save(ctx context.Context, tx bun.Tx, t *tickets.Ticket, clocks map[string]*Clock, _ *Policy) error {
	fr, res := clocks[FirstResponse], clocks[Resolution]
	for _, c := range clocks {
		c.QueueID, c.CategoryID, c.Shown = t.QueueID, t.CategoryID, false
		c.RequesterID, c.AffectedID, c.AssigneeID = t.RequesterID, t.AffectedID, t.AssigneeID
		c.AllowedRoles, c.Network = t.AllowedRoles, t.Network
		if c.AllowedRoles == nil {
			c.AllowedRoles = []int64{}
		}
		if c.Network == nil {
			c.Network = []int64{}
		}
	}
	switch {
	case fr != nil && fr.active():
		fr.Shown = true
	case res != nil && res.active():
		res.Shown = true
	}
	rows := make([]Clock, 0, len(clocks))
	for _, name := range []string{FirstResponse, Resolution} {
		if c := clocks[name]; c != nil {
			rows = append(rows, *c)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if _, err := tx.NewInsert().Model(&rows).On("CONFLICT (ticket_id, clock) DO UPDATE").
		Set("policy_id = EXCLUDED.policy_id, state = EXCLUDED.state, target_s = EXCLUDED.target_s").
		Set("elapsed_s = EXCLUDED.elapsed_s, started_at = EXCLUDED.started_at, since = EXCLUDED.since").
		Set("paused_by = EXCLUDED.paused_by, due_at = EXCLUDED.due_at, at_risk_at = EXCLUDED.at_risk_at").
		Set("at_risk_fired_at = EXCLUDED.at_risk_fired_at, breached_at = EXCLUDED.breached_at, met_at = EXCLUDED.met_at").
		Set("stopped_at = EXCLUDED.stopped_at, generation = EXCLUDED.generation, queue_id = EXCLUDED.queue_id").
		Set("category_id = EXCLUDED.category_id, requester_id = EXCLUDED.requester_id, affected_id = EXCLUDED.affected_id").
		Set("assignee_id = EXCLUDED.assignee_id, allowed_roles = EXCLUDED.allowed_roles, network = EXCLUDED.network").
		Set("shown = EXCLUDED.shown").Exec(ctx); err != nil {
		return fmt.Errorf("sla: save clocks: %w", err)
	}
	return nil
}

// record writes the history row of one clock change on the ticket.
func (s *Service) record(ctx context.Context, tx bun.IDB, subj access.Subject, ticketID int64, c *Clock, ev, reason string) error {
	h := historyEntry{Event: ev, Clock: c.Clock, Reason: reason, DueAt: c.DueAt, PolicyID: c.PolicyID, TargetS: c.TargetS, ElapsedS: c.ElapsedS}
	if h.DueAt != nil {
		u := h.DueAt.UTC()
		h.DueAt = &u
	}
	return s.Tickets.RecordTx(ctx, tx, subj, ticketID, "sla", nil, h)
}

// emit appends a ticket.sla event with t's fresh card: the ticket.updated of the change that moved the
// clocks was built before this package ran.
func (s *Service) emit(ctx context.Context, tx bun.IDB, t *tickets.Ticket) error {
	card, err := s.Tickets.CardOf(ctx, tx, t)
	if err != nil {
		return err
	}
	return live.Append(ctx, tx, live.Event{Name: live.TicketSLA, TicketID: t.ID, Ticket: card, Vis: t.Vis()})
}
