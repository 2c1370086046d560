// Package deskday is the desk's calendar: the days that dashboards, reports and the records table's day
// filters count, in the desk's time zone (DESK_TIME_ZONE). A day is named YYYY-MM-DD and stands for
// [its midnight, the next midnight) in that zone; in SQL, desk_day(ts) keys the rollups by the same days
// (migration 28), and Use keeps the database's zone equal to the server's.
package deskday

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Zone is loc, or UTC when none is set.
func Zone(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// Start is the midnight that starts t's day, in t's location.
func Start(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// Today is the desk's current day, as its midnight in loc.
func Today(loc *time.Location) time.Time { return Start(time.Now().In(Zone(loc))) }

// Parse reads a day YYYY-MM-DD as the midnight that starts it in loc.
func Parse(v string, loc *time.Location) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, v, Zone(loc))
}

// Format names t's day in t's location.
func Format(t time.Time) string { return t.Format(time.DateOnly) }

// Number is t's calendar day in t's location as days since 1970-01-01: the key desk_day gives in SQL.
func Number(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// FromNumber is the midnight in loc that starts the day Number gives n for.
func FromNumber(n int64, loc *time.Location) time.Time {
	u := time.Unix(n*86400, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, Zone(loc))
}

// Between is the number of days from a's day to b's day (b after a gives a positive count).
func Between(a, b time.Time) int { return int(Number(b) - Number(a)) }

// SQLZone is loc's name as an SQL literal. Queries write it in rather than call desk_zone(), which
// PostgreSQL would run again for every row; Use makes both the same zone.
func SQLZone(loc *time.Location) string {
	return "'" + strings.ReplaceAll(Zone(loc).String(), "'", "''") + "'"
}

// SQLDay is the SQL of the day number (Number) of the timestamptz expression col in loc: desk_day(col)
// without a call per row.
func SQLDay(col string, loc *time.Location) string {
	return "((" + col + " AT TIME ZONE " + SQLZone(loc) + ")::date - DATE '1970-01-01')::bigint"
}

// lockKey serialises two servers starting at once on the zone and the rebuild.
const lockKey = 0x64657364 // "desd"

// Use makes loc the database's calendar. When the zone changes (the first start after migration 28, or a
// new DESK_TIME_ZONE), the rollups keyed by day are rebuilt in the same transaction, so that no count
// is ever read in a mix of two calendars. It reports whether it changed anything.
func Use(ctx context.Context, db bun.IDB, loc *time.Location) (bool, error) {
	name := Zone(loc).String()
	changed := false
	err := db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", lockKey); err != nil {
			return err
		}
		res, err := tx.NewUpdate().Table("desk_settings").Set("time_zone = ?", name).
			Where("time_zone IS DISTINCT FROM ?", name).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		_, err = tx.ExecContext(ctx, "SELECT dashboard_rebuild()")
		return err
	})
	if err != nil {
		return false, fmt.Errorf("deskday: use %s: %w", name, err)
	}
	return changed, nil
}
