package webform_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
	"github.com/atiende/atiende/server/internal/webform"
)

type env struct {
	t *testing.T
	a *app.App
	f *testutil.Fixture
}

// newEnv starts an instance with the real mail outbox (no SMTP: every mail is logged) and the seed
// fixture.
func newEnv(t *testing.T) *env {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	cfg := testutil.Config(dbURL, redisURL, prefix)
	cfg.AttachmentsDir = t.TempDir()
	ctx := context.Background()
	a, err := app.New(ctx, cfg, testutil.Log())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.Close(ctx)
	})
	return &env{t: t, a: a, f: testutil.Seed(t, a, 2)}
}

// count runs a count query.
func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.a.DB.Bun.NewRaw(q, args...).Scan(context.Background(), &n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) exec(q string, args ...any) {
	e.t.Helper()
	if _, err := e.a.DB.Bun.ExecContext(context.Background(), q, args...); err != nil {
		e.t.Fatal(err)
	}
}

// written counts every row a submission or a reply writes, to prove a refusal wrote nothing.
func (e *env) written() string {
	e.t.Helper()
	return fmt.Sprint(e.count("SELECT count(*) FROM tickets"), e.count("SELECT count(*) FROM users"),
		e.count("SELECT count(*) FROM ticket_comments"), e.count("SELECT count(*) FROM attachments"),
		e.count("SELECT count(*) FROM ticket_tracking_links"), e.count("SELECT count(*) FROM mail_outbox"),
		e.count("SELECT count(*) FROM ticket_history"))
}

var linkRe = regexp.MustCompile(`/t/([A-Za-z0-9_-]{43})`)

// tokens lists the tracking tokens mailed to an address, oldest first, read from the mail log.
func (e *env) tokens(email string) []string {
	e.t.Helper()
	var texts []string
	if err := e.a.DB.Bun.NewRaw("SELECT text FROM mail_outbox WHERE template = 'ticket_tracking' AND to_email = ? ORDER BY id",
		email).Scan(context.Background(), &texts); err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, t := range texts {
		m := linkRe.FindStringSubmatch(t)
		if m == nil {
			e.t.Fatalf("tracking mail without a link: %q", t)
		}
		out = append(out, m[1])
	}
	return out
}

// lastToken is the token of the last tracking mail to an address.
func (e *env) lastToken(email string) string {
	e.t.Helper()
	ts := e.tokens(email)
	if len(ts) == 0 {
		e.t.Fatalf("no tracking mail to %s", email)
	}
	return ts[len(ts)-1]
}

func (e *env) ticketID(number int64) int64 {
	e.t.Helper()
	var id int64
	if err := e.a.DB.Bun.NewRaw("SELECT id FROM tickets WHERE number = ?", number).Scan(context.Background(), &id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// category is a category of the form that has a subcategory.
func (e *env) category(c *testutil.Client) (int64, int64) {
	e.t.Helper()
	st, body := c.Do("GET", "/api/v1/public/form", nil)
	expect(e.t, "form", st, body, 200)
	info := decode[webform.FormInfo](e.t, body)
	for _, cat := range info.Categories {
		if len(cat.Subcategories) > 0 {
			return cat.ID, cat.Subcategories[0].ID
		}
	}
	e.t.Fatalf("no category with subcategories: %s", body)
	return 0, 0
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func expect(t *testing.T, what string, st int, body []byte, want int) {
	t.Helper()
	if st != want {
		t.Fatalf("%s: got %d %s, want %d", what, st, body, want)
	}
}

type upload struct {
	name    string
	content []byte
}

// multipartBody builds a multipart body with files in "files".
func multipartBody(t *testing.T, values map[string]string, files ...upload) ([]byte, map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range values {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		p, err := w.CreateFormFile("files", f.name)
		if err != nil {
			t.Fatal(err)
		}
		p.Write(f.content)
	}
	w.Close()
	return buf.Bytes(), map[string]string{"Content-Type": w.FormDataContentType()}
}

// submit posts the form.
func submit(t *testing.T, c *testutil.Client, values map[string]string, files ...upload) (int, []byte) {
	t.Helper()
	b, h := multipartBody(t, values, files...)
	return c.DoHeaders("POST", "/api/v1/public/tickets", b, h)
}

func sum(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
