package automation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// RuleInput is the body of POST /automation-rules and (with Version) PUT /automation-rules/{id}.
type RuleInput struct {
	Name       string      `json:"name" validate:"required"`
	Active     *bool       `json:"active" validate:"required"`
	OnCreate   *bool       `json:"on_create" validate:"required"`
	OnUpdate   *bool       `json:"on_update" validate:"required"`
	Match      string      `json:"match" validate:"required,oneof=all any"`
	Conditions []Condition `json:"conditions"`
	Actions    []Action    `json:"actions"`
}

// RuleUpdate is the body of PUT /automation-rules/{id}: the whole rule and the version it is based on.
type RuleUpdate struct {
	Name       string      `json:"name" validate:"required"`
	Active     *bool       `json:"active" validate:"required"`
	OnCreate   *bool       `json:"on_create" validate:"required"`
	OnUpdate   *bool       `json:"on_update" validate:"required"`
	Match      string      `json:"match" validate:"required,oneof=all any"`
	Conditions []Condition `json:"conditions"`
	Actions    []Action    `json:"actions"`
	Version    int64       `json:"version" validate:"required,gte=1"`
}

func (u RuleUpdate) input() RuleInput {
	return RuleInput{Name: u.Name, Active: u.Active, OnCreate: u.OnCreate, OnUpdate: u.OnUpdate, Match: u.Match,
		Conditions: u.Conditions, Actions: u.Actions}
}

// ReorderRequest is the body of PUT /automation-rules/order: every rule's id, in the new order.
type ReorderRequest struct {
	IDs []int64 `json:"ids" validate:"required"`
}

// authorizeManage refuses who may not manage rules and macros.
func authorizeManage(subj access.Subject) error {
	if !access.CanManageAutomation(subj) {
		return errs.New(errs.Forbidden, "automation.forbidden")
	}
	return nil
}

// checkRule checks a rule's body against the database and returns it cleaned.
func (s *Service) checkRule(ctx context.Context, db bun.IDB, in RuleInput) (*Rule, error) {
	c := s.newChecker(ctx, db)
	r := &Rule{Name: c.name("name", in.Name, 80), Active: *in.Active, OnCreate: *in.OnCreate, OnUpdate: *in.OnUpdate,
		Match: in.Match}
	if !r.OnCreate && !r.OnUpdate {
		c.bad("on_create", "automation.trigger_required", nil)
	}
	c.conditions(in.Conditions)
	c.actions(in.Actions, true)
	if err := c.result(); err != nil {
		return nil, err
	}
	r.Conditions, r.Actions = cleanConditions(in.Conditions), cleanActions(in.Actions)
	return r, nil
}

// Rules lists every rule in order.
func (s *Service) Rules(ctx context.Context, subj access.Subject) ([]Rule, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	out := []Rule{}
	if err := s.DB.NewSelect().Model(&out).OrderExpr("position, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("automation: rules: %w", err)
	}
	return out, nil
}

// CreateRule adds a rule at the end of the order.
func (s *Service) CreateRule(ctx context.Context, subj access.Subject, in RuleInput) (*Rule, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	var out *Rule
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := bump(ctx, tx); err != nil {
			return err
		}
		r, err := s.checkRule(ctx, tx, in)
		if err != nil {
			return err
		}
		if err := tx.NewSelect().Model((*Rule)(nil)).ColumnExpr("coalesce(max(position), 0) + 1").Scan(ctx, &r.Position); err != nil {
			return fmt.Errorf("automation: create rule: %w", err)
		}
		r.Version = 1
		if _, err := tx.NewInsert().Model(r).Returning("id, created_at, updated_at").Exec(ctx); err != nil {
			return fmt.Errorf("automation: create rule: %w", err)
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadRule returns a rule locked for the transaction, or not found.
func loadRule(ctx context.Context, tx bun.Tx, id int64) (*Rule, error) {
	r := new(Rule)
	err := tx.NewSelect().Model(r).Where("id = ?", id).For("UPDATE").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "automation.rule_not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("automation: load rule: %w", err)
	}
	return r, nil
}

func staleRule(r *Rule) error {
	e := errs.New(errs.Conflict, "automation.rule_stale")
	e.Current = r
	return e
}

// UpdateRule replaces a rule; a change based on an old version is refused with the current rule.
func (s *Service) UpdateRule(ctx context.Context, subj access.Subject, id int64, in RuleUpdate) (*Rule, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	var out *Rule
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := bump(ctx, tx); err != nil {
			return err
		}
		cur, err := loadRule(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Version != in.Version {
			return staleRule(cur)
		}
		r, err := s.checkRule(ctx, tx, in.input())
		if err != nil {
			return err
		}
		r.ID, r.Position, r.Version, r.CreatedAt = cur.ID, cur.Position, cur.Version+1, cur.CreatedAt
		if _, err := tx.NewUpdate().Model(r).Column("name", "active", "on_create", "on_update", "match", "conditions",
			"actions", "version").Set("updated_at = now()").WherePK().Returning("updated_at").Exec(ctx); err != nil {
			return fmt.Errorf("automation: update rule: %w", err)
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRule deletes a rule at a version; the rules after it move up.
func (s *Service) DeleteRule(ctx context.Context, subj access.Subject, id, version int64) error {
	if err := authorizeManage(subj); err != nil {
		return err
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := bump(ctx, tx); err != nil {
			return err
		}
		cur, err := loadRule(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleRule(cur)
		}
		if _, err := tx.NewDelete().Model(cur).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("automation: delete rule: %w", err)
		}
		if _, err := tx.NewUpdate().Model((*Rule)(nil)).Set("position = position - 1").Where("position > ?", cur.Position).Exec(ctx); err != nil {
			return fmt.Errorf("automation: delete rule: %w", err)
		}
		return nil
	})
}

// ReorderRules puts every rule in the order of ids (which must name each rule once) and returns the list.
func (s *Service) ReorderRules(ctx context.Context, subj access.Subject, req ReorderRequest) ([]Rule, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	var out []Rule
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := bump(ctx, tx); err != nil {
			return err
		}
		var all []Rule
		if err := tx.NewSelect().Model(&all).OrderExpr("position, id").Scan(ctx); err != nil {
			return fmt.Errorf("automation: reorder rules: %w", err)
		}
		byID := make(map[int64]*Rule, len(all))
		for i := range all {
			byID[all[i].ID] = &all[i]
		}
		seen := map[int64]bool{}
		for _, id := range req.IDs {
			if byID[id] == nil || seen[id] {
				return errs.InvalidField("ids", "automation.reorder_set", nil)
			}
			seen[id] = true
		}
		if len(seen) != len(all) {
			return errs.InvalidField("ids", "automation.reorder_set", nil)
		}
		out = make([]Rule, 0, len(all))
		for i, id := range req.IDs {
			r := byID[id]
			if r.Position != i+1 {
				r.Position = i + 1
				if _, err := tx.NewUpdate().Model(r).Column("position").WherePK().Exec(ctx); err != nil {
					return fmt.Errorf("automation: reorder rules: %w", err)
				}
			}
			out = append(out, *r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
