package access_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
	"github.com/atiende/atiende/server/internal/tickets"
)

// desk is a running instance (or two sharing a database) with the seed fixture and what the access
// tests build on it through SQL: persons with sponsors, custom roles, queue roles and supervisors.
type desk struct {
	t     *testing.T
	a     *app.App
	f     *testutil.Fixture
	hash  string           // the password hash of the fixture users, for new logins
	roles map[string]int64 // role ids by key
	ids   map[string]int64 // users by short name
}

// newDesk starts instances sharing one database and Redis prefix (the first one seeded, the others
// started after it has handed on the seed's events).
func newDesk(t *testing.T, instances int) (*desk, []*app.App) {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 0)
	d := &desk{t: t, a: a, f: f, roles: map[string]int64{}, ids: map[string]int64{}}
	d.scan(&d.hash, "SELECT password_hash FROM users WHERE email = 'admin@x.test'")
	rows, err := a.DB.Pool.Query(context.Background(), "SELECT key, id FROM roles")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			t.Fatal(err)
		}
		d.roles[k] = id
	}
	rows.Close()
	for email, u := range f.Users {
		d.ids[strings.Split(email, "@")[0]] = u.ID
	}
	all := []*app.App{a}
	for range instances - 1 {
		all = append(all, testutil.Start(t, testutil.Config(dbURL, redisURL, prefix)))
	}
	return d, all
}

func (d *desk) exec(sql string, args ...any) {
	d.t.Helper()
	if _, err := d.a.DB.Pool.Exec(context.Background(), sql, args...); err != nil {
		d.t.Fatalf("%s: %v", sql, err)
	}
}

func (d *desk) scan(dst any, sql string, args ...any) {
	d.t.Helper()
	if err := d.a.DB.Pool.QueryRow(context.Background(), sql, args...).Scan(dst); err != nil {
		d.t.Fatalf("%s: %v", sql, err)
	}
}

// person inserts a person with a login (email name@x.test) and, when sponsor is not empty, the named
// sponsor; the insert trigger fills the sponsor chain.
func (d *desk) person(name string, role access.Role, sponsor string) int64 {
	d.t.Helper()
	kind := map[access.Role]string{access.Customer: "customer", access.Consultant: "consultant"}[role]
	if kind == "" {
		kind = "employee"
	}
	var sp *int64
	if sponsor != "" {
		id, ok := d.ids[sponsor]
		if !ok {
			d.t.Fatalf("no sponsor %q yet", sponsor)
		}
		sp = &id
	}
	var id int64
	d.scan(&id, `INSERT INTO users (email, name, password_hash, role, locale, kind, sponsor_id) VALUES ($1, $2, $3, $4, 'en', $5, $6)
		RETURNING id`, name+"@x.test", name, d.hash, string(role), kind, sp)
	d.ids[name] = id
	return id
}

// customRole creates a role with no permissions of its own.
func (d *desk) customRole(key string) int64 {
	d.t.Helper()
	var id int64
	d.scan(&id, "INSERT INTO roles (key, name_es, name_en) VALUES ($1, $1, $1) RETURNING id", key)
	d.roles[key] = id
	return id
}

// queue returns a queue's id by key.
func (d *desk) queue(key string) int64 {
	d.t.Helper()
	var id int64
	d.scan(&id, "SELECT id FROM queues WHERE key = $1", key)
	return id
}

// ticket opens a ticket through the service (so that its network and allowed roles are computed).
func (d *desk) ticket(subject string, requester, affected, assignee, queue int64) int64 {
	d.t.Helper()
	ptr := func(id int64) *int64 {
		if id == 0 {
			return nil
		}
		return &id
	}
	var id int64
	err := d.a.DB.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		c, err := d.a.Tickets.Create(ctx, tx, access.Subject{}, tickets.NewTicket{Subject: subject, StatusID: d.f.Statuses[0],
			PriorityID: d.f.Priorities[0], RequesterID: ptr(requester), AffectedID: ptr(affected), AssigneeID: ptr(assignee),
			QueueID: ptr(queue)})
		if err != nil {
			return err
		}
		id = c.ID
		return nil
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return id
}

// version is a ticket's current version.
func (d *desk) version(id int64) int64 {
	d.t.Helper()
	var v int64
	d.scan(&v, "SELECT version FROM tickets WHERE id = $1", id)
	return v
}

// login logs a user in by short name on an instance.
func (d *desk) login(a *app.App, name string) *testutil.Client {
	d.t.Helper()
	return testutil.Login(d.t, a, name+"@x.test")
}

// moveSubtree gives a person a new sponsor (0: none) the way the people service does: the person's and
// every descendant's sponsor chain gets the new prefix, then their tickets' networks are recomputed (with
// live removals and additions). It returns the moved persons.
func moveSubtree(ctx context.Context, a *app.App, person, sponsor int64) ([]int64, error) {
	var moved []int64
	err := a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var sp *int64
		if sponsor != 0 {
			sp = &sponsor
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET sponsor_id = ? WHERE id = ?", sp, person); err != nil {
			return err
		}
		if err := tx.NewRaw(`UPDATE users u SET ancestors =
				coalesce((SELECT s.ancestors FROM users s WHERE s.id = ?0), '{}') || u.ancestors[array_position(u.ancestors, ?1::bigint):]
			WHERE u.ancestors @> ARRAY[?1::bigint] RETURNING u.id`, sponsor, person).Scan(ctx, &moved); err != nil {
			return err
		}
		_, err := a.Tickets.RefreshNetwork(ctx, tx, access.Subject{}, moved)
		return err
	})
	return moved, err
}

// listIDs pages through GET /tickets (with extra query) and returns the ids and numbers seen.
func listIDs(t *testing.T, c *testutil.Client, query string) (int, []int64, []int64) {
	t.Helper()
	var ids, numbers []int64
	cursor := ""
	for {
		q := "/api/v1/tickets?limit=200" + query
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		st, body := c.Do("GET", q, nil)
		if st != 200 {
			return st, nil, nil
		}
		var page struct {
			Items []struct {
				ID     int64 `json:"id"`
				Number int64 `json:"number"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("list: %v: %s", err, body)
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
			numbers = append(numbers, it.Number)
		}
		if page.NextCursor == nil {
			return st, ids, numbers
		}
		cursor = *page.NextCursor
	}
}

// exportNumbers downloads the CSV export and returns the ticket numbers of its rows.
func exportNumbers(t *testing.T, c *testutil.Client) (int, []int64) {
	t.Helper()
	st, body := c.Do("GET", "/api/v1/tickets/export.csv", nil)
	if st != 200 {
		return st, nil
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("export is not CSV: %v: %s", err, body)
	}
	var out []int64
	for _, r := range rows[1:] {
		n, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			t.Fatalf("export row %q has no number", r)
		}
		out = append(out, n)
	}
	return st, out
}

// upload sends one small file to a ticket (attach_to: "reply" or "ticket") and returns the status and
// the attachment's id.
func upload(t *testing.T, c *testutil.Client, ticket int64, attachTo string) (int, int64) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("attach_to", attachTo)
	fw, _ := w.CreateFormFile("file", "nota.txt")
	_, _ = fw.Write([]byte("hola, adjunto"))
	_ = w.Close()
	st, body := c.DoHeaders("POST", fmt.Sprintf("/api/v1/tickets/%d/attachments", ticket), buf.Bytes(),
		map[string]string{"Content-Type": w.FormDataContentType()})
	var a struct {
		ID int64 `json:"id"`
	}
	if st == 201 {
		_ = json.Unmarshal(body, &a)
	}
	return st, a.ID
}

func sorted(ids []int64) []int64 {
	out := append([]int64{}, ids...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func sameSet(a, b []int64) bool { return slices.Equal(sorted(a), sorted(b)) }

// ticketFrames returns the event and remove frames of one ticket (an event names it in its card).
func ticketFrames(l *testutil.Live, id int64) []testutil.Frame {
	var out []testutil.Frame
	for _, f := range l.Frames() {
		if (f.Type == "remove" && f.TicketID == id) || (f.Type == "event" && f.Catalog == "" && f.Card().ID == id) {
			out = append(out, f)
		}
	}
	return out
}

// closeCode waits for a live socket to end and returns its close code (0 when it stayed open) and how
// long after since that happened.
func closeCode(l *testutil.Live, since time.Time, timeout time.Duration) (int, time.Duration) {
	select {
	case <-l.Closed():
	case <-time.After(timeout):
		return 0, time.Since(since)
	}
	if ce, ok := l.Close.(*websocket.CloseError); ok {
		return ce.Code, time.Since(since)
	}
	return -1, time.Since(since)
}

// sentinel makes a change every connection receives (a catalog rename) and waits until each has it:
// frames reach a connection in order, so whatever an earlier change was to bring has arrived by then.
func (d *desk) sentinel(admin *testutil.Client, ls ...*testutil.Live) {
	d.t.Helper()
	var id, v int64
	if err := d.a.DB.Pool.QueryRow(context.Background(), "SELECT id, version FROM channels ORDER BY id LIMIT 1").Scan(&id, &v); err != nil {
		d.t.Fatal(err)
	}
	name := fmt.Sprintf("Canal %d", v)
	if st, body := admin.Do("PATCH", fmt.Sprintf("/api/v1/catalog/channels/%d", id), map[string]any{"version": v, "name_en": name}); st != 200 {
		d.t.Fatalf("sentinel change: %d %s", st, body)
	}
	seq := d.lastSeq()
	for _, l := range ls {
		l.WaitFor(func(fs []testutil.Frame) bool {
			for _, f := range fs {
				if f.Type == "event" && f.Catalog != "" && f.Seq >= seq {
					return true
				}
			}
			return false
		}, 5*time.Second, "the catalog change")
	}
}

// lastSeq is the newest event's seq.
func (d *desk) lastSeq() int64 {
	var seq int64
	d.scan(&seq, "SELECT coalesce(max(seq), 0) FROM events")
	return seq
}
