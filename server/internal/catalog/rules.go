package catalog

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/errs"
)

// checkStatus keeps the board workable: new tickets need an active TO DO status, and a status holding
// tickets cannot disappear from the board under them.
func checkStatus(ctx context.Context, tx bun.Tx, before, after *Status) error {
	if before == nil {
		return nil
	}
	leavesToDo := after == nil || !after.Active || after.Group != ToDo
	if before.Active && before.Group == ToDo && leavesToDo {
		n, err := tx.NewSelect().Model((*Status)(nil)).Where("active").Where("grp = ?", string(ToDo)).
			Where("id <> ?", before.ID).Count(ctx)
		if err != nil {
			return fmt.Errorf("catalog: todo statuses: %w", err)
		}
		if n == 0 && after == nil {
			return errs.New(errs.Conflict, "catalog.last_todo") // a deletion conflicts; an edit is bad input
		}
		if n == 0 {
			return errs.New(errs.Invalid, "catalog.last_todo")
		}
	}
	if after != nil && before.Active && !after.Active {
		n, err := tx.NewSelect().Table("tickets").Where("status_id = ?", before.ID).Count(ctx)
		if err != nil {
			return fmt.Errorf("catalog: status tickets: %w", err)
		}
		if n > 0 {
			return errs.Newf(errs.Conflict, "catalog.status_has_tickets", map[string]any{"count": n})
		}
	}
	return nil
}

// checkCategory keeps the typification two levels deep: a subcategory hangs from an active top-level
// category, a category with subcategories stays top-level, and a category tickets use keeps its place
// in the tree (their category and subcategory would no longer match).
func checkCategory(ctx context.Context, tx bun.Tx, before, after *Category) error {
	if after == nil {
		n, err := children(ctx, tx, before.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return errs.Newf(errs.Conflict, "catalog.has_subcategories", map[string]any{"count": n})
		}
		return nil
	}
	moved := before == nil || !sameID(before.ParentID, after.ParentID)
	if !moved {
		return nil
	}
	if after.ParentID != nil {
		parent := new(Category)
		err := tx.NewSelect().Model(parent).Where("id = ?", *after.ParentID).Scan(ctx)
		if err != nil && !isNoRows(err) {
			return fmt.Errorf("catalog: parent: %w", err)
		}
		if err != nil || !parent.Active || parent.ParentID != nil || (before != nil && parent.ID == before.ID) {
			return errs.InvalidField("parent_id", "catalog.parent_invalid", nil)
		}
		if before != nil {
			n, err := children(ctx, tx, before.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				return errs.InvalidField("parent_id", "catalog.parent_has_children", nil)
			}
		}
	}
	if before != nil {
		counts, err := usage(ctx, tx, Categories, []int64{before.ID})
		if err != nil {
			return err
		}
		if n := counts[before.ID]; n > 0 {
			return errs.Newf(errs.Conflict, "catalog.parent_in_use", map[string]any{"count": n})
		}
	}
	return nil
}

func children(ctx context.Context, tx bun.Tx, id int64) (int64, error) {
	n, err := tx.NewSelect().Model((*Category)(nil)).Where("parent_id = ?", id).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("catalog: subcategories: %w", err)
	}
	return n, nil
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
