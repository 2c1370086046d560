package deskday_test

import (
	"context"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/testutil"
)

func TestDayArithmetic(t *testing.T) {
	bogota, _ := time.LoadLocation("America/Bogota")
	madrid, _ := time.LoadLocation("Europe/Madrid")
	// 02:30 UTC on 5 March is 21:30 on the 4th in Bogotá and 03:30 on the 5th in Madrid.
	at := time.Date(2026, 3, 5, 2, 30, 0, 0, time.UTC)
	if got := deskday.Format(at.In(bogota)); got != "2026-03-04" {
		t.Errorf("Bogotá day %s", got)
	}
	if got := deskday.Format(at.In(madrid)); got != "2026-03-05" {
		t.Errorf("Madrid day %s", got)
	}
	if n := deskday.Number(at.In(bogota)); n != deskday.Number(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Bogotá number %d", n)
	}
	d, err := deskday.Parse("2026-03-29", madrid) // the clocks go forward that night: a 23-hour day
	if err != nil || d.UTC() != time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC) {
		t.Fatalf("parse: %v %v", d, err)
	}
	if next, _ := deskday.Parse("2026-03-30", madrid); next.Sub(d) != 23*time.Hour || deskday.Between(d, next) != 1 {
		t.Errorf("next %v", next)
	}
	if got := deskday.FromNumber(deskday.Number(d), madrid); !got.Equal(d) {
		t.Errorf("from number %v, want %v", got, d)
	}
	if n := deskday.Between(d, d.AddDate(0, 0, 2)); n != 2 {
		t.Errorf("between %d", n)
	}
	if _, err := deskday.Parse("2026-02-30", madrid); err == nil {
		t.Error("30 February parsed")
	}
}

// TestUseRekeysTheRollups: the server starts with the desk's zone (America/Bogota in tests) and the
// rollups count its days; told another zone, the database re-keys them at once, and a second call with
// the same zone changes nothing.
func TestUseRekeysTheRollups(t *testing.T) {
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(testutil.DB(t), redisURL, prefix))
	f := testutil.Seed(t, a, 1)
	ctx := context.Background()
	// 21:30 in Bogotá on 4 March is 02:30 UTC on the 5th.
	if _, err := a.DB.Pool.Exec(ctx, "UPDATE tickets SET created_at = '2026-03-05 02:30:00+00' WHERE id = $1", f.Tickets[0]); err != nil {
		t.Fatal(err)
	}
	day := func() string {
		var d string
		if err := a.DB.Pool.QueryRow(ctx, `SELECT (DATE '1970-01-01' + day::int)::text FROM dashboard_day_counts
			WHERE kind = 'created' AND n > 0`).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := day(); d != "2026-03-04" {
		t.Fatalf("created on %s in the desk's days, want 2026-03-04", d)
	}
	changed, err := deskday.Use(ctx, a.DB.Bun, time.UTC)
	if err != nil || !changed {
		t.Fatalf("use UTC: %v %v", changed, err)
	}
	if d := day(); d != "2026-03-05" {
		t.Fatalf("created on %s in UTC days, want 2026-03-05", d)
	}
	if changed, err := deskday.Use(ctx, a.DB.Bun, time.UTC); err != nil || changed {
		t.Fatalf("use UTC again: %v %v", changed, err)
	}
	if _, err := a.DB.Pool.Exec(ctx, "UPDATE desk_settings SET time_zone = 'Mars/Olympus'"); err == nil {
		t.Error("the database took a zone it does not know")
	}
}
