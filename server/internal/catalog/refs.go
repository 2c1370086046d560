package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// RefKind names a catalog that tickets reference.
type RefKind string

// The catalogs a ticket references.
const (
	RefStatuses   RefKind = "statuses"
	RefPriorities RefKind = "priorities"
	RefChannels   RefKind = "channels"
	RefCategories RefKind = "categories"
	RefQueues     RefKind = "queues"
)

// EntryRef is a catalog entry as a ticket's reference checks need it: whether it is active and, for
// categories, its parent (nil for a top-level category).
type EntryRef struct {
	ID       int64  `bun:"id"`
	Key      string `bun:"key"`
	Active   bool   `bun:"active"`
	ParentID *int64 `bun:"parent_id"`
}

func (k RefKind) query(db bun.IDB) (*bun.SelectQuery, error) {
	q := db.NewSelect().Column("id", "key", "active")
	switch k {
	case RefStatuses, RefPriorities, RefChannels, RefQueues:
		q = q.ColumnExpr("NULL::bigint AS parent_id")
	case RefCategories:
		q = q.Column("parent_id")
	default:
		return nil, fmt.Errorf("catalog: unknown reference kind %q", k)
	}
	return q.Table(string(k)), nil
}

// LookupRef returns an entry of a referenced catalog, active or not, or nil when there is none.
func (s *Store) LookupRef(ctx context.Context, db bun.IDB, kind RefKind, id int64) (*EntryRef, error) {
	q, err := kind.query(db)
	if err != nil {
		return nil, err
	}
	return scanRef(ctx, q.Where("id = ?", id))
}

// LookupRefByKey returns an entry of a referenced catalog by its key, or nil.
func (s *Store) LookupRefByKey(ctx context.Context, db bun.IDB, kind RefKind, key string) (*EntryRef, error) {
	q, err := kind.query(db)
	if err != nil {
		return nil, err
	}
	return scanRef(ctx, q.Where("key = ?", key))
}

// DefaultQueue returns the first active queue of level 1, where new tickets land, or nil.
func (s *Store) DefaultQueue(ctx context.Context, db bun.IDB) (*EntryRef, error) {
	q, _ := RefQueues.query(db)
	return scanRef(ctx, q.Where("active").Where("level = 1").OrderExpr("position, id").Limit(1))
}

// FirstStatus returns the first active status of a group in board order, or nil.
func (s *Store) FirstStatus(ctx context.Context, db bun.IDB, g Group) (*EntryRef, error) {
	q, _ := RefStatuses.query(db)
	return scanRef(ctx, q.Where("active").Where("grp = ?", g).OrderExpr("position, id").Limit(1))
}

// ClosingStatus returns where a merged duplicate goes: the `closed` status when active, else the last
// active status of the done group; nil when the done group is empty.
func (s *Store) ClosingStatus(ctx context.Context, db bun.IDB) (*EntryRef, error) {
	q, _ := RefStatuses.query(db)
	return scanRef(ctx, q.Where("active").Where("grp = ?", Done).
		OrderExpr("key = 'closed' DESC, position DESC, id DESC").Limit(1))
}

func scanRef(ctx context.Context, q *bun.SelectQuery) (*EntryRef, error) {
	r := new(EntryRef)
	err := q.Scan(ctx, r)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: lookup: %w", err)
	}
	return r, nil
}

// allowedRolesSQL is the roles a ticket starts with, as an SQL array expression over its queue (%[1]s) and
// typification (%[2]s, %[3]s): the union of the queue's and the categories' roles, ascending. One ticket's
// (AllowedRoles) and a queue's or category's tickets' (recomputeAllowedRoles) come from the same text.
const allowedRolesSQL = `ARRAY(SELECT DISTINCT x FROM (
	SELECT q.role_ids FROM queues q WHERE q.id = %[1]s
	UNION ALL SELECT c.role_ids FROM categories c WHERE c.id IN (%[2]s, %[3]s)) AS r, unnest(r.role_ids) AS x ORDER BY x)`

// AllowedRoles returns the roles a ticket in this queue with this typification starts with.
func (s *Store) AllowedRoles(ctx context.Context, db bun.IDB, queueID, categoryID, subcategoryID *int64) ([]int64, error) {
	ids := []int64{}
	expr := fmt.Sprintf(allowedRolesSQL, "?0::bigint", "?1::bigint", "?2::bigint")
	if err := db.NewRaw("SELECT "+expr, queueID, categoryID, subcategoryID).Scan(ctx, pgdialect.Array(&ids)); err != nil {
		return nil, fmt.Errorf("catalog: allowed roles: %w", err)
	}
	return ids, nil
}
