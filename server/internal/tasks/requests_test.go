package tasks_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/tasks"
	"github.com/atiende/atiende/server/internal/testutil"
)

// tokenOf is the token of the link in the last info_request email.
func tokenOf(t *testing.T, e *env) string {
	t.Helper()
	ms := e.mail.all()
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Template == "info_request" {
			link := ms[i].Vars["link"].(string)
			_, tok, ok := strings.Cut(link, "/r/")
			if !ok || len(tok) != 43 {
				t.Fatalf("link %q", link)
			}
			return tok
		}
	}
	t.Fatal("no info_request email")
	return ""
}

// TestOutsiderRoundTrip: an outsider answers through the emailed link with a file, the requester sends
// it back, the outsider answers again (through the first link still), the requester accepts; every step
// is on the ticket's history, the answers are internal notes, and the requester is told in the app.
func TestOutsiderRoundTrip(t *testing.T) {
	e := newEnv(t, 2, nil)
	ticket := e.f.Tickets[0]
	agent := testutil.Login(t, e.a, "agent1@x.test")
	st, body := agent.Do("POST", path("/tickets/%d/info-requests", ticket), map[string]any{
		"to_email": "carrier@example.com", "to_name": "Carrier desk", "lang": "en", "question": "Where is parcel 77?"})
	expect(t, "create", st, body, 201)
	req := decode[tasks.InfoRequest](t, body)
	if req.Status != "open" || req.To.Email != "carrier@example.com" || req.To.User != nil {
		t.Fatalf("created %+v", req)
	}
	mails := e.mail.all()
	if len(mails) != 1 || mails[0].EventKey != "info_request:"+itoa(req.ID)+":round:1" || mails[0].Lang != "en" ||
		mails[0].Vars["question"] != "Where is parcel 77?" || mails[0].Vars["requester"] != "agent1" {
		t.Fatalf("mails %+v", mails)
	}
	first := tokenOf(t, e)

	outsider := testutil.NewClient(t, e.a)
	st, body = outsider.Do("GET", path("/public/info-requests/%s", first), nil)
	expect(t, "page", st, body, 200)
	if p := decode[tasks.PublicRequest](t, body); p.Question != "Where is parcel 77?" || p.Status != "open" || p.Lang != "en" || p.TicketNumber == 0 {
		t.Fatalf("page %+v", p)
	}
	content := []byte("proof of delivery\n")
	b, h := form(t, map[string]string{"body": "Delivered on Monday, see the proof."}, upload{"files", "proof.txt", content})
	st, body = outsider.DoHeaders("POST", path("/public/info-requests/%s/answer", first), b, h)
	expect(t, "answer", st, body, 200)
	if p := decode[tasks.PublicRequest](t, body); p.Status != "answered" || len(p.Thread) != 1 || p.Thread[0].Files[0].URL != "" {
		t.Fatalf("answered page %+v", p)
	}
	b, h = form(t, map[string]string{"body": "And again"})
	st, body = outsider.DoHeaders("POST", path("/public/info-requests/%s/answer", first), b, h)
	expect(t, "second answer under review", st, body, 409)

	st, body = agent.Do("GET", path("/tickets/%d/info-requests", ticket), nil)
	expect(t, "list", st, body, 200)
	got := decode[struct{ Items []tasks.InfoRequest }](t, body).Items[0]
	if got.Status != "answered" || len(got.Messages) != 1 || got.Messages[0].Author != "recipient" || got.Messages[0].Name != "Carrier desk" ||
		len(got.Messages[0].Files) != 1 || got.Messages[0].Files[0].Name != "proof.txt" {
		t.Fatalf("request %+v", got)
	}
	st, file := agent.Do("GET", got.Messages[0].Files[0].URL, nil)
	expect(t, "download", st, file, 200)
	if !bytes.Equal(file, content) {
		t.Fatalf("file %q", file)
	}
	if n := e.count(`SELECT count(*) FROM ticket_comments WHERE ticket_id = ? AND NOT public AND body LIKE '%Delivered on Monday%' AND body LIKE '%proof.txt%'`, ticket); n != 1 {
		t.Fatalf("answer notes: %d", n)
	}
	if n := e.count("SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'info_request'", e.uid("agent1@x.test")); n != 1 {
		t.Fatalf("requester notifications: %d", n)
	}
	customer := testutil.Login(t, e.a, "customer@x.test")
	st, body = customer.Do("GET", path("/tickets/%d/info-requests", ticket), nil)
	expect(t, "customer lists", st, body, 403)

	// Sent back: open again, a new email (a new event) with a fresh link; the first link still works.
	st, body = agent.Do("POST", path("/info-requests/%d/return", req.ID), map[string]any{"body": "We also need the signature."})
	expect(t, "return", st, body, 200)
	if r := decode[tasks.InfoRequest](t, body); r.Status != "open" || len(r.Messages) != 2 || r.Messages[1].Author != "requester" {
		t.Fatalf("returned %+v", r)
	}
	mails = e.mail.all()
	if len(mails) != 2 || mails[1].EventKey != "info_request:"+itoa(req.ID)+":round:2" || mails[1].Vars["message"] != "We also need the signature." {
		t.Fatalf("mails after return %+v", mails)
	}
	if second := tokenOf(t, e); second == first {
		t.Fatal("the new round reused the token")
	}
	b, h = form(t, map[string]string{"body": "Signed by J. Pérez."})
	st, body = outsider.DoHeaders("POST", path("/public/info-requests/%s/answer", first), b, h)
	expect(t, "answer again", st, body, 200)
	st, body = agent.Do("POST", path("/info-requests/%d/accept", req.ID), nil)
	expect(t, "accept", st, body, 200)
	if r := decode[tasks.InfoRequest](t, body); r.Status != "accepted" || len(r.Messages) != 3 {
		t.Fatalf("accepted %+v", r)
	}
	st, body = agent.Do("POST", path("/info-requests/%d/accept", req.ID), nil)
	expect(t, "accept twice", st, body, 409)
	want := "created,answered,returned,answered,accepted"
	if got := strings.Join(e.events(ticket, "info_request"), ","); got != want {
		t.Fatalf("history %s, want %s", got, want)
	}
}

// TestOutsiderLinkGone: an expired or revoked link is refused with 410 and a clear message in Spanish and
// English, and an answer through it writes nothing; an unknown link is not found.
func TestOutsiderLinkGone(t *testing.T) {
	e := newEnv(t, 2, nil)
	agent := testutil.Login(t, e.a, "agent1@x.test")
	create := func() (tasks.InfoRequest, string) {
		st, body := agent.Do("POST", path("/tickets/%d/info-requests", e.f.Tickets[0]), map[string]any{
			"to_email": "someone@example.com", "to_name": "Someone", "question": "¿Tiene la factura?", "expires_in_days": 3})
		expect(t, "create", st, body, 201)
		return decode[tasks.InfoRequest](t, body), tokenOf(t, e)
	}
	expired, expiredTok := create()
	if _, err := e.a.DB.Bun.NewRaw("UPDATE info_requests SET expires_at = now() - interval '1 minute' WHERE id = ?", expired.ID).
		Exec(t.Context()); err != nil {
		t.Fatal(err)
	}
	revoked, revokedTok := create()
	st, body := agent.Do("POST", path("/info-requests/%d/revoke", revoked.ID), nil)
	expect(t, "revoke", st, body, 200)
	st, body = agent.Do("GET", path("/tickets/%d/info-requests", e.f.Tickets[0]), nil)
	expect(t, "list", st, body, 200)
	items := decode[struct{ Items []tasks.InfoRequest }](t, body).Items
	if items[0].Status != "expired" || items[1].Status != "revoked" {
		t.Fatalf("statuses %s %s", items[0].Status, items[1].Status)
	}
	outsider := testutil.NewClient(t, e.a)
	for _, tok := range []string{expiredTok, revokedTok} {
		for lang, word := range map[string]string{"es": "venció", "en": "expired"} {
			outsider.Lang = lang
			st, body = outsider.Do("GET", path("/public/info-requests/%s", tok), nil)
			expect(t, "page gone "+lang, st, body, 410)
			ae := decode[apiError](t, body)
			if ae.Error.Code != "gone" || !strings.Contains(ae.Error.Message, word) {
				t.Fatalf("%s: %+v", lang, ae.Error)
			}
			b, h := form(t, map[string]string{"body": "late answer"}, upload{"files", "a.txt", []byte("late")})
			st, body = outsider.DoHeaders("POST", path("/public/info-requests/%s/answer", tok), b, h)
			expect(t, "answer gone "+lang, st, body, 410)
		}
	}
	if n := e.count("SELECT count(*) FROM info_request_messages") + e.count("SELECT count(*) FROM info_request_files"); n != 0 {
		t.Fatalf("written through gone links: %d", n)
	}
	outsider.Lang = "en"
	st, body = outsider.Do("GET", path("/public/info-requests/%s", strings.Repeat("A", 43)), nil)
	expect(t, "unknown link", st, body, 404)
	st, body = outsider.Do("GET", path("/public/info-requests/short"), nil)
	expect(t, "malformed link", st, body, 404)
	if got := strings.Join(e.events(e.f.Tickets[0], "info_request"), ","); got != "created,created,revoked" {
		t.Fatalf("history %s", got)
	}
}

// TestOutsiderRateLimit: wrong links count against the client's address like failed logins; past the
// limit even a good link waits.
func TestOutsiderRateLimit(t *testing.T) {
	e := newEnv(t, 1, func(c *app.Config) { c.LoginMaxPerIP = 3 })
	outsider := testutil.NewClient(t, e.a)
	for i := 0; i < 3; i++ {
		st, body := outsider.Do("GET", path("/public/info-requests/%s", strings.Repeat("B", 43)), nil)
		expect(t, "unknown link", st, body, 404)
	}
	st, body := outsider.Do("GET", path("/public/info-requests/%s", strings.Repeat("B", 43)), nil)
	expect(t, "rate limited", st, body, 429)
	if msg := decode[apiError](t, body).Error.Message; !strings.Contains(msg, "seconds") {
		t.Fatalf("rate limit message %q", msg)
	}
}

// TestInAppRequest: a user who may not see the ticket is asked in the app, finds it in their requests,
// and answers there; nobody else may answer it; a bad answer is refused with nothing written.
func TestInAppRequest(t *testing.T) {
	e := newEnv(t, 2, nil)
	ticket := e.f.Tickets[0]
	agent := testutil.Login(t, e.a, "agent1@x.test")
	// Bad requests and those who may not ask: refused in the user's language, nothing written.
	for _, lang := range []string{"es", "en"} {
		agent.Lang = lang
		st, body := agent.Do("POST", path("/tickets/%d/info-requests", ticket), map[string]any{
			"to_user_id": e.uid("other@x.test"), "to_email": "x@example.com", "to_name": "X", "question": "Both?"})
		expect(t, "two recipients "+lang, st, body, 422)
		msg := decode[apiError](t, body).Error.Fields["to"]
		if (lang == "es") != strings.Contains(msg, "correo") {
			t.Fatalf("%s message %q", lang, msg)
		}
		st, body = agent.Do("POST", path("/tickets/%d/info-requests", ticket), map[string]any{
			"to_email": "not an address", "to_name": "X", "question": "?"})
		expect(t, "bad email "+lang, st, body, 422)
		st, body = agent.Do("POST", path("/tickets/%d/info-requests", ticket), map[string]any{
			"to_user_id": e.uid("other@x.test"), "question": "?", "expires_in_days": 31})
		expect(t, "too long "+lang, st, body, 422)
	}
	agent.Lang = "en"
	customer := testutil.Login(t, e.a, "customer@x.test")
	st, body := customer.Do("POST", path("/tickets/%d/info-requests", ticket), map[string]any{
		"to_user_id": e.uid("other@x.test"), "question": "May I?"})
	expect(t, "customer asks", st, body, 403)
	if n := e.count("SELECT count(*) FROM info_requests"); n != 0 {
		t.Fatalf("requests written by refused calls: %d", n)
	}
	st, body = agent.Do("POST", path("/tickets/%d/info-requests", ticket), map[string]any{
		"to_user_id": e.uid("other@x.test"), "question": "Did you receive the refund?"})
	expect(t, "create", st, body, 201)
	req := decode[tasks.InfoRequest](t, body)
	if req.To.User == nil || req.To.User.Name != "other" || len(e.mail.all()) != 0 {
		t.Fatalf("created %+v, mails %d", req, len(e.mail.all()))
	}
	if n := e.count("SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'info_request' AND ticket_id IS NULL", e.uid("other@x.test")); n != 1 {
		t.Fatalf("recipient notifications: %d", n)
	}
	other := testutil.Login(t, e.a, "other@x.test")
	st, body = other.Do("GET", path("/me/info-requests?open=true"), nil)
	expect(t, "my requests", st, body, 200)
	mine := decode[tasks.RequestPage](t, body).Items
	if len(mine) != 1 || mine[0].ID != req.ID || mine[0].TicketNumber == 0 || mine[0].TicketSubject == "" {
		t.Fatalf("my requests %+v", mine)
	}
	agent2 := testutil.Login(t, e.a, "agent2@x.test")
	st, body = agent2.Do("POST", path("/info-requests/%d/answer", req.ID), map[string]any{"body": "not mine"})
	expect(t, "someone else answers", st, body, 404)
	for _, lang := range []string{"es", "en"} {
		other.Lang = lang
		st, body = other.Do("POST", path("/info-requests/%d/answer", req.ID), map[string]any{"body": " "})
		expect(t, "empty answer "+lang, st, body, 422)
		msg := decode[apiError](t, body).Error.Fields["body"]
		if (lang == "es") != strings.Contains(msg, "obligatorio") {
			t.Fatalf("%s message %q", lang, msg)
		}
	}
	var six []upload
	for i := range 6 {
		six = append(six, upload{"files", "f" + itoa(int64(i)) + ".txt", []byte("file")})
	}
	b, h := form(t, map[string]string{"body": "six files"}, six...)
	st, body = other.DoHeaders("POST", path("/info-requests/%d/answer", req.ID), b, h)
	expect(t, "six files", st, body, 422)
	if msg := decode[apiError](t, body).Error.Fields["files"]; !strings.Contains(msg, "5") {
		t.Fatalf("six files message %q", msg)
	}
	if n := e.count("SELECT count(*) FROM info_request_messages") + e.count("SELECT count(*) FROM info_request_files"); n != 0 {
		t.Fatalf("messages after refusals: %d", n)
	}
	st, body = other.Do("POST", path("/info-requests/%d/answer", req.ID), map[string]any{"body": "Yes, yesterday."})
	expect(t, "answer", st, body, 200)
	if r := decode[tasks.InfoRequest](t, body); r.Status != "answered" || r.Messages[0].Name != "other" {
		t.Fatalf("answered %+v", r)
	}
	st, body = other.Do("GET", path("/me/info-requests?open=true"), nil)
	expect(t, "my open requests", st, body, 200)
	if items := decode[tasks.RequestPage](t, body).Items; len(items) != 0 {
		t.Fatalf("open after answering: %+v", items)
	}
	if got := strings.Join(e.events(ticket, "info_request"), ","); got != "created,answered" {
		t.Fatalf("history %s", got)
	}
	if n := e.count(`SELECT count(*) FROM ticket_comments WHERE ticket_id = ? AND NOT public AND body LIKE '%Yes, yesterday.%'`, ticket); n != 1 {
		t.Fatalf("answer notes: %d", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
