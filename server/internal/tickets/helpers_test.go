package tickets_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
)

func start(t *testing.T, n int) (*app.App, *testutil.Fixture) {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	return a, testutil.Seed(t, a, n)
}

// counts is what a refused request must leave untouched: every table a ticket write touches.
type counts struct {
	Tickets, Users, History, Events, Idempotency, Links, Comments, Views int64
	Versions                                                             string
}

func count(t *testing.T, a *app.App) counts {
	t.Helper()
	var c counts
	err := a.DB.Pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM tickets), (SELECT count(*) FROM users), (SELECT count(*) FROM ticket_history),
		(SELECT count(*) FROM events), (SELECT count(*) FROM idempotency_keys), (SELECT count(*) FROM ticket_links),
		(SELECT count(*) FROM ticket_comments), (SELECT count(*) FROM saved_views),
		(SELECT coalesce(string_agg(id || ':' || version, ',' ORDER BY id), '') FROM tickets)`).
		Scan(&c.Tickets, &c.Users, &c.History, &c.Events, &c.Idempotency, &c.Links, &c.Comments, &c.Views, &c.Versions)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
	Current json.RawMessage `json:"current"`
}

func decodeError(t *testing.T, body []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" {
		t.Fatalf("not the JSON error body: %s", body)
	}
	return e
}

// refusal is a request that must be refused with a message in both languages and change nothing.
type refusal struct {
	name   string
	method string
	path   string
	body   any
	status int
	field  string // "" : the top-level message
	en, es string // parts of the message in each language
}

// expectRefusals runs each refusal in English and in Spanish, checking the status, the message of the
// field (or the error) in that language, and that nothing was written.
func expectRefusals(t *testing.T, a *app.App, c *testutil.Client, cases []refusal) {
	t.Helper()
	for _, r := range cases {
		t.Run(r.name, func(t *testing.T) {
			for _, lang := range []string{"en", "es"} {
				before := count(t, a)
				c.Lang = lang
				st, body := c.Do(r.method, r.path, r.body)
				c.Lang = "en"
				if st != r.status {
					t.Fatalf("%s: status %d, want %d: %s", lang, st, r.status, body)
				}
				e := decodeError(t, body)
				msg := e.Error.Message
				if r.field != "" {
					var ok bool
					if msg, ok = e.Error.Fields[r.field]; !ok {
						t.Fatalf("%s: no message for field %q: %s", lang, r.field, body)
					}
				}
				want := r.en
				if lang == "es" {
					want = r.es
				}
				if !strings.Contains(msg, want) {
					t.Fatalf("%s: message %q does not say %q (%s)", lang, msg, want, body)
				}
				if after := count(t, a); after != before {
					t.Fatalf("%s: a refused request wrote something: %+v → %+v", lang, before, after)
				}
			}
		})
	}
}

// keys returns a catalog's ids by key.
func keys(t *testing.T, a *app.App, table string) map[string]int64 {
	t.Helper()
	rows, err := a.DB.Pool.Query(context.Background(), fmt.Sprintf("SELECT key, id FROM %s", table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			t.Fatal(err)
		}
		out[k] = id
	}
	return out
}

func exec(t *testing.T, a *app.App, sql string, args ...any) {
	t.Helper()
	if _, err := a.DB.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func must(t *testing.T, st int, body []byte, want int) []byte {
	t.Helper()
	if st != want {
		t.Fatalf("status %d, want %d: %s", st, want, body)
	}
	return body
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, body)
	}
	return v
}

// Detail is TicketDetail as a client reads it.
type Detail struct {
	ID            int64    `json:"id"`
	Number        int64    `json:"number"`
	Subject       string   `json:"subject"`
	StatusID      int64    `json:"status_id"`
	PriorityID    int64    `json:"priority_id"`
	CategoryID    *int64   `json:"category_id"`
	SubcategoryID *int64   `json:"subcategory_id"`
	ChannelID     *int64   `json:"channel_id"`
	QueueID       *int64   `json:"queue_id"`
	Rank          string   `json:"rank"`
	Version       int64    `json:"version"`
	Description   string   `json:"description"`
	DescHTML      string   `json:"description_html"`
	OrderNumber   *string  `json:"order_number"`
	Tags          []string `json:"tags"`
	DueAt         *string  `json:"due_at"`
	Assignee      *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"assignee"`
	Requester  *Person `json:"requester"`
	Affected   *Person `json:"affected"`
	MergedInto *Ref    `json:"merged_into"`
	MergedFrom []Ref   `json:"merged_from"`
	Links      []struct {
		Ticket Ref    `json:"ticket"`
		Kind   string `json:"kind"`
	} `json:"links"`
	Can struct {
		Edit            bool `json:"edit"`
		CommentPublic   bool `json:"comment_public"`
		CommentInternal bool `json:"comment_internal"`
		Merge           bool `json:"merge"`
	} `json:"can"`
}

// Person is a PersonRef.
type Person struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Ref is a TicketRef.
type Ref struct {
	ID      int64  `json:"id"`
	Number  int64  `json:"number"`
	Subject string `json:"subject"`
}

func detail(t *testing.T, c *testutil.Client, id int64) Detail {
	t.Helper()
	st, body := c.Do("GET", fmt.Sprintf("/api/v1/tickets/%d", id), nil)
	return decode[Detail](t, must(t, st, body, 200))
}

// historyRow is one row of GET /tickets/{id}/history.
type historyRow struct {
	Field  string          `json:"field"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
	Actor  *struct {
		ID int64 `json:"id"`
	} `json:"actor"`
}

func history(t *testing.T, c *testutil.Client, id int64) []historyRow {
	t.Helper()
	st, body := c.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/history", id), nil)
	return decode[struct{ Items []historyRow }](t, must(t, st, body, 200)).Items
}
