package sla

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/deskday"
)

// The results a clock ends a period with, as the records table filters by them.
const (
	ResultMet      = "met"
	ResultBreached = "breached"
)

// runningStates are the conditions on a shown, running clock (aliased k) for each state it shows now:
// the same conditions Counts counts with.
var runningStates = map[string]string{
	ShowOnTrack:  "k.since IS NOT NULL AND k.breached_at IS NULL AND (k.due_at > now() OR k.due_at IS NULL) AND (k.at_risk_at > now() OR k.at_risk_at IS NULL)",
	ShowAtRisk:   "k.since IS NOT NULL AND k.breached_at IS NULL AND (k.due_at > now() OR k.due_at IS NULL) AND k.at_risk_at <= now()",
	ShowBreached: "k.since IS NOT NULL AND (k.breached_at IS NOT NULL OR k.due_at <= now())",
}

// ValidRunningState reports whether s is a state a running clock shows (on_track, at_risk, breached).
func ValidRunningState(s string) bool { _, ok := runningStates[s]; return ok }

// ValidClock reports whether c names a clock.
func ValidClock(c string) bool { return c == FirstResponse || c == Resolution }

// ValidResult reports whether r is a result a clock ends with (met, breached).
func ValidResult(r string) bool { return r == ResultMet || r == ResultBreached }

// resultColumn is the instant a result happened at and the condition of the clock (aliased k) having it.
func resultColumn(result string) (string, string) {
	if result == ResultBreached {
		return "k.breached_at", "k.breached_at IS NOT NULL"
	}
	// Met on time: met and never breached.
	return "k.met_at", "k.met_at IS NOT NULL AND k.breached_at IS NULL"
}

// FilterState restricts a query over tickets (aliased alias) to those whose shown clock runs in a state
// now (on_track, at_risk, breached): the records table's sla_state.
func (s *Service) FilterState(q *bun.SelectQuery, alias, state string) *bun.SelectQuery {
	return q.Where("EXISTS (SELECT 1 FROM sla_clocks AS k WHERE k.ticket_id = ?.id AND k.shown AND "+runningStates[state]+")",
		bun.Ident(alias))
}

// FilterResult restricts a query over tickets (aliased alias) to those whose clock was met on time or
// breached in [from, to) (either bound may be nil): the records table's sla_clock + sla_result.
func (s *Service) FilterResult(q *bun.SelectQuery, alias, clock, result string, from, to *time.Time) *bun.SelectQuery {
	col, cond := resultColumn(result)
	sub := s.DB.NewSelect().TableExpr("sla_clocks AS k").ColumnExpr("1").
		Where("k.ticket_id = ?.id", bun.Ident(alias)).Where("k.clock = ?", clock).Where(cond)
	if from != nil {
		sub = sub.Where(col+" >= ?", *from)
	}
	if to != nil {
		sub = sub.Where(col+" < ?", *to)
	}
	return q.Where("EXISTS (?)", sub)
}

// WidgetFilter narrows the dashboard's SLA numbers: zero means any.
type WidgetFilter struct {
	QueueID, CategoryID, ChannelID int64
}

// apply adds the filter to a query over sla_clocks or sla_running_counts aliased alias (both carry the
// ticket's queue, category and channel).
func (f WidgetFilter) apply(q *bun.SelectQuery, alias string) *bun.SelectQuery {
	a := bun.Ident(alias)
	if f.QueueID != 0 {
		q = q.Where("?.queue_id = ?", a, f.QueueID)
	}
	if f.CategoryID != 0 {
		q = q.Where("?.category_id = ?", a, f.CategoryID)
	}
	if f.ChannelID != 0 {
		q = q.Where("?.channel_id = ?", a, f.ChannelID)
	}
	return q
}

// StateCounts counts the open tickets subj may see whose shown clock runs in each state now (keys
// on_track, at_risk, breached); FilterState selects the same tickets. The running clocks are summed by the
// state their timers have marked (breach fired, at-risk fired, neither) from sla_running_counts: the rows
// access.OpenCountsFilter lets subj count, plus the clocks of subj's own tickets outside them. The marks
// follow the time a moment late: the clocks whose at-risk or due instant has passed while their mark is
// behind are read from two partial indexes up to now() and moved to the state they show.
func (s *Service) StateCounts(ctx context.Context, subj access.Subject, f WidgetFilter) (map[string]int64, error) {
	// One statement of rows (kind, n): the marked states, then the late marks ("late_risk": unmarked, past
	// its at-risk instant; "late_due": unmarked, past due; "late_breach": marked at risk, past due).
	q := s.DB.NewSelect().TableExpr("sla_running_counts AS a").
		ColumnExpr("CASE WHEN a.breached THEN ? WHEN a.at_risk THEN ? ELSE ? END AS kind, sum(a.n) AS n", ShowBreached, ShowAtRisk, ShowOnTrack).
		GroupExpr("1")
	q = access.OpenCountsFilter(f.apply(q, "a"), "a", subj)
	if !access.Unfiltered(subj) {
		own := func() *bun.SelectQuery {
			return f.apply(s.DB.NewSelect().TableExpr("sla_clocks AS k").
				ColumnExpr("CASE WHEN k.breached_at IS NOT NULL THEN ? WHEN k.at_risk_fired_at IS NOT NULL THEN ? ELSE ? END AS kind, count(*) AS n",
					ShowBreached, ShowAtRisk, ShowOnTrack).GroupExpr("1"), "k")
		}
		for _, part := range access.OutsideParts(own, "k", subj, "k.shown AND k.since IS NOT NULL") {
			q = q.UnionAll(part)
		}
	}
	unmarked := s.DB.NewSelect().TableExpr("sla_clocks AS k").
		ColumnExpr("CASE WHEN k.due_at <= now() THEN 'late_due' ELSE 'late_risk' END AS kind, count(*) AS n").
		Where("k.shown AND k.since IS NOT NULL AND k.breached_at IS NULL AND k.at_risk_fired_at IS NULL").
		Where("least(k.at_risk_at, k.due_at) <= now()").GroupExpr("1")
	atRisk := s.DB.NewSelect().TableExpr("sla_clocks AS k").ColumnExpr("'late_breach' AS kind, count(*) AS n").
		Where("k.shown AND k.since IS NOT NULL AND k.breached_at IS NULL AND k.at_risk_fired_at IS NOT NULL").
		Where("k.due_at <= now()")
	q = q.UnionAll(access.TicketFilter(f.apply(unmarked, "k"), "k", subj)).
		UnionAll(access.TicketFilter(f.apply(atRisk, "k"), "k", subj))
	var rows []struct {
		Kind string `bun:"kind"`
		N    int64  `bun:"n"`
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("sla: state counts: %w", err)
	}
	n := map[string]int64{}
	for _, r := range rows {
		n[r.Kind] += r.N
	}
	return map[string]int64{
		ShowOnTrack:  n[ShowOnTrack] - n["late_risk"] - n["late_due"],
		ShowAtRisk:   n[ShowAtRisk] + n["late_risk"] - n["late_breach"],
		ShowBreached: n[ShowBreached] + n["late_due"] + n["late_breach"],
	}, nil
}

// Compliance is how many clocks of one kind were met on time and how many breached in a period.
type Compliance struct {
	Clock    string
	Met      int64
	Breached int64
}

// CompliancePeriod counts, for each clock, the clocks of tickets subj may see met on time and breached in
// [from, to) (whole days of the desk, midnights in its zone); FilterResult selects the same tickets. Without a category or channel filter
// they are summed from the sla_result_days rollup (the rows access.OpenCountsFilter lets subj count, plus
// the clocks outside them subj sees); with one, each is counted from its partial index.
func (s *Service) CompliancePeriod(ctx context.Context, subj access.Subject, f WidgetFilter, from, to time.Time) ([]Compliance, error) {
	got := map[string]*Compliance{FirstResponse: {Clock: FirstResponse}, Resolution: {Clock: Resolution}}
	add := func(clock, result string, n int64) {
		c := got[clock]
		if c == nil {
			return
		}
		if result == ResultBreached {
			c.Breached += n
		} else {
			c.Met += n
		}
	}
	if f.CategoryID != 0 || f.ChannelID != 0 {
		for _, clock := range []string{FirstResponse, Resolution} {
			for _, result := range []string{ResultMet, ResultBreached} {
				col, cond := resultColumn(result)
				var n int64
				q := s.DB.NewSelect().TableExpr("sla_clocks AS k").ColumnExpr("count(*)").
					Where("k.clock = ?", clock).Where(cond).Where(col+" >= ?", from).Where(col+" < ?", to)
				if err := access.TicketFilter(f.apply(q, "k"), "k", subj).Scan(ctx, &n); err != nil {
					return nil, fmt.Errorf("sla: compliance: %w", err)
				}
				add(clock, result, n)
			}
		}
		return []Compliance{*got[FirstResponse], *got[Resolution]}, nil
	}
	var rows []struct {
		Clock  string `bun:"clock"`
		Result string `bun:"result"`
		N      int64  `bun:"n"`
	}
	q := s.DB.NewSelect().TableExpr("sla_result_days AS a").ColumnExpr("a.clock, a.result, sum(a.n) AS n").
		Where("a.day >= ?", deskday.Number(from)).Where("a.day < ?", deskday.Number(to)).GroupExpr("a.clock, a.result")
	q = access.OpenCountsFilter(f.apply(q, "a"), "a", subj)
	if !access.Unfiltered(subj) {
		for _, result := range []string{ResultMet, ResultBreached} {
			col, cond := resultColumn(result)
			t := func() *bun.SelectQuery {
				return f.apply(s.DB.NewSelect().TableExpr("sla_clocks AS k").
					ColumnExpr("k.clock, ? AS result, count(*) AS n", result).GroupExpr("k.clock"), "k")
			}
			for _, part := range access.OutsideParts(t, "k", subj, col+" >= ? AND "+col+" < ? AND "+cond, from, to) {
				q = q.UnionAll(part)
			}
		}
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("sla: compliance: %w", err)
	}
	for _, r := range rows {
		add(r.Clock, r.Result, r.N)
	}
	return []Compliance{*got[FirstResponse], *got[Resolution]}, nil
}
