package sla

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/jobs"
	"github.com/atiende/atiende/server/internal/tickets"
)

// The moments a clock timer fires.
const (
	EventAtRisk = "at_risk"
	EventBreach = "breach"
)

// ClockTimerArgs is the job that turns one generation of a clock at risk or breached at At.
type ClockTimerArgs struct {
	TicketID   int64     `json:"ticket_id"`
	Clock      string    `json:"clock"`
	Generation int64     `json:"generation"`
	Event      string    `json:"event"`
	At         time.Time `json:"at"`
}

// Kind names the job kind for River.
func (ClockTimerArgs) Kind() string { return "sla_clock" }

// ClockWorker fires clock timers.
type ClockWorker struct {
	river.WorkerDefaults[ClockTimerArgs]
	Service *Service
}

// Work waits for the moment, then fires once.
func (w *ClockWorker) Work(ctx context.Context, j *river.Job[ClockTimerArgs]) error {
	if err := jobs.WaitUntil(ctx, j.Args.At); err != nil {
		return err
	}
	_, err := w.Service.Fire(ctx, j.Args)
	return err
}

// Fire turns a clock at risk or breached if it is still at the generation the timer was set for and
// has not fired: the conditional update lets exactly one of any number of attempts (retries, other
// instances) through. It then records it on the ticket, enqueues the policy's escalations and tells the
// ticket's viewers. It reports whether it fired.
func (s *Service) Fire(ctx context.Context, a ClockTimerArgs) (bool, error) {
	fired := false
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// The ticket is locked first, as every ticket change does, then its clock.
		t, err := s.Tickets.Load(ctx, tx, a.TicketID, true)
		if err != nil || t == nil {
			return err
		}
		col, ev := "at_risk_fired_at", EventAtRisk
		if a.Event == EventBreach {
			col, ev = "breached_at", "breached"
		}
		var c Clock
		err = tx.NewRaw(`UPDATE sla_clocks SET ? = now() WHERE ticket_id = ? AND clock = ? AND generation = ?
			AND state = 'running' AND ? IS NULL RETURNING *`, bun.Ident(col), a.TicketID, a.Clock, a.Generation, bun.Ident(col)).
			Scan(ctx, &c)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sla: fire: %w", err)
		}
		fired = true
		if err := s.record(ctx, tx, access.Subject{}, t.ID, &c, ev, ""); err != nil {
			return err
		}
		// The escalations run in a job of their own, enqueued here: the firing stays short (its moment
		// is the transaction's start, and a long one would hold back the timers behind it), and the
		// escalations run once this commits, retried until they succeed.
		if c.PolicyID != nil {
			p, err := policyByID(ctx, tx, *c.PolicyID)
			if err != nil {
				return err
			}
			if p != nil && p.escalates(a.Event, a.Clock) {
				if _, err := s.Jobs.InsertTx(ctx, tx, EscalateArgs{TicketID: t.ID, PolicyID: p.ID, Clock: a.Clock, Event: a.Event},
					&river.InsertOpts{Queue: jobs.QueueDefault, MaxAttempts: 10}); err != nil {
					return err
				}
			}
		}
		return s.emit(ctx, tx, t)
	})
	return fired, err
}

// escalates reports whether the policy has an escalation for this event of this clock.
func (p *Policy) escalates(on, clock string) bool {
	for _, e := range p.Escalations {
		if e.On == on && (e.Clock == "any" || e.Clock == clock) {
			return true
		}
	}
	return false
}

// EscalateArgs is the job that runs a policy's escalations after a clock turned at risk or breached.
type EscalateArgs struct {
	TicketID int64  `json:"ticket_id"`
	PolicyID int64  `json:"policy_id"`
	Clock    string `json:"clock"`
	Event    string `json:"event"`
}

// Kind names the job kind for River.
func (EscalateArgs) Kind() string { return "sla_escalate" }

// EscalateWorker runs escalations.
type EscalateWorker struct {
	river.WorkerDefaults[EscalateArgs]
	Service *Service
}

// Work runs the escalations in one transaction (all or nothing, so a retry does not repeat half of them).
func (w *EscalateWorker) Work(ctx context.Context, j *river.Job[EscalateArgs]) error {
	s := w.Service
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.Tickets.Load(ctx, tx, j.Args.TicketID, true)
		if err != nil || t == nil {
			return err
		}
		p, err := policyByID(ctx, tx, j.Args.PolicyID)
		if err != nil || p == nil {
			return err
		}
		_, err = s.escalate(ctx, tx, t, p, j.Args.Event, j.Args.Clock)
		return err
	})
}

// escalate runs the policy's escalations for one event of one clock and returns the ticket as it stands.
func (s *Service) escalate(ctx context.Context, tx bun.Tx, t *tickets.Ticket, p *Policy, on, clock string) (*tickets.Ticket, error) {
	title := escalationTitle(t, on, clock)
	for _, e := range p.Escalations {
		if e.On != on || (e.Clock != "any" && e.Clock != clock) {
			continue
		}
		switch e.Action {
		case "notify_supervisors":
			if err := s.notifySupervisors(ctx, tx, t, title); err != nil {
				return nil, err
			}
		case "notify_assignee":
			if t.AssigneeID != nil {
				if err := s.Notifier.NotifyUsers(ctx, tx, &t.ID, []int64{*t.AssigneeID}, NotificationKind, title); err != nil {
					return nil, err
				}
			}
		case "raise_priority":
			var next []int64
			if err := tx.NewRaw(`SELECT n.id FROM priorities n, priorities c WHERE c.id = ? AND n.active AND n.position < c.position
				ORDER BY n.position DESC LIMIT 1`, t.PriorityID).Scan(ctx, &next); err != nil {
				return nil, fmt.Errorf("sla: raise priority: %w", err)
			}
			if len(next) == 0 {
				continue
			}
			nt, err := s.Tickets.ApplyTx(ctx, tx, access.Subject{}, t, tickets.TicketPatch{
				PriorityID: tickets.Optional[int64]{Set: true, Value: next[0]}}, tickets.ApplyOptions{System: true, Source: SourceSLA})
			if err != nil {
				return nil, err
			}
			t = nt
		case "next_queue":
			if t.QueueID == nil || s.NextQueue == nil {
				continue
			}
			next, ok, err := s.NextQueue(ctx, tx, *t.QueueID)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			nt, err := s.Tickets.ApplyTx(ctx, tx, access.Subject{}, t, tickets.TicketPatch{
				QueueID: tickets.Optional[int64]{Set: true, Value: next}, AssigneeID: tickets.Optional[int64]{Set: true, Null: true}},
				tickets.ApplyOptions{System: true, Source: SourceSLA})
			if err != nil {
				return nil, err
			}
			t = nt
		}
	}
	return t, nil
}

func (s *Service) notifySupervisors(ctx context.Context, tx bun.IDB, t *tickets.Ticket, title map[string]string) error {
	if t.QueueID == nil {
		return nil
	}
	var ids []int64
	if err := tx.NewRaw("SELECT supervisor_ids FROM queues WHERE id = ?", *t.QueueID).Scan(ctx, pgdialect.Array(&ids)); err != nil {
		return fmt.Errorf("sla: supervisors: %w", err)
	}
	return s.Notifier.NotifyUsers(ctx, tx, &t.ID, ids, NotificationKind, title)
}

func escalationTitle(t *tickets.Ticket, on, clock string) map[string]string {
	n := strconv.FormatInt(t.Number, 10)
	what := map[string][2]string{
		FirstResponse: {"primera respuesta", "first response"},
		Resolution:    {"resolución", "resolution"},
	}[clock]
	if on == EventAtRisk {
		return map[string]string{
			"es": "SLA en riesgo (" + what[0] + ") en #" + n + ": " + t.Subject,
			"en": "SLA at risk (" + what[1] + ") on #" + n + ": " + t.Subject,
		}
	}
	return map[string]string{
		"es": "SLA incumplido (" + what[0] + ") en #" + n + ": " + t.Subject,
		"en": "SLA breached (" + what[1] + ") on #" + n + ": " + t.Subject,
	}
}

// StateLimitArgs is the job that tells when a ticket stays in a workflow state past its limit.
type StateLimitArgs struct {
	TicketID  int64     `json:"ticket_id"`
	EnteredAt time.Time `json:"entered_at"`
	At        time.Time `json:"at"`
}

// Kind names the job kind for River.
func (StateLimitArgs) Kind() string { return "sla_state_limit" }

// StateLimitWorker fires state-limit timers.
type StateLimitWorker struct {
	river.WorkerDefaults[StateLimitArgs]
	Service *Service
}

// Work waits for the moment, then fires once.
func (w *StateLimitWorker) Work(ctx context.Context, j *river.Job[StateLimitArgs]) error {
	if err := jobs.WaitUntil(ctx, j.Args.At); err != nil {
		return err
	}
	_, err := w.Service.FireStateLimit(ctx, j.Args)
	return err
}

// enterState notes the time limit of the workflow state t just entered (none: the row goes) and
// enqueues its timer.
func (s *Service) enterState(ctx context.Context, tx bun.Tx, t *tickets.Ticket) error {
	// The ticket row holds when it entered the state (set by the database in this transaction). A
	// nested change may already have noted this very entry.
	var entered time.Time
	if err := tx.NewRaw("SELECT state_entered_at FROM tickets WHERE id = ?", t.ID).Scan(ctx, &entered); err != nil {
		return fmt.Errorf("sla: state limit: %w", err)
	}
	if ok, err := tx.NewSelect().Table("sla_state_limits").Where("ticket_id = ?", t.ID).
		Where("entered_at = ?", entered).Where("status_id = ?", t.StatusID).Exists(ctx); err != nil || ok {
		return err
	}
	if _, err := tx.NewDelete().Table("sla_state_limits").Where("ticket_id = ?", t.ID).Exec(ctx); err != nil {
		return fmt.Errorf("sla: state limit: %w", err)
	}
	if t.WorkflowVersionID == nil {
		return nil
	}
	var mins []int
	if err := tx.NewRaw(`SELECT (st ->> 'limit_minutes')::int FROM workflow_versions v,
		jsonb_array_elements(v.definition -> 'states') st
		WHERE v.id = ? AND (st ->> 'status_id')::bigint = ? AND jsonb_typeof(st -> 'limit_minutes') = 'number'`,
		*t.WorkflowVersionID, t.StatusID).Scan(ctx, &mins); err != nil {
		return fmt.Errorf("sla: state limit: %w", err)
	}
	if len(mins) == 0 {
		return nil
	}
	due := entered.Add(time.Duration(mins[0]) * time.Minute)
	if _, err := tx.NewRaw(`INSERT INTO sla_state_limits (ticket_id, status_id, limit_minutes, entered_at, due_at)
		VALUES (?, ?, ?, ?, ?)`, t.ID, t.StatusID, mins[0], entered, due).Exec(ctx); err != nil {
		return fmt.Errorf("sla: state limit: %w", err)
	}
	a := StateLimitArgs{TicketID: t.ID, EnteredAt: entered, At: due}
	_, err := s.Jobs.InsertTx(ctx, tx, a, jobs.TimerOpts(due))
	return err
}

// FireStateLimit records, once, that a ticket is still in the state it entered at a.EnteredAt past the
// state's limit, and tells its assignee and its queue's supervisors.
func (s *Service) FireStateLimit(ctx context.Context, a StateLimitArgs) (bool, error) {
	fired := false
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.Tickets.Load(ctx, tx, a.TicketID, true)
		if err != nil || t == nil {
			return err
		}
		var row struct {
			StatusID     int64     `bun:"status_id"`
			LimitMinutes int       `bun:"limit_minutes"`
			EnteredAt    time.Time `bun:"entered_at"`
		}
		err = tx.NewRaw(`UPDATE sla_state_limits l SET fired_at = now() FROM tickets t
			WHERE l.ticket_id = ? AND t.id = l.ticket_id AND l.entered_at = ? AND l.fired_at IS NULL
			AND t.status_id = l.status_id AND t.state_entered_at = l.entered_at
			RETURNING l.status_id, l.limit_minutes, l.entered_at`, a.TicketID, a.EnteredAt).Scan(ctx, &row)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sla: state limit: %w", err)
		}
		fired = true
		if err := s.Tickets.RecordTx(ctx, tx, access.Subject{}, t.ID, "state_limit", nil, map[string]any{
			"event": "over", "status_id": row.StatusID, "limit_minutes": row.LimitMinutes, "entered_at": row.EnteredAt.UTC()}); err != nil {
			return err
		}
		n := strconv.FormatInt(t.Number, 10)
		title := map[string]string{
			"es": "#" + n + " lleva más de " + strconv.Itoa(row.LimitMinutes) + " min en su estado: " + t.Subject,
			"en": "#" + n + " has been over " + strconv.Itoa(row.LimitMinutes) + " min in its status: " + t.Subject,
		}
		if t.AssigneeID != nil {
			if err := s.Notifier.NotifyUsers(ctx, tx, &t.ID, []int64{*t.AssigneeID}, NotificationKind, title); err != nil {
				return err
			}
		}
		if err := s.notifySupervisors(ctx, tx, t, title); err != nil {
			return err
		}
		return s.emit(ctx, tx, t)
	})
	return fired, err
}

// Register adds the timer workers to the job queue.
func (s *Service) Register(j *jobs.Jobs) {
	jobs.Register(j, &ClockWorker{Service: s})
	jobs.Register(j, &StateLimitWorker{Service: s})
	jobs.Register(j, &EscalateWorker{Service: s})
}
