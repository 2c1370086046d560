// Package dashboard answers the supervisor dashboard's widgets and keeps each user's layout. State
// widgets (open tickets now) read the dashboard_open_counts aggregate the tickets trigger keeps, plus the
// few tickets a user sees outside it; flow widgets (a period) read the tickets of the period from
// covering partial indexes. Neither counts the whole tickets table. The SQL here reads tickets,
// statuses and the catalogs as a read model; who sees what is decided by access.
package dashboard

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/sla"
)

// Service answers widgets and layouts.
type Service struct {
	DB     *bun.DB
	People *people.Store
	SLA    *sla.Service
	// Zone is the desk's time zone, whose days the widgets count (nil: UTC); the database keys its
	// rollups in the same zone (deskday.Use).
	Zone *time.Location
}

// Filter is a widget's filters: the period as the desk's days, each its midnight in the desk's zone (To
// inclusive), and ids (zero: any).
type Filter struct {
	From, To                       time.Time
	QueueID, CategoryID, ChannelID int64
}

// Widget is one widget's numbers, each with the records-table query that lists its tickets.
type Widget struct {
	Key        string       `json:"key"`
	Total      int64        `json:"total"`
	From       string       `json:"from"`
	To         string       `json:"to"`
	Slices     []Slice      `json:"slices,omitempty"`
	Series     []Series     `json:"series,omitempty"`
	Stats      []Stat       `json:"stats,omitempty"`
	Compliance []Compliance `json:"compliance,omitempty"`
	Seq        int64        `json:"seq"`
}

// Slice is one part of a counter widget.
type Slice struct {
	ID       string  `json:"id"`
	Label    string  `json:"label"`
	Color    string  `json:"color,omitempty"`
	Value    int64   `json:"value"`
	Drill    string  `json:"drill"`
	Children []Slice `json:"children,omitempty"`
}

// Series is one line of a trend.
type Series struct {
	ID     string  `json:"id"`
	Label  string  `json:"label"`
	Points []Point `json:"points"`
}

// Point is one day or week of a series.
type Point struct {
	X     string `json:"x"`
	Value int64  `json:"value"`
	Drill string `json:"drill"`
}

// Stat is a time measure over the tickets of a period (wall-clock seconds; nil without tickets).
type Stat struct {
	ID      string   `json:"id"`
	Label   string   `json:"label"`
	Count   int64    `json:"count"`
	MedianS *float64 `json:"median_s"`
	P90S    *float64 `json:"p90_s"`
	Drill   string   `json:"drill"`
}

// Compliance is one SLA clock's results over the period (percent nil without any).
type Compliance struct {
	Clock         string   `json:"clock"`
	Label         string   `json:"label"`
	Met           int64    `json:"met"`
	Breached      int64    `json:"breached"`
	Percent       *float64 `json:"percent"`
	DrillMet      string   `json:"drill_met"`
	DrillBreached string   `json:"drill_breached"`
}

// counters are the widgets over open tickets now (the period does not apply, except to the DONE statuses
// of the status widget).
var counters = map[string]bool{"status": true, "queue": true, "priority": true, "issue_type": true,
	"agent_load": true, "backlog_age": true, "sla": true}

// IsCounter reports whether a widget counts the current state (the others measure a period).
func IsCounter(key string) bool { return counters[key] }

// Get answers one widget for subj.
func (s *Service) Get(ctx context.Context, subj access.Subject, key string, f Filter) (*Widget, error) {
	if !access.IsWidget(key) {
		return nil, errs.New(errs.NotFound, "dashboard.widget_not_found")
	}
	if !access.CanSeeWidget(subj, key) {
		return nil, errs.New(errs.Forbidden, "dashboard.widget_forbidden")
	}
	r := &run{s: s, subj: subj, f: f, l: subj.Locale}
	// The seq first: a change after it reaches the client live and makes it ask again.
	seq, err := r.start(ctx)
	if err != nil {
		return nil, err
	}
	w := &Widget{Key: key, From: day(f.From), To: day(f.To), Seq: seq}
	switch key {
	case "status":
		err = r.status(ctx, w)
	case "queue":
		err = r.queue(ctx, w)
	case "priority":
		err = r.priority(ctx, w)
	case "issue_type":
		err = r.issueType(ctx, w)
	case "agent_load":
		err = r.agentLoad(ctx, w)
	case "backlog_age":
		err = r.backlogAge(ctx, w)
	case "sla":
		err = r.sla(ctx, w)
	case "response_times":
		err = r.responseTimes(ctx, w)
	case "created_resolved":
		err = r.createdResolved(ctx, w)
	case "top_typifications":
		err = r.topTypifications(ctx, w)
	}
	if err != nil {
		return nil, err
	}
	if w.Slices != nil && key != "sla" {
		w.Total = 0
		for _, sl := range w.Slices {
			w.Total += sl.Value
		}
	}
	return w, nil
}

// together runs a and b at once, each on its own connection, and returns their errors joined: the parts
// of a widget that do not depend on each other answer in the time of the slower one.
func together(a, b func() error) error {
	var errB error
	done := make(chan struct{})
	go func() {
		defer close(done)
		errB = b()
	}()
	errA := a()
	<-done
	return errors.Join(errA, errB)
}

// run is one widget's answer in the making.
type run struct {
	s    *Service
	subj access.Subject
	f    Filter
	l    i18n.Locale
	open []int64 // the open statuses, read by start for who counts tickets outside the rollups
}

func day(t time.Time) string { return deskday.Format(t) }

// drill builds a records-table query string: the widget's filters, then the pairs given (in order; a
// pair whose name is a filter replaces it).
func (r *run) drill(pairs ...string) string {
	type kv struct{ k, v string }
	var out []kv
	set := func(k, v string) {
		for i := range out {
			if out[i].k == k {
				out[i].v = v
				return
			}
		}
		out = append(out, kv{k, v})
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		set(pairs[i], pairs[i+1])
	}
	if r.f.QueueID != 0 {
		set("queue", strconv.FormatInt(r.f.QueueID, 10))
	}
	if r.f.CategoryID != 0 {
		set("category", strconv.FormatInt(r.f.CategoryID, 10))
	}
	if r.f.ChannelID != 0 {
		set("channel", strconv.FormatInt(r.f.ChannelID, 10))
	}
	parts := make([]string, len(out))
	for i, p := range out {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// t is a message in the user's language.
func (r *run) t(key string) string { return i18n.T(r.l, "dashboard."+key, nil) }

func (r *run) name(es, en string) string {
	if r.l == i18n.EN {
		return en
	}
	return es
}

// ticketFilters adds the widget's id filters to a query over tickets aliased t.
func (r *run) ticketFilters(q *bun.SelectQuery) *bun.SelectQuery { return r.idFilters(q, "t") }

// idFilters adds the widget's id filters (queue, category, channel) to a query over a table aliased alias
// that has those columns.
func (r *run) idFilters(q *bun.SelectQuery, alias string) *bun.SelectQuery {
	a := bun.Ident(alias)
	if r.f.QueueID != 0 {
		q = q.Where("?.queue_id = ?", a, r.f.QueueID)
	}
	if r.f.CategoryID != 0 {
		q = q.Where("?.category_id = ?", a, r.f.CategoryID)
	}
	if r.f.ChannelID != 0 {
		q = q.Where("?.channel_id = ?", a, r.f.ChannelID)
	}
	return q
}

// coarse reports whether the filters leave out category and channel, so that the rollups keyed by queue
// and allowed roles alone (dashboard_open_totals, dashboard_day_counts) answer them.
func (r *run) coarse() bool { return r.f.CategoryID == 0 && r.f.ChannelID == 0 }

// aggregateFilters adds the widget's filters to a query over an aggregate aliased a (the category and the
// channel only when the aggregate has them: the fine one) and keeps the rows subj may count.
func (r *run) aggregateFilters(q *bun.SelectQuery) *bun.SelectQuery {
	return access.OpenCountsFilter(r.idFilters(q, "a"), "a", r.subj)
}

// openAggregate reads one dimension of the open-ticket aggregates: dashboard_open_totals when the filters
// allow, else dashboard_open_counts. Its columns are val and n, then with byCategory the category as cat.
func (r *run) openAggregate(dim string, byCategory bool) *bun.SelectQuery {
	if !r.coarse() {
		q := r.s.DB.NewSelect().TableExpr("dashboard_open_counts AS a").ColumnExpr("a.val, sum(a.n) AS n").
			Where("a.dim = ?", dim).GroupExpr("a.val")
		if byCategory {
			q = q.ColumnExpr("a.category_id AS cat").GroupExpr("a.category_id")
		}
		return r.aggregateFilters(q)
	}
	q := r.s.DB.NewSelect().TableExpr("dashboard_open_totals AS a").Where("a.dim = ?", dim)
	if byCategory {
		q = q.ColumnExpr("a.val2 AS val, sum(a.n) AS n, a.val AS cat").GroupExpr("a.val, a.val2")
	} else {
		q = q.ColumnExpr("a.val, sum(a.n) AS n").GroupExpr("a.val")
	}
	return r.aggregateFilters(q)
}

// openCounts counts the open tickets subj sees under the filters by one dimension of the aggregate:
// its rows that access.OpenCountsFilter lets subj count, plus the tickets outside them that subj sees
// (access.OutsideOpenCounts, a part per way subj sees a ticket as a person), grouped by ticketExpr, the same dimension over tickets. Keys are "val" or,
// with byCategory, "category/val".
func (r *run) openCounts(ctx context.Context, dim, ticketExpr string, byCategory bool) (map[string]int64, error) {
	type row struct {
		Cat int64 `bun:"cat"`
		Val int64 `bun:"val"`
		N   int64 `bun:"n"`
	}
	var rows []row
	q := r.openAggregate(dim, byCategory)
	if !access.Unfiltered(r.subj) {
		t := func() *bun.SelectQuery {
			t := r.s.DB.NewSelect().TableExpr("tickets AS t").ColumnExpr(ticketExpr + " AS val, count(*) AS n").GroupExpr("1")
			if byCategory {
				t = t.ColumnExpr("coalesce(t.category_id, 0) AS cat").GroupExpr("3")
			}
			return r.ticketFilters(t)
		}
		for _, part := range access.OutsideOpenCounts(t, "t", r.subj, r.open) {
			q = q.UnionAll(part)
		}
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("dashboard: open counts: %w", err)
	}
	out := map[string]int64{}
	for _, x := range rows {
		k := strconv.FormatInt(x.Val, 10)
		if byCategory {
			k = strconv.FormatInt(x.Cat, 10) + "/" + k
		}
		out[k] += x.N
	}
	return out, nil
}

// dayCount is a number of tickets on one desk day (a day number) in one status (0 for created).
type dayCount struct {
	Day    int64 `bun:"day"`
	Status int64 `bun:"status"`
	N      int64 `bun:"n"`
}

// periodCounts counts the tickets subj sees under the filters that were created (kind "created", status
// 0) or resolved (kind "resolved", by the status they are in) on each desk day of the period: from the
// dashboard_day_counts rollup and the tickets outside it subj sees when the filters allow, else from the
// period's covering index over tickets.
func (r *run) periodCounts(ctx context.Context, kind string) ([]dayCount, error) {
	col, status := "created_at", "0::bigint"
	if kind == "resolved" {
		col, status = "resolved_at", "t.status_id"
	}
	dayExpr := deskday.SQLDay("t."+col, r.s.Zone)
	var rows []dayCount
	if !r.coarse() {
		q := r.s.DB.NewSelect().TableExpr("tickets AS t").ColumnExpr(dayExpr+" AS day, "+status+" AS status, count(*) AS n").
			Where("t."+col+" >= ?", r.f.From).Where("t."+col+" < ?", r.end()).GroupExpr("1, 2")
		q = access.TicketFilter(r.ticketFilters(q), "t", r.subj)
		if err := q.Scan(ctx, &rows); err != nil {
			return nil, fmt.Errorf("dashboard: %s per day: %w", kind, err)
		}
		return rows, nil
	}
	q := r.s.DB.NewSelect().TableExpr("dashboard_day_counts AS a").ColumnExpr("a.day, a.status_id AS status, sum(a.n) AS n").
		Where("a.kind = ?", kind).Where("a.day >= ?", deskday.Number(r.f.From)).Where("a.day <= ?", deskday.Number(r.f.To)).
		GroupExpr("a.day, a.status_id")
	q = r.aggregateFilters(q)
	if !access.Unfiltered(r.subj) {
		t := func() *bun.SelectQuery {
			return r.ticketFilters(r.s.DB.NewSelect().TableExpr("tickets AS t").
				ColumnExpr(dayExpr + " AS day, " + status + " AS status, count(*) AS n").GroupExpr("1, 2"))
		}
		for _, part := range access.OutsideParts(t, "t", r.subj, "?."+col+" >= ? AND ?."+col+" < ?",
			bun.Ident("t"), r.f.From, bun.Ident("t"), r.end()) {
			q = q.UnionAll(part)
		}
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("dashboard: %s per day: %w", kind, err)
	}
	return rows, nil
}

// start reads the live seq the answer follows from and, in the same round trip for who counts tickets
// outside the rollups, the statuses outside the DONE group.
func (r *run) start(ctx context.Context) (int64, error) {
	if access.Unfiltered(r.subj) {
		return live.LastSeq(ctx, r.s.DB)
	}
	var seq int64
	r.open = []int64{}
	if err := r.s.DB.NewRaw("SELECT "+live.LastSeqExpr+", ARRAY(SELECT id FROM statuses WHERE grp <> 'done')").
		Scan(ctx, &seq, pgdialect.Array(&r.open)); err != nil {
		return 0, fmt.Errorf("dashboard: seq and open statuses: %w", err)
	}
	return seq, nil
}

// entry is a catalog entry as a widget labels it.
type entry struct {
	ID       int64  `bun:"id"`
	NameES   string `bun:"name_es"`
	NameEN   string `bun:"name_en"`
	Color    string `bun:"color"`
	Group    string `bun:"grp"`
	ParentID *int64 `bun:"parent_id"`
	Active   bool   `bun:"active"`
}

// entries reads a catalog's entries in display order.
func (r *run) entries(ctx context.Context, table string) ([]entry, error) {
	var out []entry
	q := r.s.DB.NewSelect().TableExpr(table).ColumnExpr("id, name_es, name_en, active")
	switch table {
	case "statuses":
		q = q.ColumnExpr("color, grp").OrderExpr("CASE grp WHEN 'todo' THEN 0 WHEN 'doing' THEN 1 ELSE 2 END, position, id")
	case "priorities":
		q = q.ColumnExpr("color").OrderExpr("position, id")
	case "categories":
		q = q.ColumnExpr("parent_id").OrderExpr("parent_id NULLS FIRST, position, id")
	default:
		q = q.OrderExpr("position, id")
	}
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("dashboard: %s: %w", table, err)
	}
	return out, nil
}

// catalogSlices makes one slice per entry with tickets (and per active entry without), in display order,
// then a "(none)" slice for tickets without one when there are such.
func (r *run) catalogSlices(es []entry, counts map[string]int64, param string, extra ...string) []Slice {
	out := []Slice{}
	for _, e := range es {
		id := strconv.FormatInt(e.ID, 10)
		n := counts[id]
		if n == 0 && !e.Active {
			continue
		}
		out = append(out, Slice{ID: id, Label: r.name(e.NameES, e.NameEN), Color: e.Color, Value: n,
			Drill: r.drill(append([]string{param, id}, extra...)...)})
	}
	if n := counts["0"]; n != 0 {
		out = append(out, Slice{ID: "none", Label: r.t("none"), Value: n, Drill: r.drill(append([]string{param, "none"}, extra...)...)})
	}
	return out
}

func (r *run) queue(ctx context.Context, w *Widget) error {
	counts, err := r.openCounts(ctx, "queue", "coalesce(t.queue_id, 0)", false)
	if err != nil {
		return err
	}
	es, err := r.entries(ctx, "queues")
	if err != nil {
		return err
	}
	w.Slices = r.catalogSlices(es, counts, "queue", "open", "true")
	return nil
}

func (r *run) priority(ctx context.Context, w *Widget) error {
	counts, err := r.openCounts(ctx, "priority", "t.priority_id", false)
	if err != nil {
		return err
	}
	es, err := r.entries(ctx, "priorities")
	if err != nil {
		return err
	}
	w.Slices = r.catalogSlices(es, counts, "priority", "open", "true")
	return nil
}

// status: open tickets per open status now; for the DONE statuses, the tickets resolved in the period
// that are in that status.
func (r *run) status(ctx context.Context, w *Widget) error {
	// The statuses first: they label the slices, open ones and DONE ones apart.
	es, err := r.entries(ctx, "statuses")
	if err != nil {
		return err
	}
	var open, closed []entry
	for _, e := range es {
		if e.Group == "done" {
			closed = append(closed, e)
		} else {
			open = append(open, e)
		}
	}
	var counts map[string]int64
	var done []dayCount
	err = together(func() (err error) {
		counts, err = r.openCounts(ctx, "status", "t.status_id", false)
		return err
	}, func() (err error) {
		done, err = r.periodCounts(ctx, "resolved")
		return err
	})
	if err != nil {
		return err
	}
	resolved := map[string]int64{}
	for _, d := range done {
		resolved[strconv.FormatInt(d.Status, 10)] += d.N
	}
	w.Slices = append(r.catalogSlices(open, counts, "status", "open", "true"),
		r.catalogSlices(closed, resolved, "status", "resolved_from", day(r.f.From), "resolved_to", day(r.f.To))...)
	return nil
}

// issueType: open tickets per category, each with its subcategories ("(none)" for tickets without).
func (r *run) issueType(ctx context.Context, w *Widget) error {
	counts, err := r.openCounts(ctx, "subcategory", "coalesce(t.subcategory_id, 0)", true)
	if err != nil {
		return err
	}
	es, err := r.entries(ctx, "categories")
	if err != nil {
		return err
	}
	byCat := map[int64]int64{}
	for k, n := range counts {
		cat, _ := strconv.ParseInt(k[:strings.IndexByte(k, '/')], 10, 64)
		byCat[cat] += n
	}
	w.Slices = []Slice{}
	for _, c := range es {
		if c.ParentID != nil {
			continue
		}
		id := strconv.FormatInt(c.ID, 10)
		if byCat[c.ID] == 0 && !c.Active {
			continue
		}
		sl := Slice{ID: id, Label: r.name(c.NameES, c.NameEN), Value: byCat[c.ID], Drill: r.drill("category", id, "open", "true"), Children: []Slice{}}
		for _, s := range es {
			if s.ParentID == nil || *s.ParentID != c.ID {
				continue
			}
			sid := strconv.FormatInt(s.ID, 10)
			n := counts[id+"/"+sid]
			if n == 0 && !s.Active {
				continue
			}
			sl.Children = append(sl.Children, Slice{ID: sid, Label: r.name(s.NameES, s.NameEN), Value: n,
				Drill: r.drill("category", id, "subcategory", sid, "open", "true")})
		}
		if n := counts[id+"/0"]; n != 0 {
			sl.Children = append(sl.Children, Slice{ID: "none", Label: r.t("none"), Value: n,
				Drill: r.drill("category", id, "subcategory", "none", "open", "true")})
		}
		w.Slices = append(w.Slices, sl)
	}
	if n := byCat[0]; n != 0 {
		w.Slices = append(w.Slices, Slice{ID: "none", Label: r.t("none"), Value: n, Drill: r.drill("category", "none", "open", "true")})
	}
	return nil
}

// agentLoad: open tickets per assignee (most loaded first), then the unassigned ones.
func (r *run) agentLoad(ctx context.Context, w *Widget) error {
	counts, err := r.openCounts(ctx, "assignee", "coalesce(t.assignee_id, 0)", false)
	if err != nil {
		return err
	}
	ids := []int64{}
	for k, n := range counts {
		if id, _ := strconv.ParseInt(k, 10, 64); id != 0 && n != 0 {
			ids = append(ids, id)
		}
	}
	refs, err := r.s.People.Refs(ctx, r.s.DB, ids)
	if err != nil {
		return err
	}
	w.Slices = []Slice{}
	for _, id := range ids {
		k := strconv.FormatInt(id, 10)
		w.Slices = append(w.Slices, Slice{ID: k, Label: refs[id].Name, Value: counts[k], Drill: r.drill("assignee", k, "open", "true")})
	}
	sortSlices(w.Slices)
	if n := counts["0"]; n != 0 {
		w.Slices = append(w.Slices, Slice{ID: "unassigned", Label: r.t("unassigned"), Value: n, Drill: r.drill("assignee", "none", "open", "true")})
	}
	return nil
}

// sortSlices orders slices by value, largest first, then by label.
func sortSlices(xs []Slice) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && (xs[j].Value > xs[j-1].Value || (xs[j].Value == xs[j-1].Value && xs[j].Label < xs[j-1].Label)); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// ageBuckets are the backlog's ages in whole desk days since creation: [lo, hi], hi -1 for no bound.
var ageBuckets = []struct {
	id     string
	lo, hi int64
}{{"0", 0, 0}, {"1_2", 1, 2}, {"3_7", 3, 7}, {"8_30", 8, 30}, {"31", 31, -1}}

// backlogAge: open tickets by age. The recent days are read from the aggregate by day; the older ones
// are every open ticket minus those, so that the old days' rows are never read.
func (r *run) backlogAge(ctx context.Context, w *Widget) error {
	today := deskday.Today(r.s.Zone)
	todayN := deskday.Number(today)
	recent, err := r.openCountsSince(ctx, todayN-30)
	if err != nil {
		return err
	}
	all, err := r.openCounts(ctx, "queue", "coalesce(t.queue_id, 0)", false)
	if err != nil {
		return err
	}
	var total, young int64
	for _, n := range all {
		total += n
	}
	vals := make([]int64, len(ageBuckets))
	for d, n := range recent {
		age := max(todayN-d, 0)
		for i, b := range ageBuckets[:4] {
			if age >= b.lo && age <= b.hi {
				vals[i] += n
			}
		}
		young += n
	}
	vals[4] = total - young
	w.Slices = []Slice{}
	for i, b := range ageBuckets {
		pairs := []string{}
		if b.hi >= 0 {
			pairs = append(pairs, "created_from", day(today.AddDate(0, 0, -int(b.hi))))
		}
		if b.lo > 0 {
			pairs = append(pairs, "created_to", day(today.AddDate(0, 0, -int(b.lo))))
		}
		pairs = append(pairs, "open", "true")
		w.Slices = append(w.Slices, Slice{ID: b.id, Label: r.t("age_" + b.id), Value: vals[i], Drill: r.drill(pairs...)})
	}
	return nil
}

// openCountsSince counts the open tickets subj sees created on each desk day number from `from` on.
func (r *run) openCountsSince(ctx context.Context, from int64) (map[int64]int64, error) {
	var rows []struct {
		Val int64 `bun:"val"`
		N   int64 `bun:"n"`
	}
	if err := r.openAggregate("day", false).Where("a.val >= ?", from).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("dashboard: backlog: %w", err)
	}
	out := map[int64]int64{}
	for _, x := range rows {
		out[x.Val] += x.N
	}
	if !access.Unfiltered(r.subj) {
		// Every open ticket of theirs, the days kept here: a bound on the creation instant would be
		// combined by the planner with the whole table's creation index, costing far more than the few
		// hundred open tickets a person has.
		t := func() *bun.SelectQuery {
			return r.ticketFilters(r.s.DB.NewSelect().TableExpr("tickets AS t").
				ColumnExpr(deskday.SQLDay("t.created_at", r.s.Zone) + " AS val, count(*) AS n").
				GroupExpr("1"))
		}
		var own *bun.SelectQuery
		for _, part := range access.OutsideOpenCounts(t, "t", r.subj, r.open) {
			if own == nil {
				own = part
			} else {
				own = own.UnionAll(part)
			}
		}
		rows = rows[:0]
		if own != nil {
			if err := own.Scan(ctx, &rows); err != nil {
				return nil, fmt.Errorf("dashboard: backlog outside: %w", err)
			}
		}
		for _, x := range rows {
			if x.Val >= from {
				out[x.Val] += x.N
			}
		}
	}
	return out, nil
}

// sla: the open tickets whose shown clock runs on track, at risk or breached now, and each clock's
// compliance over the period, from the sla package.
func (r *run) sla(ctx context.Context, w *Widget) error {
	f := sla.WidgetFilter{QueueID: r.f.QueueID, CategoryID: r.f.CategoryID, ChannelID: r.f.ChannelID}
	var counts map[string]int64
	var cs []sla.Compliance
	err := together(func() (err error) {
		counts, err = r.s.SLA.StateCounts(ctx, r.subj, f)
		return err
	}, func() (err error) {
		cs, err = r.s.SLA.CompliancePeriod(ctx, r.subj, f, r.f.From, r.f.To.AddDate(0, 0, 1))
		return err
	})
	if err != nil {
		return err
	}
	w.Slices = []Slice{}
	for _, st := range []string{sla.ShowOnTrack, sla.ShowAtRisk, sla.ShowBreached} {
		w.Slices = append(w.Slices, Slice{ID: st, Label: r.t(st), Value: counts[st], Drill: r.drill("sla_state", st)})
		w.Total += counts[st]
	}
	for _, c := range cs {
		item := Compliance{Clock: c.Clock, Label: r.t(c.Clock), Met: c.Met, Breached: c.Breached,
			DrillMet:      r.drill("sla_clock", c.Clock, "sla_result", sla.ResultMet, "sla_from", day(r.f.From), "sla_to", day(r.f.To)),
			DrillBreached: r.drill("sla_clock", c.Clock, "sla_result", sla.ResultBreached, "sla_from", day(r.f.From), "sla_to", day(r.f.To))}
		if c.Met+c.Breached > 0 {
			p := float64(c.Met*1000/(c.Met+c.Breached)) / 10
			item.Percent = &p
		}
		w.Compliance = append(w.Compliance, item)
	}
	return nil
}
