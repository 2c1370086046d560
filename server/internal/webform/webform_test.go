package webform_test

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/atiende/atiende/server/internal/testutil"
	"github.com/atiende/atiende/server/internal/tickets"
	"github.com/atiende/atiende/server/internal/webform"
)

// visitorForm is a valid submission of the form.
func visitorForm(cat, sub int64, email, lang string) map[string]string {
	return map[string]string{"name": "Ana Visitor", "email": email, "category_id": itoa(cat), "subcategory_id": itoa(sub),
		"order_number": "ORD-77", "description": "My parcel never arrived\nIt was due last week.", "lang": lang}
}

// TestFormRoundTrip: a visitor sends the form with a file; the ticket is the visitor's (found/created by
// email, channel web_form), the tracking mail carries a link whose token alone is not stored; the
// tracking page shows the ticket, its status and its public conversation (never an internal note); the
// visitor replies with a file through the link, and the agent sees that reply, by the requester, with
// its file, in the conversation; it is not the ticket's first response.
func TestFormRoundTrip(t *testing.T) {
	e := newEnv(t)
	visitor := testutil.NewClient(t, e.a)
	cat, sub := e.category(visitor)
	proof := []byte("receipt number 12345\n")
	st, body := submit(t, visitor, visitorForm(cat, sub, "ana@example.com", "en"), upload{"receipt.txt", proof})
	expect(t, "submit", st, body, 201)
	number := decode[webform.Created](t, body).Number
	id := e.ticketID(number)
	if n := e.count(`SELECT count(*) FROM tickets t JOIN users u ON u.id = t.requester_id JOIN channels ch ON ch.id = t.channel_id
		WHERE t.id = ? AND u.email = 'ana@example.com' AND u.password_hash = '' AND ch.key = 'web_form' AND t.category_id = ?
		AND t.subcategory_id = ? AND t.order_number = 'ORD-77' AND t.subject = 'My parcel never arrived'`, id, cat, sub); n != 1 {
		t.Fatalf("ticket %d is not the visitor's web-form ticket", id)
	}
	token := e.lastToken("ana@example.com")
	if n := e.count("SELECT count(*) FROM mail_outbox WHERE template = 'ticket_tracking' AND ticket_id = ? AND lang = 'en'", id); n != 1 {
		t.Fatalf("tracking mails in English: %d", n)
	}
	if n := e.count(`SELECT count(*) FROM ticket_tracking_links WHERE ticket_id = ? AND token_sha256 = ?
		AND expires_at BETWEEN now() + interval '29 days 23 hours' AND now() + interval '30 days'`, id, sum(token)); n != 1 {
		t.Fatalf("link rows with the token's hash and a 30-day expiry: %d", n)
	}

	agent := testutil.Login(t, e.a, "agent1@x.test")
	st, body = agent.Do("POST", "/api/v1/tickets/"+itoa(id)+"/comments", map[string]any{"body": "Internal: carrier is slow", "public": false})
	expect(t, "note", st, body, 201)
	st, body = agent.Do("POST", "/api/v1/tickets/"+itoa(id)+"/comments", map[string]any{"body": "We are on it", "public": true})
	expect(t, "agent reply", st, body, 201)

	st, body = visitor.Do("GET", "/api/v1/public/track/"+token, nil)
	expect(t, "track", st, body, 200)
	if strings.Contains(string(body), "carrier is slow") {
		t.Fatalf("the tracking page shows an internal note: %s", body)
	}
	tr := decode[webform.Track](t, body)
	if tr.Number != number || tr.Subject != "My parcel never arrived" || tr.Status.Group != "todo" || tr.Status.LabelEN == "" ||
		len(tr.Conversation) != 2 || !tr.Conversation[0].Mine || len(tr.Conversation[0].Attachments) != 1 ||
		tr.Conversation[1].Mine || !strings.Contains(tr.Conversation[1].BodyHTML, "We are on it") {
		t.Fatalf("track %+v", tr)
	}
	st, file := visitor.Do("GET", tr.Conversation[0].Attachments[0].URL, nil)
	expect(t, "download", st, file, 200)
	if !bytes.Equal(file, proof) {
		t.Fatalf("file %q", file)
	}

	e.exec("UPDATE tickets SET first_response_at = NULL WHERE id = ?", id)
	photo := []byte("second proof\n")
	b, h := multipartBody(t, map[string]string{"body": "Here is the tracking note from the door"}, upload{"door.txt", photo})
	st, body = visitor.DoHeaders("POST", "/api/v1/public/track/"+token+"/replies", b, h)
	expect(t, "reply", st, body, 201)
	if tr := decode[webform.Track](t, body); len(tr.Conversation) != 3 || !tr.Conversation[2].Mine {
		t.Fatalf("after reply %+v", tr)
	}
	if n := e.count("SELECT count(*) FROM tickets WHERE id = ? AND first_response_at IS NULL", id); n != 1 {
		t.Fatal("the visitor's reply counted as the first response")
	}

	st, body = agent.Do("GET", "/api/v1/tickets/"+itoa(id)+"/comments", nil)
	expect(t, "comments", st, body, 200)
	items := decode[struct{ Items []tickets.Comment }](t, body).Items
	last := items[len(items)-1]
	if !last.Public || last.Author == nil || last.Author.Name != "Ana Visitor" || last.Body != "Here is the tracking note from the door" ||
		len(last.Attachments) != 1 || last.Attachments[0].Filename != "door.txt" {
		t.Fatalf("agent sees %+v", last)
	}
	st, file = agent.Do("GET", last.Attachments[0].URL, nil)
	expect(t, "agent download", st, file, 200)
	if !bytes.Equal(file, photo) {
		t.Fatalf("agent file %q", file)
	}
	st, body = agent.Do("GET", "/api/v1/tickets/"+itoa(id)+"/attachments", nil)
	expect(t, "attachments", st, body, 200)
	if got := decode[struct{ Items []tickets.Attachment }](t, body).Items; len(got) != 2 {
		t.Fatalf("ticket attachments %+v", got)
	}

	// The agent moves the ticket: the tracking page shows the new status.
	done := e.f.Statuses[len(e.f.Statuses)-1]
	e.exec("UPDATE tickets SET status_id = ? WHERE id = ?", done, id)
	st, body = visitor.Do("GET", "/api/v1/public/track/"+token, nil)
	expect(t, "track after move", st, body, 200)
	if tr := decode[webform.Track](t, body); tr.Status.Group != "done" {
		t.Fatalf("status after move %+v", tr.Status)
	}
}

// TestHoneypot: a filled honeypot is answered like a person, and nothing is written.
func TestHoneypot(t *testing.T) {
	e := newEnv(t)
	robot := testutil.NewClient(t, e.a)
	cat, sub := e.category(robot)
	before := e.written()
	form := visitorForm(cat, sub, "robot@example.com", "en")
	form["website"] = "http://spam.example"
	st, body := submit(t, robot, form, upload{"x.txt", []byte("spam")})
	expect(t, "honeypot", st, body, 201)
	if decode[webform.Created](t, body).Number < 1 {
		t.Fatalf("honeypot answer %s", body)
	}
	if after := e.written(); after != before {
		t.Fatalf("the honeypot wrote: %s -> %s", before, after)
	}
}

// TestRateLimit: an address sends five forms in ten minutes; the sixth is refused in the visitor's
// language and writes nothing.
func TestRateLimit(t *testing.T) {
	e := newEnv(t)
	c := testutil.NewClient(t, e.a)
	cat, sub := e.category(c)
	for i := range 5 {
		st, body := submit(t, c, visitorForm(cat, sub, "many@example.com", "en"))
		expect(t, "submit "+itoa(int64(i)), st, body, 201)
	}
	before := e.written()
	st, body := submit(t, c, visitorForm(cat, sub, "many@example.com", "en"))
	expect(t, "sixth", st, body, 429)
	if m := decode[apiError](t, body).Error.Message; !strings.Contains(m, "several requests") {
		t.Fatalf("en message %q", m)
	}
	c.Lang = "es"
	st, body = submit(t, c, visitorForm(cat, sub, "many@example.com", "es"))
	expect(t, "seventh", st, body, 429)
	if m := decode[apiError](t, body).Error.Message; !strings.Contains(m, "varias solicitudes") {
		t.Fatalf("es message %q", m)
	}
	if after := e.written(); after != before {
		t.Fatalf("a refused form wrote: %s -> %s", before, after)
	}
}

// TestValidation: bad fields are 422 with every field named, in Spanish and English, and nothing is
// written (not even the person).
func TestValidation(t *testing.T) {
	e := newEnv(t)
	c := testutil.NewClient(t, e.a)
	cat, sub := e.category(c)
	before := e.written()
	bad := map[string]string{"name": " ", "email": "not-an-email", "category_id": "abc", "description": "", "lang": "en"}
	st, body := submit(t, c, bad)
	expect(t, "bad", st, body, 422)
	f := decode[apiError](t, body).Error.Fields
	if f["name"] != "This field is required." || f["email"] != "Enter a valid email address." || f["category_id"] == "" ||
		f["description"] != "This field is required." {
		t.Fatalf("en fields %+v", f)
	}
	c.Lang = "es"
	st, body = submit(t, c, bad)
	expect(t, "bad es", st, body, 422)
	if f := decode[apiError](t, body).Error.Fields; f["name"] != "Este campo es obligatorio." || f["email"] != "Escribe un correo electrónico válido." {
		t.Fatalf("es fields %+v", f)
	}
	// A category that does not exist and a malformed order number are refused by the tickets rules.
	c.Lang = "en"
	form := visitorForm(cat, sub, "new.person@example.com", "en")
	form["category_id"], form["order_number"] = "999999", "no spaces allowed"
	delete(form, "subcategory_id")
	st, body = submit(t, c, form, upload{"a.txt", []byte("a")})
	expect(t, "unknown category", st, body, 422)
	if f := decode[apiError](t, body).Error.Fields; f["category_id"] == "" || f["order_number"] == "" {
		t.Fatalf("fields %+v", f)
	}
	// Six files are too many.
	form = visitorForm(cat, sub, "new.person@example.com", "en")
	files := make([]upload, 6)
	for i := range files {
		files[i] = upload{"f" + itoa(int64(i)) + ".txt", []byte("x")}
	}
	st, body = submit(t, c, form, files...)
	expect(t, "six files", st, body, 422)
	if f := decode[apiError](t, body).Error.Fields; !strings.Contains(f["files"], "5") {
		t.Fatalf("files %+v", f)
	}
	if after := e.written(); after != before {
		t.Fatalf("a refused form wrote: %s -> %s", before, after)
	}
	if n := e.count("SELECT count(*) FROM users WHERE email = 'new.person@example.com'"); n != 0 {
		t.Fatal("a refused form created its person")
	}
}

// TestExpiryAndRevocation: an expired link and a revoked one are gone (410, es/en) and refuse replies
// without writing; staff send a new link (mailed again) that works; an unknown link is not found; every
// step is on the ticket's history.
func TestExpiryAndRevocation(t *testing.T) {
	e := newEnv(t)
	visitor := testutil.NewClient(t, e.a)
	cat, sub := e.category(visitor)
	st, body := submit(t, visitor, visitorForm(cat, sub, "exp@example.com", "es"))
	expect(t, "submit", st, body, 201)
	id := e.ticketID(decode[webform.Created](t, body).Number)
	first := e.lastToken("exp@example.com")

	e.exec("UPDATE ticket_tracking_links SET expires_at = now() - interval '1 minute' WHERE token_sha256 = ?", sum(first))
	st, body = visitor.Do("GET", "/api/v1/public/track/"+first, nil)
	expect(t, "expired", st, body, 410)
	if m := decode[apiError](t, body).Error.Message; !strings.Contains(m, "no longer works") {
		t.Fatalf("en message %q", m)
	}
	visitor.Lang = "es"
	st, body = visitor.Do("GET", "/api/v1/public/track/"+first, nil)
	expect(t, "expired es", st, body, 410)
	if m := decode[apiError](t, body).Error.Message; !strings.Contains(m, "ya no funciona") {
		t.Fatalf("es message %q", m)
	}
	before := e.written()
	b, h := multipartBody(t, map[string]string{"body": "Hello?"}, upload{"a.txt", []byte("a")})
	st, body = visitor.DoHeaders("POST", "/api/v1/public/track/"+first+"/replies", b, h)
	expect(t, "reply on expired", st, body, 410)
	if after := e.written(); after != before {
		t.Fatalf("a refused reply wrote: %s -> %s", before, after)
	}

	agent := testutil.Login(t, e.a, "agent1@x.test")
	st, body = agent.Do("POST", "/api/v1/tickets/"+itoa(id)+"/tracking-links", nil)
	expect(t, "send new", st, body, 201)
	sent := decode[webform.Link](t, body)
	if sent.State != "active" || sent.Email != "exp@example.com" || sent.CreatedBy == nil || sent.CreatedBy.Name != "agent1" {
		t.Fatalf("sent %+v", sent)
	}
	tokens := e.tokens("exp@example.com")
	if len(tokens) != 2 {
		t.Fatalf("tracking mails: %d", len(tokens))
	}
	second := tokens[1]
	st, body = visitor.Do("GET", "/api/v1/public/track/"+second, nil)
	expect(t, "new link", st, body, 200)

	st, body = agent.Do("GET", "/api/v1/tickets/"+itoa(id)+"/tracking-links", nil)
	expect(t, "list", st, body, 200)
	list := decode[webform.LinkList](t, body)
	if len(list.Items) != 2 || list.Items[0].State != "active" || list.Items[1].State != "expired" || !list.RequesterWithoutLogin {
		t.Fatalf("list %+v", list)
	}
	st, body = agent.Do("DELETE", "/api/v1/tickets/"+itoa(id)+"/tracking-links/"+itoa(sent.ID), nil)
	expect(t, "revoke", st, body, 200)
	if l := decode[webform.Link](t, body); l.State != "revoked" || l.RevokedBy == nil || l.RevokedBy.Name != "agent1" || l.RevokedAt == nil {
		t.Fatalf("revoked %+v", l)
	}
	visitor.Lang = "en"
	st, body = visitor.Do("GET", "/api/v1/public/track/"+second, nil)
	expect(t, "revoked", st, body, 410)
	before = e.written()
	b, h = multipartBody(t, map[string]string{"body": "Hello?"})
	st, body = visitor.DoHeaders("POST", "/api/v1/public/track/"+second+"/replies", b, h)
	expect(t, "reply on revoked", st, body, 410)
	if after := e.written(); after != before {
		t.Fatalf("a refused reply wrote: %s -> %s", before, after)
	}

	st, body = visitor.Do("GET", "/api/v1/public/track/"+strings.Repeat("A", 43), nil)
	expect(t, "unknown", st, body, 404)
	st, body = visitor.Do("GET", "/api/v1/public/track/short", nil)
	expect(t, "malformed", st, body, 404)

	var events []string
	if err := e.a.DB.Bun.NewRaw("SELECT after ->> 'event' FROM ticket_history WHERE ticket_id = ? AND field = 'tracking_link' ORDER BY id",
		id).Scan(t.Context(), &events); err != nil {
		t.Fatal(err)
	}
	if strings.Join(events, ",") != "created,sent,revoked" {
		t.Fatalf("history %v", events)
	}
}

// TestLinkOwnTicketOnly: one person's link opens its own ticket only — not the person's other
// ticket's files — and only staff who may edit the ticket manage its links.
func TestLinkOwnTicketOnly(t *testing.T) {
	e := newEnv(t)
	visitor := testutil.NewClient(t, e.a)
	cat, sub := e.category(visitor)
	st, body := submit(t, visitor, visitorForm(cat, sub, "two@example.com", "en"), upload{"one.txt", []byte("one")})
	expect(t, "first", st, body, 201)
	firstID := e.ticketID(decode[webform.Created](t, body).Number)
	tokenA := e.lastToken("two@example.com")
	st, body = submit(t, visitor, visitorForm(cat, sub, "two@example.com", "en"), upload{"two.txt", []byte("two")})
	expect(t, "second", st, body, 201)
	secondNumber := decode[webform.Created](t, body).Number
	tokenB := e.lastToken("two@example.com")

	st, body = visitor.Do("GET", "/api/v1/public/track/"+tokenB, nil)
	expect(t, "track B", st, body, 200)
	trB := decode[webform.Track](t, body)
	if trB.Number != secondNumber {
		t.Fatalf("link B shows %d", trB.Number)
	}
	fileB := trB.Conversation[0].Attachments[0].ID
	st, body = visitor.Do("GET", "/api/v1/public/track/"+tokenA+"/attachments/"+itoa(fileB), nil)
	expect(t, "B's file through A", st, body, 404)
	st, _ = visitor.Do("GET", "/api/v1/public/track/"+tokenB+"/attachments/"+itoa(fileB), nil)
	expect(t, "B's file through B", st, nil, 200)

	// An internal note's file is not the visitor's to download.
	agent := testutil.Login(t, e.a, "agent1@x.test")
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	p, _ := w.CreateFormFile("file", "secret.txt")
	p.Write([]byte("secret"))
	w.Close()
	st, body = agent.DoHeaders("POST", "/api/v1/tickets/"+itoa(firstID)+"/attachments", buf.Bytes(),
		map[string]string{"Content-Type": w.FormDataContentType()})
	expect(t, "agent upload", st, body, 201)
	noteFile := decode[tickets.Attachment](t, body).ID
	st, body = agent.Do("POST", "/api/v1/tickets/"+itoa(firstID)+"/comments",
		map[string]any{"body": "See the file", "public": false, "attachment_ids": []int64{noteFile}})
	expect(t, "note with file", st, body, 201)
	st, body = visitor.Do("GET", "/api/v1/public/track/"+tokenA+"/attachments/"+itoa(noteFile), nil)
	expect(t, "internal file", st, body, 404)

	customer := testutil.Login(t, e.a, "customer@x.test")
	st, body = customer.Do("GET", "/api/v1/tickets/"+itoa(e.f.Tickets[0])+"/tracking-links", nil)
	expect(t, "customer lists links of their own ticket", st, body, 403)
	st, body = customer.Do("GET", "/api/v1/tickets/"+itoa(firstID)+"/tracking-links", nil)
	expect(t, "customer lists links of another's ticket", st, body, 404)
	st, body = agent.Do("GET", "/api/v1/tickets/"+itoa(firstID)+"/tracking-links", nil)
	expect(t, "agent lists links", st, body, 200)
}

// TestTrackingSocketSaysChanged: the tracking page's socket, opened with the link alone, says "ready",
// then "changed" when the agent answers in public, and nothing for an internal note; another ticket's
// change does not wake it. An unknown link is refused before the handshake (404), an expired one with
// 410, and a link that expires while open closes the socket.
func TestTrackingSocketSaysChanged(t *testing.T) {
	e := newEnv(t)
	visitor := testutil.NewClient(t, e.a)
	cat, sub := e.category(visitor)
	st, body := submit(t, visitor, visitorForm(cat, sub, "live@example.com", "en"))
	expect(t, "submit", st, body, 201)
	id := e.ticketID(decode[webform.Created](t, body).Number)
	token := e.lastToken("live@example.com")
	st, body = submit(t, visitor, visitorForm(cat, sub, "other@example.com", "en"))
	expect(t, "other submit", st, body, 201)
	other := e.ticketID(decode[webform.Created](t, body).Number)

	wsURL := func(tok string) string {
		return "ws://" + strings.TrimPrefix(e.a.Addr(), "http://") + "/api/v1/public/track/" + tok + "/live"
	}
	ws, _, err := websocket.DefaultDialer.Dial(wsURL(token), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	next := func(within time.Duration) (string, error) {
		_ = ws.SetReadDeadline(time.Now().Add(within))
		var f struct {
			Type string `json:"type"`
		}
		err := ws.ReadJSON(&f)
		return f.Type, err
	}
	if typ, err := next(5 * time.Second); err != nil || typ != "ready" {
		t.Fatalf("first frame %q, %v", typ, err)
	}
	agent := testutil.Login(t, e.a, "agent1@x.test")
	st, body = agent.Do("POST", "/api/v1/tickets/"+itoa(id)+"/comments", map[string]any{"body": "Internal: call the carrier", "public": false})
	expect(t, "note", st, body, 201)
	st, body = agent.Do("POST", "/api/v1/tickets/"+itoa(other)+"/comments", map[string]any{"body": "Another case", "public": true})
	expect(t, "other reply", st, body, 201)
	if typ, err := next(1500 * time.Millisecond); err == nil {
		t.Fatalf("an internal note or another ticket woke the socket: %q", typ)
	}
	// A read that timed out leaves the connection unusable: open it again, as the page does.
	ws.Close()
	if ws, _, err = websocket.DefaultDialer.Dial(wsURL(token), nil); err != nil {
		t.Fatal(err)
	}
	if typ, err := next(5 * time.Second); err != nil || typ != "ready" {
		t.Fatalf("first frame again %q, %v", typ, err)
	}
	st, body = agent.Do("POST", "/api/v1/tickets/"+itoa(id)+"/comments", map[string]any{"body": "We are on it", "public": true})
	expect(t, "agent reply", st, body, 201)
	if typ, err := next(5 * time.Second); err != nil || typ != "changed" {
		t.Fatalf("after the public reply %q, %v", typ, err)
	}

	// The link expires while the socket is open: it is closed.
	e.exec("UPDATE ticket_tracking_links SET expires_at = now() + interval '1 second' WHERE token_sha256 = ?", sum(token))
	ws.Close()
	if ws, _, err = websocket.DefaultDialer.Dial(wsURL(token), nil); err != nil {
		t.Fatal(err)
	}
	if typ, err := next(5 * time.Second); err != nil || typ != "ready" {
		t.Fatalf("ready before expiry %q, %v", typ, err)
	}
	if _, err := next(5 * time.Second); !websocket.IsCloseError(err, 4410) {
		t.Fatalf("at expiry: %v, want close 4410", err)
	}
	for tok, want := range map[string]int{token: 410, "not-a-token": 404} {
		_, resp, err := websocket.DefaultDialer.Dial(wsURL(tok), nil)
		if err == nil || resp == nil || resp.StatusCode != want {
			code := 0
			if resp != nil {
				code = resp.StatusCode
			}
			t.Errorf("dial %s: %v, status %d, want %d", tok, err, code, want)
		}
	}
}
