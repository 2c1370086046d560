package sla

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/tickets"
)

// The states a clock shows.
const (
	ShowOnTrack  = "on_track"
	ShowAtRisk   = "at_risk"
	ShowBreached = "breached"
	ShowPaused   = "paused"
	ShowMet      = "met"
)

// shownState is what a clock shows at now: paused and met as stored; a running clock breached once its
// due time passed (or its breach fired), at risk once its at-risk time passed.
func shownState(c *Clock, now time.Time) string {
	switch {
	case c.State == Paused:
		return ShowPaused
	case c.State == Met || c.State == Stopped:
		return ShowMet
	case c.BreachedAt != nil || (c.DueAt != nil && !c.DueAt.After(now)):
		return ShowBreached
	case c.AtRiskFiredAt != nil || (c.AtRiskAt != nil && !c.AtRiskAt.After(now)):
		return ShowAtRisk
	}
	return ShowOnTrack
}

// remaining is the business time a clock has left at now (negative once breached).
func remaining(c *Clock, cal *Calendar, now time.Time) int64 {
	used := c.ElapsedS
	if c.State == Running && c.Since != nil {
		used += cal.Between(*c.Since, now)
	}
	return c.TargetS - used
}

// Summaries gives each ticket's card the clock that matters now: the first response while it counts,
// else the resolution; with neither counting, the last one that stopped. One query for all ids, one per
// distinct calendar.
func (s *Service) Summaries(ctx context.Context, db bun.IDB, ids []int64) (map[int64]*tickets.SLAInfo, error) {
	var rows []Clock
	if err := db.NewSelect().Model(&rows).Where("ticket_id IN (?)", bun.In(ids)).Where("policy_id IS NOT NULL OR state <> 'stopped'").
		OrderExpr("ticket_id, clock").Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: summaries: %w", err)
	}
	cals, err := s.calendarsOf(ctx, db, rows)
	if err != nil {
		return nil, err
	}
	now := nowFn()
	pick := map[int64]*Clock{}
	for i := range rows {
		c := &rows[i]
		cur := pick[c.TicketID]
		switch {
		case cur == nil:
			pick[c.TicketID] = c
		case !cur.active() && c.active():
			pick[c.TicketID] = c
		case !cur.active() && !c.active() && stoppedAt(c).After(stoppedAt(cur)):
			pick[c.TicketID] = c
		}
	}
	out := make(map[int64]*tickets.SLAInfo, len(pick))
	for id, c := range pick {
		info := &tickets.SLAInfo{Clock: c.Clock, State: shownState(c, now), PausedBy: c.PausedBy,
			RemainingS: remaining(c, cals.of(c.PolicyID), now)}
		if c.State == Running {
			info.DueAt, info.AtRiskAt = utc(c.DueAt), utc(c.AtRiskAt)
		} else if c.State != Paused {
			info.DueAt = utc(c.DueAt)
		}
		out[id] = info
	}
	return out, nil
}

func stoppedAt(c *Clock) time.Time {
	if c.MetAt != nil {
		return *c.MetAt
	}
	if c.StoppedAt != nil {
		return *c.StoppedAt
	}
	return time.Time{}
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// calendarSet is the calendars of some policies, by policy id.
type calendarSet map[int64]*Calendar

func (cs calendarSet) of(policyID *int64) *Calendar {
	if policyID != nil {
		if c := cs[*policyID]; c != nil {
			return c
		}
	}
	return AroundTheClock()
}

// calendarsOf loads the calendars of the policies of running clocks in one query.
func (s *Service) calendarsOf(ctx context.Context, db bun.IDB, rows []Clock) (calendarSet, error) {
	var pids []int64
	seen := map[int64]bool{}
	for _, c := range rows {
		if c.PolicyID != nil && c.State == Running && !seen[*c.PolicyID] {
			seen[*c.PolicyID] = true
			pids = append(pids, *c.PolicyID)
		}
	}
	out := calendarSet{}
	if len(pids) == 0 {
		return out, nil
	}
	var cs []struct {
		PolicyID int64 `bun:"policy_id"`
		CalendarRow
	}
	if err := db.NewSelect().TableExpr("sla_policies AS p").Join("JOIN sla_calendars AS c ON c.id = p.calendar_id").
		ColumnExpr("p.id AS policy_id, c.id, c.time_zone, c.hours, c.holidays, c.version").
		Where("p.id IN (?)", bun.In(pids)).Scan(ctx, &cs); err != nil {
		return nil, fmt.Errorf("sla: calendars: %w", err)
	}
	for i := range cs {
		c, err := s.build(&cs[i].CalendarRow)
		if err != nil {
			return nil, err
		}
		out[cs[i].PolicyID] = c
	}
	return out, nil
}

// ClockView is one clock on GET /tickets/{id}/sla.
type ClockView struct {
	Clock         string     `json:"clock"`
	State         string     `json:"state"`
	TargetMinutes float64    `json:"target_minutes"`
	TargetS       int64      `json:"target_s"`
	StartedAt     time.Time  `json:"started_at"`
	DueAt         *time.Time `json:"due_at"`
	AtRiskAt      *time.Time `json:"at_risk_at"`
	ElapsedS      int64      `json:"elapsed_s"`
	RemainingS    int64      `json:"remaining_s"`
	Paused        bool       `json:"paused"`
	PausedBy      *int64     `json:"paused_by"`
	StoppedAt     *time.Time `json:"stopped_at"`
	MetAt         *time.Time `json:"met_at"`
	BreachedAt    *time.Time `json:"breached_at"`
}

// PolicyRef names a policy.
type PolicyRef struct {
	ID   int64 `json:"id"`
	Name Label `json:"name"`
}

// StateLimitView is the time limit of the workflow state a ticket is in.
type StateLimitView struct {
	StatusID     int64      `json:"status_id"`
	LimitMinutes int        `json:"limit_minutes"`
	EnteredAt    time.Time  `json:"entered_at"`
	DueAt        time.Time  `json:"due_at"`
	Over         bool       `json:"over"`
	FiredAt      *time.Time `json:"-" bun:"fired_at"`
}

// TicketSLA is the body of GET /tickets/{id}/sla.
type TicketSLA struct {
	Policy     *PolicyRef      `json:"policy"`
	Clocks     []ClockView     `json:"clocks"`
	StateLimit *StateLimitView `json:"state_limit"`
}

// ForTicket returns a ticket's clocks as subj sees them; a ticket subj may not see is not found.
func (s *Service) ForTicket(ctx context.Context, subj access.Subject, id int64) (*TicketSLA, error) {
	t, err := s.Tickets.Load(ctx, s.DB, id, false)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	var rows []Clock
	if err := s.DB.NewSelect().Model(&rows).Where("ticket_id = ?", id).OrderExpr("clock").Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: ticket clocks: %w", err)
	}
	out := &TicketSLA{Clocks: []ClockView{}}
	now := nowFn()
	var pid *int64
	for i := range rows {
		c := &rows[i]
		if c.PolicyID == nil && c.State == Stopped {
			continue
		}
		if c.PolicyID != nil {
			pid = c.PolicyID
		}
		_, cal, err := s.policyOf(ctx, s.DB, c.PolicyID)
		if err != nil {
			return nil, err
		}
		rem := remaining(c, cal, now)
		v := ClockView{Clock: c.Clock, State: shownState(c, now), TargetS: c.TargetS, TargetMinutes: float64(c.TargetS) / 60,
			StartedAt: c.StartedAt.UTC(), DueAt: utc(c.DueAt), AtRiskAt: utc(c.AtRiskAt), ElapsedS: c.TargetS - rem,
			RemainingS: rem, Paused: c.State == Paused, PausedBy: c.PausedBy, StoppedAt: utc(c.StoppedAt), MetAt: utc(c.MetAt),
			BreachedAt: utc(c.BreachedAt)}
		if c.State == Paused {
			v.DueAt, v.AtRiskAt = nil, nil
		}
		out.Clocks = append(out.Clocks, v)
	}
	if pid != nil {
		p, err := policyByID(ctx, s.DB, *pid)
		if err != nil {
			return nil, err
		}
		if p != nil {
			out.Policy = &PolicyRef{ID: p.ID, Name: Label{ES: p.NameES, EN: p.NameEN}}
		}
	}
	var lim []StateLimitView
	if err := s.DB.NewSelect().Table("sla_state_limits").Column("status_id", "limit_minutes", "entered_at", "due_at", "fired_at").
		Where("ticket_id = ?", id).Scan(ctx, &lim); err != nil {
		return nil, fmt.Errorf("sla: state limit: %w", err)
	}
	if len(lim) == 1 && lim[0].StatusID == t.StatusID {
		l := lim[0]
		l.EnteredAt, l.DueAt, l.Over = l.EnteredAt.UTC(), l.DueAt.UTC(), l.FiredAt != nil || !l.DueAt.After(now)
		out.StateLimit = &l
	}
	return out, nil
}

// CountsRow is one queue's open tickets by the state of the clock they show.
type CountsRow struct {
	QueueID  *int64 `bun:"queue_id" json:"queue_id"`
	OnTrack  int64  `bun:"on_track" json:"on_track"`
	AtRisk   int64  `bun:"at_risk" json:"at_risk"`
	Breached int64  `bun:"breached" json:"breached"`
	Paused   int64  `bun:"paused" json:"paused"`
}

// CountsFilter narrows GET /sla/counts.
type CountsFilter struct {
	QueueID    *int64
	CategoryID *int64
}

// Counts counts the open tickets subj may see by queue and by the state of the clock each shows, over the
// partial index of shown clocks (never the whole ticket table), filtered by access on the visibility
// fields the clocks carry.
func (s *Service) Counts(ctx context.Context, subj access.Subject, f CountsFilter) ([]CountsRow, error) {
	if !access.CanSeeSLACounts(subj) {
		return nil, errs.New(errs.Forbidden, "sla.counts_forbidden")
	}
	q := s.DB.NewSelect().TableExpr("sla_clocks AS k").Where("k.shown").
		ColumnExpr("k.queue_id").
		ColumnExpr("count(*) FILTER (WHERE k.since IS NULL) AS paused").
		ColumnExpr("count(*) FILTER (WHERE k.since IS NOT NULL AND (k.breached_at IS NOT NULL OR k.due_at <= now())) AS breached").
		ColumnExpr("count(*) FILTER (WHERE k.since IS NOT NULL AND k.breached_at IS NULL AND (k.due_at > now() OR k.due_at IS NULL) AND k.at_risk_at <= now()) AS at_risk").
		ColumnExpr("count(*) FILTER (WHERE k.since IS NOT NULL AND k.breached_at IS NULL AND (k.due_at > now() OR k.due_at IS NULL) AND (k.at_risk_at > now() OR k.at_risk_at IS NULL)) AS on_track").
		GroupExpr("k.queue_id").OrderExpr("k.queue_id NULLS LAST")
	if f.QueueID != nil {
		q = q.Where("k.queue_id = ?", *f.QueueID)
	}
	if f.CategoryID != nil {
		q = q.Where("k.category_id = ?", *f.CategoryID)
	}
	// The clock rows carry their ticket's visibility fields: the filter applies to them directly.
	q = access.TicketFilter(q, "k", subj)
	out := []CountsRow{}
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("sla: counts: %w", err)
	}
	return out, nil
}
