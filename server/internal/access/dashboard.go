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
// of s's. OutsideParts is the rest of TicketFilter, so that the two added are exactly the tickets s
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

// OutsideOpenCounts is OutsideParts over tickets (aliased alias) with a status among statusIDs (the open
// ones). The statuses are repeated in each part so that the assignee's (assignee_id, status_id) index reads
// only their open tickets, not every ticket they ever had. Nothing for who sees every ticket, or without
// open statuses.
func OutsideOpenCounts(part func() *bun.SelectQuery, alias string, s Subject, statusIDs []int64) []*bun.SelectQuery {
	if len(statusIDs) == 0 {
		return nil
	}
	return OutsideParts(part, alias, s, "?.status_id IN (?)", bun.Ident(alias), bun.In(statusIDs))
}

// OutsideParts is the rest of TicketFilter for any aggregate keyed by queue and allowed roles: the tickets
// s sees that OpenCountsFilter does not count, among those meeting cond (with its args). It is a list of
// disjoint parts, one per way s sees a ticket as a person (its requester, its affected person, its
// assignee, through their network), each leaving out what an earlier part counts: their counts add up to
// each such ticket once. part makes each part's query (its table, columns and grouping; aliased alias),
// so that each is read from its person's index alone, without the table when the index carries what the
// query reads. Nothing for who sees every ticket.
func OutsideParts(part func() *bun.SelectQuery, alias string, s Subject, cond string, args ...any) []*bun.SelectQuery {
	if s.UserID == 0 || s.Has(TicketViewAll) {
		return nil
	}
	t := bun.Ident(alias)
	persons := []string{"?.requester_id = ?", "?.affected_id = ?", "?.assignee_id = ?"}
	if s.Has(TicketViewNetwork) {
		persons = append(persons, "?.network @> ARRAY[?::bigint]")
	}
	byRole, byQueue := aggregateParts(s)
	out := make([]*bun.SelectQuery, 0, len(persons))
	for i, person := range persons {
		q := part().Where(person, t, s.UserID)
		for _, earlier := range persons[:i] {
			q = q.Where("NOT coalesce("+earlier+", false)", t, s.UserID)
		}
		q = q.Where(cond, args...)
		if byRole {
			q = q.Where("NOT (?.allowed_roles && ?::bigint[])", t, pgdialect.Array(s.RoleIDs))
		}
		if byQueue {
			q = q.Where("(?.queue_id IS NULL OR ?.queue_id NOT IN (?))", t, t, bun.In(s.Queues))
		}
		out = append(out, q)
	}
	return out
}

// aggregateParts reports which parts of TicketFilter an aggregate keyed by queue and allowed roles
// answers for s.
func aggregateParts(s Subject) (byRole, byQueue bool) {
	return s.Has(TicketViewByRole) && len(s.RoleIDs) > 0, s.Has(TicketViewQueue) && len(s.Queues) > 0
}
