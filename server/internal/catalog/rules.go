package catalog

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/people"
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
	if before == nil || !slices.Equal(before.RoleIDs, after.RoleIDs) {
		if err := checkRoles(ctx, tx, after.RoleIDs); err != nil {
			return err
		}
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

// checkRoles refuses role ids that are not roles.
func checkRoles(ctx context.Context, tx bun.Tx, ids []int64) error {
	missing, err := people.MissingRoles(ctx, tx, ids)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return errs.InvalidField("role_ids", "catalog.role_not_found", nil)
	}
	return nil
}

// checkQueue checks a queue's roles and supervisors (enabled users who may see a queue's tickets) and,
// when its supervisors change, tells the live connections of those who gain or lose the queue.
func checkQueue(ctx context.Context, tx bun.Tx, before, after *Queue) error {
	if after == nil {
		return nil
	}
	if before == nil || !slices.Equal(before.RoleIDs, after.RoleIDs) {
		if err := checkRoles(ctx, tx, after.RoleIDs); err != nil {
			return err
		}
	}
	var members []int64
	if before != nil {
		members = before.MemberIDs
	}
	if err := checkMembers(ctx, tx, members, after.MemberIDs); err != nil {
		return err
	}
	var was []int64
	if before != nil {
		was = before.SupervisorIDs
	}
	if slices.Equal(was, after.SupervisorIDs) {
		return nil
	}
	store := people.NewStore(tx)
	for _, id := range after.SupervisorIDs {
		if slices.Contains(was, id) {
			continue
		}
		u, err := store.ByIDIn(ctx, tx, id)
		if err != nil {
			return err
		}
		if u == nil || u.DisabledAt != nil {
			return errs.InvalidField("supervisor_ids", "catalog.supervisor_invalid", nil)
		}
		subj, err := people.SubjectIn(ctx, tx, u)
		if err != nil {
			return err
		}
		if !access.CanSuperviseQueues(subj) {
			return errs.Newf(errs.Invalid, "error.invalid", nil).WithField("supervisor_ids", "catalog.supervisor_not_allowed",
				map[string]any{"name": u.Name})
		}
	}
	return live.AppendAccessChanged(ctx, tx, access.SortIDs(append(append([]int64{}, was...), after.SupervisorIDs...)))
}

// checkMembers refuses new queue members who may not be given tickets (access.CanBeAssigned), disabled
// or without a login; members already there stay (their tickets do).
func checkMembers(ctx context.Context, tx bun.Tx, was, now []int64) error {
	store := people.NewStore(tx)
	for _, id := range now {
		if slices.Contains(was, id) {
			continue
		}
		u, err := store.ByIDIn(ctx, tx, id)
		if err != nil {
			return err
		}
		if u == nil || u.DisabledAt != nil || u.PasswordHash == "" {
			return errs.InvalidField("member_ids", "catalog.member_invalid", nil)
		}
		subj, err := people.SubjectIn(ctx, tx, u)
		if err != nil {
			return err
		}
		if !access.CanBeAssigned(subj) {
			return errs.InvalidField("member_ids", "catalog.member_not_allowed", map[string]any{"name": u.Name})
		}
	}
	return nil
}

// recomputeAllowedRoles resets the allowed roles of the tickets matched by where to their queue's and
// typification's roles, as a ticket's queue or typification change does: a new role on a queue reaches
// the queue's tickets, a removed one leaves them. Their versions do not change (no one edited them);
// instead the holders of the roles that changed reload their views.
func recomputeAllowedRoles(ctx context.Context, tx bun.Tx, before, after []int64, where string, args ...any) error {
	if slices.Equal(before, after) {
		return nil
	}
	_, err := tx.NewRaw("UPDATE tickets t SET allowed_roles = "+
		fmt.Sprintf(allowedRolesSQL, "t.queue_id", "t.category_id", "t.subcategory_id")+" WHERE "+where, args...).Exec(ctx)
	if err != nil {
		return fmt.Errorf("catalog: allowed roles: %w", err)
	}
	var changed []int64
	for _, id := range append(append([]int64{}, before...), after...) {
		if slices.Contains(before, id) != slices.Contains(after, id) {
			changed = append(changed, id)
		}
	}
	users, err := people.UsersHolding(ctx, tx, access.SortIDs(changed))
	if err != nil {
		return err
	}
	return live.AppendAccessChanged(ctx, tx, users)
}

func queueRolesChanged(ctx context.Context, tx bun.Tx, before, after *Queue) ([]change, error) {
	return nil, recomputeAllowedRoles(ctx, tx, before.RoleIDs, after.RoleIDs, "t.queue_id = ?", after.ID)
}

func categoryRolesChanged(ctx context.Context, tx bun.Tx, before, after *Category) ([]change, error) {
	return nil, recomputeAllowedRoles(ctx, tx, before.RoleIDs, after.RoleIDs, "t.category_id = ? OR t.subcategory_id = ?", after.ID, after.ID)
}
