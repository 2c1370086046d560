package sla

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/tickets"
)

func authorizeManage(subj access.Subject) error {
	if !access.CanManageSLA(subj) {
		return errs.New(errs.Forbidden, "sla.forbidden")
	}
	return nil
}

func authorizeRead(subj access.Subject) error {
	if !access.CanSeeSLAPolicies(subj) {
		return errs.New(errs.Forbidden, "sla.read_forbidden")
	}
	return nil
}

// lockAdmin serialises writes to policies and calendars, so that positions stay dense and a
// recalculation sees the settings it recalculates with.
func lockAdmin(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('atiende.sla', 0))"); err != nil {
		return fmt.Errorf("sla: lock: %w", err)
	}
	return nil
}

func stale(cur any, key string) error {
	e := errs.New(errs.Conflict, key)
	e.Current = cur
	return e
}

// Calendars lists every calendar.
func (s *Service) Calendars(ctx context.Context, subj access.Subject) ([]CalendarRow, error) {
	if err := authorizeRead(subj); err != nil {
		return nil, err
	}
	out := []CalendarRow{}
	if err := s.DB.NewSelect().Model(&out).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: calendars: %w", err)
	}
	for i := range out {
		out[i].fill()
	}
	return out, nil
}

func loadCalendar(ctx context.Context, db bun.IDB, id int64, lock bool) (*CalendarRow, error) {
	var rows []CalendarRow
	q := db.NewSelect().Model(&rows).Where("id = ?", id)
	if lock {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: calendar: %w", err)
	}
	if len(rows) == 0 {
		return nil, errs.New(errs.NotFound, "sla.calendar_not_found")
	}
	rows[0].fill()
	return &rows[0], nil
}

// Calendar returns one calendar.
func (s *Service) Calendar(ctx context.Context, subj access.Subject, id int64) (*CalendarRow, error) {
	if err := authorizeRead(subj); err != nil {
		return nil, err
	}
	return loadCalendar(ctx, s.DB, id, false)
}

// CreateCalendar adds a calendar.
func (s *Service) CreateCalendar(ctx context.Context, subj access.Subject, in CalendarInput) (*CalendarRow, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	row, err := checkCalendar(in)
	if err != nil {
		return nil, err
	}
	row.Version = 1
	if _, err := s.DB.NewInsert().Model(row).Returning("id, created_at, updated_at").Exec(ctx); err != nil {
		return nil, fmt.Errorf("sla: create calendar: %w", err)
	}
	row.fill()
	return row, nil
}

// UpdateCalendar replaces a calendar at a version and recalculates the clocks that run on it.
func (s *Service) UpdateCalendar(ctx context.Context, subj access.Subject, id int64, in CalendarInput) (*CalendarRow, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	if in.Version < 1 {
		return nil, errs.InvalidField("version", "field.required", nil)
	}
	row, err := checkCalendar(in)
	if err != nil {
		return nil, err
	}
	var out *CalendarRow
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockAdmin(ctx, tx); err != nil {
			return err
		}
		cur, err := loadCalendar(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cur.Version != in.Version {
			return stale(cur, "sla.calendar_stale")
		}
		var pids []int64
		if err := tx.NewSelect().Table("sla_policies").Column("id").Where("calendar_id = ?", id).Scan(ctx, &pids); err != nil {
			return fmt.Errorf("sla: update calendar: %w", err)
		}
		return s.reapply(ctx, tx, subj, pids, func() error {
			row.ID, row.Version, row.CreatedAt = id, cur.Version+1, cur.CreatedAt
			if _, err := tx.NewUpdate().Model(row).Column("name_es", "name_en", "time_zone", "hours", "holidays", "version").
				Set("updated_at = now()").WherePK().Returning("updated_at").Exec(ctx); err != nil {
				return fmt.Errorf("sla: update calendar: %w", err)
			}
			row.fill()
			out = row
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteCalendar deletes a calendar no policy uses.
func (s *Service) DeleteCalendar(ctx context.Context, subj access.Subject, id, version int64) error {
	if err := authorizeManage(subj); err != nil {
		return err
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockAdmin(ctx, tx); err != nil {
			return err
		}
		cur, err := loadCalendar(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return stale(cur, "sla.calendar_stale")
		}
		used, err := tx.NewSelect().Table("sla_policies").Where("calendar_id = ?", id).Exists(ctx)
		if err != nil {
			return fmt.Errorf("sla: delete calendar: %w", err)
		}
		if used {
			return errs.New(errs.Invalid, "sla.calendar_in_use")
		}
		if _, err := tx.NewDelete().Table("sla_calendars").Where("id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("sla: delete calendar: %w", err)
		}
		return nil
	})
}

// Policies lists every policy in the order they are tried.
func (s *Service) Policies(ctx context.Context, subj access.Subject) ([]Policy, error) {
	if err := authorizeRead(subj); err != nil {
		return nil, err
	}
	out := []Policy{}
	if err := s.DB.NewSelect().Model(&out).OrderExpr("position, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: policies: %w", err)
	}
	for i := range out {
		out[i].fill()
	}
	return out, nil
}

func loadPolicy(ctx context.Context, db bun.IDB, id int64, lock bool) (*Policy, error) {
	var rows []Policy
	q := db.NewSelect().Model(&rows).Where("id = ?", id)
	if lock {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: policy: %w", err)
	}
	if len(rows) == 0 {
		return nil, errs.New(errs.NotFound, "sla.policy_not_found")
	}
	rows[0].fill()
	return &rows[0], nil
}

// Policy returns one policy.
func (s *Service) Policy(ctx context.Context, subj access.Subject, id int64) (*Policy, error) {
	if err := authorizeRead(subj); err != nil {
		return nil, err
	}
	return loadPolicy(ctx, s.DB, id, false)
}

// CreatePolicy adds a policy at the end of the order. It applies to tickets created or changed from now.
func (s *Service) CreatePolicy(ctx context.Context, subj access.Subject, in PolicyInput) (*Policy, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	var out *Policy
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockAdmin(ctx, tx); err != nil {
			return err
		}
		p, err := checkPolicy(ctx, tx, in)
		if err != nil {
			return err
		}
		if err := tx.NewSelect().Table("sla_policies").ColumnExpr("coalesce(max(position), 0) + 1").Scan(ctx, &p.Position); err != nil {
			return fmt.Errorf("sla: create policy: %w", err)
		}
		p.Version = 1
		if _, err := tx.NewInsert().Model(p).Returning("id, created_at, updated_at").Exec(ctx); err != nil {
			return fmt.Errorf("sla: create policy: %w", err)
		}
		p.fill()
		out = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdatePolicy replaces a policy at a version and, in the same transaction, recalculates the clocks of
// the open tickets under it: the business time they used is kept and the new targets, calendar and
// pausing statuses apply (or another policy, when this one no longer matches), each recorded on its ticket.
func (s *Service) UpdatePolicy(ctx context.Context, subj access.Subject, id int64, in PolicyInput) (*Policy, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	if in.Version < 1 {
		return nil, errs.InvalidField("version", "field.required", nil)
	}
	var out *Policy
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockAdmin(ctx, tx); err != nil {
			return err
		}
		cur, err := loadPolicy(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cur.Version != in.Version {
			return stale(cur, "sla.policy_stale")
		}
		p, err := checkPolicy(ctx, tx, in)
		if err != nil {
			return err
		}
		return s.reapply(ctx, tx, subj, []int64{id}, func() error {
			p.ID, p.Position, p.Version, p.CreatedAt = id, cur.Position, cur.Version+1, cur.CreatedAt
			if _, err := tx.NewUpdate().Model(p).ExcludeColumn("id", "position", "created_at", "updated_at").
				Set("updated_at = now()").WherePK().Returning("updated_at").Exec(ctx); err != nil {
				return fmt.Errorf("sla: update policy: %w", err)
			}
			p.fill()
			out = p
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeletePolicy deletes a policy at a version; the open tickets under it take the next policy that
// matches them, or stop their clocks.
func (s *Service) DeletePolicy(ctx context.Context, subj access.Subject, id, version int64) error {
	if err := authorizeManage(subj); err != nil {
		return err
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockAdmin(ctx, tx); err != nil {
			return err
		}
		cur, err := loadPolicy(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return stale(cur, "sla.policy_stale")
		}
		return s.reapply(ctx, tx, subj, []int64{id}, func() error {
			if _, err := tx.NewDelete().Table("sla_policies").Where("id = ?", id).Exec(ctx); err != nil {
				return fmt.Errorf("sla: delete policy: %w", err)
			}
			_, err := tx.NewUpdate().Table("sla_policies").Set("position = position - 1").Where("position > ?", cur.Position).Exec(ctx)
			return err
		})
	})
}

// OrderRequest is the body of POST /sla/policies/order: every policy's id, in the new order.
type OrderRequest struct {
	IDs []int64 `json:"ids" validate:"required"`
}

// ReorderPolicies puts every policy in the order of ids (which must name each policy once). The new
// order applies to tickets created or changed from now.
func (s *Service) ReorderPolicies(ctx context.Context, subj access.Subject, req OrderRequest) ([]Policy, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	var out []Policy
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockAdmin(ctx, tx); err != nil {
			return err
		}
		var all []Policy
		if err := tx.NewSelect().Model(&all).OrderExpr("position, id").Scan(ctx); err != nil {
			return fmt.Errorf("sla: reorder: %w", err)
		}
		byID := make(map[int64]*Policy, len(all))
		for i := range all {
			byID[all[i].ID] = &all[i]
		}
		seen := map[int64]bool{}
		for _, id := range req.IDs {
			if byID[id] == nil || seen[id] {
				return errs.InvalidField("ids", "sla.order_set", nil)
			}
			seen[id] = true
		}
		if len(seen) != len(all) {
			return errs.InvalidField("ids", "sla.order_set", nil)
		}
		out = make([]Policy, 0, len(all))
		for i, id := range req.IDs {
			p := byID[id]
			if p.Position != i+1 {
				p.Position = i + 1
				if _, err := tx.NewUpdate().Model(p).Column("position").WherePK().Exec(ctx); err != nil {
					return fmt.Errorf("sla: reorder: %w", err)
				}
			}
			p.fill()
			out = append(out, *p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reapply recalculates the open tickets whose clocks count under the policies pids around change, which
// writes the new settings: first their clocks are settled on the calendars they ran on, then change
// runs, then each ticket takes the policy that now matches it, with the new settings.
func (s *Service) reapply(ctx context.Context, tx bun.Tx, subj access.Subject, pids []int64, change func() error) error {
	var ts []tickets.Ticket
	if len(pids) > 0 {
		// Tickets first, in id order, then their clocks: the order every ticket change locks in.
		if err := tx.NewSelect().Model(&ts).Where(`t.id IN (SELECT ticket_id FROM sla_clocks WHERE policy_id IN (?)
			AND state IN ('running', 'paused'))`, bun.In(pids)).OrderExpr("t.id").For("UPDATE OF t").Scan(ctx); err != nil {
			return fmt.Errorf("sla: recalculate: %w", err)
		}
	}
	if len(ts) > 0 {
		ids := make([]int64, len(ts))
		for i := range ts {
			ids[i] = ts[i].ID
		}
		var rows []Clock
		if err := tx.NewSelect().Model(&rows).Where("ticket_id IN (?)", bun.In(ids)).Where("state = 'running'").
			OrderExpr("ticket_id, clock").For("UPDATE").Scan(ctx); err != nil {
			return fmt.Errorf("sla: recalculate: %w", err)
		}
		cals, err := s.calendarsOf(ctx, tx, rows)
		if err != nil {
			return err
		}
		now := nowFn()
		for i := range rows {
			settle(&rows[i], cals.of(rows[i].PolicyID), now)
		}
		if len(rows) > 0 {
			if _, err := tx.NewUpdate().With("_data", tx.NewValues(&rows)).Model((*Clock)(nil)).TableExpr("_data").
				Set("elapsed_s = _data.elapsed_s, since = _data.since").
				Where("k.ticket_id = _data.ticket_id AND k.clock = _data.clock").Exec(ctx); err != nil {
				return fmt.Errorf("sla: recalculate: %w", err)
			}
		}
	}
	if err := change(); err != nil {
		return err
	}
	policies, err := activePolicies(ctx, tx)
	if err != nil {
		return err
	}
	for i := range ts {
		t := &ts[i]
		clocks, err := lockClocks(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		var pol *Policy
		for j := range policies {
			if policies[j].matches(t) {
				pol = &policies[j]
				break
			}
		}
		changed, err := s.apply(ctx, tx, subj, t, clocks, pol, ReasonPolicyChanged, true)
		if err != nil {
			return err
		}
		if changed {
			if err := s.emit(ctx, tx, t); err != nil {
				return err
			}
		}
	}
	return nil
}
