package queue_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/testutil"
	"github.com/atiende/atiende/server/internal/tickets"
)

// desk is a running instance with the seed fixture plus the people queue tests need: supervisors of
// level 1 and of level 2, a consultant, and agent1 as the only member of level 1.
type desk struct {
	t      *testing.T
	a      *app.App
	f      *testutil.Fixture
	ids    map[string]int64 // users by email
	queues map[string]int64 // queues by key
	cats   map[string]int64 // categories by key
	// channel is the phone channel, for tickets staff create.
	channel int64
	present []string // users marked online
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 0)
	d := &desk{t: t, a: a, f: f, ids: map[string]int64{}, queues: map[string]int64{}, cats: map[string]int64{}}
	for e, u := range f.Users {
		d.ids[e] = u.ID
	}
	d.addUser("sup1@x.test", access.Supervisor)
	d.addUser("sup2@x.test", access.Supervisor)
	d.addUser("consultant@x.test", access.Consultant)
	for _, r := range d.rows("SELECT key, id FROM queues") {
		d.queues[r[0].(string)] = r[1].(int64)
	}
	for _, r := range d.rows("SELECT key, id FROM categories") {
		d.cats[r[0].(string)] = r[1].(int64)
	}
	d.scan(&d.channel, "SELECT id FROM channels WHERE key = 'phone'")
	d.exec("UPDATE queues SET supervisor_ids = ARRAY[$1::bigint] WHERE key = 'level_1'", d.ids["sup1@x.test"])
	d.exec("UPDATE queues SET supervisor_ids = ARRAY[$1::bigint] WHERE key = 'level_2'", d.ids["sup2@x.test"])
	d.exec("UPDATE queues SET member_ids = ARRAY[$1::bigint] WHERE key = 'level_1'", d.ids["agent1@x.test"])
	return d
}

// addUser adds a login with the fixture's password.
func (d *desk) addUser(email string, role access.Role) int64 {
	d.t.Helper()
	var hash string
	d.scan(&hash, "SELECT password_hash FROM users WHERE email = 'admin@x.test'")
	u := &people.User{Email: email, Name: email, PasswordHash: hash, Role: role, Locale: i18n.EN}
	err := d.a.DB.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		return d.a.People.Create(ctx, tx, u)
	})
	if err != nil {
		d.t.Fatal(err)
	}
	d.ids[email] = u.ID
	return u.ID
}

func (d *desk) exec(q string, args ...any) {
	d.t.Helper()
	if _, err := d.a.DB.Pool.Exec(context.Background(), q, args...); err != nil {
		d.t.Fatalf("%s: %v", q, err)
	}
}

func (d *desk) scan(dst any, q string, args ...any) {
	d.t.Helper()
	if err := d.a.DB.Pool.QueryRow(context.Background(), q, args...).Scan(dst); err != nil {
		d.t.Fatalf("%s: %v", q, err)
	}
}

func (d *desk) rows(q string, args ...any) [][]any {
	d.t.Helper()
	rs, err := d.a.DB.Pool.Query(context.Background(), q, args...)
	if err != nil {
		d.t.Fatal(err)
	}
	out, err := pgx.CollectRows(rs, func(r pgx.CollectableRow) ([]any, error) { return r.Values() })
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

// ticket makes a ticket in a queue (0: none) with an assignee (0: none) and a creator (0: the system),
// without hooks.
func (d *desk) ticket(queueID, assigneeID, creatorID int64) int64 {
	d.t.Helper()
	n := tickets.NewTicket{Subject: "Queue work", StatusID: d.f.Statuses[0], PriorityID: d.f.Priorities[0]}
	if queueID != 0 {
		n.QueueID = &queueID
	}
	if assigneeID != 0 {
		n.AssigneeID = &assigneeID
	}
	req := d.ids["customer@x.test"]
	n.RequesterID = &req
	var subj access.Subject
	if creatorID != 0 {
		subj = access.Subject{UserID: creatorID}
	}
	var id int64
	err := d.a.DB.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		c, err := d.a.Tickets.Create(ctx, tx, subj, n)
		if c != nil {
			id = c.ID
		}
		return err
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return id
}

// create creates a ticket as the admin through the API's creation path (hooks run: automatic assignment).
func (d *desk) create(queueID int64, categoryID int64, subcategoryID *int64) int64 {
	d.t.Helper()
	id, err := d.tryCreate(queueID, categoryID, subcategoryID)
	if err != nil {
		d.t.Fatal(err)
	}
	return id
}

func (d *desk) tryCreate(queueID int64, categoryID int64, subcategoryID *int64) (int64, error) {
	admin := d.f.Subject("admin@x.test")
	var id int64
	err := d.a.DB.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		requester := d.ids["customer@x.test"]
		req := tickets.NewTicketRequest{Subject: "Auto", CategoryID: categoryID, SubcategoryID: subcategoryID,
			ChannelID: &d.channel, RequesterID: &requester}
		if queueID != 0 {
			req.QueueID = &queueID
		}
		det, err := d.a.Tickets.CreateTx(ctx, tx, admin, req, "")
		if det != nil {
			id = det.ID
		}
		return err
	})
	if e, ok := errs.As(err); ok {
		return 0, fmt.Errorf("create: %v %v", e, e.Fields)
	}
	return id, err
}

// state is what a refused operation must leave untouched.
func (d *desk) state(id int64) string {
	d.t.Helper()
	var s string
	d.scan(&s, `SELECT concat_ws('|', t.version, t.queue_id, t.assignee_id,
		(SELECT count(*) FROM ticket_history h WHERE h.ticket_id = t.id), (SELECT count(*) FROM ticket_comments c WHERE c.ticket_id = t.id),
		(SELECT count(*) FROM events), (SELECT count(*) FROM queue_rr WHERE last_user_id IS NOT NULL))
		FROM tickets t WHERE t.id = $1`, id)
	return s
}

type ticketRow struct {
	Version    int64
	QueueID    *int64
	AssigneeID *int64
}

func (d *desk) row(id int64) ticketRow {
	d.t.Helper()
	var r ticketRow
	if err := d.a.DB.Pool.QueryRow(context.Background(), "SELECT version, queue_id, assignee_id FROM tickets WHERE id = $1", id).
		Scan(&r.Version, &r.QueueID, &r.AssigneeID); err != nil {
		d.t.Fatal(err)
	}
	return r
}

// lastOp is the last queue_op history row of a ticket.
func (d *desk) lastOp(id int64) map[string]any {
	d.t.Helper()
	var raw []byte
	d.scan(&raw, "SELECT after FROM ticket_history WHERE ticket_id = $1 AND field = 'queue_op' ORDER BY id DESC LIMIT 1", id)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		d.t.Fatal(err)
	}
	return m
}

// online marks users online as their live connections do (the real presence set in the test's Redis);
// createMany keeps them online as their clients' pings would.
func (d *desk) online(emails ...string) {
	d.t.Helper()
	d.present = append(d.present, emails...)
	for _, e := range emails {
		if err := d.a.Online.Touch(context.Background(), d.ids[e]); err != nil {
			d.t.Fatal(err)
		}
	}
}

type errBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
	Current *struct {
		Version int64 `json:"version"`
	} `json:"current"`
}

func decodeErr(t *testing.T, body []byte) errBody {
	t.Helper()
	var e errBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	return e
}

func opPath(id int64) string { return fmt.Sprintf("/api/v1/tickets/%d/queue-ops", id) }
