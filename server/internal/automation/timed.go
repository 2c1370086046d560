package automation

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/jobs"
	"github.com/atiende/atiende/server/internal/tickets"
)

// timedArgs asks to evaluate one rule on one ticket when its "minutes in state" condition can first
// hold: the ticket entered its status at EnteredAt, and the job runs At.
type timedArgs struct {
	RuleID    int64     `json:"rule_id"`
	TicketID  int64     `json:"ticket_id"`
	EnteredAt time.Time `json:"entered_at"`
	At        time.Time `json:"at"`
}

func (timedArgs) Kind() string { return "automation_timed_rule" }

// timedWorker runs timedArgs jobs.
type timedWorker struct {
	river.WorkerDefaults[timedArgs]
	s *Service
}

// RegisterTimed lets rules with a "minutes in state" condition fire when the time passes: Hook schedules
// their timers through j, whose workers evaluate them.
func (s *Service) RegisterTimed(j *jobs.Jobs) {
	s.Jobs = j
	jobs.Register(j, &timedWorker{s: s})
}

// scheduleTimed enqueues, in the change's transaction, one timer per active rule whose "minutes in state
// is more than N" condition can only become true with time, for a ticket that just entered its status.
func (s *Service) scheduleTimed(ctx context.Context, tx bun.Tx, rules []*compiled, c tickets.Change, created bool) error {
	if s.Jobs == nil || (!created && c.Before.StateEnteredAt.Equal(c.After.StateEnteredAt)) {
		return nil
	}
	var params []river.InsertManyParams
	for _, r := range rules {
		if !r.onUpdate && !r.onCreate {
			continue
		}
		for _, cd := range r.conds {
			if cd.field != "minutes_in_state" || cd.op != "gt" {
				continue
			}
			// "More than N minutes" holds from N+1 whole minutes on (minutes are counted whole).
			at := c.After.StateEnteredAt.Add(time.Duration(cd.n+1) * time.Minute)
			params = append(params, river.InsertManyParams{
				Args:       timedArgs{RuleID: r.id, TicketID: c.After.ID, EnteredAt: c.After.StateEnteredAt, At: at},
				InsertOpts: jobs.TimerOpts(at),
			})
		}
	}
	return s.Jobs.InsertManyTx(ctx, tx, params)
}

// Work waits for the moment, then fires the rule if the ticket is still in the status it entered then,
// the rule is still active and all its conditions hold now, once per (rule, ticket, status entry).
func (w *timedWorker) Work(ctx context.Context, j *river.Job[timedArgs]) error {
	a := j.Args
	if err := jobs.WaitUntil(ctx, a.At); err != nil {
		return err
	}
	s := w.s
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.Tickets.Load(ctx, tx, a.TicketID, true)
		if err != nil || t == nil || !t.StateEnteredAt.Equal(a.EnteredAt) {
			return err
		}
		rules, err := s.activeRules(ctx, tx)
		if err != nil {
			return err
		}
		var r *compiled
		for _, x := range rules {
			if x.id == a.RuleID {
				r = x
			}
		}
		if r == nil || !(&view{t: t, now: time.Now()}).matches(r) {
			return nil
		}
		res, err := tx.NewRaw(`INSERT INTO automation_timed_firings (rule_id, ticket_id, entered_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, a.RuleID, a.TicketID, a.EnteredAt).Exec(ctx)
		if err != nil {
			return fmt.Errorf("automation: timed rule: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		// The firing starts a chain of its own, as a change by the system.
		_, err = s.fire(context.WithValue(ctx, chainKey{}, &chain{depth: 1, fired: map[[2]int64]bool{{r.id, t.ID}: true}}),
			tx, access.Subject{}, r, t.ID)
		return err
	})
}
