package tickets

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/live"
)

// BoardFilter narrows the board: by assignee (me, none, a user), priority and text.
type BoardFilter struct {
	AssigneeID int64 // 0: any
	Unassigned bool
	PriorityID int64 // 0: any
	WorkflowID int64 // 0: any; else that workflow's tickets, in its current states' columns
	Text       string
	Limit      int
}

func (f BoardFilter) onlyPriority() bool {
	return f.AssigneeID == 0 && !f.Unassigned && f.Text == "" && f.WorkflowID == 0
}

func (f BoardFilter) apply(q *bun.SelectQuery) *bun.SelectQuery {
	switch {
	case f.Unassigned:
		q = q.Where("t.assignee_id IS NULL")
	case f.AssigneeID != 0:
		q = q.Where("t.assignee_id = ?", f.AssigneeID)
	}
	if f.PriorityID != 0 {
		q = q.Where("t.priority_id = ?", f.PriorityID)
	}
	if f.WorkflowID != 0 {
		q = q.Where("t.workflow_version_id IN (SELECT id FROM workflow_versions WHERE workflow_id = ?)", f.WorkflowID)
	}
	if f.Text != "" {
		like := "%" + escapeLike(f.Text) + "%"
		if n, err := strconv.ParseInt(strings.TrimPrefix(f.Text, "#"), 10, 64); err == nil {
			q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where("t.subject ILIKE ?", like).WhereOr("t.number = ?", n)
			})
		} else {
			q = q.Where("t.subject ILIKE ?", like)
		}
	}
	return q
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Column is one status of the board with its count under the filter and its first page.
type Column struct {
	StatusID   int64   `json:"status_id"`
	Count      int64   `json:"count"`
	Cards      []Card  `json:"cards"`
	NextCursor *string `json:"next_cursor"`
}

// Board is every column, and the live seq the board reflects at least.
type Board struct {
	Seq     int64    `json:"seq"`
	Columns []Column `json:"columns"`
}

// Board returns the board the subject may see under a filter.
func (s *Service) Board(ctx context.Context, subj access.Subject, f BoardFilter) (*Board, error) {
	// The seq is read first: anything after it reaches the client live, and a change it already
	// reflects arrives with a version the client drops.
	seq, err := live.LastSeq(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	statuses, err := s.Catalog.Statuses(ctx)
	if err != nil {
		return nil, err
	}
	if f.WorkflowID != 0 {
		if statuses, err = s.workflowColumns(ctx, f.WorkflowID, statuses); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, len(statuses))
	for i, st := range statuses {
		ids[i] = st.ID
	}
	counts, err := s.counts(ctx, subj, f, ids)
	if err != nil {
		return nil, err
	}
	pages, err := s.firstPages(ctx, subj, f, ids)
	if err != nil {
		return nil, err
	}
	b := &Board{Seq: seq, Columns: make([]Column, len(statuses))}
	for i, st := range statuses {
		cards, next := pageOf(pages[st.ID], f.Limit)
		b.Columns[i] = Column{StatusID: st.ID, Count: counts[st.ID], Cards: cards, NextCursor: next}
	}
	return b, nil
}

// workflowColumns keeps the statuses that are states of a workflow's current version.
func (s *Service) workflowColumns(ctx context.Context, workflowID int64, statuses []catalog.Status) ([]catalog.Status, error) {
	var ids []int64
	err := s.DB.NewSelect().TableExpr("workflows AS w").Join("JOIN workflow_versions v ON v.id = w.current_version_id").
		Join("CROSS JOIN LATERAL jsonb_array_elements(v.definition -> 'states') AS st").
		ColumnExpr("(st ->> 'status_id')::bigint").Where("w.id = ?", workflowID).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("tickets: board workflow: %w", err)
	}
	out := []catalog.Status{}
	for _, st := range statuses {
		if slices.Contains(ids, st.ID) {
			out = append(out, st)
		}
	}
	return out, nil
}

// firstPages reads the first Limit+1 tickets of every column in one query.
func (s *Service) firstPages(ctx context.Context, subj access.Subject, f BoardFilter, statusIDs []int64) (map[int64][]Card, error) {
	inner := s.DB.NewSelect().Model((*Ticket)(nil)).Where("t.status_id = st.id").OrderExpr("t.rank, t.id").Limit(int64(f.Limit) + 1)
	inner = access.TicketFilter(f.apply(inner), "t", subj)
	var ts []Ticket
	err := s.DB.NewSelect().
		TableExpr("unnest(?::bigint[]) AS st (id)", pgdialect.Array(statusIDs)).
		Join("CROSS JOIN LATERAL (?) AS page", inner).
		ColumnExpr("page.*").OrderExpr("page.rank, page.id").
		Scan(ctx, &ts)
	if err != nil {
		return nil, fmt.Errorf("tickets: board: %w", err)
	}
	cards, err := s.cards(ctx, s.DB, ts)
	if err != nil {
		return nil, err
	}
	out := map[int64][]Card{}
	for _, c := range cards {
		out[c.StatusID] = append(out[c.StatusID], c)
	}
	return out, nil
}

// counts returns the tickets per status under the filter: from the maintained counters when the subject
// sees everything and the filter allows, else by counting the filtered rows.
func (s *Service) counts(ctx context.Context, subj access.Subject, f BoardFilter, statusIDs []int64) (map[int64]int64, error) {
	type row struct {
		StatusID int64 `bun:"status_id"`
		N        int64 `bun:"n"`
	}
	var rows []row
	var err error
	if access.Unfiltered(subj) && f.onlyPriority() {
		q := s.DB.NewSelect().Table("ticket_counts").ColumnExpr("status_id, sum(n)::bigint AS n").GroupExpr("status_id")
		if f.PriorityID != 0 {
			q = q.Where("priority_id = ?", f.PriorityID)
		}
		err = q.Scan(ctx, &rows)
	} else {
		q := s.DB.NewSelect().Model((*Ticket)(nil)).ColumnExpr("t.status_id, count(*) AS n").
			Where("t.status_id IN (?)", bun.In(statusIDs)).GroupExpr("t.status_id")
		q = access.TicketFilter(f.apply(q), "t", subj)
		err = q.Scan(ctx, &rows)
	}
	if err != nil {
		return nil, fmt.Errorf("tickets: counts: %w", err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.StatusID] = r.N
	}
	return out, nil
}

// Page returns the next page of one column after a cursor.
func (s *Service) Page(ctx context.Context, subj access.Subject, statusID int64, cursor string, f BoardFilter) ([]Card, *string, error) {
	st, err := s.Catalog.Status(ctx, s.DB, statusID, false)
	if err != nil {
		return nil, nil, err
	}
	if st == nil {
		return nil, nil, errs.New(errs.NotFound, "board.status_missing")
	}
	rank, id, ok := decodeCursor(cursor)
	if !ok {
		return nil, nil, errs.InvalidField("cursor", "board.bad_cursor", nil)
	}
	q := s.DB.NewSelect().Model((*Ticket)(nil)).Where("t.status_id = ?", statusID).
		Where("(t.rank, t.id) > (?, ?)", rank, id).OrderExpr("t.rank, t.id").Limit(int64(f.Limit) + 1)
	q = access.TicketFilter(f.apply(q), "t", subj)
	var ts []Ticket
	if err := q.Scan(ctx, &ts); err != nil {
		return nil, nil, fmt.Errorf("tickets: page: %w", err)
	}
	cards, err := s.cards(ctx, s.DB, ts)
	if err != nil {
		return nil, nil, err
	}
	page, next := pageOf(cards, f.Limit)
	return page, next, nil
}

func pageOf(cards []Card, limit int) ([]Card, *string) {
	if cards == nil {
		cards = []Card{}
	}
	if len(cards) <= limit {
		return cards, nil
	}
	cards = cards[:limit]
	last := cards[limit-1]
	c := encodeCursor(last.Rank, last.ID)
	return cards, &c
}

func encodeCursor(rank string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(rank + " " + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (string, int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", 0, false
	}
	rank, idText, ok := strings.Cut(string(b), " ")
	if !ok || validateRank(rank) != nil {
		return "", 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, false
	}
	return rank, id, true
}
