package sla

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
)

// StartDemo switches on every policy of a freshly seeded desk (the migration writes them inactive) and
// starts the clocks of its open tickets, which the seed writes without running hooks.
func (s *Service) StartDemo(ctx context.Context) error {
	if _, err := s.DB.NewUpdate().Table("sla_policies").Set("active = true").Where("true").Exec(ctx); err != nil {
		return fmt.Errorf("sla: demo: %w", err)
	}
	var ids []int64
	if err := s.DB.NewSelect().Table("tickets").Column("tickets.id").
		Join("JOIN statuses s ON s.id = tickets.status_id").Where("s.grp <> 'done'").
		Where("NOT EXISTS (SELECT 1 FROM sla_clocks k WHERE k.ticket_id = tickets.id)").OrderExpr("tickets.id").
		Scan(ctx, &ids); err != nil {
		return fmt.Errorf("sla: demo: %w", err)
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, id := range ids {
			t, err := s.Tickets.Load(ctx, tx, id, true)
			if err != nil {
				return err
			}
			if _, err := s.evaluate(ctx, tx, access.Subject{}, t, ReasonCreated); err != nil {
				return err
			}
		}
		return nil
	})
}
