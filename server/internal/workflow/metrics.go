package workflow

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/tickets"
)

// StateMetric is the time tickets spent in one state before leaving it, over the period.
type StateMetric struct {
	StatusID   int64   `json:"status_id" bun:"status_id"`
	Count      int64   `json:"count" bun:"n"`
	AvgSeconds float64 `json:"avg_seconds" bun:"avg_s"`
	P90Seconds float64 `json:"p90_seconds" bun:"p90_s"`
}

// TransitionMetric is how often a transition was taken over the period.
type TransitionMetric struct {
	Key    string `json:"key" bun:"transition_key"`
	NameES string `json:"name_es" bun:"-"`
	NameEN string `json:"name_en" bun:"-"`
	Count  int64  `json:"count" bun:"n"`
}

// OverLimitItem is a ticket that has been in its state longer than the state's limit.
type OverLimitItem struct {
	Ticket       tickets.TicketRef `json:"ticket"`
	StatusID     int64             `json:"status_id"`
	Since        time.Time         `json:"since"`
	LimitMinutes int               `json:"limit_minutes"`
}

// OverLimit is how many tickets the subject sees over their state's limit, and the longest-waiting ones.
type OverLimit struct {
	Count int64           `json:"count"`
	Items []OverLimitItem `json:"items"`
}

// Metrics is a workflow's blueprint metrics.
type Metrics struct {
	From        string             `json:"from"`
	To          string             `json:"to"`
	States      []StateMetric      `json:"states"`
	Transitions []TransitionMetric `json:"transitions"`
	OverLimit   OverLimit          `json:"over_limit"`
}

const (
	maxOverLimit   = 50
	topTransitions = 10
)

// Metrics computes time in state (average and 90th percentile, from the transitions that left each
// state between from and to inclusive), the most frequent transitions, and the tickets over their
// state's limit now.
func (s *Service) Metrics(ctx context.Context, subj access.Subject, id int64, from, to time.Time) (*Metrics, error) {
	if !access.CanSeeWorkflowMetrics(subj) {
		return nil, errs.New(errs.Forbidden, "workflow.metrics_forbidden")
	}
	w, err := s.get(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	end := to.AddDate(0, 0, 1)
	out := &Metrics{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), States: []StateMetric{},
		Transitions: []TransitionMetric{}, OverLimit: OverLimit{Items: []OverLimitItem{}}}
	var rows []StateMetric
	if err := s.DB.NewSelect().Table("ticket_transitions").
		ColumnExpr("from_status_id AS status_id, count(*) AS n").
		ColumnExpr("avg(extract(epoch FROM at - entered_from_at))::float8 AS avg_s").
		ColumnExpr("percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM at - entered_from_at))::float8 AS p90_s").
		Where("workflow_id = ?", id).Where("at >= ?", from).Where("at < ?", end).
		GroupExpr("from_status_id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("workflow: metrics: %w", err)
	}
	byStatus := map[int64]StateMetric{}
	for _, r := range rows {
		byStatus[r.StatusID] = r
	}
	// Every state of the current definition is listed, in its order; states of older versions that
	// tickets left in the period follow.
	seen := map[int64]bool{}
	if w.Definition != nil {
		for _, st := range w.Definition.States {
			m := byStatus[st.StatusID]
			m.StatusID = st.StatusID
			out.States = append(out.States, m)
			seen[st.StatusID] = true
		}
	}
	for _, r := range rows {
		if !seen[r.StatusID] {
			out.States = append(out.States, r)
		}
	}
	var trs []TransitionMetric
	if err := s.DB.NewSelect().Table("ticket_transitions").ColumnExpr("transition_key, count(*) AS n").
		Where("workflow_id = ?", id).Where("at >= ?", from).Where("at < ?", end).
		GroupExpr("transition_key").OrderExpr("n DESC, transition_key").Limit(topTransitions).Scan(ctx, &trs); err != nil {
		return nil, fmt.Errorf("workflow: metrics: %w", err)
	}
	for _, tr := range trs {
		tr.NameES, tr.NameEN = tr.Key, tr.Key
		if w.Definition != nil {
			for _, d := range w.Definition.Transitions {
				if d.Key == tr.Key {
					tr.NameES, tr.NameEN = d.NameES, d.NameEN
				}
			}
		}
		out.Transitions = append(out.Transitions, tr)
	}
	sort.SliceStable(out.Transitions, func(i, j int) bool { return out.Transitions[i].Count > out.Transitions[j].Count })

	// Over the limit: each ticket against the limit of its state in its own version.
	over := s.DB.NewSelect().Model((*tickets.Ticket)(nil)).
		Join("JOIN workflow_versions v ON v.id = t.workflow_version_id").
		Join("CROSS JOIN LATERAL jsonb_array_elements(v.definition -> 'states') AS st").
		Where("v.workflow_id = ?", id).
		Where("(st ->> 'status_id')::bigint = t.status_id").
		Where("jsonb_typeof(st -> 'limit_minutes') = 'number'").
		Where("t.state_entered_at < now() - make_interval(mins => (st ->> 'limit_minutes')::int)")
	over = access.TicketFilter(over, "t", subj)
	n, err := over.Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("workflow: over limit: %w", err)
	}
	out.OverLimit.Count = int64(n)
	var items []struct {
		ID             int64     `bun:"id"`
		Number         int64     `bun:"number"`
		Subject        string    `bun:"subject"`
		StatusID       int64     `bun:"status_id"`
		StateEnteredAt time.Time `bun:"state_entered_at"`
		Limit          int       `bun:"limit_minutes"`
	}
	if err := over.ColumnExpr("t.id, t.number, t.subject, t.status_id, t.state_entered_at").
		ColumnExpr("(st ->> 'limit_minutes')::int AS limit_minutes").
		OrderExpr("t.state_entered_at, t.id").Limit(maxOverLimit).Scan(ctx, &items); err != nil {
		return nil, fmt.Errorf("workflow: over limit: %w", err)
	}
	for _, it := range items {
		out.OverLimit.Items = append(out.OverLimit.Items, OverLimitItem{
			Ticket:   tickets.TicketRef{ID: it.ID, Number: it.Number, Subject: it.Subject},
			StatusID: it.StatusID, Since: it.StateEnteredAt.UTC(), LimitMinutes: it.Limit})
	}
	return out, nil
}
