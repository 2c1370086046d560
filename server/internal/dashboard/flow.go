package dashboard

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/deskday"
)

// The flow widgets measure the tickets of the period, each read from the partial index of its instant
// (first response, resolution, creation), which carries every column they filter by.

// maxWeeklyDays is the longest period shown per day; a longer one is shown per ISO week.
const maxWeeklyDays = 62

// end is the exclusive end of the period.
func (r *run) end() time.Time { return r.f.To.AddDate(0, 0, 1) }

// responseTimes: for the tickets first answered in the period, the seconds from creation to the first
// response; for those resolved in the period, from creation to resolution (wall clock). The two measures
// are exact percentiles over a month of tickets each, so they are computed at once, on two connections.
func (r *run) responseTimes(ctx context.Context, w *Widget) error {
	measures := []struct{ id, col, from, to string }{
		{"first_response", "first_response_at", "responded_from", "responded_to"},
		{"resolution", "resolved_at", "resolved_from", "resolved_to"},
	}
	stats := make([]Stat, len(measures))
	measure := func(i int) error {
		m := measures[i]
		var row struct {
			N      int64    `bun:"n"`
			Median *float64 `bun:"median"`
			P90    *float64 `bun:"p90"`
		}
		secs := "extract(epoch FROM t." + m.col + " - t.created_at)"
		q := r.s.DB.NewSelect().TableExpr("tickets AS t").ColumnExpr("count(*) AS n").
			ColumnExpr("round(percentile_cont(0.5) WITHIN GROUP (ORDER BY "+secs+"))::float8 AS median").
			ColumnExpr("round(percentile_cont(0.9) WITHIN GROUP (ORDER BY "+secs+"))::float8 AS p90").
			Where("t."+m.col+" >= ?", r.f.From).Where("t."+m.col+" < ?", r.end())
		q = access.TicketFilter(r.ticketFilters(q), "t", r.subj)
		if err := q.Scan(ctx, &row); err != nil {
			return fmt.Errorf("dashboard: %s times: %w", m.id, err)
		}
		stats[i] = Stat{ID: m.id, Label: r.t(m.id), Count: row.N, MedianS: row.Median, P90S: row.P90,
			Drill: r.drill(m.from, day(r.f.From), m.to, day(r.f.To))}
		return nil
	}
	if err := together(func() error { return measure(0) }, func() error { return measure(1) }); err != nil {
		return err
	}
	w.Stats = stats
	w.Total = stats[1].Count
	return nil
}

// bucket is one point of a trend: its first and last day within the period.
type bucket struct{ from, to time.Time }

// buckets splits the period into days, or ISO weeks (Monday to Sunday, cut at the period's ends) when it
// is longer than maxWeeklyDays.
func (r *run) buckets() []bucket {
	var out []bucket
	days := deskday.Between(r.f.From, r.f.To) + 1
	if days <= maxWeeklyDays {
		for d := r.f.From; !d.After(r.f.To); d = d.AddDate(0, 0, 1) {
			out = append(out, bucket{d, d})
		}
		return out
	}
	for d := r.f.From; !d.After(r.f.To); {
		wd := (int(d.Weekday()) + 6) % 7 // days since Monday
		sun := d.AddDate(0, 0, 6-wd)
		if sun.After(r.f.To) {
			sun = r.f.To
		}
		out = append(out, bucket{d, sun})
		d = sun.AddDate(0, 0, 1)
	}
	return out
}

// perDay counts the tickets subj sees created or resolved (kind) on each desk day of the period.
func (r *run) perDay(ctx context.Context, kind string) (map[string]int64, error) {
	rows, err := r.periodCounts(ctx, kind)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, x := range rows {
		out[day(deskday.FromNumber(x.Day, r.f.From.Location()))] += x.N
	}
	return out, nil
}

// createdResolved: tickets created and tickets resolved per day (per week over a long period).
func (r *run) createdResolved(ctx context.Context, w *Widget) error {
	bs := r.buckets()
	for _, s := range []struct{ id, from, to string }{
		{"created", "created_from", "created_to"},
		{"resolved", "resolved_from", "resolved_to"},
	} {
		days, err := r.perDay(ctx, s.id)
		if err != nil {
			return err
		}
		series := Series{ID: s.id, Label: r.t(s.id), Points: []Point{}}
		for _, b := range bs {
			var n int64
			for d := b.from; !d.After(b.to); d = d.AddDate(0, 0, 1) {
				n += days[day(d)]
			}
			series.Points = append(series.Points, Point{X: day(b.from), Value: n, Drill: r.drill(s.from, day(b.from), s.to, day(b.to))})
			if s.id == "created" {
				w.Total += n
			}
		}
		w.Series = append(w.Series, series)
	}
	return nil
}

// topTypifications: the ten subcategories with most tickets created in the period.
func (r *run) topTypifications(ctx context.Context, w *Widget) error {
	var rows []struct {
		ID       int64  `bun:"id"`
		ParentID int64  `bun:"parent_id"`
		NameES   string `bun:"name_es"`
		NameEN   string `bun:"name_en"`
		PES      string `bun:"p_es"`
		PEN      string `bun:"p_en"`
		N        int64  `bun:"n"`
	}
	top := r.s.DB.NewSelect().TableExpr("tickets AS t").ColumnExpr("t.subcategory_id AS id, count(*) AS n").
		Where("t.created_at >= ?", r.f.From).Where("t.created_at < ?", r.end()).Where("t.subcategory_id IS NOT NULL").
		GroupExpr("t.subcategory_id").OrderExpr("n DESC, t.subcategory_id").Limit(10)
	top = access.TicketFilter(r.ticketFilters(top), "t", r.subj)
	err := r.s.DB.NewSelect().TableExpr("(?) AS x", top).
		ColumnExpr("x.id, x.n, c.parent_id, c.name_es, c.name_en, p.name_es AS p_es, p.name_en AS p_en").
		Join("JOIN categories AS c ON c.id = x.id").Join("JOIN categories AS p ON p.id = c.parent_id").
		OrderExpr("x.n DESC, x.id").Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("dashboard: top typifications: %w", err)
	}
	w.Slices = []Slice{}
	for _, x := range rows {
		id := strconv.FormatInt(x.ID, 10)
		w.Slices = append(w.Slices, Slice{ID: id, Label: r.name(x.PES, x.PEN) + " › " + r.name(x.NameES, x.NameEN), Value: x.N,
			Drill: r.drill("created_from", day(r.f.From), "created_to", day(r.f.To), "subcategory", id)})
	}
	return nil
}
