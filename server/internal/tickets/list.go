package tickets

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"golang.org/x/text/unicode/norm"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/live"
)

// ListQuery is a request for a page of the records table: filters, text, sort, page size and cursor.
// Zero means "any" for the ids.
type ListQuery struct {
	noCount       bool // an export's later pages: the count is not shown
	StatusID      int64
	PriorityID    int64
	QueueID       int64
	ChannelID     int64
	CategoryID    int64
	SubcategoryID int64
	RequesterID   int64
	AssigneeID    int64
	Unassigned    bool
	CreatedFrom   *time.Time // inclusive
	CreatedTo     *time.Time // exclusive: the day after the last one asked for
	// NoQueue, NoCategory and NoSubcategory ask for tickets without one (queue=none…), as a dashboard's
	// "(none)" slice drills.
	NoQueue       bool
	NoCategory    bool
	NoSubcategory bool
	// Open asks for tickets whose status is not in the DONE group.
	Open bool
	// ResolvedFrom/To and RespondedFrom/To bound resolved_at and first_response_at ([from, to), like
	// CreatedFrom/To).
	ResolvedFrom  *time.Time
	ResolvedTo    *time.Time
	RespondedFrom *time.Time
	RespondedTo   *time.Time
	// SLAState asks for tickets whose shown clock runs in that state now (on_track, at_risk, breached).
	SLAState string
	// SLAClock and SLAResult ask for tickets whose clock was met on time or breached within [SLAFrom,
	// SLATo) (either bound may be nil).
	SLAClock  string
	SLAResult string
	SLAFrom   *time.Time
	SLATo     *time.Time
	Text      string
	Sort      string
	Limit     int
	Cursor    string
}

// ListTotal is how many tickets match, counted up to MaxCount.
type ListTotal struct {
	Count  int  `json:"count"`
	Capped bool `json:"capped"`
}

// TicketList is a page of the records table.
type TicketList struct {
	Items      []Card    `json:"items"`
	NextCursor *string   `json:"next_cursor"`
	Total      ListTotal `json:"total"`
	Seq        int64     `json:"seq"`
}

// MaxCount bounds the count of a list: past it the table says "10 000+".
const MaxCount = 10000

// MaxPartialCount bounds the count for those who see only part of the desk (a consultant's network, an
// agent's roles): their matches are found through several indexes at once and each one counted reads
// its ticket, so the table says "1 000+" past it, as under a word search.
const MaxPartialCount = 1000

// MaxTextCount bounds the count under a word search, which checks every match it counts against the
// words ("1 000+"): a word in one ticket of eight would otherwise cost ~80k rows for the count alone.
const MaxTextCount = 1000

// countCap is the most a list's count goes to.
func countCap(subj access.Subject, ts *searchText) int {
	if ts != nil && len(ts.words) > 0 {
		return MaxTextCount
	}
	if !access.Unfiltered(subj) {
		return MaxPartialCount
	}
	return MaxCount
}

// maxSearchWords bounds the words of a text search.
const maxSearchWords = 8

// sortKey is one allowed order of the records table: its column, direction and keyset.
type sortKey struct {
	column string // "updated_at", "created_at" or "number"
	desc   bool
}

// Sorts are the allowed orders; the default is the most recently changed first.
var sorts = map[string]sortKey{
	"-updated": {"updated_at", true},
	"updated":  {"updated_at", false},
	"-created": {"created_at", true},
	"created":  {"created_at", false},
	"-number":  {"number", true},
	"number":   {"number", false},
}

// DefaultSort is the records table's order when none is asked for.
const DefaultSort = "-updated"

// ValidSort reports whether s is an allowed sort.
func ValidSort(s string) bool { _, ok := sorts[s]; return ok }

// listCursor is the position after the last row of a page, in one sort.
type listCursor struct {
	Sort string    `json:"s"`
	At   time.Time `json:"t,omitzero"`
	N    int64     `json:"n,omitempty"`
	ID   int64     `json:"i"`
}

func (c listCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func badCursor() error {
	return errs.New(errs.Invalid, "board.bad_cursor").WithField("cursor", "board.bad_cursor", nil)
}

func decodeListCursor(s, sort string) (listCursor, error) {
	var c listCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Sort != sort || c.ID <= 0 {
		return c, badCursor()
	}
	if sorts[sort].column == "number" {
		if c.N <= 0 {
			return c, badCursor()
		}
	} else if c.At.IsZero() {
		return c, badCursor()
	}
	return c, nil
}

// searchText is what a text query asks for: a ticket number, or words.
type searchText struct {
	number int64
	words  []string
}

// parseText reads `#123` or a bare number as a ticket number, anything else as words of letters and digits.
func parseText(q string) searchText {
	// Composed form: an accent typed as a combining mark stays part of its letter.
	q = strings.TrimSpace(norm.NFC.String(q))
	if n, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64); err == nil && n > 0 {
		return searchText{number: n}
	}
	return searchText{words: words(q)}
}

// words splits text into words of letters and digits only, so that nothing the user types reaches the
// tsquery syntax.
func words(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(out) == maxSearchWords {
			break
		}
		if r := []rune(w); len(r) > 100 {
			w = string(r[:100])
		}
		out = append(out, strings.ToLower(w))
	}
	return out
}

// tsquery builds `w1 & w2 & w3:*` (every word, the last as a prefix) from words already unaccented,
// keeping only letters and digits of each.
func tsquery(ws []string) string {
	var parts []string
	for _, w := range ws {
		parts = append(parts, words(w)...)
	}
	if len(parts) == 0 {
		return ""
	}
	parts[len(parts)-1] += ":*"
	return strings.Join(parts, " & ")
}

// unaccent removes accents as the search column does (atiende_unaccent), so that "facturacion" finds
// "facturación".
func (s *Service) unaccent(ctx context.Context, ws []string) ([]string, error) {
	out := make([]string, 0, len(ws))
	if len(ws) == 0 {
		return out, nil
	}
	err := s.DB.NewRaw("SELECT atiende_unaccent(w) FROM unnest(?::text[]) WITH ORDINALITY AS x (w, o) ORDER BY o",
		pgdialect.Array(ws)).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("tickets: unaccent: %w", err)
	}
	return out, nil
}

// equalities are the query's id filters: each column leads a (column, updated_at DESC, id DESC) index.
func (lq ListQuery) equalities() []struct {
	col string
	v   int64
} {
	all := []struct {
		col string
		v   int64
	}{{"status_id", lq.StatusID}, {"priority_id", lq.PriorityID}, {"queue_id", lq.QueueID}, {"channel_id", lq.ChannelID},
		{"category_id", lq.CategoryID}, {"subcategory_id", lq.SubcategoryID}, {"requester_id", lq.RequesterID},
		{"assignee_id", lq.AssigneeID}}
	out := all[:0]
	for _, e := range all {
		if e.v != 0 {
			out = append(out, e)
		}
	}
	return out
}

// SLAFilters restricts the records table by SLA clocks; the sla package implements it on the SLASource
// it gives the service, so that tickets does not import sla.
type SLAFilters interface {
	FilterState(q *bun.SelectQuery, alias, state string) *bun.SelectQuery
	FilterResult(q *bun.SelectQuery, alias, clock, result string, from, to *time.Time) *bun.SelectQuery
}

// usesSLA reports whether the query filters by SLA clocks.
func (lq ListQuery) usesSLA() bool { return lq.SLAState != "" || lq.SLAClock != "" }

// ranged reports whether the query bounds a time other than the creation (its page is read through the
// ids of the range, like a creation range).
func (lq ListQuery) timeRanged() bool {
	return lq.ResolvedFrom != nil || lq.ResolvedTo != nil || lq.RespondedFrom != nil || lq.RespondedTo != nil || lq.SLAClock != ""
}

// pinned returns the column whose (column, updated_at DESC, id DESC) index the page must be read from:
// that of the only filter of a list in the order of change, when the subject sees every ticket.
//
// Left to itself, the planner reads such a page from the index on updated_at alone, dropping rows of
// other values, because it believes the values spread evenly over time. They do not (an agent who
// left, a queue closed last year, a status of old tickets): then it would walk most of the index.
// The pinned index reads exactly the page's rows whatever the value.
func (lq ListQuery) pinned(subj access.Subject, key sortKey, ts *searchText) string {
	if key.column != "updated_at" || ts != nil || lq.CreatedFrom != nil || lq.CreatedTo != nil || !access.Unfiltered(subj) ||
		lq.Open || lq.NoQueue || lq.NoCategory || lq.NoSubcategory || lq.timeRanged() || lq.usesSLA() {
		return ""
	}
	eqs := lq.equalities()
	switch {
	case len(eqs) == 1 && !lq.Unassigned:
		return eqs[0].col
	case len(eqs) == 0 && lq.Unassigned:
		return "assignee_id"
	}
	return ""
}

// filter adds the query's filters (not the cursor) to q over tickets aliased t. The pinned column's
// equality is written as a range (the same rows) so that the planner does not drop the column from the
// order (it drops a column compared to a constant) and must read the index it leads.
func (lq ListQuery) filter(s *Service, q *bun.SelectQuery, subj access.Subject, ts *searchText, pin string) *bun.SelectQuery {
	for _, e := range lq.equalities() {
		if e.col == pin {
			q = q.Where("t.? >= ? AND t.? <= ?", bun.Ident(e.col), e.v, bun.Ident(e.col), e.v)
		} else {
			q = q.Where("t.? = ?", bun.Ident(e.col), e.v)
		}
	}
	if lq.Unassigned {
		q = q.Where("t.assignee_id IS NULL")
	}
	if lq.NoQueue {
		q = q.Where("t.queue_id IS NULL")
	}
	if lq.NoCategory {
		q = q.Where("t.category_id IS NULL")
	}
	if lq.NoSubcategory {
		q = q.Where("t.subcategory_id IS NULL")
	}
	if lq.Open {
		q = q.Where("t.status_id IN (SELECT s.id FROM statuses AS s WHERE s.grp <> 'done')")
	}
	between := func(col string, from, to *time.Time) {
		if from != nil {
			q = q.Where("t."+col+" >= ?", *from)
		}
		if to != nil {
			q = q.Where("t."+col+" < ?", *to)
		}
	}
	between("resolved_at", lq.ResolvedFrom, lq.ResolvedTo)
	between("first_response_at", lq.RespondedFrom, lq.RespondedTo)
	if lq.usesSLA() {
		f, _ := s.SLA.(SLAFilters)
		if lq.SLAState != "" {
			q = f.FilterState(q, "t", lq.SLAState)
		}
		if lq.SLAClock != "" {
			q = f.FilterResult(q, "t", lq.SLAClock, lq.SLAResult, lq.SLAFrom, lq.SLATo)
		}
	}
	if lq.CreatedFrom != nil {
		q = q.Where("t.created_at >= ?", *lq.CreatedFrom)
	}
	if lq.CreatedTo != nil {
		q = q.Where("t.created_at < ?", *lq.CreatedTo)
	}
	if ts != nil {
		if ts.number != 0 {
			q = q.Where("t.number = ?", ts.number)
		} else if len(ts.words) > 0 {
			q = q.Where("t.search @@ to_tsquery('simple', ?)", tsquery(ts.words))
		}
	}
	return access.TicketFilter(q, "t", subj)
}

// List returns a page of the records table the subject may see, with the total (up to MaxCount) and the
// live seq the page reflects at least.
func (s *Service) List(ctx context.Context, subj access.Subject, lq ListQuery) (*TicketList, error) {
	if lq.Sort == "" {
		lq.Sort = DefaultSort
	}
	key, ok := sorts[lq.Sort]
	if !ok {
		return nil, errs.InvalidField("sort", "ticket.bad_sort", nil)
	}
	if _, ok := s.SLA.(SLAFilters); lq.usesSLA() && !ok {
		return nil, errs.InvalidField("sla_state", "ticket.no_sla", nil)
	}
	var cur *listCursor
	if lq.Cursor != "" {
		c, err := decodeListCursor(lq.Cursor, lq.Sort)
		if err != nil {
			return nil, err
		}
		cur = &c
	}
	// The seq first: a change after it reaches the client live; one it reflects arrives with a version
	// the client already has.
	seq, err := live.LastSeq(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	var ts *searchText
	if lq.Text != "" {
		st := parseText(lq.Text)
		if st.number == 0 {
			if st.words, err = s.unaccent(ctx, st.words); err != nil {
				return nil, err
			}
			if tsquery(st.words) == "" {
				st.words = nil // only punctuation: no text condition
			}
		}
		ts = &st
	}

	// The page and the count are independent reads: run them side by side.
	var n int
	var countErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if !lq.noCount {
			n, countErr = s.count(ctx, subj, lq, ts)
		}
	}()
	page, pageErr := s.page(ctx, subj, lq, key, cur, ts)
	<-done
	if pageErr != nil {
		return nil, pageErr
	}
	if countErr != nil {
		return nil, countErr
	}
	out := &TicketList{Items: []Card{}, Seq: seq, Total: ListTotal{Count: min(n, countCap(subj, ts)), Capped: n > countCap(subj, ts)}}
	if len(page) > lq.Limit {
		page = page[:lq.Limit]
		last := page[lq.Limit-1]
		c := listCursor{Sort: lq.Sort, ID: last.ID}
		switch key.column {
		case "number":
			c.N = last.Number
		case "created_at":
			c.At = last.CreatedAt.UTC()
		default:
			c.At = last.UpdatedAt.UTC()
		}
		next := c.encode()
		out.NextCursor = &next
	}
	if len(page) > 0 {
		if out.Items, err = s.cards(ctx, s.DB, page); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// cardColumns are the columns a card shows: the page never reads descriptions.
var cardColumns = []string{"id", "number", "subject", "status_id", "priority_id", "assignee_id", "requester_id",
	"channel_id", "category_id", "subcategory_id", "queue_id", "allowed_roles", "rank", "version", "created_at", "updated_at"}

// page reads Limit+1 tickets after the cursor in the sort's order.
func (s *Service) page(ctx context.Context, subj access.Subject, lq ListQuery, key sortKey, cur *listCursor, ts *searchText) ([]Ticket, error) {
	pin := lq.pinned(subj, key, ts)
	dir, cmp, nulls, pinDir := "ASC", ">", "NULLS FIRST", "DESC"
	if key.desc {
		dir, cmp, nulls, pinDir = "DESC", "<", "NULLS LAST", "ASC"
	}
	// A creation range that ends in the past, in the order of change: the planner takes created_at and
	// updated_at for independent and would walk the updated_at index from the newest change, skipping
	// every later ticket. Instead the range's ids are sorted first (an order the updated_at index cannot
	// give: updated_at is never null, so NULLS only hides the index) and only the page's rows are read.
	ranged := pin == "" && key.column == "updated_at" && (lq.CreatedTo != nil || lq.timeRanged())
	q := s.DB.NewSelect().Model((*Ticket)(nil))
	if ranged {
		q = q.Column("t.id")
	} else {
		for _, c := range cardColumns {
			q = q.Column("t." + c)
		}
	}
	q = lq.filter(s, q, subj, ts, pin)
	if cur != nil {
		if key.column == "number" {
			q = q.Where("t.number "+cmp+" ?", cur.N)
		} else {
			q = q.Where("(t.?, t.id) "+cmp+" (?, ?)", bun.Ident(key.column), cur.At, cur.ID)
		}
	}
	switch {
	case pin != "":
		// The index's own order (its column is one value here): forwards for the newest change first.
		q = q.OrderExpr("t.? "+pinDir+", t.updated_at "+dir+", t.id "+dir, bun.Ident(pin))
	case key.column == "number":
		q = q.OrderExpr("t.number " + dir)
	case ranged:
		q = q.OrderExpr("t.updated_at " + dir + " " + nulls + ", t.id " + dir)
	default:
		q = q.OrderExpr("t.? "+dir+", t.id "+dir, bun.Ident(key.column))
	}
	q = q.Limit(int64(lq.Limit) + 1)
	if ranged {
		outer := s.DB.NewSelect().Model((*Ticket)(nil))
		for _, c := range cardColumns {
			outer = outer.Column("t." + c)
		}
		q = outer.Where("t.id IN (?)", q).OrderExpr("t.updated_at " + dir + ", t.id " + dir)
	}
	var out []Ticket
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("tickets: list: %w", err)
	}
	return out, nil
}

// count counts the matches up to the cap + 1: counting a million matches would cost more than the page.
func (s *Service) count(ctx context.Context, subj access.Subject, lq ListQuery, ts *searchText) (int, error) {
	inner := lq.filter(s, s.DB.NewSelect().Model((*Ticket)(nil)).ColumnExpr("1"), subj, ts, "").Limit(int64(countCap(subj, ts)) + 1)
	var n int
	if err := s.DB.NewSelect().ColumnExpr("count(*)").TableExpr("(?) AS m", inner).Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("tickets: list count: %w", err)
	}
	return n, nil
}
