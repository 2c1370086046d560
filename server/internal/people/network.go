package people

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
)

// NetworkOf returns the union of the sponsor chains (root down to the person, the person included) of
// the given persons, ascending: a ticket's network, so that a consultant sees it when they are on it.
// The persons' rows are locked FOR SHARE, so a genealogy move either waits for the caller's transaction
// (and then recomputes this ticket) or has committed before (and this reads the new chains).
func NetworkOf(ctx context.Context, db bun.IDB, ids ...*int64) ([]int64, error) {
	var want []int64
	for _, id := range ids {
		if id != nil {
			want = append(want, *id)
		}
	}
	if len(want) == 0 {
		return []int64{}, nil
	}
	var chains []struct {
		Ancestors []int64 `bun:"ancestors,array"`
	}
	if err := db.NewSelect().Table("users").Column("ancestors").Where("id IN (?)", bun.In(want)).
		OrderExpr("id").For("SHARE").Scan(ctx, &chains); err != nil {
		return nil, fmt.Errorf("people: network: %w", err)
	}
	var all []int64
	for _, c := range chains {
		all = append(all, c.Ancestors...)
	}
	return access.SortIDs(all), nil
}
