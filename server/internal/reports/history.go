package reports

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// HistoryColumns are the columns the history report may show, in their order.
var HistoryColumns = []string{"at", "number", "subject", "field", "before", "after", "actor"}

// HistoryQuery is a history report request: the tickets (a records-table query), which changes, the
// columns, the order and the page.
type HistoryQuery struct {
	Tickets tickets.ListQuery
	Columns []string
	Field   string
	ActorID int64
	AtFrom  *time.Time // inclusive
	AtTo    *time.Time // exclusive: the day after the last one asked for
	Desc    bool
	Limit   int
	Cursor  string
}

// Limits of the history report's pages.
const (
	DefaultHistoryLimit = 50
	MaxHistoryLimit     = 200
	maxFieldName        = 64
)

// ParseColumns reads the columns parameter (comma-separated, from HistoryColumns); empty means all.
func ParseColumns(v string) ([]string, error) {
	if strings.TrimSpace(v) == "" {
		return HistoryColumns, nil
	}
	allowed := map[string]bool{}
	for _, c := range HistoryColumns {
		allowed[c] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range strings.Split(v, ",") {
		c = strings.TrimSpace(c)
		if !allowed[c] || seen[c] {
			return nil, errs.InvalidField("columns", "report.bad_column", map[string]any{"column": c})
		}
		seen[c] = true
		out = append(out, c)
	}
	return out, nil
}

// HistoryRow is one change in the history report; only the asked columns are filled, and the field
// also with before or after, which are read through it.
type HistoryRow struct {
	ID       int64           `json:"id"`
	TicketID int64           `json:"ticket_id"`
	At       *time.Time      `json:"at,omitempty"`
	Number   *int64          `json:"number,omitempty"`
	Subject  *string         `json:"subject,omitempty"`
	Field    *string         `json:"field,omitempty"`
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
	Actor    *ActorRef       `json:"actor,omitempty"`
}

// ActorRef names who made a change (nil id: the system).
type ActorRef struct {
	ID   *int64 `json:"id"`
	Name string `json:"name"`
}

// HistoryPage is a page of the history report.
type HistoryPage struct {
	Columns []string     `json:"columns"`
	Items   []HistoryRow `json:"items"`
	// People names the users the page's before/after values refer to by id, as a ticket's history does.
	People     []people.Ref `json:"people"`
	NextCursor *string      `json:"next_cursor"`
}

type historyCursor struct {
	Desc bool      `json:"d"`
	At   time.Time `json:"t"`
	ID   int64     `json:"i"`
}

func (c historyCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeHistoryCursor(s string, desc bool) (historyCursor, error) {
	var c historyCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Desc != desc || c.ID <= 0 || c.At.IsZero() {
		return c, errs.InvalidField("cursor", "board.bad_cursor", nil)
	}
	return c, nil
}

type historyScan struct {
	ID       int64           `bun:"id"`
	TicketID int64           `bun:"ticket_id"`
	At       time.Time       `bun:"at"`
	Field    string          `bun:"field"`
	Before   json.RawMessage `bun:"before"`
	After    json.RawMessage `bun:"after"`
	ActorID  *int64          `bun:"actor_id"`
}

// History returns a page of the changes of the tickets subj sees that the query finds, in the order of
// their time, with the asked columns. The page is read a keyset at a time over (at, id); rows subj may
// not see (a file of an internal note, a link to a hidden ticket) are left out of it, so a page may
// hold fewer rows than its limit while a next cursor still follows.
func (s *Service) History(ctx context.Context, subj access.Subject, q HistoryQuery) (*HistoryPage, error) {
	if !access.CanSeeHistoryReport(subj) {
		return nil, errs.New(errs.Forbidden, "report.history_forbidden")
	}
	if q.Limit <= 0 {
		q.Limit = DefaultHistoryLimit
	}
	if len(q.Columns) == 0 {
		q.Columns = HistoryColumns
	}
	var cur *historyCursor
	if q.Cursor != "" {
		c, err := decodeHistoryCursor(q.Cursor, q.Desc)
		if err != nil {
			return nil, err
		}
		cur = &c
	}
	sel := s.DB.NewSelect().TableExpr("ticket_history AS h").Join("JOIN tickets AS t ON t.id = h.ticket_id").
		ColumnExpr("h.id, h.ticket_id, h.at, h.field, h.before, h.after, h.actor_id")
	sel, err := s.Tickets.FilterTickets(ctx, sel, subj, q.Tickets)
	if err != nil {
		return nil, err
	}
	if q.Field != "" {
		sel = sel.Where("h.field = ?", q.Field)
	}
	if q.ActorID != 0 {
		sel = sel.Where("h.actor_id = ?", q.ActorID)
	}
	if q.AtFrom != nil {
		sel = sel.Where("h.at >= ?", *q.AtFrom)
	}
	if q.AtTo != nil {
		sel = sel.Where("h.at < ?", *q.AtTo)
	}
	dir, cmp := "ASC", ">"
	if q.Desc {
		dir, cmp = "DESC", "<"
	}
	if cur != nil {
		sel = sel.Where("(h.at, h.id) "+cmp+" (?, ?)", cur.At, cur.ID)
	}
	var raw []historyScan
	if err := sel.OrderExpr("h.at "+dir+", h.id "+dir).Limit(int64(q.Limit)+1).Scan(ctx, &raw); err != nil {
		return nil, fmt.Errorf("reports: history: %w", err)
	}
	out := &HistoryPage{Columns: q.Columns, Items: []HistoryRow{}, People: []people.Ref{}}
	if len(raw) > q.Limit {
		raw = raw[:q.Limit]
		last := raw[len(raw)-1]
		next := historyCursor{Desc: q.Desc, At: last.At.UTC(), ID: last.ID}.encode()
		out.NextCursor = &next
	}
	if len(raw) == 0 {
		return out, nil
	}
	out.Items, out.People, err = s.historyRows(ctx, subj, q.Columns, raw)
	return out, err
}

// historyRows loads the page's tickets and the names of its people in one query each, drops the rows
// subj may not see and fills the asked columns; it names the people the kept values refer to.
func (s *Service) historyRows(ctx context.Context, subj access.Subject, columns []string, raw []historyScan) ([]HistoryRow, []people.Ref, error) {
	ids := []int64{}
	for _, r := range raw {
		ids = append(ids, r.TicketID)
	}
	var ts []tickets.Ticket
	if err := s.DB.NewSelect().Model(&ts).ExcludeColumn("description").Where("t.id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("reports: history tickets: %w", err)
	}
	byID := make(map[int64]*tickets.Ticket, len(ts))
	for i := range ts {
		byID[ts[i].ID] = &ts[i]
	}
	refs := make([]tickets.HistoryRef, 0, len(raw))
	for _, r := range raw {
		t := byID[r.TicketID]
		if t == nil {
			continue // deleted since the page was read
		}
		refs = append(refs, tickets.HistoryRef{TicketID: r.TicketID, Vis: t.Vis(), Entry: tickets.HistoryEntry{
			ID: r.ID, At: r.At, Field: r.Field, Before: r.Before, After: r.After, ActorID: r.ActorID}})
	}
	refs, err := s.Tickets.VisibleHistory(ctx, subj, refs)
	if err != nil {
		return nil, nil, err
	}
	want := map[string]bool{}
	for _, c := range columns {
		want[c] = true
	}
	entries := make([]tickets.HistoryEntry, len(refs))
	for i, r := range refs {
		entries[i] = r.Entry
	}
	names, referred, err := s.Tickets.HistoryNames(ctx, entries)
	if err != nil {
		return nil, nil, err
	}
	out := make([]HistoryRow, 0, len(refs))
	for _, r := range refs {
		t, e := byID[r.TicketID], r.Entry
		row := HistoryRow{ID: e.ID, TicketID: r.TicketID}
		if want["at"] {
			at := e.At.UTC()
			row.At = &at
		}
		if want["number"] {
			row.Number = &t.Number
		}
		if want["subject"] {
			row.Subject = &t.Subject
		}
		if want["field"] || want["before"] || want["after"] {
			f := e.Field
			row.Field = &f
		}
		if want["before"] {
			row.Before = orNull(e.Before)
		}
		if want["after"] {
			row.After = orNull(e.After)
		}
		if want["actor"] {
			row.Actor = &ActorRef{ID: e.ActorID}
			if e.ActorID != nil {
				row.Actor.Name = names[*e.ActorID]
			}
		}
		out = append(out, row)
	}
	return out, referred, nil
}

func orNull(v json.RawMessage) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	return v
}
