package access

import (
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// widgetPerms are the dashboard's widgets in catalog order, each with the permission that shows it.
var widgetPerms = []struct {
	key  string
	perm Perm
}{
	{"status", WidgetStatus}, {"queue", WidgetQueue}, {"priority", WidgetPriority}, {"issue_type", WidgetIssueType},
	{"sla", WidgetSLA}, {"agent_load", WidgetAgentLoad}, {"backlog_age", WidgetBacklogAge},
	{"response_times", WidgetResponseTimes}, {"created_resolved", WidgetCreatedResolved},
	{"top_typifications", WidgetTopTypifications},
}

// IsWidget reports whether key names a dashboard widget.
func IsWidget(key string) bool {
	for _, w := range widgetPerms {
		if w.key == key {
			return true
		}
	}
	return false
}

// CanSeeWidget reports whether s may see a dashboard widget: its widget.* permission.
func CanSeeWidget(s Subject, key string) bool {
	for _, w := range widgetPerms {
		if w.key == key {
			return s.Has(w.perm)
		}
	}
	return false
}

// Widgets lists the keys of the widgets s may see, in catalog order.
func Widgets(s Subject) []string {
	out := []string{}
	for _, w := range widgetPerms {
		if s.Has(w.perm) {
			out = append(out, w.key)
		}
	}
	return out
}

// OpenCountsFilter restricts rows of an aggregate of tickets keyed by queue_id (0 for none) and
// allowed_roles (aliased alias) to the part of what s sees that such rows can answer: every row for who
// sees every ticket; else the rows of the queues s supervises and those whose allowed roles include one
// of s's. OutsideOpenCounts is the rest of TicketFilter, so that the two added are exactly the tickets s
// sees, each counted once.
func OpenCountsFilter(q *bun.SelectQuery, alias string, s Subject) *bun.SelectQuery {
	if s.UserID == 0 {
		return q.Where("false")
	}
	if s.Has(TicketViewAll) {
		return q
	}
	byRole, byQueue := aggregateParts(s)
	if !byRole && !byQueue {
		return q.Where("false")
	}
	t := bun.Ident(alias)
	return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		if byRole {
			q = q.WhereOr("?.allowed_roles && ?::bigint[]", t, pgdialect.Array(s.RoleIDs))
		}
		if byQueue {
			q = q.WhereOr("?.queue_id IN (?)", t, bun.In(s.Queues))
		}
		return q
	})
}

// OutsideOpenCounts restricts a query over tickets (aliased alias) with a status among statusIDs (the
// open ones) to the tickets s sees that OpenCountsFilter does not count: those s requested, is the
// affected person of, is assigned or sees through their network, outside the supervised queues and the
// allowed roles. Nothing for who sees every ticket. The statuses are repeated in each part so that the
// assignee's (assignee_id, status_id) index reads only their open tickets, not every ticket they ever
// had; the other parts are a handful of tickets for staff.
func OutsideOpenCounts(q *bun.SelectQuery, alias string, s Subject, statusIDs []int64) *bun.SelectQuery {
	if len(statusIDs) == 0 {
		return q.Where("false")
	}
	return OutsideAggregates(q, alias, s, "?.status_id IN (?)", bun.Ident(alias), bun.In(statusIDs))
}

// OutsideAggregates is OutsideOpenCounts for any aggregate keyed by queue and allowed roles: the tickets
// s sees that OpenCountsFilter does not count, among those meeting cond (with its args), which is
// repeated in each part so that each part's index (a person's id, then the period's instant or the
// status) reads only the tickets it counts. Nothing for who sees every ticket.
func OutsideAggregates(q *bun.SelectQuery, alias string, s Subject, cond string, args ...any) *bun.SelectQuery {
	if s.UserID == 0 || s.Has(TicketViewAll) {
		return q.Where("false")
	}
	t := bun.Ident(alias)
	arm := func(q *bun.SelectQuery, or bool, person string, id any) *bun.SelectQuery {
		a := append([]any{t, id}, args...)
		if or {
			return q.WhereOr(person+" AND ("+cond+")", a...)
		}
		return q.Where(person+" AND ("+cond+")", a...)
	}
	q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		q = arm(q, false, "?.requester_id = ?", s.UserID)
		q = arm(q, true, "?.affected_id = ?", s.UserID)
		q = arm(q, true, "?.assignee_id = ?", s.UserID)
		if s.Has(TicketViewNetwork) {
			q = arm(q, true, "?.network @> ARRAY[?::bigint]", s.UserID)
		}
		return q
	})
	byRole, byQueue := aggregateParts(s)
	if byRole {
		q = q.Where("NOT (?.allowed_roles && ?::bigint[])", t, pgdialect.Array(s.RoleIDs))
	}
	if byQueue {
		q = q.Where("(?.queue_id IS NULL OR ?.queue_id NOT IN (?))", t, t, bun.In(s.Queues))
	}
	return q
}

// aggregateParts reports which parts of TicketFilter an aggregate keyed by queue and allowed roles
// answers for s.
func aggregateParts(s Subject) (byRole, byQueue bool) {
	return s.Has(TicketViewByRole) && len(s.RoleIDs) > 0, s.Has(TicketViewQueue) && len(s.Queues) > 0
}
