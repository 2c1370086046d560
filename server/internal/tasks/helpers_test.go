package tasks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
)

// sentMail is one email the tasks logic asked for.
type sentMail struct {
	Template, EventKey, To, Name, Lang string
	TicketID                           *int64
	Vars                               map[string]any
}

// recordingMailer records what the tasks logic asks to send; delivering it is the email package's
// business, tested there.
type recordingMailer struct {
	mu   sync.Mutex
	sent []sentMail
}

func (m *recordingMailer) QueueMailTx(_ context.Context, _ bun.Tx, template, eventKey string, ticketID *int64, toEmail, toName, lang string, vars map[string]any) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, sentMail{Template: template, EventKey: eventKey, TicketID: ticketID, To: toEmail, Name: toName, Lang: lang, Vars: vars})
	return nil
}

func (m *recordingMailer) all() []sentMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]sentMail(nil), m.sent...)
}

type env struct {
	t    *testing.T
	a    *app.App
	f    *testutil.Fixture
	mail *recordingMailer
}

// newEnv starts an instance (its configuration changed by mutate) with the recording mailer and the seed
// fixture with n tickets.
func newEnv(t *testing.T, n int, mutate func(*app.Config)) *env {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	cfg := testutil.Config(dbURL, redisURL, prefix)
	cfg.AttachmentsDir = t.TempDir()
	if mutate != nil {
		mutate(&cfg)
	}
	ctx := context.Background()
	a, err := app.New(ctx, cfg, testutil.Log())
	if err != nil {
		t.Fatal(err)
	}
	m := &recordingMailer{}
	a.Tasks.Mailer = m
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.Close(ctx)
	})
	return &env{t: t, a: a, f: testutil.Seed(t, a, n), mail: m}
}

func (e *env) uid(email string) int64 { return e.f.Users[email].ID }

// count runs a count query.
func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.a.DB.Bun.NewRaw(q, args...).Scan(context.Background(), &n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// events lists the events of a ticket's history rows of one field, in order (the "event" of after, or
// of before when there is no after).
func (e *env) events(ticketID int64, field string) []string {
	e.t.Helper()
	var out []string
	if err := e.a.DB.Bun.NewRaw(`SELECT coalesce(after ->> 'event', before ->> 'event') FROM ticket_history
		WHERE ticket_id = ? AND field = ? ORDER BY id`, ticketID, field).Scan(context.Background(), &out); err != nil {
		e.t.Fatal(err)
	}
	return out
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
	Current json.RawMessage `json:"current"`
}

// expect fails unless a response has the status.
func expect(t *testing.T, what string, st int, body []byte, want int) {
	t.Helper()
	if st != want {
		t.Fatalf("%s: got %d %s, want %d", what, st, body, want)
	}
}

type upload struct {
	field, name string
	content     []byte
}

// form builds a multipart body.
func form(t *testing.T, values map[string]string, files ...upload) ([]byte, map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range values {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		p, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		p.Write(f.content)
	}
	w.Close()
	return buf.Bytes(), map[string]string{"Content-Type": w.FormDataContentType()}
}

func path(format string, args ...any) string { return "/api/v1" + fmt.Sprintf(format, args...) }
