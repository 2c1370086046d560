package notify_test

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/app"

	"github.com/atiende/atiende/server/internal/notify"
	"github.com/atiende/atiende/server/internal/testutil"
)

// A ticket's mails go through a real SMTP server that refuses every message twice with 451 before it
// accepts it, while two instances work the mail queue: each mail arrives exactly once, with its
// deterministic Message-ID, in its recipient's language, threaded under its ticket.
func TestDeliveredOnceAfterTemporaryRefusals(t *testing.T) {
	srv := startSMTP(t, 2)
	apps, f := start(t, 2, 0, smtpConfig(srv))
	a1, a2 := apps[0], apps[1]
	customer, agent1 := f.Users["customer@x.test"], f.Users["agent1@x.test"]
	// The customer reads English, the agent Spanish.
	exec(t, a1, "UPDATE users SET locale = 'es' WHERE id = $1", agent1.ID)
	admin := testutil.Login(t, a1, "admin@x.test")
	agent := testutil.Login(t, a2, "agent1@x.test")
	cat := keys(t, a1, "categories")

	st, out := admin.Do("POST", "/api/v1/tickets", map[string]any{"subject": "Pedido 77 sin llegar", "category_id": cat["system"],
		"channel_id": keys(t, a1, "channels")["phone"], "requester_id": customer.ID, "assignee_id": agent1.ID})
	tk := decode[struct {
		ID      int64 `json:"id"`
		Number  int64 `json:"number"`
		Version int64 `json:"version"`
	}](t, must(t, st, out, 201))
	// A public reply by the agent, through the other instance: the customer is told, the agent is not.
	st, out = agent.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/comments", tk.ID), map[string]any{"body": "Ya sale hoy <b>seguro</b>.", "public": true})
	must(t, st, out, 201)
	// Closing it by the admin: ticket_closed to the customer and the agent.
	version := scalar[int64](t, a1, "SELECT version FROM tickets WHERE id = $1", tk.ID)
	st, out = admin.Do("PATCH", fmt.Sprintf("/api/v1/tickets/%d", tk.ID), map[string]any{"version": version, "status_id": f.Statuses[len(f.Statuses)-1]})
	must(t, st, out, 200)

	want := map[string][]string{
		fmt.Sprintf("ticket:%d:created", tk.ID):               {"agent1@x.test", "customer@x.test"},
		fmt.Sprintf("ticket:%d:v%d:status", tk.ID, version+1): {"agent1@x.test", "customer@x.test"},
	}
	ms := mails(t, a1)
	got := map[string][]string{}
	for _, m := range ms {
		if strings.HasPrefix(m.EventKey, "comment:") {
			want[m.EventKey] = []string{"customer@x.test"}
		}
		got[m.EventKey] = append(got[m.EventKey], m.To)
	}
	for k, v := range want {
		g := got[k]
		sort.Strings(g)
		if strings.Join(g, ",") != strings.Join(v, ",") {
			t.Errorf("%s went to %v, want %v (all: %v)", k, g, v, got)
		}
	}
	if len(ms) != 5 {
		t.Fatalf("%d mails queued, want 5: %v", len(ms), got)
	}

	waitFor(t, 90*time.Second, "every mail sent", func() (bool, string) {
		n := scalar[int](t, a1, "SELECT count(*) FROM mail_outbox WHERE status = 'sent'")
		return n == len(ms), fmt.Sprintf("%d of %d sent; statuses %v", n, len(ms), statusCounts(t, a1))
	})
	// Give any duplicate delivery the time to show up.
	time.Sleep(3 * time.Second)
	byID := srv.byMessageID()
	if len(srv.accepted()) != len(ms) {
		t.Fatalf("the server accepted %d messages for %d mails: %v", len(srv.accepted()), len(ms), byID)
	}
	for _, m := range mails(t, a1) {
		if byID[m.MessageID] != 1 {
			t.Errorf("%s to %s delivered %d times", m.EventKey, m.To, byID[m.MessageID])
		}
		if n := srv.attemptsOf(m.MessageID); n != 3 || m.Attempts != 3 {
			t.Errorf("%s to %s: the server saw %d attempts, the outbox counts %d; want 3 (two refusals, then accepted)",
				m.EventKey, m.To, n, m.Attempts)
		}
		if m.Status != notify.StatusSent || m.LastError != "" {
			t.Errorf("%s to %s: %s %q", m.EventKey, m.To, m.Status, m.LastError)
		}
		if want := a1.Notify.MessageID(m.EventKey, m.To); m.MessageID != want || !strings.HasSuffix(want, "@desk.test>") {
			t.Errorf("message id %s, want %s", m.MessageID, want)
		}
	}
	// What arrived: the right template and language per recipient, threaded under the ticket.
	for _, r := range srv.accepted() {
		if r.Header.Get("References") != fmt.Sprintf("<ticket-%d@desk.test>", tk.ID) || r.Header.Get("In-Reply-To") == "" {
			t.Errorf("%s not threaded: %v", r.MessageID, r.Header)
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/alternative;") || r.From != "desk@desk.test" {
			t.Errorf("%s: content type %q from %q", r.MessageID, r.Header.Get("Content-Type"), r.From)
		}
	}
	subjects := map[string]string{}
	for _, r := range srv.accepted() {
		for _, m := range ms {
			if m.MessageID == r.MessageID {
				subjects[m.EventKey+" "+m.To] = r.Subject
				if r.To != m.To {
					t.Errorf("%s sent to %s, want %s", m.MessageID, r.To, m.To)
				}
			}
		}
	}
	n := tk.Number
	for key, subj := range map[string]string{
		fmt.Sprintf("ticket:%d:created customer@x.test", tk.ID):               fmt.Sprintf("[#%d] We received your request: Pedido 77 sin llegar", n),
		fmt.Sprintf("ticket:%d:created agent1@x.test", tk.ID):                 fmt.Sprintf("[#%d] Recibimos tu solicitud: Pedido 77 sin llegar", n),
		fmt.Sprintf("ticket:%d:v%d:status customer@x.test", tk.ID, version+1): fmt.Sprintf("[#%d] Ticket closed: Pedido 77 sin llegar", n),
		fmt.Sprintf("ticket:%d:v%d:status agent1@x.test", tk.ID, version+1):   fmt.Sprintf("[#%d] Ticket cerrado: Pedido 77 sin llegar", n),
	} {
		if subjects[key] != subj {
			t.Errorf("%s: subject %q, want %q", key, subjects[key], subj)
		}
	}
	// Each message's parts decode to exactly the outbox's text and HTML.
	for _, r := range srv.accepted() {
		text, htmlPart := parts(t, r)
		for _, m := range ms {
			if m.MessageID == r.MessageID && (text != m.Text || !strings.Contains(htmlPart, m.HTML)) {
				t.Errorf("%s parts:\n%q\nwant\n%q\nhtml %q", r.MessageID, text, m.Text, htmlPart)
			}
		}
	}
	// The reply's text reaches the customer, escaped in the HTML part.
	for _, m := range ms {
		if strings.HasPrefix(m.EventKey, "comment:") {
			if !strings.Contains(m.Text, "Ya sale hoy <b>seguro</b>.") || !strings.Contains(m.HTML, "Ya sale hoy &lt;b&gt;seguro&lt;/b&gt;.") ||
				!strings.Contains(m.HTML, fmt.Sprintf(`href="https://desk.example.com/tickets/%d"`, tk.ID)) {
				t.Errorf("reply mail:\n%s\n%s", m.Text, m.HTML)
			}
		}
	}
}

// statusCounts says how many mails are in each status.
func statusCounts(t *testing.T, a *app.App) map[string]int {
	t.Helper()
	rows, err := a.DB.Pool.Query(context.Background(), "SELECT status, count(*) FROM mail_outbox GROUP BY status")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

// A permanent refusal (5xx) marks the mail failed at once and it is not tried again; queueing the same
// event for the same address twice keeps one mail. The server here wants STARTTLS and AUTH PLAIN.
func TestPermanentRefusalAndOncePerEvent(t *testing.T) {
	srv := startSMTP(t, 0)
	srv.Bounce["gone@x.test"] = true
	srv.User, srv.Pass = "desk", "s3cret"
	pool := srv.withTLS(t)
	smtpCfg := smtpConfig(srv)
	smtpCfg.TLS, smtpCfg.RootCAs, smtpCfg.Username, smtpCfg.Password = notify.TLSStartTLS, pool, "desk", "s3cret"
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	cfg := testutil.Config(dbURL, redisURL, prefix)
	cfg.SMTP, cfg.PublicURL = smtpCfg, "https://desk.example.com"
	a := testutil.Start(t, cfg)
	f := testutil.Seed(t, a, 1)
	tid := f.Tickets[0]
	number := scalar[int64](t, a, "SELECT number FROM tickets WHERE id = $1", tid)
	ctx := context.Background()
	queue := func(email string) {
		err := a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return a.Notify.QueueMailTx(ctx, tx, notify.TemplateInfoRequest, "inforeq:1", &tid, email, "Pat", "en",
				map[string]any{"link": "https://desk.example.com/r/abc", "question": "Which invoice?", "requester": "Ana",
					"expires_at": time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	queue("gone@x.test")
	queue("pat@x.test")
	queue("PAT@x.test") // the same event and address: no second mail
	waitFor(t, 30*time.Second, "both mails settled", func() (bool, string) {
		n := scalar[int](t, a, "SELECT count(*) FROM mail_outbox WHERE status IN ('sent', 'failed')")
		return n == 2, fmt.Sprintf("%d settled", n)
	})
	time.Sleep(2 * time.Second)
	ms := mails(t, a)
	if len(ms) != 2 {
		t.Fatalf("%d mails, want 2", len(ms))
	}
	byTo := map[string]outbox{}
	for _, m := range ms {
		byTo[m.To] = m
	}
	if g := byTo["gone@x.test"]; g.Status != notify.StatusFailed || g.Attempts != 1 || !strings.Contains(g.LastError, "550") {
		t.Errorf("bounced mail: %+v", g)
	}
	p := byTo["pat@x.test"]
	if p.Status != notify.StatusSent || p.Subject != fmt.Sprintf("[#%d] Ana asks you for information", number) {
		t.Errorf("sent mail: %q %q", p.Status, p.Subject)
	}
	// The time as the desk lives it: 10:00 UTC is 05:00 in Bogotá (the tests' desk zone).
	if !strings.Contains(p.Text, "answer: https://desk.example.com/r/abc") || !strings.Contains(p.Text, "Dec 20, 2026 05:00 -05") {
		t.Errorf("text part:\n%s", p.Text)
	}
	if got := srv.accepted(); len(got) != 1 || got[0].To != "pat@x.test" || !got[0].TLS || got[0].User != "desk" {
		t.Errorf("accepted %v", got)
	}
}

// parts decodes the text and HTML parts of a multipart/alternative message.
func parts(t *testing.T, r received) (text, html string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(r.Raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			return text, html
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		body := strings.ReplaceAll(string(b), "\r\n", "\n")
		switch {
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain"):
			text = body
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/html"):
			html = body
		}
	}
}
