package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
	"github.com/atiende/atiende/shared/api"
	sharedlive "github.com/atiende/atiende/shared/live"

	"github.com/atiende/atiende/server/internal/live"
)

func start(t *testing.T, n int) (*app.App, *testutil.Fixture) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	return a, testutil.Seed(t, a, n)
}

// snapshot is what a refused request must leave untouched.
type snapshot struct{ version, history, events int64 }

func snap(t *testing.T, a *app.App, ticketID int64) snapshot {
	t.Helper()
	var s snapshot
	err := a.DB.Pool.QueryRow(context.Background(), `SELECT (SELECT version FROM tickets WHERE id = $1),
		(SELECT count(*) FROM ticket_history), (SELECT count(*) FROM events)`, ticketID).Scan(&s.version, &s.history, &s.events)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
	Current *struct {
		Version  int64 `json:"version"`
		StatusID int64 `json:"status_id"`
	} `json:"current"`
}

func TestMoveWritesHistoryAndEvent(t *testing.T) {
	a, f := start(t, 3)
	agent := testutil.Login(t, a, "agent1@x.test")
	id := f.Tickets[1]
	before := snap(t, a, id)
	st, body := agent.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/move", id), map[string]any{"status_id": f.Statuses[2], "version": 1})
	if st != 200 {
		t.Fatalf("move: %d %s", st, body)
	}
	var card struct {
		StatusID int64  `json:"status_id"`
		Version  int64  `json:"version"`
		Rank     string `json:"rank"`
	}
	_ = json.Unmarshal(body, &card)
	if card.StatusID != f.Statuses[2] || card.Version != 2 || card.Rank == "" {
		t.Fatalf("moved card: %s", body)
	}
	type hist struct {
		Field  string
		Before string
		After  string
		Actor  int64
	}
	rows, err := a.DB.Pool.Query(context.Background(),
		`SELECT field, before::text, after::text, actor_id FROM ticket_history WHERE ticket_id = $1 AND field <> 'created' ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	var hs []hist
	for rows.Next() {
		var h hist
		if err := rows.Scan(&h.Field, &h.Before, &h.After, &h.Actor); err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	agentID := f.Users["agent1@x.test"].ID
	// The generic workflow's transition into the new status is recorded with the move.
	if len(hs) != 3 || hs[0].Field != "status_id" || hs[0].Before != strconv.FormatInt(f.Statuses[0], 10) ||
		hs[0].After != strconv.FormatInt(f.Statuses[2], 10) || hs[0].Actor != agentID || hs[1].Field != "rank" ||
		hs[2].Field != "transition" || !strings.Contains(hs[2].After, `"key": "wait"`) {
		t.Fatalf("history rows: %+v", hs)
	}
	var name string
	var payload []byte
	if err := a.DB.Pool.QueryRow(context.Background(), `SELECT name, payload FROM events WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1`, id).Scan(&name, &payload); err != nil {
		t.Fatal(err)
	}
	var p struct {
		Ticket struct{ Version, StatusID int64 } `json:"ticket"`
		Actor  struct{ ID int64 }                `json:"actor"`
	}
	_ = json.Unmarshal(payload, &p)
	if name != "ticket.moved" || p.Actor.ID != agentID {
		t.Fatalf("event %s %s", name, payload)
	}
	after := snap(t, a, id)
	if after.history != before.history+3 || after.events != before.events+1 {
		t.Fatalf("a move must write 3 history rows (status, rank, transition) and 1 event: %+v → %+v", before, after)
	}
}

// rawLogin logs in with the right password outside the client's cookie jar, to read the response headers.
func rawLogin(t *testing.T, c *testutil.Client, email string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", c.Base+"/api/v1/auth/login", strings.NewReader(`{"email":"`+email+`","password":"`+testutil.Password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.CSRF())
	req.AddCookie(&http.Cookie{Name: "atiende_csrf", Value: c.CSRF()})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func TestConcurrentMovesAtOneVersionOneWins(t *testing.T) {
	a, f := start(t, 3)
	agent := testutil.Login(t, a, "agent1@x.test")
	id := f.Tickets[0]
	before := snap(t, a, id)
	const n = 100
	codes := make([]int, n)
	bodies := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], bodies[i] = agent.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/move", id),
				map[string]any{"status_id": f.Statuses[1+i%4], "version": 1})
		}()
	}
	wg.Wait()
	ok, conflict := 0, 0
	for i, c := range codes {
		switch c {
		case 200:
			ok++
		case 409:
			conflict++
			var e errorBody
			_ = json.Unmarshal(bodies[i], &e)
			if e.Error.Code != "conflict" || e.Current == nil || e.Current.Version != 2 || !strings.Contains(e.Error.Message, "changed") {
				t.Fatalf("a stale move must say so and carry the current state: %s", bodies[i])
			}
		default:
			t.Fatalf("unexpected %d: %s", c, bodies[i])
		}
	}
	if ok != 1 || conflict != n-1 {
		t.Fatalf("got %d successes and %d conflicts, want 1 and %d", ok, conflict, n-1)
	}
	after := snap(t, a, id)
	if after.version != 2 || after.events != before.events+1 {
		t.Fatalf("only one move may land: %+v → %+v", before, after)
	}
}

func TestBadInputIsRefusedClearlyAndChangesNothing(t *testing.T) {
	a, f := start(t, 3)
	agent := testutil.Login(t, a, "agent1@x.test")
	id := f.Tickets[0]
	path := fmt.Sprintf("/api/v1/tickets/%d/move", id)
	// A full column refuses moves in with a message naming it.
	if _, err := a.DB.Pool.Exec(context.Background(), `UPDATE statuses SET wip_limit = 1 WHERE id = $1`, f.Statuses[4]); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Move(context.Background(), f.Subject("agent1@x.test"), f.Tickets[2], movereq(f.Statuses[4], 1)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name        string
		path        string
		body        any
		lang        string
		status      int
		field       string
		messagePart string
	}{
		{"malformed json", path, `{"status_id": 2,`, "en", 400, "", "not valid JSON"},
		{"malformed json in spanish", path, `{"status_id": 2,`, "es", 400, "", "no es JSON válido"},
		{"empty body", path, ``, "en", 400, "", "missing"},
		{"two documents", path, `{"status_id":2,"version":1} {}`, "en", 400, "", "not valid JSON"},
		{"unknown field", path, `{"status_id":2,"version":1,"assignee_id":3}`, "en", 422, "assignee_id", "does not exist"},
		{"unknown field in spanish", path, `{"status_id":2,"version":1,"assignee_id":3}`, "es", 422, "assignee_id", "no existe"},
		{"wrong type", path, `{"status_id":"2","version":1}`, "en", 422, "status_id", "expected integer"},
		{"wrong type for version", path, `{"status_id":2,"version":true}`, "en", 422, "version", "expected integer"},
		{"missing version", path, `{"status_id":2}`, "en", 422, "version", "required"},
		{"missing status", path, `{"version":1}`, "es", 422, "status_id", "obligatorio"},
		{"negative after", path, `{"status_id":2,"version":1,"after_id":-4}`, "en", 422, "after_id", "at least"},
		{"status that does not exist", path, `{"status_id":9999,"version":1}`, "en", 422, "status_id", "does not exist"},
		{"after a card of another column", path, fmt.Sprintf(`{"status_id":%d,"version":1,"after_id":%d}`, f.Statuses[1], f.Tickets[1]), "en", 422, "after_id", "not in that column"},
		{"after itself", path, fmt.Sprintf(`{"status_id":%d,"version":1,"after_id":%d}`, f.Statuses[0], id), "en", 422, "after_id", "after itself"},
		{"stale version", path, fmt.Sprintf(`{"status_id":%d,"version":7}`, f.Statuses[1]), "en", 409, "", "changed while you were moving"},
		{"column at its WIP limit", path, fmt.Sprintf(`{"status_id":%d,"version":1}`, f.Statuses[4]), "en", 409, "", "maximum of 1"},
		{"column at its WIP limit in spanish", path, fmt.Sprintf(`{"status_id":%d,"version":1}`, f.Statuses[4]), "es", 409, "", "máximo de 1"},
		{"ticket that does not exist", "/api/v1/tickets/99999/move", `{"status_id":2,"version":1}`, "en", 404, "", "does not exist"},
		{"ticket id that is not a number", "/api/v1/tickets/abc/move", `{"status_id":2,"version":1}`, "en", 404, "", "does not exist"},
		{"unknown route", "/api/v1/nothing-here", `{}`, "en", 404, "", "does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := snap(t, a, id)
			agent.Lang = c.lang
			st, body := agent.Do("POST", c.path, c.body)
			agent.Lang = "en"
			if st != c.status {
				t.Fatalf("status %d, want %d: %s", st, c.status, body)
			}
			var e errorBody
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("the error is not the JSON error body: %s", body)
			}
			msg := e.Error.Message
			if c.field != "" {
				msg = e.Error.Fields[c.field]
			}
			if !strings.Contains(msg, c.messagePart) {
				t.Fatalf("message %q (fields %v) does not say %q", e.Error.Message, e.Error.Fields, c.messagePart)
			}
			if after := snap(t, a, id); after != before {
				t.Fatalf("a refused request changed something: %+v → %+v", before, after)
			}
		})
	}
	t.Run("JSON body over the limit", func(t *testing.T) {
		// The server reads bodies up to the upload limit; a JSON body past 1 MiB is refused when decoded.
		before := snap(t, a, id)
		big := `{"status_id":2,"version":1,"pad":"` + strings.Repeat("x", app.BodyLimit) + `"}`
		for lang, want := range map[string]string{"en": "too large (at most 1 MiB)", "es": "demasiado grande (máximo 1 MiB)"} {
			agent.Lang = lang
			st, body := agent.Do("POST", path, big)
			agent.Lang = "en"
			if st != 413 || !strings.Contains(string(body), want) {
				t.Fatalf("%s: %d %.200s", lang, st, body)
			}
		}
		if after := snap(t, a, id); after != before {
			t.Fatal("a refused request changed something")
		}
	})
	t.Run("body over what the server reads", func(t *testing.T) {
		// The server answers as soon as it reads the Content-Length, before the body: speak raw HTTP.
		before := snap(t, a, id)
		conn, err := net.Dial("tcp", a.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept-Language: en\r\nContent-Length: %d\r\n\r\n{",
			path, a.Config.AttachmentMaxBytes+64<<10+1)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 413 || !strings.Contains(string(body), "too large (at most 1 MiB)") {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		if after := snap(t, a, id); after != before {
			t.Fatal("a refused request changed something")
		}
	})
	t.Run("board filters", func(t *testing.T) {
		for q, field := range map[string]string{"assignee=someone": "assignee", "priority=x": "priority", "limit=0": "limit",
			"limit=500": "limit", "q=" + strings.Repeat("z", 201): "q"} {
			st, body := agent.Do("GET", "/api/v1/board?"+q, nil)
			var e errorBody
			_ = json.Unmarshal(body, &e)
			if st != 422 || e.Error.Fields[field] == "" {
				t.Fatalf("GET /board?%s: %d %s", q, st, body)
			}
		}
		st, body := agent.Do("GET", fmt.Sprintf("/api/v1/board/columns/%d/cards?cursor=%%%%%%", f.Statuses[0]), nil)
		if st != 422 || !strings.Contains(string(body), "cursor") {
			t.Fatalf("a bad cursor: %d %s", st, body)
		}
	})
}

func movereq(status, version int64) (r struct {
	StatusID int64  `json:"status_id" validate:"required,gte=1"`
	AfterID  *int64 `json:"after_id" validate:"omitempty,gte=1"`
	Version  int64  `json:"version" validate:"required,gte=1"`
}) {
	r.StatusID, r.Version = status, version
	return r
}

func TestAuth(t *testing.T) {
	a, f := start(t, 2)
	t.Run("login sets a new HttpOnly session cookie", func(t *testing.T) {
		c := testutil.NewClient(t, a)
		st, body := c.Do("POST", "/api/v1/auth/login", map[string]string{"email": "Agent1@X.test", "password": testutil.Password})
		if st != 200 || !strings.Contains(string(body), `"role":"agent"`) {
			t.Fatalf("login: %d %s", st, body)
		}
		first := c.Cookie("atiende_session")
		c.Do("POST", "/api/v1/auth/login", map[string]string{"email": "agent1@x.test", "password": testutil.Password})
		if first == "" || c.Cookie("atiende_session") == first {
			t.Fatal("each login must issue a new session id")
		}
		res := rawLogin(t, c, "agent1@x.test")
		var set string
		for _, h := range res.Header.Values("Set-Cookie") {
			if strings.HasPrefix(h, "atiende_session=") {
				set = h
			}
		}
		if !strings.Contains(set, "HttpOnly") || !strings.Contains(strings.ToLower(set), "samesite=lax") {
			t.Fatalf("session cookie flags: %q", set)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		c := testutil.NewClient(t, a)
		st, body := c.Do("POST", "/api/v1/auth/login", map[string]string{"email": "admin@x.test", "password": "nope"})
		if st != 401 || !strings.Contains(string(body), "Wrong email or password") {
			t.Fatalf("%d %s", st, body)
		}
	})
	t.Run("no csrf header", func(t *testing.T) {
		c := testutil.Login(t, a, "agent1@x.test")
		st, body := c.DoHeaders("POST", fmt.Sprintf("/api/v1/tickets/%d/move", f.Tickets[0]),
			map[string]any{"status_id": f.Statuses[1], "version": 1}, map[string]string{"X-CSRF-Token": "forged"})
		if st != 403 || !strings.Contains(string(body), "expired") {
			t.Fatalf("%d %s", st, body)
		}
		if s := snap(t, a, f.Tickets[0]); s.version != 1 {
			t.Fatal("a forged request moved the ticket")
		}
	})
	t.Run("no session", func(t *testing.T) {
		c := testutil.NewClient(t, a)
		if st, _ := c.Do("GET", "/api/v1/board", nil); st != 401 {
			t.Fatalf("board without a session: %d", st)
		}
	})
	t.Run("customer cannot move", func(t *testing.T) {
		c := testutil.Login(t, a, "customer@x.test")
		st, body := c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/move", f.Tickets[0]), map[string]any{"status_id": f.Statuses[1], "version": 1})
		if st != 403 {
			t.Fatalf("%d %s", st, body)
		}
		st, _ = c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/move", f.Tickets[1]), map[string]any{"status_id": f.Statuses[1], "version": 1})
		if st != 404 {
			t.Fatalf("a ticket the customer may not see must be 404, got %d", st)
		}
	})
	t.Run("logout ends the session", func(t *testing.T) {
		c := testutil.Login(t, a, "agent2@x.test")
		if st, _ := c.Do("POST", "/api/v1/auth/logout", nil); st != 204 {
			t.Fatalf("logout: %d", st)
		}
		if st, _ := c.Do("GET", "/api/v1/board", nil); st != 401 {
			t.Fatalf("after logout: %d", st)
		}
	})
	t.Run("rate limit", func(t *testing.T) {
		c := testutil.NewClient(t, a)
		for range 5 {
			c.Do("POST", "/api/v1/auth/login", map[string]string{"email": "agent2@x.test", "password": "bad"})
		}
		res := rawLogin(t, c, "agent2@x.test")
		if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
			t.Fatalf("after 5 failures even the right password must wait: %d Retry-After=%q", res.StatusCode, res.Header.Get("Retry-After"))
		}
	})
}

func TestBoardColumnsCountsAndPages(t *testing.T) {
	a, f := start(t, 7)
	admin := testutil.Login(t, a, "admin@x.test")
	st, body := admin.Do("GET", "/api/v1/board?limit=3", nil)
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	var b struct {
		Seq     int64
		Columns []struct {
			StatusID   int64 `json:"status_id"`
			Count      int64
			Cards      []struct{ ID int64 }
			NextCursor *string `json:"next_cursor"`
		}
	}
	_ = json.Unmarshal(body, &b)
	var active int
	if err := a.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM statuses WHERE active`).Scan(&active); err != nil {
		t.Fatal(err)
	}
	if len(b.Columns) != active || b.Columns[0].Count != 7 || len(b.Columns[0].Cards) != 3 || b.Columns[0].NextCursor == nil {
		t.Fatalf("board: %s", body)
	}
	seen := map[int64]bool{}
	for _, c := range b.Columns[0].Cards {
		seen[c.ID] = true
	}
	cursor := *b.Columns[0].NextCursor
	for cursor != "" {
		st, body := admin.Do("GET", fmt.Sprintf("/api/v1/board/columns/%d/cards?limit=3&cursor=%s", f.Statuses[0], cursor), nil)
		if st != 200 {
			t.Fatalf("%d %s", st, body)
		}
		var p struct {
			Cards      []struct{ ID int64 }
			NextCursor *string `json:"next_cursor"`
		}
		_ = json.Unmarshal(body, &p)
		for _, c := range p.Cards {
			if seen[c.ID] {
				t.Fatalf("card %d on two pages", c.ID)
			}
			seen[c.ID] = true
		}
		cursor = ""
		if p.NextCursor != nil {
			cursor = *p.NextCursor
		}
	}
	if len(seen) != 7 {
		t.Fatalf("paging showed %d of 7 cards", len(seen))
	}
	// The customer sees only their own tickets, with counts to match.
	cust := testutil.Login(t, a, "customer@x.test")
	_, body = cust.Do("GET", "/api/v1/board", nil)
	_ = json.Unmarshal(body, &b)
	if b.Columns[0].Count != 3 || len(b.Columns[0].Cards) != 3 {
		t.Fatalf("customer board: %s", body)
	}
	// Moving within a column to below another card puts it exactly there.
	first, second := f.Tickets[6], f.Tickets[5] // created last → top of the column
	_, body = admin.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/move", first), map[string]any{"status_id": f.Statuses[0], "after_id": second, "version": 1})
	_, body = admin.Do("GET", "/api/v1/board?limit=3", nil)
	_ = json.Unmarshal(body, &b)
	if b.Columns[0].Cards[0].ID != second || b.Columns[0].Cards[1].ID != first {
		t.Fatalf("after moving %d below %d the column starts %v", first, second, b.Columns[0].Cards)
	}
	// Filters: priority and text narrow cards and counts.
	_, body = admin.Do("GET", fmt.Sprintf("/api/v1/board?priority=%d", f.Priorities[0]), nil)
	_ = json.Unmarshal(body, &b)
	if b.Columns[0].Count != 2 {
		t.Fatalf("priority filter: %s", body)
	}
}

// The OpenAPI document and the router describe the same API.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	a, _ := start(t, 0)
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(api.OpenAPIYAML, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" /api/v1"+p] = true
		}
	}
	served := map[string]bool{}
	for _, r := range a.Fiber.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "HEAD" || r.Method == "USE" || len(r.Handlers) == 0 {
			continue
		}
		p := r.Path
		for _, seg := range strings.Split(p, "/") {
			if strings.HasPrefix(seg, ":") {
				p = strings.Replace(p, seg, "{"+seg[1:]+"}", 1)
			}
		}
		served[r.Method+" "+p] = true
	}
	var missing, extra []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Fatalf("served but not documented: %v; documented but not served: %v", missing, extra)
	}
	st, body := testutil.NewClient(t, a).Do("GET", "/api/v1/openapi.json", nil)
	if st != 200 || !strings.Contains(string(body), `"openapi":"3.1.0"`) {
		t.Fatalf("openapi.json: %d", st)
	}
}

// The live message schema lists exactly the event names the server emits.
func TestLiveSchemaListsEveryEventName(t *testing.T) {
	var schema struct {
		Defs struct {
			EventName struct {
				Enum []string `json:"enum"`
			} `json:"EventName"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(sharedlive.SchemaJSON, &schema); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range live.Names {
		names = append(names, string(n))
	}
	sort.Strings(names)
	got := append([]string(nil), schema.Defs.EventName.Enum...)
	sort.Strings(got)
	if strings.Join(names, ",") != strings.Join(got, ",") {
		t.Fatalf("schema says %v, the server emits %v", got, names)
	}
}

func TestHealthReadinessAndShutdown(t *testing.T) {
	a, _ := start(t, 0)
	c := testutil.NewClient(t, a)
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		if st, body := c.Do("GET", p, nil); st != 200 {
			t.Fatalf("%s: %d %s", p, st, body)
		}
	}
	st, body := c.Do("GET", "/some/client/route", nil)
	if st != 200 || !strings.Contains(string(body), "<html") {
		t.Fatalf("client routes serve the app: %d", st)
	}
	res, err := http.Get(testutil.BaseURL(a) + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if res.Header.Get(h) == "" {
			t.Errorf("missing security header %s", h)
		}
	}
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Error("CSP must forbid framing")
	}
	l := testutil.Login(t, a, "agent1@x.test").Connect(a, nil)
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-l.Closed()
	if !strings.Contains(fmt.Sprint(l.Close), "1001") {
		t.Fatalf("on shutdown live clients are told to go elsewhere with 1001, got %v", l.Close)
	}
}

func TestConfigNamesEveryBadVariable(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "mysql://x", "ATIENDE_SESSION_TTL": "forever", "ATIENDE_DB_MAX_CONNS": "0",
		"ATIENDE_ALLOWED_ORIGINS": "evil", "ATIENDE_LOG_LEVEL": "loud"}
	_, err := app.ConfigFromEnv(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"DATABASE_URL", "REDIS_URL", "ATIENDE_SESSION_TTL", "ATIENDE_DB_MAX_CONNS", "ATIENDE_ALLOWED_ORIGINS", "ATIENDE_LOG_LEVEL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error does not name %s: %v", name, err)
		}
	}
	env = map[string]string{"DATABASE_URL": "postgres://u@h/db", "REDIS_URL": "redis://h:6379/0"}
	c, err := app.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || c.Addr != ":8080" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
}
