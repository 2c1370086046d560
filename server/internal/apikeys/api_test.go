package apikeys_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
)

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

type keyView struct {
	ID     int64    `json:"id"`
	Name   string   `json:"name"`
	Prefix string   `json:"prefix"`
	Scopes []string `json:"scopes"`
	User   struct {
		ID   int64
		Name string
	} `json:"user"`
	CreatedBy *struct {
		ID   int64
		Name string
	} `json:"created_by"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

type created struct {
	Key    keyView `json:"key"`
	Secret string  `json:"secret"`
}

type ticket struct {
	ID        int64 `json:"id"`
	Number    int64 `json:"number"`
	Requester *struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
	} `json:"requester"`
}

type comment struct {
	ID     int64 `json:"id"`
	Author *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"author"`
	Public bool `json:"public"`
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, body)
	}
	return v
}

func must(t *testing.T, st int, body []byte, want int) []byte {
	t.Helper()
	if st != want {
		t.Fatalf("status %d, want %d: %s", st, want, body)
	}
	return body
}

// desk is a test instance with its admin logged in and the catalog ids a bot uses.
type desk struct {
	a        *app.App
	f        *testutil.Fixture
	admin    *testutil.Client
	category int64
	notRecv  int64
	channel  int64
}

func open(t *testing.T) *desk {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	d := &desk{a: a, f: testutil.Seed(t, a, 2), admin: testutil.Login(t, a, "admin@x.test")}
	d.category = d.scalar(t, "SELECT id FROM categories WHERE key = 'operations'")
	d.notRecv = d.scalar(t, "SELECT id FROM categories WHERE key = 'order_not_received'")
	d.channel = d.scalar(t, "SELECT id FROM channels WHERE key = 'chatbot'")
	return d
}

func (d *desk) scalar(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var v int64
	if err := d.a.DB.Pool.QueryRow(context.Background(), q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// newKey creates a key as the admin and returns it with its secret.
func (d *desk) newKey(t *testing.T, name string, scopes ...string) created {
	t.Helper()
	st, body := d.admin.Do("POST", "/api/v1/admin/api-keys", map[string]any{"name": name, "scopes": scopes})
	return decode[created](t, must(t, st, body, 201))
}

// bot sends a request as a system would: the bearer key, no cookie, no CSRF header.
func (d *desk) bot(t *testing.T, secret, method, path string, body any, idem string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, testutil.BaseURL(d.a)+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Accept-Language", "en")
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0, nil
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func (d *desk) ticketBody(subject, email string) map[string]any {
	return map[string]any{"subject": subject, "description": "Menu option 1: my order has not arrived.",
		"category_id": d.category, "subcategory_id": d.notRecv, "channel_id": d.channel,
		"requester": map[string]string{"name": "Ana Pérez", "email": email}}
}

func TestFiftyConcurrentRetriesCreateOneTicket(t *testing.T) {
	d := open(t)
	k := d.newKey(t, "WhatsApp bot", "tickets.create", "tickets.comment")
	before := d.scalar(t, "SELECT count(*) FROM tickets")
	body := d.ticketBody("Order not received", "ana@example.com")
	const n = 50
	var wg sync.WaitGroup
	statuses, numbers := make([]int, n), make([]int64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, b := d.bot(t, k.Secret, "POST", "/api/v1/tickets", body, "chat-4711-open")
			statuses[i] = st
			if st == 201 {
				numbers[i] = decode[ticket](t, b).Number
			} else {
				t.Errorf("retry %d: %d %s", i, st, b)
			}
		}()
	}
	wg.Wait()
	for i := range n {
		if statuses[i] != 201 || numbers[i] != numbers[0] || numbers[0] == 0 {
			t.Fatalf("every retry answers 201 with the same ticket: %v %v", statuses, numbers)
		}
	}
	if got := d.scalar(t, "SELECT count(*) FROM tickets"); got != before+1 {
		t.Fatalf("tickets: %d → %d, want exactly one more", before, got)
	}
	// The ticket names the key's service user as its creator, in the ticket and its history.
	if by := d.scalar(t, "SELECT created_by FROM tickets WHERE number = $1", numbers[0]); by != k.Key.User.ID {
		t.Fatalf("created_by %d, want the key's user %d", by, k.Key.User.ID)
	}
	if actor := d.scalar(t, "SELECT actor_id FROM ticket_history h JOIN tickets t ON t.id = h.ticket_id WHERE t.number = $1 AND h.field = 'created'", numbers[0]); actor != k.Key.User.ID {
		t.Fatalf("history actor %d, want %d", actor, k.Key.User.ID)
	}
	if !strings.HasPrefix(k.Key.User.Name, "Bot: ") {
		t.Fatalf("service user's name: %q", k.Key.User.Name)
	}
	// The same key with another body is refused and writes nothing.
	other := d.ticketBody("Wrong products", "ana@example.com")
	st, b := d.bot(t, k.Secret, "POST", "/api/v1/tickets", other, "chat-4711-open")
	if e := decode[errorBody](t, must(t, st, b, 422)); e.Error.Message != "This idempotency key was already used with a different request." {
		t.Fatalf("mismatch message: %s", b)
	}
	if got := d.scalar(t, "SELECT count(*) FROM tickets"); got != before+1 {
		t.Fatalf("a mismatched retry wrote a ticket: %d", got)
	}
}

func TestCommentsAreIdempotentUnderConcurrentRetries(t *testing.T) {
	d := open(t)
	k := d.newKey(t, "Chat", "tickets.create", "tickets.comment")
	st, b := d.bot(t, k.Secret, "POST", "/api/v1/tickets", d.ticketBody("Order not received", "ana@example.com"), "s1-open")
	tk := decode[ticket](t, must(t, st, b, 201))
	path := fmt.Sprintf("/api/v1/tickets/%d/comments", tk.ID)
	msg := map[string]any{"body": "It was due on Monday.", "public": true}
	const n = 20
	var wg sync.WaitGroup
	ids := make([]int64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, b := d.bot(t, k.Secret, "POST", path, msg, "s1-msg-1")
			if st != 201 {
				t.Errorf("retry %d: %d %s", i, st, b)
				return
			}
			ids[i] = decode[comment](t, b).ID
		}()
	}
	wg.Wait()
	for i := range n {
		if ids[i] == 0 || ids[i] != ids[0] {
			t.Fatalf("every retry answers the same comment: %v", ids)
		}
	}
	if c := d.scalar(t, "SELECT count(*) FROM ticket_comments WHERE ticket_id = $1", tk.ID); c != 1 {
		t.Fatalf("comments written: %d, want 1", c)
	}
	if author := d.scalar(t, "SELECT author_id FROM ticket_comments WHERE ticket_id = $1", tk.ID); author != k.Key.User.ID {
		t.Fatalf("author %d, want the key's user %d", author, k.Key.User.ID)
	}
	// Same key, other body: 422 in the caller's language, nothing written.
	st, b = d.bot(t, k.Secret, "POST", path, map[string]any{"body": "Something else", "public": true}, "s1-msg-1")
	if e := decode[errorBody](t, must(t, st, b, 422)); e.Error.Message != "This idempotency key was already used with another message or ticket." {
		t.Fatalf("mismatch: %s", b)
	}
	// A new key for the next message writes it; the creation's key does not collide with a comment's.
	must(t, 0+func() int {
		st, b = d.bot(t, k.Secret, "POST", path, map[string]any{"body": "Order PED-1", "public": true}, "s1-open")
		return st
	}(), b, 201)
	if c := d.scalar(t, "SELECT count(*) FROM ticket_comments WHERE ticket_id = $1", tk.ID); c != 2 {
		t.Fatalf("comments: %d, want 2", c)
	}
	// A key never writes internal notes.
	st, b = d.bot(t, k.Secret, "POST", path, map[string]any{"body": "note", "public": false}, "")
	if e := decode[errorBody](t, must(t, st, b, 422)); e.Error.Fields["public"] == "" {
		t.Fatalf("internal note by a key: %s", b)
	}
	// A cookie session gets the same idempotency on comments.
	agent := testutil.Login(t, d.a, "agent1@x.test")
	seen := fmt.Sprintf("/api/v1/tickets/%d/comments", d.f.Tickets[0])
	st1, b1 := agent.DoHeaders("POST", seen, map[string]any{"body": "On it", "public": true}, map[string]string{"Idempotency-Key": "a-1"})
	st2, b2 := agent.DoHeaders("POST", seen, map[string]any{"body": "On it", "public": true}, map[string]string{"Idempotency-Key": "a-1"})
	if st1 != 201 || st2 != 201 || decode[comment](t, b1).ID != decode[comment](t, b2).ID {
		t.Fatalf("agent retry: %d %s / %d %s", st1, b1, st2, b2)
	}
}

func TestKeyScopesRoutesAndVisibility(t *testing.T) {
	d := open(t)
	creator := d.newKey(t, "Creator only", "tickets.create")
	commenter := d.newKey(t, "Commenter", "tickets.create", "tickets.comment")
	st, b := d.bot(t, creator.Secret, "POST", "/api/v1/tickets", d.ticketBody("Order not received", "bea@example.com"), "")
	own := decode[ticket](t, must(t, st, b, 201))
	if own.Requester == nil || own.Requester.Email != "bea@example.com" {
		t.Fatalf("requester by email: %s", b)
	}
	// Without tickets.comment: 403 on comments, even on its own ticket.
	st, b = d.bot(t, creator.Secret, "POST", fmt.Sprintf("/api/v1/tickets/%d/comments", own.ID), map[string]any{"body": "hi", "public": true}, "")
	if e := decode[errorBody](t, must(t, st, b, 403)); e.Error.Message != "This API key cannot use this operation." {
		t.Fatalf("scope: %s", b)
	}
	// It reads the ticket it created, and no other: another key's, nor a seeded one.
	st, b = d.bot(t, creator.Secret, "GET", fmt.Sprintf("/api/v1/tickets/%d", own.ID), nil, "")
	must(t, st, b, 200)
	st, b = d.bot(t, commenter.Secret, "GET", fmt.Sprintf("/api/v1/tickets/%d", own.ID), nil, "")
	must(t, st, b, 404)
	st, b = d.bot(t, commenter.Secret, "POST", fmt.Sprintf("/api/v1/tickets/%d/comments", own.ID), map[string]any{"body": "hi", "public": true}, "")
	must(t, st, b, 404)
	st, b = d.bot(t, commenter.Secret, "POST", fmt.Sprintf("/api/v1/tickets/%d/comments", d.f.Tickets[0]), map[string]any{"body": "hi", "public": true}, "")
	must(t, st, b, 404)
	// Every other route refuses a key, reads and writes, admin ones included.
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/tickets"}, {"GET", "/api/v1/auth/me"}, {"GET", "/api/v1/admin/api-keys"},
		{"POST", "/api/v1/admin/api-keys"}, {"GET", fmt.Sprintf("/api/v1/tickets/%d/comments", own.ID)},
		{"PATCH", fmt.Sprintf("/api/v1/tickets/%d", own.ID)}, {"GET", "/api/v1/TICKETS/1/attachments"},
	} {
		st, b := d.bot(t, commenter.Secret, r.method, r.path, map[string]any{}, "")
		if st != 403 {
			t.Errorf("%s %s with a key: %d %s", r.method, r.path, st, b)
		}
	}
	if c := d.scalar(t, "SELECT count(*) FROM api_keys"); c != 2 {
		t.Fatalf("a key created a key: %d", c)
	}
}

func TestRevokedUnknownAndExpiredKeysAre401(t *testing.T) {
	d := open(t)
	k := d.newKey(t, "Short lived", "tickets.create")
	st, b := d.bot(t, k.Secret, "POST", "/api/v1/tickets", d.ticketBody("Before revoking", "c@example.com"), "")
	must(t, st, b, 201)
	st, b = d.admin.Do("DELETE", fmt.Sprintf("/api/v1/admin/api-keys/%d", k.Key.ID), nil)
	if v := decode[keyView](t, must(t, st, b, 200)); v.RevokedAt == nil {
		t.Fatalf("revoked_at: %s", b)
	}
	before := d.scalar(t, "SELECT count(*) FROM tickets")
	st, b = d.bot(t, k.Secret, "POST", "/api/v1/tickets", d.ticketBody("After revoking", "c@example.com"), "")
	if e := decode[errorBody](t, must(t, st, b, 401)); e.Error.Message != "The API key is not valid, was revoked or has expired." {
		t.Fatalf("revoked: %s", b)
	}
	if got := d.scalar(t, "SELECT count(*) FROM tickets"); got != before {
		t.Fatal("a revoked key wrote a ticket")
	}
	// Unknown secrets of the right form and junk alike; Spanish on request.
	for _, secret := range []string{"atk_00000000_" + strings.Repeat("A", 43), "nonsense", k.Secret + "x", ""} {
		req, _ := http.NewRequest("POST", testutil.BaseURL(d.a)+"/api/v1/tickets", strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Accept-Language", "es")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 401 || !strings.Contains(string(out), "La clave de API no es válida") {
			t.Fatalf("secret %q: %d %s", secret, res.StatusCode, out)
		}
	}
	// An expired key: 401 from the moment it expires.
	e := d.newKey(t, "Expiring", "tickets.create")
	if _, err := d.a.DB.Pool.Exec(context.Background(), "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", e.Key.ID); err != nil {
		t.Fatal(err)
	}
	st, b = d.bot(t, e.Secret, "POST", "/api/v1/tickets", d.ticketBody("Expired", "c@example.com"), "")
	must(t, st, b, 401)
}

func TestKeyManagementIsForAdminsAndNeverShowsTheSecretAgain(t *testing.T) {
	d := open(t)
	k := d.newKey(t, "Integration", "tickets.comment", "tickets.create", "tickets.create")
	if !strings.HasPrefix(k.Secret, "atk_"+k.Key.Prefix+"_") || len(k.Key.Prefix) != 8 ||
		strings.Join(k.Key.Scopes, ",") != "tickets.create,tickets.comment" || k.Key.CreatedBy == nil || k.Key.CreatedBy.ID != d.f.Users["admin@x.test"].ID {
		t.Fatalf("created: %+v", k)
	}
	// Only a hash is stored.
	if n := d.scalar(t, "SELECT count(*) FROM api_keys WHERE secret_hash = sha256($1::bytea) AND prefix = $2", []byte(k.Secret), k.Key.Prefix); n != 1 {
		t.Fatalf("stored hash: %d", n)
	}
	// Using the key records when, once a minute at most.
	d.bot(t, k.Secret, "POST", "/api/v1/tickets", d.ticketBody("Used", "d@example.com"), "")
	st, b := d.admin.Do("GET", "/api/v1/admin/api-keys", nil)
	must(t, st, b, 200)
	if strings.Contains(string(b), k.Secret) || strings.Contains(string(b), "secret") {
		t.Fatalf("the list shows the secret: %s", b)
	}
	page := decode[struct{ Items []keyView }](t, b)
	if len(page.Items) != 1 || page.Items[0].LastUsedAt == nil || page.Items[0].Name != "Integration" {
		t.Fatalf("list: %s", b)
	}
	// Bad input: field errors, nothing written.
	for _, body := range []map[string]any{
		{"name": "  ", "scopes": []string{"tickets.create"}},
		{"name": "x", "scopes": []string{}},
		{"name": "x", "scopes": []string{"tickets.delete"}},
		{"name": "x", "scopes": []string{"tickets.create"}, "expires_at": "2020-01-01T00:00:00Z"},
		{"name": strings.Repeat("n", 81), "scopes": []string{"tickets.create"}},
	} {
		st, b := d.admin.Do("POST", "/api/v1/admin/api-keys", body)
		if e := decode[errorBody](t, must(t, st, b, 422)); len(e.Error.Fields) == 0 {
			t.Fatalf("%v: no field named: %s", body, b)
		}
	}
	st, b = d.admin.Do("DELETE", "/api/v1/admin/api-keys/999999", nil)
	must(t, st, b, 404)
	// Agents may not manage keys.
	agent := testutil.Login(t, d.a, "agent1@x.test")
	for _, r := range []struct {
		method, path string
		body         any
	}{{"GET", "/api/v1/admin/api-keys", nil}, {"POST", "/api/v1/admin/api-keys", map[string]any{"name": "x", "scopes": []string{"tickets.create"}}},
		{"DELETE", fmt.Sprintf("/api/v1/admin/api-keys/%d", k.Key.ID), nil}} {
		st, b := agent.Do(r.method, r.path, r.body)
		must(t, st, b, 403)
	}
	if n := d.scalar(t, "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL"); n != 1 {
		t.Fatalf("keys: %d", n)
	}
	// The service user never logs in and is not offered as an assignee.
	if n := d.scalar(t, "SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NOT NULL AND password_hash = ''", k.Key.User.ID); n != 1 {
		t.Fatal("the service user is not a disabled user without a password")
	}
}

func TestCookieSessionsStillNeedCSRF(t *testing.T) {
	d := open(t)
	k := d.newKey(t, "Bot", "tickets.create")
	// A cookie session without the CSRF header is refused as before.
	req, _ := http.NewRequest("POST", testutil.BaseURL(d.a)+"/api/v1/tickets", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	st, _ := func() (int, error) {
		c := d.admin
		u := testutil.BaseURL(d.a)
		for _, ck := range c.HTTP.Jar.Cookies(mustURL(t, u)) {
			req.AddCookie(ck)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}()
	if st != 403 {
		t.Fatalf("cookie without CSRF: %d", st)
	}
	// A key with the admin's cookie along acts as the key, not the admin: it cannot list tickets.
	req, _ = http.NewRequest("GET", testutil.BaseURL(d.a)+"/api/v1/tickets", nil)
	for _, ck := range d.admin.HTTP.Jar.Cookies(mustURL(t, testutil.BaseURL(d.a))) {
		req.AddCookie(ck)
	}
	req.Header.Set("Authorization", "Bearer "+k.Secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Fatalf("key with a cookie on another route: %d", res.StatusCode)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestRelayedMessagesAreTheRequesters: a chat bot relays the customer's messages with from_requester. Each
// is the requester's comment: it shows their name, the assignee is mailed it and the requester is not
// mailed their own words, while the bot's own replies still reach the requester. Only a key may relay, a
// relayed message is public, and a refusal writes nothing.
func TestRelayedMessagesAreTheRequesters(t *testing.T) {
	d := open(t)
	k := d.newKey(t, "Chat", "tickets.create", "tickets.comment")
	st, b := d.bot(t, k.Secret, "POST", "/api/v1/tickets", d.ticketBody("Order not received", "ana@example.com"), "c-open")
	tk := decode[ticket](t, must(t, st, b, 201))
	agent := d.f.Users["agent1@x.test"]
	version := d.scalar(t, "SELECT version FROM tickets WHERE id = $1", tk.ID)
	st, b = d.admin.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", tk.ID), map[string]any{"version": version, "assignee_id": agent.ID})
	must(t, st, b, 200)
	path := fmt.Sprintf("/api/v1/tickets/%d/comments", tk.ID)
	mails := func(to, words string) int64 {
		return d.scalar(t, "SELECT count(*) FROM mail_outbox WHERE ticket_id = $1 AND to_email = $2 AND text LIKE '%' || $3 || '%'", tk.ID, to, words)
	}

	st, b = d.bot(t, k.Secret, "POST", path, map[string]any{"body": "It was due on Monday.", "public": true, "from_requester": true}, "c-msg-2")
	c := decode[comment](t, must(t, st, b, 201))
	if c.Author == nil || c.Author.ID != tk.Requester.ID || c.Author.Name != "Ana Pérez" {
		t.Fatalf("a relayed message is the requester's: %s", b)
	}
	if n := mails("ana@example.com", "It was due on Monday."); n != 0 {
		t.Fatalf("the requester was mailed their own words %d times", n)
	}
	if n := mails(agent.Email, "It was due on Monday."); n != 1 {
		t.Fatalf("the assignee got %d mails of the customer's message, want 1", n)
	}
	// The bot's own reply is the bot's, and the customer is told of it.
	st, b = d.bot(t, k.Secret, "POST", path, map[string]any{"body": "An agent will answer you soon.", "public": true}, "c-bot-3")
	if c := decode[comment](t, must(t, st, b, 201)); c.Author == nil || c.Author.ID != k.Key.User.ID {
		t.Fatalf("the bot's reply is the bot's: %s", b)
	}
	if n := mails("ana@example.com", "An agent will answer you soon."); n != 1 {
		t.Fatalf("the requester got %d mails of the bot's reply, want 1", n)
	}

	before := d.scalar(t, "SELECT count(*) FROM ticket_comments WHERE ticket_id = $1", tk.ID)
	st, b = d.bot(t, k.Secret, "POST", path, map[string]any{"body": "secret", "public": false, "from_requester": true}, "")
	if e := decode[errorBody](t, must(t, st, b, 422)); e.Error.Fields["public"] == "" {
		t.Fatalf("a relayed internal note: %s", b)
	}
	// Staff answer as themselves: an agent's session may not relay.
	staff := testutil.Login(t, d.a, "agent1@x.test")
	st, b = staff.DoHeaders("POST", path, map[string]any{"body": "As if I were Ana", "public": true, "from_requester": true},
		map[string]string{"Accept-Language": "en"})
	if e := decode[errorBody](t, must(t, st, b, 422)); e.Error.Fields["from_requester"] != "Only a bot using an API key can write on the requester's behalf." {
		t.Fatalf("an agent relaying: %s", b)
	}
	if after := d.scalar(t, "SELECT count(*) FROM ticket_comments WHERE ticket_id = $1", tk.ID); after != before {
		t.Fatalf("refused messages wrote %d comments", after-before)
	}
}
