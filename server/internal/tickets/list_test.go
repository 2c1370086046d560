package tickets_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
	"github.com/atiende/atiende/server/internal/tickets"
)

// row is a generated ticket as the list tests know it.
type row struct {
	id, number                                              int64
	status, priority, queue, channel, category, subcategory int64
	requester, assignee                                     int64 // 0: none
	subject                                                 string
	created, updated                                        time.Time
}

// desk creates 30 tickets spread over every filter, with change times in groups of three (ties broken
// by id) and creation dates one day apart.
func desk(t *testing.T, a *app.App, f *testutil.Fixture) []row {
	t.Helper()
	cat, ch, q := keys(t, a, "categories"), keys(t, a, "channels"), keys(t, a, "queues")
	typ := [][2]int64{{cat["system"], cat["invoice_error"]}, {cat["legal"], cat["formal_petition"]}, {cat["operations"], cat["order_not_received"]}}
	queues := []int64{q["level_1"], q["level_2"], q["level_3"]}
	channels := []int64{ch["phone"], ch["email"]}
	requesters := []int64{f.Users["customer@x.test"].ID, f.Users["other@x.test"].ID, 0}
	assignees := []int64{f.Users["agent1@x.test"].ID, f.Users["agent2@x.test"].ID, 0, 0}
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ptr := func(v int64) *int64 {
		if v == 0 {
			return nil
		}
		return &v
	}
	var rows []row
	err := a.DB.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		for i := range 30 {
			r := row{status: f.Statuses[i%5], priority: f.Priorities[i%4], queue: queues[i%3], channel: channels[i%2],
				category: typ[i%3][0], subcategory: typ[i%3][1], requester: requesters[i%3], assignee: assignees[i%4],
				subject: fmt.Sprintf("Consulta general %d", i), created: base.AddDate(0, 0, -i), updated: base.Add(time.Duration(i/3) * time.Hour)}
			switch i {
			case 0:
				r.subject = "Error en liquidación de la facturación"
			case 1:
				r.subject = "Pedido no recibido"
			}
			c, err := a.Tickets.Create(ctx, tx, access.Subject{}, tickets.NewTicket{Subject: r.subject, StatusID: r.status, PriorityID: r.priority,
				QueueID: ptr(r.queue), ChannelID: ptr(r.channel), CategoryID: ptr(r.category), SubcategoryID: ptr(r.subcategory),
				RequesterID: ptr(r.requester), AssigneeID: ptr(r.assignee), CreatedAt: r.created})
			if err != nil {
				return err
			}
			r.id, r.number = c.ID, c.Number
			if _, err := tx.ExecContext(ctx, "UPDATE tickets SET updated_at = ? WHERE id = ?", r.updated, r.id); err != nil {
				return err
			}
			rows = append(rows, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

type listPage struct {
	Items []struct {
		ID     int64 `json:"id"`
		Number int64 `json:"number"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
	Total      struct {
		Count  int  `json:"count"`
		Capped bool `json:"capped"`
	} `json:"total"`
	Seq int64 `json:"seq"`
}

func list(t *testing.T, c *testutil.Client, query string) listPage {
	t.Helper()
	st, body := c.Do("GET", "/api/v1/tickets?"+query, nil)
	p := decode[listPage](t, must(t, st, body, 200))
	if p.Items == nil {
		t.Fatalf("items must never be null: %s", body)
	}
	return p
}

// all pages through a query and returns every id in order, failing on a duplicate.
func all(t *testing.T, c *testutil.Client, query string, limit int) ([]int64, int) {
	t.Helper()
	var ids []int64
	seen := map[int64]bool{}
	p := list(t, c, fmt.Sprintf("%s&limit=%d", query, limit))
	total := p.Total.Count
	for {
		for _, it := range p.Items {
			if seen[it.ID] {
				t.Fatalf("ticket %d on two pages of %q", it.ID, query)
			}
			seen[it.ID] = true
			ids = append(ids, it.ID)
		}
		if p.NextCursor == nil {
			return ids, total
		}
		if len(p.Items) != limit {
			t.Fatalf("a page before the last has %d items, want %d", len(p.Items), limit)
		}
		p = list(t, c, fmt.Sprintf("%s&limit=%d&cursor=%s", query, limit, url.QueryEscape(*p.NextCursor)))
	}
}

// expect returns the ids of rows that keep holds for, in the default order (last change first).
func expect(rows []row, keep func(row) bool) []int64 {
	var sel []row
	for _, r := range rows {
		if keep(r) {
			sel = append(sel, r)
		}
	}
	slices.SortFunc(sel, func(a, b row) int {
		if c := b.updated.Compare(a.updated); c != 0 {
			return c
		}
		return int(b.id - a.id)
	})
	ids := []int64{}
	for _, r := range sel {
		ids = append(ids, r.id)
	}
	return ids
}

func TestListFiltersSortsAndPages(t *testing.T) {
	a, f := start(t, 0)
	rows := desk(t, a, f)
	agent := testutil.Login(t, a, "agent1@x.test")
	r0 := rows[0]
	agent1 := f.Users["agent1@x.test"].ID
	filters := []struct {
		query string
		keep  func(row) bool
	}{
		{"", func(row) bool { return true }},
		{fmt.Sprintf("status=%d", r0.status), func(r row) bool { return r.status == r0.status }},
		{fmt.Sprintf("priority=%d", r0.priority), func(r row) bool { return r.priority == r0.priority }},
		{fmt.Sprintf("queue=%d", rows[1].queue), func(r row) bool { return r.queue == rows[1].queue }},
		{fmt.Sprintf("channel=%d", rows[1].channel), func(r row) bool { return r.channel == rows[1].channel }},
		{fmt.Sprintf("category=%d", r0.category), func(r row) bool { return r.category == r0.category }},
		{fmt.Sprintf("subcategory=%d", rows[2].subcategory), func(r row) bool { return r.subcategory == rows[2].subcategory }},
		{fmt.Sprintf("requester=%d", rows[1].requester), func(r row) bool { return r.requester == rows[1].requester }},
		{fmt.Sprintf("assignee=%d", rows[1].assignee), func(r row) bool { return r.assignee == rows[1].assignee }},
		{"assignee=me", func(r row) bool { return r.assignee == agent1 }},
		{"assignee=none", func(r row) bool { return r.assignee == 0 }},
		{"created_from=2026-02-20&created_to=2026-02-25", func(r row) bool {
			return !r.created.Before(time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)) && r.created.Before(time.Date(2026, 2, 26, 0, 0, 0, 0, time.UTC))
		}},
		{"created_from=2026-02-28", func(r row) bool { return !r.created.Before(time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)) }},
		{fmt.Sprintf("status=%d&assignee=none&channel=%d", rows[2].status, rows[2].channel), func(r row) bool {
			return r.status == rows[2].status && r.assignee == 0 && r.channel == rows[2].channel
		}},
	}
	for _, fl := range filters {
		t.Run("filter "+fl.query, func(t *testing.T) {
			want := expect(rows, fl.keep)
			if len(want) == 0 {
				t.Fatal("the case selects nothing: it would prove nothing")
			}
			p := list(t, agent, fl.query+"&limit=200")
			var got []int64
			for _, it := range p.Items {
				got = append(got, it.ID)
			}
			if !slices.Equal(got, want) || p.Total.Count != len(want) || p.Total.Capped || p.NextCursor != nil {
				t.Fatalf("got %v (total %+v), want %v", got, p.Total, want)
			}
			// Paged three at a time: the same tickets, in the same order, none twice, the total on each page.
			paged, total := all(t, agent, fl.query, 3)
			if !slices.Equal(paged, want) || total != len(want) {
				t.Fatalf("paged: %v (total %d), want %v", paged, total, want)
			}
			// The oldest change first: the same tickets the other way round.
			asc, _ := all(t, agent, fl.query+"&sort=updated", 4)
			slices.Reverse(asc)
			if !slices.Equal(asc, want) {
				t.Fatalf("sort=updated, reversed: %v, want %v", asc, want)
			}
		})
	}

	byID := map[int64]row{}
	for _, r := range rows {
		byID[r.id] = r
	}
	sortCases := map[string]func(a, b row) bool{ // a comes before b
		"-updated": func(a, b row) bool { return a.updated.After(b.updated) || a.updated.Equal(b.updated) && a.id > b.id },
		"updated":  func(a, b row) bool { return a.updated.Before(b.updated) || a.updated.Equal(b.updated) && a.id < b.id },
		"-created": func(a, b row) bool { return a.created.After(b.created) || a.created.Equal(b.created) && a.id > b.id },
		"created":  func(a, b row) bool { return a.created.Before(b.created) || a.created.Equal(b.created) && a.id < b.id },
		"-number":  func(a, b row) bool { return a.number > b.number },
		"number":   func(a, b row) bool { return a.number < b.number },
	}
	for s, before := range sortCases {
		t.Run("sort "+s, func(t *testing.T) {
			ids, total := all(t, agent, "sort="+s, 4)
			if len(ids) != len(rows) || total != len(rows) {
				t.Fatalf("paging by %s showed %d of %d tickets (total %d)", s, len(ids), len(rows), total)
			}
			for i := 1; i < len(ids); i++ {
				if !before(byID[ids[i-1]], byID[ids[i]]) {
					t.Fatalf("sort %s: %d before %d", s, ids[i-1], ids[i])
				}
			}
		})
	}

	t.Run("text", func(t *testing.T) {
		for q, want := range map[string][]int64{
			"facturacion":                      {r0.id}, // accents ignored
			"FACTURACIÓN":                      {r0.id},
			"factu":                            {r0.id}, // the last word is a prefix
			"liquidación factura":              {r0.id},
			"error & | ! :* ( factura)":        {r0.id}, // tsquery syntax is only punctuation
			"pedido":                           {rows[1].id},
			"pedido facturacion":               {},
			fmt.Sprintf("#%d", rows[1].number): {rows[1].id},
			fmt.Sprint(rows[2].number):         {rows[2].id},
			"#999999":                          {},
			"consulta general 17":              {rows[17].id},
		} {
			p := list(t, agent, "q="+url.QueryEscape(q))
			got := []int64{}
			for _, it := range p.Items {
				got = append(got, it.ID)
			}
			if !slices.Equal(got, want) || p.Total.Count != len(want) {
				t.Errorf("q=%q: got %v (total %d), want %v", q, got, p.Total.Count, want)
			}
		}
		// Text and filters together.
		if p := list(t, agent, fmt.Sprintf("q=facturacion&status=%d", rows[1].status)); len(p.Items) != 0 {
			t.Errorf("text within another status: %+v", p.Items)
		}
	})

	t.Run("seq", func(t *testing.T) {
		deadline := time.Now().Add(5 * time.Second)
		var pending int
		for {
			_ = a.DB.Pool.QueryRow(context.Background(), "SELECT count(*) FROM events WHERE seq IS NULL").Scan(&pending)
			if pending == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		var last int64
		_ = a.DB.Pool.QueryRow(context.Background(), "SELECT max(seq) FROM events").Scan(&last)
		if p := list(t, agent, ""); p.Seq != last || last == 0 {
			t.Fatalf("seq %d, last event %d", p.Seq, last)
		}
	})

	t.Run("a customer sees only their tickets", func(t *testing.T) {
		cust := testutil.Login(t, a, "customer@x.test")
		me := f.Users["customer@x.test"].ID
		ids, total := all(t, cust, "", 4)
		if want := expect(rows, func(r row) bool { return r.requester == me }); !slices.Equal(ids, want) || total != len(want) {
			t.Fatalf("customer sees %v (total %d), want %v", ids, total, want)
		}
		if p := list(t, cust, fmt.Sprintf("requester=%d", f.Users["other@x.test"].ID)); len(p.Items) != 0 || p.Total.Count != 0 {
			t.Fatalf("another requester's tickets: %+v", p)
		}
		if p := list(t, cust, fmt.Sprintf("q=%%23%d", rows[1].number)); len(p.Items) != 0 {
			t.Fatalf("another requester's ticket by number: %+v", p)
		}
	})

	t.Run("bad parameters", func(t *testing.T) {
		p := list(t, agent, "limit=2")
		other := list(t, agent, "limit=2&sort=created")
		get := func(name, query string, status int, field, en, es string) refusal {
			return refusal{name, "GET", "/api/v1/tickets?" + query, nil, status, field, en, es}
		}
		expectRefusals(t, a, agent, []refusal{
			get("status not a number", "status=open", 422, "status", "id number", "número de identificador"),
			get("zero priority", "priority=0", 422, "priority", "id number", "número de identificador"),
			get("queue", "queue=-1", 422, "queue", "id number", "número de identificador"),
			get("channel", "channel=1.5", 422, "channel", "id number", "número de identificador"),
			get("category", "category=x", 422, "category", "id number", "número de identificador"),
			get("subcategory", "subcategory=x", 422, "subcategory", "id number", "número de identificador"),
			get("requester", "requester=me", 422, "requester", "id number", "número de identificador"),
			get("assignee", "assignee=someone", 422, "assignee", "“me”, “none” or a user number", "«me», «none» o un número"),
			get("created_from", "created_from=2026-02-30", 422, "created_from", "YYYY-MM-DD", "AAAA-MM-DD"),
			get("created_to", "created_to=01/02/2026", 422, "created_to", "YYYY-MM-DD", "AAAA-MM-DD"),
			get("reversed dates", "created_from=2026-03-01&created_to=2026-02-01", 422, "created_to", "before the start", "anterior a la inicial"),
			get("sort", "sort=subject", 422, "sort", "Invalid sort", "Orden no válido"),
			get("limit zero", "limit=0", 422, "limit", "between 1 and 200", "entre 1 y 200"),
			get("limit too big", "limit=201", 422, "limit", "between 1 and 200", "entre 1 y 200"),
			get("text too long", "q="+strings.Repeat("a", 201), 422, "q", "At most 200", "Máximo 200"),
			get("cursor garbage", "cursor=%25%25%25", 400, "", "cursor is not valid", "cursor de página no es válido"),
			get("cursor of another sort", "sort=-number&cursor="+url.QueryEscape(*p.NextCursor), 400, "cursor", "cursor is not valid", "cursor de página no es válido"),
			get("cursor of the ascending sort", "sort=-created&cursor="+url.QueryEscape(*other.NextCursor), 400, "cursor", "cursor is not valid", "cursor de página no es válido"),
		})
	})
}

func TestListCountIsCapped(t *testing.T) {
	a, f := start(t, 0)
	exec(t, a, `INSERT INTO tickets (subject, status_id, priority_id, rank, updated_at, allowed_roles)
		SELECT 'Ticket ' || g, $1, $2, 'a' || lpad(g::text, 6, '0'), now() - g * interval '1 second',
		       ARRAY[(SELECT id FROM roles WHERE key = 'agent')]
		  FROM generate_series(1, 10050) g`, f.Statuses[0], f.Priorities[0])
	exec(t, a, `UPDATE tickets SET status_id = $1 WHERE id <= 40`, f.Statuses[1])
	admin := testutil.Login(t, a, "admin@x.test")
	if p := list(t, admin, "limit=5"); p.Total.Count != 10000 || !p.Total.Capped || len(p.Items) != 5 || p.NextCursor == nil {
		t.Fatalf("capped count: %+v", p.Total)
	}
	// Someone who sees only part of the desk (here through the agent role) gets "1 000+".
	agent := testutil.Login(t, a, "agent1@x.test")
	if p := list(t, agent, "limit=5"); p.Total.Count != 1000 || !p.Total.Capped || len(p.Items) != 5 || p.NextCursor == nil {
		t.Fatalf("capped count of a partial view: %+v", p.Total)
	}
	if p := list(t, agent, fmt.Sprintf("limit=5&status=%d", f.Statuses[1])); p.Total.Count != 40 || p.Total.Capped {
		t.Fatalf("exact count under the cap: %+v", p.Total)
	}
	// A word search counts up to 1 000: every match it counts is checked against the words.
	if p := list(t, agent, "limit=5&q=ticket"); p.Total.Count != 1000 || !p.Total.Capped || len(p.Items) != 5 {
		t.Fatalf("a word search's count is capped at 1 000: %+v", p.Total)
	}
	if p := list(t, agent, "limit=5&q=%2310001"); p.Total.Count != 1 || p.Total.Capped {
		t.Fatalf("a number search counts exactly: %+v", p.Total)
	}
	// A later page still counts the whole list.
	p := list(t, agent, fmt.Sprintf("limit=5&status=%d", f.Statuses[1]))
	if p2 := list(t, agent, fmt.Sprintf("limit=5&status=%d&cursor=%s", f.Statuses[1], url.QueryEscape(*p.NextCursor))); p2.Total.Count != 40 {
		t.Fatalf("count on page 2: %+v", p2.Total)
	}
}
