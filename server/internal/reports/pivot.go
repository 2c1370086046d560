package reports

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
)

// Dims are the pivot's dimensions, in the order the builder offers them.
var Dims = []string{"status", "priority", "queue", "channel", "category", "subcategory", "assignee",
	"created_day", "created_week", "created_month"}

// Measures are the pivot's measures.
var Measures = []string{"count", "first_response_median", "first_response_p90", "resolution_median",
	"resolution_p90", "sla_compliance"}

// Limits of one pivot: members of the rows and of the columns, and days of the period.
const (
	MaxRows       = 200
	MaxCols       = 50
	MaxPeriodDays = 366
	defaultDays   = 30
)

// NoCols is the columns dimension of a pivot without columns.
const NoCols = "none"

// none is the member id of tickets without a value in a dimension.
const none = "none"

// PivotQuery is a pivot request: dimensions, measure, period (the desk's days, inclusive, each its
// midnight in Zone) and filters (0: any).
type PivotQuery struct {
	Rows, Cols string
	Measure    string
	From, To   time.Time
	// Zone is the desk's time zone, whose days the period and the date dimensions count (nil: UTC); the
	// database's desk_zone() is the same (deskday.Use).
	Zone       *time.Location
	QueueID    int64
	CategoryID int64
	ChannelID  int64
}

// Member is one row or column of a pivot.
type Member struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Cell is one number of a pivot: a cell (row and column), a row's or a column's total, or the grand
// total. Value is the measure (null when no ticket of the cell has it); Count is how many tickets the
// cell holds, and Drill is the records-table query that lists exactly them, null when the table has no
// filter for one of the cell's members (tickets without queue, channel, category or subcategory).
type Cell struct {
	Row   *string  `json:"row,omitempty"`
	Col   *string  `json:"col,omitempty"`
	Value *float64 `json:"value"`
	Count int64    `json:"count"`
	Drill *string  `json:"drill"`
}

// Pivot is a pivot table.
type Pivot struct {
	RowsDim   string   `json:"rows_dim"`
	ColsDim   string   `json:"cols_dim"`
	Measure   string   `json:"measure"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Rows      []Member `json:"rows"`
	Cols      []Member `json:"cols"`
	Cells     []Cell   `json:"cells"`
	RowTotals []Cell   `json:"row_totals"`
	ColTotals []Cell   `json:"col_totals"`
	Total     Cell     `json:"total"`
}

func validDim(d string) bool {
	for _, x := range Dims {
		if x == d {
			return true
		}
	}
	return false
}

func validMeasure(m string) bool {
	for _, x := range Measures {
		if x == m {
			return true
		}
	}
	return false
}

// Check refuses a request the pivot cannot answer, naming every bad field, and fills the default period
// (the last 30 days up to today).
func (q *PivotQuery) Check(now time.Time) error {
	bad := errs.New(errs.Invalid, "error.invalid")
	if !validDim(q.Rows) {
		bad.WithField("rows", "report.bad_dim", nil)
	}
	if q.Cols == "" {
		q.Cols = NoCols
	}
	if q.Cols != NoCols && !validDim(q.Cols) {
		bad.WithField("cols", "report.bad_dim", nil)
	} else if q.Cols == q.Rows {
		bad.WithField("cols", "report.same_dim", nil)
	}
	if q.Measure == "" {
		q.Measure = "count"
	}
	if !validMeasure(q.Measure) {
		bad.WithField("measure", "report.bad_measure", nil)
	}
	if q.To.IsZero() {
		q.To = deskday.Start(now.In(deskday.Zone(q.Zone)))
	}
	if q.From.IsZero() {
		q.From = q.To.AddDate(0, 0, -(defaultDays - 1))
	}
	if q.To.Before(q.From) {
		bad.WithField("to", "ticket.date_range", nil)
	} else if deskday.Between(q.From, q.To) >= MaxPeriodDays {
		bad.WithField("to", "report.period_too_long", map[string]any{"max": MaxPeriodDays})
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	return nil
}

// dimExpr is the SQL of a dimension's member id over tickets aliased t: text, null for "none". The date
// members are the desk's days, weeks and months (zone).
func dimExpr(d string, zone *time.Location) string {
	local := "t.created_at AT TIME ZONE " + deskday.SQLZone(zone)
	switch d {
	case "created_day":
		return "to_char(" + local + ", 'YYYY-MM-DD')"
	case "created_week":
		return "to_char(date_trunc('week', " + local + "), 'YYYY-MM-DD')"
	case "created_month":
		return "to_char(" + local + ", 'YYYY-MM')"
	case NoCols:
		return "''"
	}
	return "t." + d + "_id::text"
}

// resolutionMet and resolutionBreached say how a ticket's resolution clock (k) ended: met on time, or
// breached (while running, or met after its due time). Clocks neither met nor breached do not count.
const (
	resolutionBreached = "(k.breached_at IS NOT NULL OR (k.met_at IS NOT NULL AND k.due_at IS NOT NULL AND k.met_at > k.due_at))"
	resolutionMet      = "(k.met_at IS NOT NULL AND NOT " + resolutionBreached + ")"
)

// measureSQL returns the inner query's measured column and the aggregate over it.
func measureSQL(m string) (inner, agg string) {
	switch m {
	case "first_response_median":
		return "extract(epoch FROM t.first_response_at - t.created_at)::float8", "percentile_cont(0.5) WITHIN GROUP (ORDER BY x)"
	case "first_response_p90":
		return "extract(epoch FROM t.first_response_at - t.created_at)::float8", "percentile_cont(0.9) WITHIN GROUP (ORDER BY x)"
	case "resolution_median":
		return "extract(epoch FROM t.resolved_at - t.created_at)::float8", "percentile_cont(0.5) WITHIN GROUP (ORDER BY x)"
	case "resolution_p90":
		return "extract(epoch FROM t.resolved_at - t.created_at)::float8", "percentile_cont(0.9) WITHIN GROUP (ORDER BY x)"
	case "sla_compliance":
		return "CASE WHEN " + resolutionMet + " THEN 1.0 WHEN " + resolutionBreached + " THEN 0.0 END",
			"round((100.0 * avg(x))::numeric, 2)::float8"
	}
	return "NULL::float8", "count(*)::float8"
}

type pivotRow struct {
	R  string   `bun:"r"`
	C  string   `bun:"c"`
	GR int      `bun:"gr"`
	GC int      `bun:"gc"`
	N  int64    `bun:"n"`
	V  *float64 `bun:"v"`
}

// Pivot sums up the tickets created in the period that subj sees, by q's rows and columns, in one
// query: the cells, the rows' and columns' totals and the grand total are grouping sets of it.
func (s *Service) Pivot(ctx context.Context, subj access.Subject, q PivotQuery) (*Pivot, error) {
	if !access.CanSeePivot(subj) {
		return nil, errs.New(errs.Forbidden, "report.forbidden")
	}
	if err := q.Check(time.Now()); err != nil {
		return nil, err
	}
	x, agg := measureSQL(q.Measure)
	inner := s.DB.NewSelect().TableExpr("tickets AS t").
		ColumnExpr(dimExpr(q.Rows, q.Zone)+" AS r").ColumnExpr(dimExpr(q.Cols, q.Zone)+" AS c").ColumnExpr(x+" AS x").
		Where("t.created_at >= ?", q.From).Where("t.created_at < ?", q.To.AddDate(0, 0, 1))
	if q.Measure == "sla_compliance" {
		inner = inner.Join("LEFT JOIN sla_clocks AS k ON k.ticket_id = t.id AND k.clock = 'resolution'")
	}
	for _, f := range []struct {
		col string
		v   int64
	}{{"queue_id", q.QueueID}, {"category_id", q.CategoryID}, {"channel_id", q.ChannelID}} {
		if f.v != 0 {
			inner = inner.Where("t.? = ?", bun.Ident(f.col), f.v)
		}
	}
	inner = access.TicketFilter(inner, "t", subj)
	var rows []pivotRow
	err := s.DB.NewSelect().TableExpr("(?) AS s", inner).
		ColumnExpr("coalesce(r, ?) AS r, coalesce(c, ?) AS c", none, none).
		ColumnExpr("GROUPING(r) AS gr, GROUPING(c) AS gc, count(*) AS n").ColumnExpr(agg+" AS v").
		GroupExpr("GROUPING SETS ((r, c), (r), (c), ())").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("reports: pivot: %w", err)
	}
	return s.assemble(ctx, subj, q, rows)
}

// assemble names the members, orders them and gives every number its drill-down.
func (s *Service) assemble(ctx context.Context, subj access.Subject, q PivotQuery, rows []pivotRow) (*Pivot, error) {
	out := &Pivot{RowsDim: q.Rows, ColsDim: q.Cols, Measure: q.Measure, From: q.From.Format(time.DateOnly),
		To: q.To.Format(time.DateOnly), Rows: []Member{}, Cols: []Member{}, Cells: []Cell{}, RowTotals: []Cell{},
		ColTotals: []Cell{}}
	rowIDs, colIDs := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		if r.GR == 0 {
			rowIDs[r.R] = true
		}
		if r.GC == 0 && q.Cols != NoCols {
			colIDs[r.C] = true
		}
	}
	if len(rowIDs) > MaxRows {
		return nil, errs.InvalidField("rows", "report.too_many_rows", map[string]any{"max": MaxRows, "n": len(rowIDs)})
	}
	if len(colIDs) > MaxCols {
		return nil, errs.InvalidField("cols", "report.too_many_cols", map[string]any{"max": MaxCols, "n": len(colIDs)})
	}
	names, err := s.namer(ctx, subj, q, rowIDs, colIDs)
	if err != nil {
		return nil, err
	}
	out.Rows = names.members(q.Rows, rowIDs)
	if q.Cols != NoCols {
		out.Cols = names.members(q.Cols, colIDs)
	}
	for _, r := range rows {
		rid, cid := r.R, r.C
		cell := Cell{Count: r.N, Value: r.V}
		d := q.baseDrill()
		ok := true
		if r.GR == 0 {
			cell.Row = &rid
			ok = q.addMember(d, q.Rows, rid) && ok
		}
		if r.GC == 0 && q.Cols != NoCols {
			cell.Col = &cid
			ok = q.addMember(d, q.Cols, cid) && ok
		}
		if ok {
			enc := d.Encode()
			cell.Drill = &enc
		}
		switch {
		case r.GR == 0 && r.GC == 0 && q.Cols != NoCols:
			out.Cells = append(out.Cells, cell)
		case r.GR == 0 && r.GC == 1:
			out.RowTotals = append(out.RowTotals, cell)
		case r.GR == 1 && r.GC == 0 && q.Cols != NoCols:
			out.ColTotals = append(out.ColTotals, cell)
		case r.GR == 1 && r.GC == 1:
			out.Total = cell
		}
	}
	if out.Total.Drill == nil && len(rows) == 0 {
		// No ticket at all: the grand total still drills to the (empty) period.
		enc := q.baseDrill().Encode()
		out.Total.Drill = &enc
	}
	order := func(ms []Member) map[string]int {
		m := make(map[string]int, len(ms))
		for i, x := range ms {
			m[x.ID] = i
		}
		return m
	}
	ro, co := order(out.Rows), order(out.Cols)
	sort.SliceStable(out.Cells, func(i, j int) bool {
		a, b := out.Cells[i], out.Cells[j]
		if ro[*a.Row] != ro[*b.Row] {
			return ro[*a.Row] < ro[*b.Row]
		}
		return co[*a.Col] < co[*b.Col]
	})
	sort.SliceStable(out.RowTotals, func(i, j int) bool { return ro[*out.RowTotals[i].Row] < ro[*out.RowTotals[j].Row] })
	sort.SliceStable(out.ColTotals, func(i, j int) bool { return co[*out.ColTotals[i].Col] < co[*out.ColTotals[j].Col] })
	return out, nil
}

// baseDrill is the records-table query of the whole pivot: its period and filters.
func (q PivotQuery) baseDrill() url.Values {
	v := url.Values{}
	v.Set("created_from", q.From.Format(time.DateOnly))
	v.Set("created_to", q.To.Format(time.DateOnly))
	for _, f := range []struct {
		name string
		v    int64
	}{{"queue", q.QueueID}, {"category", q.CategoryID}, {"channel", q.ChannelID}} {
		if f.v != 0 {
			v.Set(f.name, strconv.FormatInt(f.v, 10))
		}
	}
	return v
}

// addMember narrows a drill to one member of a dimension. It reports false when the records table has
// no filter for that member (no queue, channel, category or subcategory).
func (q PivotQuery) addMember(v url.Values, dim, id string) bool {
	switch dim {
	case "created_day", "created_week", "created_month":
		from, to := memberDays(dim, id)
		// Within the period, and within the other date dimension's member when both are dates.
		if cur, err := time.Parse(time.DateOnly, v.Get("created_from")); err == nil && cur.After(from) {
			from = cur
		}
		if cur, err := time.Parse(time.DateOnly, v.Get("created_to")); err == nil && cur.Before(to) {
			to = cur
		}
		v.Set("created_from", from.Format(time.DateOnly))
		v.Set("created_to", to.Format(time.DateOnly))
		return true
	case "assignee":
		v.Set("assignee", id) // "none" is the table's own word for the unassigned
		return true
	}
	if id == none {
		return false
	}
	v.Set(dim, id)
	return true
}

// memberDays is the first and last day of a date member.
func memberDays(dim, id string) (time.Time, time.Time) {
	switch dim {
	case "created_week":
		d, _ := time.Parse(time.DateOnly, id)
		return d, d.AddDate(0, 0, 6)
	case "created_month":
		d, _ := time.Parse("2006-01", id)
		return d, d.AddDate(0, 1, -1)
	}
	d, _ := time.Parse(time.DateOnly, id)
	return d, d
}

// names labels the members of a pivot in the subject's language and knows their order.
type names struct {
	locale i18n.Locale
	label  map[string]map[string]string // dim → id → label
	rank   map[string]map[string]int    // dim → id → position
}

func (s *Service) namer(ctx context.Context, subj access.Subject, q PivotQuery, rowIDs, colIDs map[string]bool) (*names, error) {
	n := &names{locale: subj.Locale, label: map[string]map[string]string{}, rank: map[string]map[string]int{}}
	needs := func(d string) bool { return q.Rows == d || q.Cols == d }
	add := func(dim string, id int64, es, en string) {
		if n.label[dim] == nil {
			n.label[dim], n.rank[dim] = map[string]string{}, map[string]int{}
		}
		k := strconv.FormatInt(id, 10)
		n.label[dim][k] = es
		if subj.Locale == i18n.EN {
			n.label[dim][k] = en
		}
		n.rank[dim][k] = len(n.rank[dim])
	}
	if needs("status") || needs("priority") || needs("queue") || needs("channel") || needs("category") || needs("subcategory") {
		cats, err := s.Catalog.All(ctx, subj)
		if err != nil {
			return nil, err
		}
		n.fromCatalog(cats, add)
	}
	if needs("assignee") {
		ids := []int64{}
		for _, set := range []map[string]bool{rowIDs, colIDs} {
			for k := range set {
				if id, err := strconv.ParseInt(k, 10, 64); err == nil {
					ids = append(ids, id)
				}
			}
		}
		m, err := s.People.Names(ctx, s.DB, ids)
		if err != nil {
			return nil, err
		}
		sort.Slice(ids, func(i, j int) bool {
			if m[ids[i]] != m[ids[j]] {
				return m[ids[i]] < m[ids[j]]
			}
			return ids[i] < ids[j]
		})
		for _, id := range ids {
			add("assignee", id, m[id], m[id])
		}
	}
	return n, nil
}

func (n *names) fromCatalog(c *catalog.Catalogs, add func(string, int64, string, string)) {
	for _, x := range c.Statuses {
		add("status", x.ID, x.NameES, x.NameEN)
	}
	for _, x := range c.Priorities {
		add("priority", x.ID, x.NameES, x.NameEN)
	}
	for _, x := range c.Queues {
		add("queue", x.ID, x.NameES, x.NameEN)
	}
	for _, x := range c.Channels {
		add("channel", x.ID, x.NameES, x.NameEN)
	}
	for _, x := range c.Categories {
		if x.ParentID == nil {
			add("category", x.ID, x.NameES, x.NameEN)
		} else {
			add("subcategory", x.ID, x.NameES, x.NameEN)
		}
	}
}

// members lists a dimension's members found in the data, in the dimension's order: catalog order, the
// assignees by name, dates ascending; "none" last.
func (n *names) members(dim string, ids map[string]bool) []Member {
	out := make([]Member, 0, len(ids))
	for id := range ids {
		out = append(out, Member{ID: id, Label: n.labelOf(dim, id)})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].ID, out[j].ID
		if (a == none) != (b == none) {
			return b == none
		}
		ra, oka := n.rank[dim][a]
		rb, okb := n.rank[dim][b]
		if oka && okb && ra != rb {
			return ra < rb
		}
		if oka != okb {
			return oka
		}
		return a < b
	})
	return out
}

func (n *names) labelOf(dim, id string) string {
	if id == none {
		if dim == "assignee" {
			return i18n.T(n.locale, "report.unassigned", nil)
		}
		return i18n.T(n.locale, "report.none", nil)
	}
	if l, ok := n.label[dim][id]; ok && l != "" {
		return l
	}
	if dim == "created_week" {
		d, _ := time.Parse(time.DateOnly, id)
		y, w := d.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	}
	if dim == "created_day" || dim == "created_month" {
		return id
	}
	return "#" + id
}
