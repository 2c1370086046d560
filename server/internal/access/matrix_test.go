package access_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/testutil"
)

// cell is the expectation for one subject: a status per action, and the exact sets for the lists.
// Ticket names: T1 is the ticket under test (requested by owner, who is sponsored by up1 ← up2 ← up3;
// affected person affected; assigned to assignee; queue level_2, whose roles are only the custom role
// billing and whose supervisor is supq); T2 is other's ticket in level_1 (roles: agent; supervisor:
// supo); T3 is up1's own ticket in level_2; T4 is unrel's in level_3 (no roles, no supervisor); T5 is
// down's (sponsored by owner) in level_3. "impresora" is in the subjects of T1, T2 and T4.
type cell struct {
	list, search, export []string // exact sets (nil when the status is not 200)
	listSt, exportSt     int
	read                 int
	content, typif       int // PATCH subject; tags
	people, assign       int // PATCH affected_id; assignee_id
	status, move, roles  int // PATCH status_id; POST /move; PATCH allowed_roles
	reply, note          int // POST comments public / internal
	comments             int // GET comments
	notes                bool
	upload               int
	fileOnTicket         int // download a file attached to the ticket
	fileOnNote           int // download a file of an internal note
	create               int
	live                 bool // the live connection receives T1's changes (false: none, or refused)
	liveSt               int  // the socket's upgrade: 0 accepted, else the refusal status
}

var all5 = []string{"T1", "T2", "T3", "T4", "T5"}

// matrix is written out cell by cell, denials included; it is not derived from the access package.
var matrix = []struct {
	who  string
	want cell
}{
	// Customers: their own tickets only (owner requested T1; other requested T2).
	{"owner", cell{list: []string{"T1"}, search: []string{"T1"}, listSt: 200, exportSt: 403, read: 200,
		content: 403, typif: 403, people: 403, assign: 403, status: 403, move: 403, roles: 403,
		reply: 201, note: 422, comments: 200, notes: false, upload: 201, fileOnTicket: 200, fileOnNote: 404, create: 201, live: true}},
	{"other", cell{list: []string{"T2"}, search: []string{"T2"}, listSt: 200, exportSt: 403, read: 404,
		content: 404, typif: 404, people: 404, assign: 404, status: 404, move: 404, roles: 404,
		reply: 404, note: 404, comments: 404, notes: false, upload: 404, fileOnTicket: 404, fileOnNote: 404, create: 201, live: false}},
	// Consultants: their own and their downline's tickets (T1 and T5 are in up1's and up3's downline).
	{"up1", cell{list: []string{"T1", "T3", "T5"}, search: []string{"T1"}, listSt: 200, exportSt: 403, read: 200,
		content: 403, typif: 403, people: 403, assign: 403, status: 403, move: 403, roles: 403,
		reply: 201, note: 422, comments: 200, notes: false, upload: 201, fileOnTicket: 200, fileOnNote: 404, create: 201, live: true}},
	{"up3", cell{list: []string{"T1", "T3", "T5"}, search: []string{"T1"}, listSt: 200, exportSt: 403, read: 200,
		content: 403, typif: 403, people: 403, assign: 403, status: 403, move: 403, roles: 403,
		reply: 201, note: 422, comments: 200, notes: false, upload: 201, fileOnTicket: 200, fileOnNote: 404, create: 201, live: true}},
	{"down", cell{list: []string{"T5"}, search: []string{}, listSt: 200, exportSt: 403, read: 404,
		content: 404, typif: 404, people: 404, assign: 404, status: 404, move: 404, roles: 404,
		reply: 404, note: 404, comments: 404, notes: false, upload: 404, fileOnTicket: 404, fileOnNote: 404, create: 201, live: false}},
	{"sibling", cell{list: []string{}, search: []string{}, listSt: 200, exportSt: 403, read: 404,
		content: 404, typif: 404, people: 404, assign: 404, status: 404, move: 404, roles: 404,
		reply: 404, note: 404, comments: 404, notes: false, upload: 404, fileOnTicket: 404, fileOnNote: 404, create: 201, live: false}},
	{"unrel", cell{list: []string{"T4"}, search: []string{"T4"}, listSt: 200, exportSt: 403, read: 404,
		content: 404, typif: 404, people: 404, assign: 404, status: 404, move: 404, roles: 404,
		reply: 404, note: 404, comments: 404, notes: false, upload: 404, fileOnTicket: 404, fileOnNote: 404, create: 201, live: false}},
	// Agents: affected, assigned, or one of their roles allowed; T2's queue allows every agent.
	{"affected", cell{list: []string{"T1", "T2"}, search: []string{"T1", "T2"}, export: []string{"T1", "T2"}, listSt: 200, exportSt: 200, read: 200,
		content: 200, typif: 200, people: 200, assign: 200, status: 200, move: 200, roles: 403,
		reply: 201, note: 201, comments: 200, notes: true, upload: 201, fileOnTicket: 200, fileOnNote: 200, create: 201, live: true}},
	{"assignee", cell{list: []string{"T1", "T2"}, search: []string{"T1", "T2"}, export: []string{"T1", "T2"}, listSt: 200, exportSt: 200, read: 200,
		content: 200, typif: 200, people: 200, assign: 200, status: 200, move: 200, roles: 403,
		reply: 201, note: 201, comments: 200, notes: true, upload: 201, fileOnTicket: 200, fileOnNote: 200, create: 201, live: true}},
	{"billing", cell{list: []string{"T1", "T2", "T3"}, search: []string{"T1", "T2"}, export: []string{"T1", "T2", "T3"}, listSt: 200, exportSt: 200, read: 200,
		content: 200, typif: 200, people: 200, assign: 200, status: 200, move: 200, roles: 403,
		reply: 201, note: 201, comments: 200, notes: true, upload: 201, fileOnTicket: 200, fileOnNote: 200, create: 201, live: true}},
	{"agent1", cell{list: []string{"T2"}, search: []string{"T2"}, export: []string{"T2"}, listSt: 200, exportSt: 200, read: 404,
		content: 404, typif: 404, people: 404, assign: 404, status: 404, move: 404, roles: 404,
		reply: 404, note: 404, comments: 404, notes: false, upload: 404, fileOnTicket: 404, fileOnNote: 404, create: 201, live: false}},
	// Supervisors: every ticket of the queues they supervise, and they may set allowed roles.
	{"supq", cell{list: []string{"T1", "T3"}, search: []string{"T1"}, export: []string{"T1", "T3"}, listSt: 200, exportSt: 200, read: 200,
		content: 200, typif: 200, people: 200, assign: 200, status: 200, move: 200, roles: 200,
		reply: 201, note: 201, comments: 200, notes: true, upload: 201, fileOnTicket: 200, fileOnNote: 200, create: 201, live: true}},
	{"supo", cell{list: []string{"T2"}, search: []string{"T2"}, export: []string{"T2"}, listSt: 200, exportSt: 200, read: 404,
		content: 404, typif: 404, people: 404, assign: 404, status: 404, move: 404, roles: 404,
		reply: 404, note: 404, comments: 404, notes: false, upload: 404, fileOnTicket: 404, fileOnNote: 404, create: 201, live: false}},
	{"admin", cell{list: all5, search: []string{"T1", "T2", "T4"}, export: all5, listSt: 200, exportSt: 200, read: 200,
		content: 200, typif: 200, people: 200, assign: 200, status: 200, move: 200, roles: 200,
		reply: 201, note: 201, comments: 200, notes: true, upload: 201, fileOnTicket: 200, fileOnNote: 200, create: 201, live: true}},
	// A disabled user (an agent holding billing) had a session: it no longer counts.
	{"gone", cell{listSt: 401, exportSt: 401, read: 401,
		content: 401, typif: 401, people: 401, assign: 401, status: 401, move: 401, roles: 401,
		reply: 401, note: 401, comments: 401, notes: false, upload: 401, fileOnTicket: 401, fileOnNote: 401, create: 401, live: false, liveSt: 401}},
	{"anonymous", cell{listSt: 401, exportSt: 401, read: 401,
		content: 401, typif: 401, people: 401, assign: 401, status: 401, move: 401, roles: 401,
		reply: 401, note: 401, comments: 401, notes: false, upload: 401, fileOnTicket: 401, fileOnNote: 401, create: 401, live: false, liveSt: 401}},
}

func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	d, _ := newDesk(t, 1)
	a := d.a
	billing := d.customRole("billing")
	d.person("up3", access.Consultant, "")
	d.person("up2", access.Consultant, "up3")
	d.person("up1", access.Consultant, "up2")
	d.person("owner", access.Customer, "up1")
	d.person("down", access.Consultant, "owner")
	d.person("sibling", access.Consultant, "up1")
	d.person("unrel", access.Consultant, "")
	d.person("affected", access.Agent, "")
	d.person("assignee", access.Agent, "")
	d.person("billing", access.Agent, "")
	d.person("supq", access.Supervisor, "")
	d.person("supo", access.Supervisor, "")
	d.person("gone", access.Agent, "")
	d.exec("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $3), ($2, $3)", d.ids["billing"], d.ids["gone"], billing)
	q1, q2, q3 := d.queue("level_2"), d.queue("level_1"), d.queue("level_3")
	d.exec("UPDATE queues SET role_ids = $2, supervisor_ids = $3 WHERE id = $1", q1, []int64{billing}, []int64{d.ids["supq"]})
	d.exec("UPDATE queues SET role_ids = $2, supervisor_ids = $3 WHERE id = $1", q2, []int64{d.roles["agent"]}, []int64{d.ids["supo"]})
	d.exec("UPDATE queues SET role_ids = '{}', supervisor_ids = '{}' WHERE id = $1", q3)

	ids := map[string]int64{
		"T1": d.ticket("Impresora atascada", d.ids["owner"], d.ids["affected"], d.ids["assignee"], q1),
		"T2": d.ticket("Impresora sin tinta", d.ids["other"], 0, 0, q2),
		"T3": d.ticket("Factura duplicada", d.ids["up1"], 0, 0, q1),
		"T4": d.ticket("Impresora de la tienda", d.ids["unrel"], 0, 0, q3),
		"T5": d.ticket("Pedido incompleto", d.ids["down"], 0, 0, q3),
	}
	t1 := ids["T1"]
	names := map[int64]string{}
	for name, id := range ids {
		var n int64
		d.scan(&n, "SELECT number FROM tickets WHERE id = $1", id)
		names[n] = name
	}
	nameSet := func(numbers []int64) []string {
		out := []string{}
		for _, n := range numbers {
			if s, ok := names[n]; ok {
				out = append(out, s)
			} else {
				out = append(out, fmt.Sprintf("#%d", n))
			}
		}
		sort.Strings(out)
		return out
	}

	// The admin writes an internal note with a file, and attaches a file to the ticket itself.
	admin := d.login(a, "admin")
	st, draft := upload(t, admin, t1, "reply")
	if st != 201 {
		t.Fatalf("admin upload: %d", st)
	}
	if st, body := admin.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/comments", t1),
		map[string]any{"body": "nota interna", "public": false, "attachment_ids": []int64{draft}}); st != 201 {
		t.Fatalf("internal note: %d %s", st, body)
	}
	st, onTicket := upload(t, admin, t1, "ticket")
	if st != 201 {
		t.Fatalf("admin upload to the ticket: %d", st)
	}

	// Every subject logs in (the disabled one before being disabled) and opens the live socket.
	clients := map[string]*testutil.Client{}
	lives := map[string]*testutil.Live{}
	var open []*testutil.Live
	for _, m := range matrix {
		switch m.who {
		case "anonymous":
			clients[m.who] = testutil.NewClient(t, a)
		default:
			clients[m.who] = d.login(a, m.who)
		}
		if m.want.liveSt == 0 {
			lives[m.who] = clients[m.who].Connect(a, nil)
			open = append(open, lives[m.who])
		}
	}
	d.exec("UPDATE users SET disabled_at = now() WHERE id = $1", d.ids["gone"])
	if len(matrix) < 15 {
		t.Fatalf("the matrix has %d subjects, want at least 15", len(matrix))
	}

	cells := 0
	for _, m := range matrix {
		c, w := clients[m.who], m.want
		check := func(action string, got, want any) {
			t.Helper()
			cells++
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s / %s: got %v, want %v", m.who, action, got, want)
			}
		}
		patch := func(field string, value any) int {
			st, _ := c.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", t1), map[string]any{"version": d.version(t1), field: value})
			return st
		}
		st, _, numbers := listIDs(t, c, "")
		check("list status", st, w.listSt)
		if st == 200 {
			check("list", nameSet(numbers), sortedNames(w.list))
		}
		st, _, numbers = listIDs(t, c, "&q=impresora")
		check("search status", st, w.listSt)
		if st == 200 {
			check("search", nameSet(numbers), sortedNames(w.search))
		}
		st, numbers = exportNumbers(t, c)
		check("export", st, w.exportSt)
		if st == 200 {
			check("export rows", nameSet(numbers), sortedNames(w.export))
		}
		st, _ = c.Do("GET", fmt.Sprintf("/api/v1/tickets/%d", t1), nil)
		check("read", st, w.read)
		check("update content", patch("subject", "Impresora atascada ("+m.who+")"), w.content)
		check("update typification", patch("tags", []string{m.who}), w.typif)
		check("update people", patch("affected_id", d.ids["affected"]), w.people)
		check("update assignment", patch("assignee_id", d.ids["assignee"]), w.assign)
		var cur int64
		d.scan(&cur, "SELECT status_id FROM tickets WHERE id = $1", t1)
		next := d.f.Statuses[0]
		if cur == next {
			next = d.f.Statuses[1]
		}
		check("update status", patch("status_id", next), w.status)
		d.scan(&cur, "SELECT status_id FROM tickets WHERE id = $1", t1)
		next = d.f.Statuses[0]
		if cur == next {
			next = d.f.Statuses[1]
		}
		st, _ = c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/move", t1), map[string]any{"status_id": next, "version": d.version(t1)})
		check("move", st, w.move)
		check("update allowed roles", patch("allowed_roles", []int64{billing}), w.roles)
		st, _ = c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/comments", t1), map[string]any{"body": "respuesta de " + m.who, "public": true})
		check("public reply", st, w.reply)
		st, _ = c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/comments", t1), map[string]any{"body": "nota de " + m.who, "public": false})
		check("internal note", st, w.note)
		st, body := c.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/comments", t1), nil)
		check("read comments", st, w.comments)
		notes := false
		if st == 200 {
			var cs struct {
				Items []struct {
					Public bool `json:"public"`
				} `json:"items"`
			}
			if err := json.Unmarshal(body, &cs); err != nil {
				t.Fatal(err)
			}
			notes = slices.ContainsFunc(cs.Items, func(x struct {
				Public bool `json:"public"`
			}) bool {
				return !x.Public
			})
		}
		check("read internal notes", notes, w.notes)
		st, _ = upload(t, c, t1, "reply")
		check("attachment upload", st, w.upload)
		st, _ = c.Do("GET", fmt.Sprintf("/api/v1/attachments/%d", onTicket), nil)
		check("download the ticket's file", st, w.fileOnTicket)
		st, _ = c.Do("GET", fmt.Sprintf("/api/v1/attachments/%d", draft), nil)
		check("download an internal note's file", st, w.fileOnNote)
		if w.liveSt != 0 {
			_, res, err := c.DialLive(a, nil)
			got := 0
			if res != nil {
				got = res.StatusCode
			}
			if err == nil {
				got = 101
			}
			check("live socket", got, w.liveSt)
		}
	}

	// Live delivery: the admin changes T1 once more; once every socket has a later change, whoever
	// was to receive T1's changes has them.
	if st, body := admin.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", t1), map[string]any{"version": d.version(t1), "tags": []string{"final"}}); st != 200 {
		t.Fatalf("final change: %d %s", st, body)
	}
	d.sentinel(admin, open...)
	for _, m := range matrix {
		if l := lives[m.who]; l != nil {
			got := len(ticketFrames(l, t1)) > 0
			cells++
			if got != m.want.live {
				t.Errorf("%s / live delivery: received T1's changes = %v, want %v", m.who, got, m.want.live)
			}
			for _, f := range ticketFrames(l, t1) {
				if f.Type == "remove" {
					t.Errorf("%s / live delivery: a removal of T1, whose visibility never changed", m.who)
				}
			}
		}
	}

	// Creation last, so that the lists above were exact.
	for _, m := range matrix {
		body := map[string]any{"subject": "Nuevo de " + m.who, "category_id": d.category(), "channel_id": d.channel(),
			"requester_id": d.ids[m.who]}
		if m.who == "anonymous" {
			body["requester_id"] = d.ids["owner"]
		}
		st, res := clients[m.who].Do("POST", "/api/v1/tickets", body)
		cells++
		if st != m.want.create {
			t.Errorf("%s / create: got %d, want %d: %s", m.who, st, m.want.create, res)
		}
	}

	// The disabled user cannot log in again either.
	c := testutil.NewClient(t, a)
	st, _ = c.Do("POST", "/api/v1/auth/login", map[string]string{"email": "gone@x.test", "password": testutil.Password})
	cells++
	if st != 403 {
		t.Errorf("gone / login: got %d, want 403", st)
	}
	t.Logf("permission matrix: %d cells checked", cells)
	fmt.Printf("permission matrix: %d cells checked\n", cells)
}

func sortedNames(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// category is an active top-level category's id.
func (d *desk) category() int64 {
	var id int64
	d.scan(&id, "SELECT id FROM categories WHERE parent_id IS NULL AND active ORDER BY id LIMIT 1")
	return id
}

// channel is an active channel's id.
func (d *desk) channel() int64 {
	var id int64
	d.scan(&id, "SELECT id FROM channels WHERE active ORDER BY id LIMIT 1")
	return id
}
