package queue

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// DefaultManager names who gets new tickets of a category (or subcategory) and queue first; a null
// category or queue matches any, and the row with both null is the fallback.
type DefaultManager struct {
	bun.BaseModel `bun:"table:default_managers"`

	ID         int64  `bun:"id,pk,autoincrement" json:"id"`
	CategoryID *int64 `bun:"category_id" json:"category_id"`
	QueueID    *int64 `bun:"queue_id" json:"queue_id"`
	UserID     int64  `bun:"user_id" json:"user_id"`
}

// DefaultManagerList is the body of GET and PUT /default-managers.
type DefaultManagerList struct {
	Items []DefaultManager `json:"items"`
}

// DefaultManagerInput is one row of PUT /default-managers.
type DefaultManagerInput struct {
	CategoryID *int64 `json:"category_id" validate:"omitempty,gte=1"`
	QueueID    *int64 `json:"queue_id" validate:"omitempty,gte=1"`
	UserID     int64  `json:"user_id" validate:"required,gte=1"`
}

// ReplaceManagersRequest replaces every default manager row.
type ReplaceManagersRequest struct {
	Items []DefaultManagerInput `json:"items" validate:"max=500,dive"`
}

// Managers lists the default managers (catalog managers only).
func (s *Service) Managers(ctx context.Context, subj access.Subject) (*DefaultManagerList, error) {
	if !access.CanManageCatalogs(subj) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	return s.managers(ctx, s.DB)
}

func (s *Service) managers(ctx context.Context, db bun.IDB) (*DefaultManagerList, error) {
	out := &DefaultManagerList{Items: []DefaultManager{}}
	if err := db.NewSelect().Model(&out.Items).OrderExpr("category_id NULLS LAST, queue_id NULLS LAST, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("queue: default managers: %w", err)
	}
	return out, nil
}

// ReplaceManagers replaces every default manager row in one transaction; a bad row refuses the whole
// list, naming the row's field (items[2].user_id).
func (s *Service) ReplaceManagers(ctx context.Context, subj access.Subject, req ReplaceManagersRequest) (*DefaultManagerList, error) {
	if !access.CanManageCatalogs(subj) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	var out *DefaultManagerList
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "LOCK TABLE default_managers IN EXCLUSIVE MODE"); err != nil {
			return fmt.Errorf("queue: default managers: %w", err)
		}
		bad := errs.New(errs.Invalid, "error.invalid")
		seen := map[[2]int64]bool{}
		rows := make([]DefaultManager, 0, len(req.Items))
		for i, in := range req.Items {
			field := func(f string) string { return fmt.Sprintf("items[%d].%s", i, f) }
			if in.CategoryID != nil {
				ok, err := tx.NewSelect().Table("categories").Where("id = ?", *in.CategoryID).Exists(ctx)
				if err != nil {
					return fmt.Errorf("queue: default managers: %w", err)
				}
				if !ok {
					bad.WithField(field("category_id"), "queue.default_manager_category", nil)
				}
			}
			if in.QueueID != nil {
				ok, err := tx.NewSelect().Table("queues").Where("id = ?", *in.QueueID).Exists(ctx)
				if err != nil {
					return fmt.Errorf("queue: default managers: %w", err)
				}
				if !ok {
					bad.WithField(field("queue_id"), "queue.default_manager_queue", nil)
				}
			}
			ok, err := assignable(ctx, tx, in.UserID)
			if err != nil {
				return err
			}
			if !ok {
				bad.WithField(field("user_id"), "queue.default_manager_user", nil)
			}
			key := [2]int64{idOr0(in.CategoryID), idOr0(in.QueueID)}
			if seen[key] {
				bad.WithField(field("category_id"), "queue.default_manager_repeated", nil)
			}
			seen[key] = true
			rows = append(rows, DefaultManager{CategoryID: in.CategoryID, QueueID: in.QueueID, UserID: in.UserID})
		}
		if len(bad.Fields) > 0 {
			return bad
		}
		if _, err := tx.NewDelete().Model((*DefaultManager)(nil)).Where("TRUE").Exec(ctx); err != nil {
			return fmt.Errorf("queue: default managers: %w", err)
		}
		if len(rows) > 0 {
			if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
				return fmt.Errorf("queue: default managers: %w", err)
			}
		}
		var err error
		out, err = s.managers(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func idOr0(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
