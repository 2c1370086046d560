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
	Text          string
	Sort          string
	Limit         int
	Cursor        string
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

// MaxCount bounds the count of a list: past it the table says "more than 10 000".
const MaxCount = 10000

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

// filter adds the query's filters (not the cursor) to q over tickets aliased t. Each single filter is
// an equality on a column that leads a (column, updated_at DESC, id DESC) index, so that the default
// order reads its first page straight from that index.
func (lq ListQuery) filter(q *bun.SelectQuery, subj access.Subject, ts *searchText) *bun.SelectQuery {
	eq := func(col string, v int64) {
		if v != 0 {
			q = q.Where("t.? = ?", bun.Ident(col), v)
		}
	}
	eq("status_id", lq.StatusID)
	eq("priority_id", lq.PriorityID)
	eq("queue_id", lq.QueueID)
	eq("channel_id", lq.ChannelID)
	eq("category_id", lq.CategoryID)
	eq("subcategory_id", lq.SubcategoryID)
	eq("requester_id", lq.RequesterID)
	eq("assignee_id", lq.AssigneeID)
	if lq.Unassigned {
		q = q.Where("t.assignee_id IS NULL")
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

	q := lq.filter(s.DB.NewSelect().Model((*Ticket)(nil)), subj, ts)
	dir, cmp := "ASC", ">"
	if key.desc {
		dir, cmp = "DESC", "<"
	}
	if cur != nil {
		if key.column == "number" {
			q = q.Where("t.number "+cmp+" ?", cur.N)
		} else {
			q = q.Where("(t.?, t.id) "+cmp+" (?, ?)", bun.Ident(key.column), cur.At, cur.ID)
		}
	}
	if key.column == "number" {
		q = q.OrderExpr("t.number " + dir)
	} else {
		q = q.OrderExpr("t.? "+dir+", t.id "+dir, bun.Ident(key.column))
	}
	var ts2 []Ticket
	if err := q.Limit(int64(lq.Limit)+1).Scan(ctx, &ts2); err != nil {
		return nil, fmt.Errorf("tickets: list: %w", err)
	}
	out := &TicketList{Items: []Card{}, Seq: seq}
	if len(ts2) > lq.Limit {
		ts2 = ts2[:lq.Limit]
		last := ts2[lq.Limit-1]
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
	if len(ts2) > 0 {
		if out.Items, err = s.cards(ctx, s.DB, ts2); err != nil {
			return nil, err
		}
	}
	if cur == nil && out.NextCursor == nil {
		out.Total = ListTotal{Count: len(out.Items)} // the first page holds every match
		return out, nil
	}
	// The count stops at MaxCount+1 rows: counting a million matches would cost more than the page.
	inner := lq.filter(s.DB.NewSelect().Model((*Ticket)(nil)).ColumnExpr("1"), subj, ts).Limit(MaxCount + 1)
	var n int
	if err := s.DB.NewSelect().ColumnExpr("count(*)").TableExpr("(?) AS m", inner).Scan(ctx, &n); err != nil {
		return nil, fmt.Errorf("tickets: list count: %w", err)
	}
	out.Total = ListTotal{Count: min(n, MaxCount), Capped: n > MaxCount}
	return out, nil
}
