package tickets_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/testutil"
)

// Small files of each kind, as their first bytes make them.
var (
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"), make([]byte, 40)...)
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
)

func docxBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		f, _ := w.Create(n)
		f.Write([]byte("<x/>"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type convEnv struct {
	a   *app.App
	f   *testutil.Fixture
	dir string
}

// startConv starts an instance storing attachments in a directory of the test's own.
func startConv(t *testing.T, configure func(*app.Config)) *convEnv {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	cfg := testutil.Config(dbURL, redisURL, prefix)
	cfg.AttachmentsDir = filepath.Join(t.TempDir(), "attachments")
	if configure != nil {
		configure(&cfg)
	}
	a := testutil.Start(t, cfg)
	// Tickets 0 and 1 are the customer's; 2 and 3 have no requester.
	return &convEnv{a: a, f: testutil.Seed(t, a, 4), dir: cfg.AttachmentsDir}
}

// state is what a refused request must leave untouched.
type state struct {
	Comments, Attachments, Claimed, History, Events, Versions int64
	Files                                                     int
}

func (e *convEnv) state(t *testing.T) state {
	t.Helper()
	var s state
	err := e.a.DB.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM ticket_comments), (SELECT count(*) FROM attachments),
		(SELECT count(*) FROM attachments WHERE comment_id IS NOT NULL), (SELECT count(*) FROM ticket_history),
		(SELECT count(*) FROM events), (SELECT sum(version) FROM tickets)`).Scan(&s.Comments, &s.Attachments, &s.Claimed, &s.History, &s.Events, &s.Versions)
	if err != nil {
		t.Fatal(err)
	}
	_ = filepath.WalkDir(e.dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			s.Files++
		}
		return nil
	})
	return s
}

type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

type attachmentJSON struct {
	ID          int64  `json:"id"`
	TicketID    int64  `json:"ticket_id"`
	CommentID   *int64 `json:"comment_id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	CreatedAt   string `json:"created_at"`
	URL         string `json:"url"`
}

type commentJSON struct {
	ID       int64 `json:"id"`
	TicketID int64 `json:"ticket_id"`
	Author   *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"author"`
	Public      bool             `json:"public"`
	Body        string           `json:"body"`
	BodyHTML    string           `json:"body_html"`
	Attachments []attachmentJSON `json:"attachments"`
	CreatedAt   string           `json:"created_at"`
}

// filePart is one part of a multipart upload.
type filePart struct {
	field, name string
	content     []byte
}

// quoteEscaper escapes a quoted header parameter as mime/multipart does.
var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

// multipartBody builds a multipart/form-data body.
func multipartBody(t *testing.T, parts ...filePart) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(p.field), quoteEscaper.Replace(p.name)))
		h.Set("Content-Type", "application/octet-stream")
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(p.content)
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func upload(t *testing.T, c *testutil.Client, ticketID int64, parts ...filePart) (int, []byte) {
	body, ct := multipartBody(t, parts...)
	return c.DoHeaders("POST", fmt.Sprintf("/api/v1/tickets/%d/attachments", ticketID), body, map[string]string{"Content-Type": ct})
}

func mustUpload(t *testing.T, c *testutil.Client, ticketID int64, name string, content []byte) attachmentJSON {
	t.Helper()
	st, body := upload(t, c, ticketID, filePart{"file", name, content})
	if st != 201 {
		t.Fatalf("upload %s: %d %s", name, st, body)
	}
	var a attachmentJSON
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func mustComment(t *testing.T, c *testutil.Client, ticketID int64, body map[string]any) commentJSON {
	t.Helper()
	st, out := c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/comments", ticketID), body)
	if st != 201 {
		t.Fatalf("comment: %d %s", st, out)
	}
	var cm commentJSON
	if err := json.Unmarshal(out, &cm); err != nil {
		t.Fatal(err)
	}
	return cm
}

// convRefusal is one request that must be refused with a message in both languages and write nothing.
type convRefusal struct {
	name   string
	client *testutil.Client
	do     func(c *testutil.Client) (int, []byte)
	status int
	field  string // "" for the main message
	en, es string // parts of the message in each language
}

func (e *convEnv) checkRefusals(t *testing.T, cases []convRefusal) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, lang := range []string{"en", "es"} {
				before := e.state(t)
				c.client.Lang = lang
				st, body := c.do(c.client)
				c.client.Lang = "en"
				if st != c.status {
					t.Fatalf("%s: status %d, want %d: %s", lang, st, c.status, body)
				}
				var ae apiError
				if err := json.Unmarshal(body, &ae); err != nil {
					t.Fatalf("not the error body: %s", body)
				}
				msg := ae.Error.Message
				if c.field != "" {
					msg = ae.Error.Fields[c.field]
				}
				want := c.en
				if lang == "es" {
					want = c.es
				}
				if msg == "" || !strings.Contains(msg, want) {
					t.Fatalf("%s: message %q (fields %v) does not say %q", lang, ae.Error.Message, ae.Error.Fields, want)
				}
				if after := e.state(t); after != before {
					t.Fatalf("%s: a refused request wrote something: %+v → %+v", lang, before, after)
				}
			}
		})
	}
}

func TestCommentsBadInputAndPermissions(t *testing.T) {
	e := startConv(t, nil)
	agent := testutil.Login(t, e.a, "agent1@x.test")
	agent2 := testutil.Login(t, e.a, "agent2@x.test")
	customer := testutil.Login(t, e.a, "customer@x.test")
	other := testutil.Login(t, e.a, "other@x.test")
	own, unowned := e.f.Tickets[0], e.f.Tickets[2]
	path := fmt.Sprintf("/api/v1/tickets/%d/comments", own)
	post := func(p string, body any) func(c *testutil.Client) (int, []byte) {
		return func(c *testutil.Client) (int, []byte) { return c.Do("POST", p, body) }
	}
	mine := mustUpload(t, agent, own, "mine.png", pngBytes)
	theirs := mustUpload(t, agent2, own, "theirs.png", pngBytes)
	elsewhere := mustUpload(t, agent, unowned, "elsewhere.png", pngBytes)
	claimed := mustUpload(t, agent, own, "claimed.png", pngBytes)
	mustComment(t, agent, own, map[string]any{"body": "with a file", "public": true, "attachment_ids": []int64{claimed.ID}})
	eleven := make([]int64, 11)
	for i := range eleven {
		eleven[i] = int64(i + 1)
	}

	e.checkRefusals(t, []convRefusal{
		{"malformed json", agent, post(path, `{"body": "x",`), 400, "", "not valid JSON", "no es JSON válido"},
		{"empty body", agent, post(path, ``), 400, "", "missing", "Falta"},
		{"unknown field", agent, post(path, `{"body":"x","public":true,"internal":true}`), 422, "internal", "does not exist", "no existe"},
		{"missing body", agent, post(path, `{"public":true}`), 422, "body", "required", "obligatorio"},
		{"blank body", agent, post(path, `{"body":"  \n\t ","public":true}`), 422, "body", "required", "obligatorio"},
		{"body of the wrong type", agent, post(path, `{"body":12,"public":true}`), 422, "body", "expected string", "se esperaba string"},
		{"body too long", agent, post(path, map[string]any{"body": strings.Repeat("é", 50001), "public": true}), 422, "body", "At most 50000", "Máximo 50000"},
		{"missing public", agent, post(path, `{"body":"x"}`), 422, "public", "required", "obligatorio"},
		{"public of the wrong type", agent, post(path, `{"body":"x","public":"yes"}`), 422, "public", "expected boolean", "se esperaba boolean"},
		{"attachment ids of the wrong type", agent, post(path, `{"body":"x","public":true,"attachment_ids":"1"}`), 422, "attachment_ids", "expected array", "se esperaba array"},
		{"attachment id not positive", agent, post(path, `{"body":"x","public":true,"attachment_ids":[0]}`), 422, "attachment_ids[0]", "at least 1", "al menos 1"},
		{"too many attachments", agent, post(path, map[string]any{"body": "x", "public": true, "attachment_ids": eleven}), 422, "attachment_ids", "At most 10 files", "Como máximo 10 archivos"},
		{"an attachment twice", agent, post(path, map[string]any{"body": "x", "public": true, "attachment_ids": []int64{mine.ID, mine.ID}}), 422, "attachment_ids", "listed once", "una sola vez"},
		{"an attachment that does not exist", agent, post(path, map[string]any{"body": "x", "public": true, "attachment_ids": []int64{mine.ID, 99999}}), 422, "attachment_ids", "uploaded by you to this ticket", "subido tú a este ticket"},
		{"another user's attachment", agent, post(path, map[string]any{"body": "x", "public": true, "attachment_ids": []int64{theirs.ID}}), 422, "attachment_ids", "uploaded by you", "subido tú"},
		{"an attachment of another ticket", agent, post(path, map[string]any{"body": "x", "public": true, "attachment_ids": []int64{elsewhere.ID}}), 422, "attachment_ids", "to this ticket", "a este ticket"},
		{"an attachment already on a comment", agent, post(path, map[string]any{"body": "x", "public": true, "attachment_ids": []int64{claimed.ID}}), 422, "attachment_ids", "not be on another comment", "no estar ya en otro comentario"},
		{"customer writing an internal note", customer, post(path, map[string]any{"body": "psst", "public": false}), 422, "public", "Only the support team can write internal notes", "Solo el equipo de soporte puede escribir notas internas"},
		{"customer on a ticket not theirs", customer, post(fmt.Sprintf("/api/v1/tickets/%d/comments", unowned), map[string]any{"body": "x", "public": true}), 404, "", "does not exist or you have no access", "no existe o no tienes acceso"},
		{"another customer", other, post(path, map[string]any{"body": "x", "public": true}), 404, "", "does not exist or you have no access", "no existe o no tienes acceso"},
		{"ticket that does not exist", agent, post("/api/v1/tickets/99999/comments", map[string]any{"body": "x", "public": true}), 404, "", "does not exist", "no existe"},
		{"ticket id that is not a number", agent, post("/api/v1/tickets/abc/comments", map[string]any{"body": "x", "public": true}), 404, "", "does not exist", "no existe"},
		{"list: another customer", other, func(c *testutil.Client) (int, []byte) { return c.Do("GET", path, nil) }, 404, "", "does not exist or you have no access", "no existe o no tienes acceso"},
		{"list: ticket id that is not a number", agent, func(c *testutil.Client) (int, []byte) { return c.Do("GET", "/api/v1/tickets/0/comments", nil) }, 404, "", "does not exist", "no existe"},
	})
}

func TestCommentsConversation(t *testing.T) {
	e := startConv(t, nil)
	agent := testutil.Login(t, e.a, "agent1@x.test")
	customer := testutil.Login(t, e.a, "customer@x.test")
	admin := testutil.Login(t, e.a, "admin@x.test")
	id := e.f.Tickets[0]
	path := fmt.Sprintf("/api/v1/tickets/%d/comments", id)
	l := agent.ConnectTopics(e.a, nil, []string{live.TicketTopic(id)}) // conversations go to the ticket's watchers
	before := e.state(t)

	reply := mustComment(t, agent, id, map[string]any{"body": "Hola **ana**, mira [esto](https://example.com) <script>alert(1)</script> [x](javascript:alert(1))", "public": true})
	if reply.ID == 0 || reply.TicketID != id || !reply.Public || reply.Author == nil || reply.Author.Name != "agent1" ||
		reply.Attachments == nil || len(reply.Attachments) != 0 || reply.CreatedAt == "" {
		t.Fatalf("reply: %+v", reply)
	}
	if !strings.Contains(reply.BodyHTML, "<strong>ana</strong>") || !strings.Contains(reply.BodyHTML, `href="https://example.com"`) ||
		!strings.Contains(reply.BodyHTML, `rel="nofollow noreferrer noopener"`) || strings.Contains(reply.BodyHTML, "<script") ||
		strings.Contains(reply.BodyHTML, "javascript:") {
		t.Fatalf("body_html is not the sanitised rendering: %s", reply.BodyHTML)
	}
	l.WaitFor(func(fs []testutil.Frame) bool {
		for _, f := range fs {
			if f.Name == "ticket.commented" && f.Card().ID == id {
				return true
			}
		}
		return false
	}, 5*time.Second, "ticket.commented")

	note := mustComment(t, admin, id, map[string]any{"body": "Cliente habitual, ojo con el **descuento**.", "public": false})
	if note.Public {
		t.Fatal("an internal note came back public")
	}
	customerReply := mustComment(t, customer, id, map[string]any{"body": "¡Gracias!", "public": true})

	after := e.state(t)
	if after.Comments != before.Comments+3 || after.Events != before.Events+3 || after.Versions != before.Versions || after.History != before.History {
		t.Fatalf("three comments write three comments and three events and change no ticket: %+v → %+v", before, after)
	}
	// The events carry the comment and say which are internal.
	rows, err := e.a.DB.Pool.Query(context.Background(), `SELECT payload FROM events WHERE name = 'ticket.commented' AND ticket_id = $1 ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	type eventPayload struct {
		Comment  commentJSON `json:"comment"`
		Internal bool        `json:"internal"`
		Ticket   struct {
			ID      int64 `json:"id"`
			Version int64 `json:"version"`
		} `json:"ticket"`
		Actor struct{ ID int64 } `json:"actor"`
	}
	var payloads []eventPayload
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		var one eventPayload
		if err := json.Unmarshal(raw, &one); err != nil {
			t.Fatal(err)
		}
		payloads = append(payloads, one)
	}
	if len(payloads) != 3 || payloads[0].Comment.ID != reply.ID || payloads[0].Internal || payloads[0].Comment.BodyHTML != reply.BodyHTML ||
		payloads[1].Comment.ID != note.ID || !payloads[1].Internal || payloads[2].Comment.ID != customerReply.ID || payloads[2].Internal ||
		payloads[0].Ticket.ID != id || payloads[0].Ticket.Version != 1 || payloads[1].Actor.ID != e.f.Users["admin@x.test"].ID {
		t.Fatalf("events: %+v", payloads)
	}

	list := func(c *testutil.Client) []commentJSON {
		st, body := c.Do("GET", path, nil)
		if st != 200 {
			t.Fatalf("list: %d %s", st, body)
		}
		var out struct{ Items []commentJSON }
		_ = json.Unmarshal(body, &out)
		return out.Items
	}
	staff := list(agent)
	if len(staff) != 3 || staff[0].ID != reply.ID || staff[1].ID != note.ID || staff[2].ID != customerReply.ID || staff[1].Author.Name != "admin" {
		t.Fatalf("staff see every comment oldest first: %+v", staff)
	}
	cust := list(customer)
	if len(cust) != 2 || cust[0].ID != reply.ID || cust[1].ID != customerReply.ID {
		t.Fatalf("the customer sees only public replies: %+v", cust)
	}
	if st, body := agent.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/comments", e.f.Tickets[3]), nil); st != 200 || string(body) != `{"items":[]}` {
		t.Fatalf("a ticket without comments lists none: %d %s", st, body)
	}
	// A NUL in the body is stored as what Markdown shows for it.
	nul := mustComment(t, agent, id, map[string]any{"body": "a\x00b", "public": true})
	if nul.Body != "a\uFFFDb" {
		t.Fatalf("NUL: %q", nul.Body)
	}
}

func TestCommentClaimsAttachments(t *testing.T) {
	e := startConv(t, nil)
	agent := testutil.Login(t, e.a, "agent1@x.test")
	customer := testutil.Login(t, e.a, "customer@x.test")
	id := e.f.Tickets[0]

	shot := mustUpload(t, customer, id, "captura de pantalla.png", pngBytes)
	invoice := mustUpload(t, customer, id, "factura.pdf", pdfBytes)
	if shot.CommentID != nil {
		t.Fatal("an upload is on no comment yet")
	}
	c := mustComment(t, customer, id, map[string]any{"body": "Adjunto la captura y la factura", "public": true, "attachment_ids": []int64{invoice.ID, shot.ID}})
	if len(c.Attachments) != 2 || c.Attachments[0].ID != shot.ID || c.Attachments[1].ID != invoice.ID ||
		c.Attachments[0].CommentID == nil || *c.Attachments[0].CommentID != c.ID || c.Attachments[1].Filename != "factura.pdf" {
		t.Fatalf("the comment carries its files: %+v", c.Attachments)
	}
	var n int
	if err := e.a.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM attachments WHERE comment_id = $1`, c.ID).Scan(&n); err != nil || n != 2 {
		t.Fatalf("claimed rows: %d %v", n, err)
	}
	// An internal note with an agent's file.
	secret := mustUpload(t, agent, id, "notas internas.txt", []byte("solo para el equipo\n"))
	note := mustComment(t, agent, id, map[string]any{"body": "ver adjunto", "public": false, "attachment_ids": []int64{secret.ID}})
	if len(note.Attachments) != 1 || note.Attachments[0].ContentType != "text/plain; charset=utf-8" {
		t.Fatalf("note: %+v", note)
	}
	var payload []byte
	if err := e.a.DB.Pool.QueryRow(context.Background(), `SELECT payload FROM events WHERE name = 'ticket.commented' ORDER BY id DESC LIMIT 1`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Internal bool        `json:"internal"`
		Comment  commentJSON `json:"comment"`
	}
	if err := json.Unmarshal(payload, &ev); err != nil || !ev.Internal || ev.Comment.ID != note.ID || len(ev.Comment.Attachments) != 1 ||
		ev.Comment.Attachments[0].Filename != "notas internas.txt" {
		t.Fatalf("the note's event is internal and carries its files: %s", payload)
	}
}

func TestCannedResponseRender(t *testing.T) {
	e := startConv(t, nil)
	agent := testutil.Login(t, e.a, "agent1@x.test")
	customer := testutil.Login(t, e.a, "customer@x.test")
	ctx := context.Background()
	var received int64
	if err := e.a.DB.Pool.QueryRow(ctx, `SELECT id FROM canned_responses WHERE key = 'received'`).Scan(&received); err != nil {
		t.Fatal(err)
	}
	var spaced, inactive int64
	if err := e.a.DB.Pool.QueryRow(ctx, `INSERT INTO canned_responses (key, name_es, name_en, body_es, body_en, position)
		VALUES ('spaced', 'E', 'E', 'Para {{ requester.email }} de {{agent.email}}: #{{  ticket.number  }} {{ticket.subject}} {{unknown.thing}}', 'To {{ requester.email }} from {{agent.name}} <{{ agent.email }}>', 9) RETURNING id`).Scan(&spaced); err != nil {
		t.Fatal(err)
	}
	if err := e.a.DB.Pool.QueryRow(ctx, `INSERT INTO canned_responses (key, name_es, name_en, body_es, body_en, position, active)
		VALUES ('old', 'V', 'O', 'viejo', 'old', 10, false) RETURNING id`).Scan(&inactive); err != nil {
		t.Fatal(err)
	}
	var number int64
	var subject string
	own := e.f.Tickets[0]
	if err := e.a.DB.Pool.QueryRow(ctx, `SELECT number, subject FROM tickets WHERE id = $1`, own).Scan(&number, &subject); err != nil {
		t.Fatal(err)
	}
	render := func(ticket, canned int64, body any) (int, []byte) {
		return agent.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/canned-responses/%d/render", ticket, canned), body)
	}
	ok := func(name string, ticket, canned int64, body any, want string) {
		t.Run(name, func(t *testing.T) {
			before := e.state(t)
			st, out := render(ticket, canned, body)
			var r struct{ Body string }
			_ = json.Unmarshal(out, &r)
			if st != 200 || r.Body != want {
				t.Fatalf("%d %s\nwant body %q", st, out, want)
			}
			if after := e.state(t); after != before {
				t.Fatal("rendering wrote something")
			}
		})
	}
	ok("in the requester's locale by default", own, received, nil,
		fmt.Sprintf("Hi customer,\n\nWe received your case **#%d** (\"%s\") and are looking into it. We will write as soon as we have news.\n\nagent1", number, subject))
	ok("in the asked locale", own, received, map[string]any{"locale": "es"},
		fmt.Sprintf("Hola customer,\n\nRecibimos tu caso **#%d** («%s») y ya lo estamos revisando. Te escribiremos en cuanto tengamos novedades.\n\nagent1", number, subject))
	ok("an empty object is the default", own, received, `{}`, fmt.Sprintf("Hi customer,\n\nWe received your case **#%d**", number)+
		fmt.Sprintf(" (\"%s\") and are looking into it. We will write as soon as we have news.\n\nagent1", subject))
	ok("white space inside the braces", own, spaced, map[string]any{"locale": "es"},
		fmt.Sprintf("Para customer@x.test de agent1@x.test: #%d %s {{unknown.thing}}", number, subject))
	if _, err := e.a.DB.Pool.Exec(ctx, `UPDATE users SET locale = 'es' WHERE email = 'agent1@x.test'`); err != nil {
		t.Fatal(err)
	}
	var noRequesterNumber int64
	if err := e.a.DB.Pool.QueryRow(ctx, `SELECT number FROM tickets WHERE id = $1`, e.f.Tickets[2]).Scan(&noRequesterNumber); err != nil {
		t.Fatal(err)
	}
	agentES := testutil.Login(t, e.a, "agent1@x.test")
	t.Run("without a requester: the agent's locale, empty requester fields", func(t *testing.T) {
		st, out := agentES.DoHeaders("POST", fmt.Sprintf("/api/v1/tickets/%d/canned-responses/%d/render", e.f.Tickets[2], spaced), nil,
			map[string]string{"Accept-Language": ""})
		var r struct{ Body string }
		_ = json.Unmarshal(out, &r)
		if st != 200 || !strings.HasPrefix(r.Body, fmt.Sprintf("Para  de agent1@x.test: #%d ", noRequesterNumber)) {
			t.Fatalf("%d %s", st, out)
		}
	})

	path := fmt.Sprintf("/api/v1/tickets/%d/canned-responses/%d/render", own, received)
	post := func(p string, body any) func(c *testutil.Client) (int, []byte) {
		return func(c *testutil.Client) (int, []byte) { return c.Do("POST", p, body) }
	}
	e.checkRefusals(t, []convRefusal{
		{"customer", customer, post(path, nil), 403, "", "Only the support team can use canned responses", "Solo el equipo de soporte puede usar respuestas predefinidas"},
		{"customer on a ticket not theirs", customer, post(fmt.Sprintf("/api/v1/tickets/%d/canned-responses/%d/render", e.f.Tickets[2], received), nil), 404, "", "does not exist or you have no access", "no existe o no tienes acceso"},
		{"unknown locale", agent, post(path, map[string]any{"locale": "fr"}), 422, "locale", "one of: es en", "uno de: es en"},
		{"locale of the wrong type", agent, post(path, `{"locale":1}`), 422, "locale", "expected string", "se esperaba string"},
		{"unknown field", agent, post(path, `{"lang":"es"}`), 422, "lang", "does not exist", "no existe"},
		{"malformed json", agent, post(path, `{"locale":`), 400, "", "not valid JSON", "no es JSON válido"},
		{"canned response that does not exist", agent, post(fmt.Sprintf("/api/v1/tickets/%d/canned-responses/99999/render", own), nil), 404, "", "does not exist or is no longer active", "no existe o ya no está activa"},
		{"inactive canned response", agent, post(fmt.Sprintf("/api/v1/tickets/%d/canned-responses/%d/render", own, inactive), nil), 404, "", "no longer active", "ya no está activa"},
		{"canned id that is not a number", agent, post(fmt.Sprintf("/api/v1/tickets/%d/canned-responses/x/render", own), nil), 404, "", "canned response does not exist", "respuesta predefinida no existe"},
		{"ticket that does not exist", agent, post(fmt.Sprintf("/api/v1/tickets/99999/canned-responses/%d/render", received), nil), 404, "", "ticket does not exist", "ticket no existe"},
	})
}

func TestAttachmentUploadRules(t *testing.T) {
	e := startConv(t, nil)
	agent := testutil.Login(t, e.a, "agent1@x.test")
	customer := testutil.Login(t, e.a, "customer@x.test")
	other := testutil.Login(t, e.a, "other@x.test")
	own, unowned := e.f.Tickets[0], e.f.Tickets[2]
	up := func(ticket int64, parts ...filePart) func(c *testutil.Client) (int, []byte) {
		return func(c *testutil.Client) (int, []byte) { return upload(t, c, ticket, parts...) }
	}
	e.checkRefusals(t, []convRefusal{
		{"a PDF named .png", agent, up(own, filePart{"file", "foto.png", pdfBytes}), 422, "file", "does not match its extension .png", "no corresponde a su extensión .png"},
		{"an HTML file", agent, up(own, filePart{"file", "page.html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")}), 422, "file", "not accepted", "no se admite"},
		{"HTML named .txt", agent, up(own, filePart{"file", "page.txt", []byte("<html><body onload=alert(1)>")}), 422, "file", "not accepted", "no se admite"},
		{"an SVG", agent, up(own, filePart{"file", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)}), 422, "file", "not accepted", "no se admite"},
		{"an executable", agent, up(own, filePart{"file", "setup.exe", append([]byte("MZ"), make([]byte, 100)...)}), 422, "file", "not accepted", "no se admite"},
		{"an empty file", agent, up(own, filePart{"file", "empty.txt", nil}), 422, "file", "empty", "vacío"},
		{"no file field", agent, up(own, filePart{"document", "a.png", pngBytes}), 422, "file", "required", "obligatorio"},
		{"two files", agent, up(own, filePart{"file", "a.png", pngBytes}, filePart{"file", "b.pdf", pdfBytes}), 422, "file", "one file per request", "un solo archivo"},
		{"not multipart", agent, func(c *testutil.Client) (int, []byte) {
			return c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/attachments", own), map[string]any{"file": "x"})
		}, 400, "", "multipart/form-data", "multipart/form-data"},
		{"a broken multipart body", agent, func(c *testutil.Client) (int, []byte) {
			return c.DoHeaders("POST", fmt.Sprintf("/api/v1/tickets/%d/attachments", own), []byte("--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc"),
				map[string]string{"Content-Type": "multipart/form-data; boundary=xyz"})
		}, 400, "", "multipart/form-data", "multipart/form-data"},
		{"customer on a ticket not theirs", customer, up(unowned, filePart{"file", "a.png", pngBytes}), 404, "", "does not exist or you have no access", "no existe o no tienes acceso"},
		{"another customer", other, up(own, filePart{"file", "a.png", pngBytes}), 404, "", "does not exist or you have no access", "no existe o no tienes acceso"},
		{"ticket that does not exist", agent, up(99999, filePart{"file", "a.png", pngBytes}), 404, "", "does not exist", "no existe"},
	})
}

func TestAttachmentSizeLimit(t *testing.T) {
	e := startConv(t, func(c *app.Config) { c.AttachmentMaxBytes = 1024 })
	agent := testutil.Login(t, e.a, "agent1@x.test")
	id := e.f.Tickets[0]
	atLimit := append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte(" "), 1024-len(pdfBytes))...)
	mustUpload(t, agent, id, "exactly.pdf", atLimit)
	over := append(atLimit, ' ')
	huge := append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte(" "), 70<<10)...) // past what the server reads at all
	up := func(content []byte) func(c *testutil.Client) (int, []byte) {
		return func(c *testutil.Client) (int, []byte) { return upload(t, c, id, filePart{"file", "big.pdf", content}) }
	}
	e.checkRefusals(t, []convRefusal{
		{"one byte over the limit", agent, up(over), 413, "file", "too large (at most 1 KiB)", "demasiado grande (máximo 1 KiB)"},
	})
	// Past what the server reads at all, it answers from the Content-Length and closes without reading the
	// body: a client still sending sees a reset as often as the answer, so speak raw HTTP and read it.
	for _, lang := range []string{"en", "es"} {
		conn, err := net.Dial("tcp", e.a.Addr())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST /api/v1/tickets/%d/attachments HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"+
			"Accept-Language: %s\r\nContent-Length: %d\r\n\r\n--xyz\r\n", id, lang, len(huge))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		conn.Close()
		want := map[string]string{"en": "too large (at most 1 KiB)", "es": "demasiado grande (máximo 1 KiB)"}[lang]
		if res.StatusCode != 413 || !strings.Contains(string(body), want) {
			t.Fatalf("far over the limit (%s): %d %s", lang, res.StatusCode, body)
		}
	}
}

func TestAttachmentsStoredOnceListedAndDownloaded(t *testing.T) {
	e := startConv(t, nil)
	agent := testutil.Login(t, e.a, "agent1@x.test")
	customer := testutil.Login(t, e.a, "customer@x.test")
	other := testutil.Login(t, e.a, "other@x.test")
	id := e.f.Tickets[0]
	before := e.state(t)

	first := mustUpload(t, agent, id, "captura.png", pngBytes)
	if first.TicketID != id || first.CommentID != nil || first.Filename != "captura.png" || first.ContentType != "image/png" ||
		first.Size != int64(len(pngBytes)) || first.URL != fmt.Sprintf("/api/v1/attachments/%d", first.ID) || first.CreatedAt == "" {
		t.Fatalf("attachment: %+v", first)
	}
	second := mustUpload(t, agent, id, "copy of captura.png", pngBytes)
	after := e.state(t)
	if after.Attachments != before.Attachments+2 || after.Files != before.Files+1 || after.History != before.History+2 || after.Versions != before.Versions {
		t.Fatalf("the same content is stored once, each upload has its row and history: %+v → %+v", before, after)
	}
	var field, hist string
	if err := e.a.DB.Pool.QueryRow(context.Background(), `SELECT field, after::text FROM ticket_history WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1`, id).Scan(&field, &hist); err != nil {
		t.Fatal(err)
	}
	if field != "attachment" || !strings.Contains(hist, fmt.Sprintf(`"id": %d`, second.ID)) || !strings.Contains(hist, `"filename": "copy of captura.png"`) {
		t.Fatalf("history: %s %s", field, hist)
	}

	odd := mustUpload(t, customer, id, `Factura "marzo" señora Núñez.pdf`, pdfBytes)
	traversal := mustUpload(t, customer, id, `..\..\..\windows\system.ini.txt`, []byte("[boot]\n"))
	slashes := mustUpload(t, customer, id, "../../etc/passwd.txt", []byte("root:x:0:0\n"))
	hidden := mustUpload(t, customer, id, "\u202Egnp.txt", []byte("rtl\n"))
	if traversal.Filename != "system.ini.txt" || slashes.Filename != "passwd.txt" || hidden.Filename != "gnp.txt" {
		t.Fatalf("names: %q %q %q", traversal.Filename, slashes.Filename, hidden.Filename)
	}
	docx := mustUpload(t, agent, id, "carta.docx", docxBytes(t))
	internal := mustUpload(t, agent, id, "interno.pdf", pdfBytes)
	mustComment(t, agent, id, map[string]any{"body": "nota", "public": false, "attachment_ids": []int64{internal.ID}})
	public := mustUpload(t, agent, id, "publico.pdf", pdfBytes)
	mustComment(t, agent, id, map[string]any{"body": "respuesta", "public": true, "attachment_ids": []int64{public.ID, docx.ID}})

	list := func(c *testutil.Client) []int64 {
		st, body := c.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/attachments", id), nil)
		if st != 200 {
			t.Fatalf("list: %d %s", st, body)
		}
		var out struct{ Items []attachmentJSON }
		_ = json.Unmarshal(body, &out)
		ids := []int64{}
		for _, a := range out.Items {
			ids = append(ids, a.ID)
		}
		return ids
	}
	if got, want := fmt.Sprint(list(agent)), fmt.Sprint([]int64{first.ID, second.ID, odd.ID, traversal.ID, slashes.ID, hidden.ID, docx.ID, internal.ID, public.ID}); got != want {
		t.Fatalf("staff see every file: %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(list(customer)), fmt.Sprint([]int64{odd.ID, traversal.ID, slashes.ID, hidden.ID, docx.ID, public.ID}); got != want {
		t.Fatalf("the customer sees their uploads and public replies' files, not internal notes' nor agents' drafts: %s, want %s", got, want)
	}
	if st, _ := other.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/attachments", id), nil); st != 404 {
		t.Fatalf("another customer lists: %d", st)
	}
	// The history names the same files: an internal note's file or an agent's draft is not even named.
	historyFiles := func(c *testutil.Client) []int64 {
		ids := []int64{}
		for _, h := range history(t, c, id) {
			if h.Field != "attachment" {
				continue
			}
			var a struct{ ID int64 }
			if err := json.Unmarshal(h.After, &a); err != nil {
				t.Fatalf("history row %s: %v", h.After, err)
			}
			ids = append(ids, a.ID)
		}
		return ids
	}
	if got, want := fmt.Sprint(historyFiles(agent)), fmt.Sprint(list(agent)); got != want {
		t.Fatalf("staff read every file's history row: %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(historyFiles(customer)), fmt.Sprint(list(customer)); got != want {
		t.Fatalf("the customer's history names only the files they may open: %s, want %s", got, want)
	}

	get := func(c *testutil.Client, attID int64) *http.Response {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/attachments/%d", c.Base, attID), nil)
		res, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	downloads := []struct {
		name        string
		client      *testutil.Client
		att         attachmentJSON
		content     []byte
		contentType string
		disposition string
	}{
		{"png", agent, first, pngBytes, "image/png", `attachment; filename="captura.png"; filename*=UTF-8''captura.png`},
		{"spaces, accents and quotes", customer, odd, pdfBytes, "application/pdf",
			`attachment; filename="Factura _marzo_ senora Nunez.pdf"; filename*=UTF-8''Factura%20%22marzo%22%20se%C3%B1ora%20N%C3%BA%C3%B1ez.pdf`},
		{"traversal attempt", customer, traversal, []byte("[boot]\n"), "text/plain; charset=utf-8",
			`attachment; filename="system.ini.txt"; filename*=UTF-8''system.ini.txt`},
		{"office file as bytes", customer, docx, docxBytes(t), "application/octet-stream",
			`attachment; filename="carta.docx"; filename*=UTF-8''carta.docx`},
	}
	for _, d := range downloads {
		t.Run("download "+d.name, func(t *testing.T) {
			res := get(d.client, d.att.ID)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 || !bytes.Equal(body, d.content) {
				t.Fatalf("%d, %d bytes", res.StatusCode, len(body))
			}
			for h, want := range map[string]string{"Content-Type": d.contentType, "Content-Disposition": d.disposition,
				"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox", "Cache-Control": "private, max-age=3600",
				"Content-Length": fmt.Sprint(len(d.content))} {
				if got := res.Header.Get(h); got != want {
					t.Errorf("%s: %q, want %q", h, got, want)
				}
			}
		})
	}
	for _, c := range []struct {
		name   string
		client *testutil.Client
		id     int64
	}{
		{"customer: an internal note's file", customer, internal.ID},
		{"customer: an agent's file not on a comment", customer, first.ID},
		{"another customer: a public file of a ticket not theirs", other, public.ID},
		{"an attachment that does not exist", agent, 99999},
	} {
		t.Run("not found: "+c.name, func(t *testing.T) {
			for lang, want := range map[string]string{"en": "That file does not exist or you have no access to it.", "es": "Ese archivo no existe o no tienes acceso a él."} {
				c.client.Lang = lang
				st, body := c.client.Do("GET", fmt.Sprintf("/api/v1/attachments/%d", c.id), nil)
				c.client.Lang = "en"
				var ae apiError
				_ = json.Unmarshal(body, &ae)
				if st != 404 || ae.Error.Message != want {
					t.Fatalf("%s: %d %s", lang, st, body)
				}
			}
		})
	}
	if st, _ := agent.Do("GET", "/api/v1/attachments/abc", nil); st != 404 {
		t.Fatalf("a non-numeric id: %d", st)
	}
	if res := get(customer, odd.ID); res.StatusCode != 200 {
		t.Fatalf("the uploader downloads their own file not yet on a comment: %d", res.StatusCode)
	}
}

// TestAttachmentsInS3 runs an upload and a download through an instance whose store is S3-compatible
// (an in-process gofakes3 server spoken to over HTTP).
func TestAttachmentsInS3(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket("atiende-files"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	s3 := &attachments.S3Config{Endpoint: strings.TrimPrefix(srv.URL, "http://"), Bucket: "atiende-files", AccessKey: "k", SecretKey: "s",
		Region: "us-east-1", Insecure: true}
	e := startConv(t, func(c *app.Config) { c.AttachmentsS3 = s3 })
	agent := testutil.Login(t, e.a, "agent1@x.test")
	att := mustUpload(t, agent, e.f.Tickets[0], "informe.pdf", pdfBytes)
	mustUpload(t, agent, e.f.Tickets[1], "otra copia.pdf", pdfBytes)
	objects, err := backend.ListBucket("atiende-files", nil, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	if len(objects.Contents) != 1 || !strings.HasSuffix(objects.Contents[0].Key, "/"+attachmentsSum(pdfBytes)) {
		t.Fatalf("the bucket holds the content once, by hash: %+v", objects.Contents)
	}
	if e.state(t).Files != 0 {
		t.Fatal("an S3 instance wrote to the disk")
	}
	st, body := agent.Do("GET", att.URL, nil)
	if st != 200 || !bytes.Equal(body, pdfBytes) {
		t.Fatalf("download from S3: %d %q", st, body)
	}
}

func attachmentsSum(b []byte) string {
	u, err := attachments.Receive(bytes.NewReader(b), "x.pdf", 1<<20)
	if err != nil {
		panic(err)
	}
	defer u.Close()
	return u.SHA256
}

// Files attached to the ticket itself (the new-ticket dialog's) are seen by whoever sees the ticket;
// an agent's upload waiting for a reply stays theirs until a reply carries it.
func TestFilesAttachedToTheTicketItself(t *testing.T) {
	e := startConv(t, nil)
	agent := testutil.Login(t, e.a, "agent1@x.test")
	customer := testutil.Login(t, e.a, "customer@x.test")
	id := e.f.Tickets[0] // the customer's
	st, body := upload(t, agent, id, filePart{"attach_to", "", []byte("ticket")}, filePart{"file", "foto.png", pngBytes})
	if st != 201 {
		t.Fatalf("upload to the ticket: %d %s", st, body)
	}
	var onTicket attachmentJSON
	_ = json.Unmarshal(body, &onTicket)
	draft := mustUpload(t, agent, id, "borrador.png", pngBytes)
	names := func(c *testutil.Client) string {
		st, body := c.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/attachments", id), nil)
		if st != 200 {
			t.Fatalf("list: %d %s", st, body)
		}
		var l struct{ Items []attachmentJSON }
		_ = json.Unmarshal(body, &l)
		var out []string
		for _, a := range l.Items {
			out = append(out, a.Filename)
		}
		return strings.Join(out, ",")
	}
	if got := names(customer); got != "foto.png" {
		t.Fatalf("the requester sees the ticket's file and not the agent's draft, got %q", got)
	}
	if got := names(agent); got != "foto.png,borrador.png" {
		t.Fatalf("the agent sees both, got %q", got)
	}
	if st, _ := customer.Do("GET", onTicket.URL, nil); st != 200 {
		t.Fatalf("the requester downloads the ticket's file: %d", st)
	}
	if st, _ := customer.Do("GET", draft.URL, nil); st != 404 {
		t.Fatalf("the requester cannot download the agent's draft: %d", st)
	}
	// A reply cannot take the ticket's own file.
	st, body = agent.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/comments", id), map[string]any{"body": "ver", "public": true, "attachment_ids": []int64{onTicket.ID}})
	if st != 422 || !strings.Contains(string(body), "attachment_ids") {
		t.Fatalf("a reply claiming the ticket's file: %d %s", st, body)
	}
	before := e.state(t)
	for lang, want := range map[string]string{"en": "Must be one of", "es": "uno de"} {
		agent.Lang = lang
		st, body := upload(t, agent, id, filePart{"attach_to", "", []byte("everyone")}, filePart{"file", "x.png", pngBytes})
		if st != 422 || !strings.Contains(string(body), "attach_to") || !strings.Contains(string(body), want) {
			t.Fatalf("a bad attach_to (%s): %d %s", lang, st, body)
		}
	}
	if after := e.state(t); after != before {
		t.Fatalf("a refused upload wrote something: %+v → %+v", before, after)
	}
}
