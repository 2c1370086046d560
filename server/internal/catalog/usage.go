package catalog

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/errs"
)

// ticketColumns are the columns of tickets that refer to each catalog's entries. Kinds without columns
// are not used by tickets (their entries' in_use is 0).
var ticketColumns = map[Kind][]string{
	Statuses:   {"status_id"},
	Priorities: {"priority_id"},
	Channels:   {"channel_id"},
	Categories: {"category_id", "subcategory_id"},
	Queues:     {"queue_id"},
}

type idCount struct {
	ID int64 `bun:"id"`
	N  int64 `bun:"n"`
}

// allUsage counts the tickets using each entry of every catalog. Statuses and priorities come from the
// trigger-kept ticket_counts (a few rows, whatever the number of tickets); the other four columns are
// counted in one pass over tickets with grouping sets.
func allUsage(ctx context.Context, db bun.IDB) (map[Kind]map[int64]int64, error) {
	out := map[Kind]map[int64]int64{}
	for k, col := range map[Kind]string{Statuses: "status_id", Priorities: "priority_id"} {
		var rows []idCount
		err := db.NewSelect().Table("ticket_counts").ColumnExpr("? AS id, sum(n)::bigint AS n", bun.Ident(col)).
			GroupExpr("?", bun.Ident(col)).Scan(ctx, &rows)
		if err != nil {
			return nil, fmt.Errorf("catalog: usage: %w", err)
		}
		out[k] = map[int64]int64{}
		for _, r := range rows {
			out[k][r.ID] = r.N
		}
	}
	var rows []struct {
		Col string `bun:"col"`
		idCount
	}
	err := db.NewRaw(`SELECT col, id, n FROM (
		SELECT CASE WHEN GROUPING(channel_id) = 0 THEN 'channel_id'
				WHEN GROUPING(category_id) = 0 THEN 'category_id'
				WHEN GROUPING(subcategory_id) = 0 THEN 'subcategory_id' ELSE 'queue_id' END AS col,
			coalesce(channel_id, category_id, subcategory_id, queue_id) AS id, count(*) AS n
		FROM tickets GROUP BY GROUPING SETS ((channel_id), (category_id), (subcategory_id), (queue_id))
	) AS u WHERE id IS NOT NULL`).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("catalog: usage: %w", err)
	}
	kindOf := map[string]Kind{"channel_id": Channels, "category_id": Categories, "subcategory_id": Categories, "queue_id": Queues}
	for _, r := range rows {
		k := kindOf[r.Col]
		if out[k] == nil {
			out[k] = map[int64]int64{}
		}
		out[k][r.ID] += r.N
	}
	return out, nil
}

// usage counts the tickets using some entries of a catalog, by entry.
func usage(ctx context.Context, db bun.IDB, k Kind, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	for _, col := range ticketColumns[k] {
		var rows []idCount
		err := db.NewSelect().Table("tickets").ColumnExpr("? AS id, count(*) AS n", bun.Ident(col)).
			Where("? IN (?)", bun.Ident(col), bun.In(ids)).GroupExpr("?", bun.Ident(col)).Scan(ctx, &rows)
		if err != nil {
			return nil, fmt.Errorf("catalog: usage of %s: %w", k, err)
		}
		for _, r := range rows {
			out[r.ID] += r.N
		}
	}
	return out, nil
}

// fillUsage sets the in_use of entries of one catalog.
func fillUsage(ctx context.Context, db bun.IDB, k Kind, es ...Entry) error {
	if len(ticketColumns[k]) == 0 {
		return nil
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.common().ID
	}
	counts, err := usage(ctx, db, k, ids)
	if err != nil {
		return err
	}
	for _, e := range es {
		e.common().InUse = counts[e.common().ID]
	}
	return nil
}

// unused refuses to delete an entry a ticket uses now (with the count) or used before (its history
// names it), and forgets the zero counters a status or priority leaves behind.
func unused(ctx context.Context, tx bun.Tx, k Kind, id int64) error {
	cols := ticketColumns[k]
	if len(cols) == 0 {
		return nil
	}
	counts, err := usage(ctx, tx, k, []int64{id})
	if err != nil {
		return err
	}
	if n := counts[id]; n > 0 {
		return errs.Newf(errs.Conflict, "catalog.in_use", map[string]any{"count": n})
	}
	for _, col := range cols {
		// A ticket's history keeps the ids it went through: one row per changed field, or its creation.
		used, err := tx.NewSelect().Table("ticket_history").
			Where("(field = ? AND (before = to_jsonb(?::bigint) OR after = to_jsonb(?::bigint)))", col, id, id).
			WhereOr("(field = 'created' AND after -> ? = to_jsonb(?::bigint))", col, id).Exists(ctx)
		if err != nil {
			return fmt.Errorf("catalog: history use of %s: %w", k, err)
		}
		if used {
			return errs.New(errs.Conflict, "catalog.was_used")
		}
	}
	if k == Statuses || k == Priorities {
		if _, err := tx.ExecContext(ctx, "DELETE FROM ticket_counts WHERE ? = ? AND n = 0", bun.Ident(cols[0]), id); err != nil {
			return fmt.Errorf("catalog: forget counters: %w", err)
		}
	}
	return nil
}
