package notify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/notify"
	"github.com/atiende/atiende/server/internal/testutil"
)

// received is one message the test SMTP server accepted.
type received struct {
	From, To  string
	TLS       bool
	User      string
	MessageID string
	Header    mail.Header
	Subject   string
	Raw       string
}

// smtpServer is a real SMTP server (go-smtp) that records what it accepts. It answers 451 to the first
// Refuse attempts of each message (by Message-ID), and 550 to any recipient in Bounce.
type smtpServer struct {
	srv  *smtp.Server
	Addr *net.TCPAddr

	mu sync.Mutex
	// User and Pass, when set, are required through AUTH PLAIN before MAIL FROM.
	User, Pass string
	Refuse     int
	Bounce     map[string]bool
	attempts   map[string]int
	Accepted   []received
}

func startSMTP(t *testing.T, refuse int) *smtpServer {
	t.Helper()
	s := &smtpServer{Refuse: refuse, Bounce: map[string]bool{}, attempts: map[string]int{}}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &smtpDialog{s: s, conn: c}, nil }))
	s.srv.Domain = "mx.test"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().(*net.TCPAddr)
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// byMessageID counts the accepted messages of each Message-ID.
func (s *smtpServer) byMessageID() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, m := range s.Accepted {
		out[m.MessageID]++
	}
	return out
}

func (s *smtpServer) accepted() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.Accepted...)
}

func (s *smtpServer) attemptsOf(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[id]
}

// smtpDialog is one client connection to the test server, from greeting to QUIT.
type smtpDialog struct {
	s        *smtpServer
	conn     *smtp.Conn
	user     string
	from, to string
}

func (x *smtpDialog) Reset()        { x.from, x.to = "", "" }
func (x *smtpDialog) Logout() error { return nil }
func (x *smtpDialog) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.User != "" && x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *smtpDialog) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *smtpDialog) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.s.User || pass != x.s.Pass {
			return smtp.ErrAuthFailed
		}
		x.user = user
		return nil
	}), nil
}

func (x *smtpDialog) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.Bounce[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	x.to = to
	return nil
}

func (x *smtpDialog) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unreadable message: " + err.Error()}
	}
	id := msg.Header.Get("Message-ID")
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.attempts[id]++
	if x.s.attempts[id] <= x.s.Refuse {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "bad subject"}
	}
	_, tlsOn := x.conn.TLSConnectionState()
	x.s.Accepted = append(x.s.Accepted, received{From: x.from, To: x.to, TLS: tlsOn, User: x.user, MessageID: id, Header: msg.Header, Subject: subj, Raw: string(raw)})
	return nil
}

// withTLS makes the server offer STARTTLS with a certificate of its own for 127.0.0.1, and returns the
// pool that trusts it.
func (s *smtpServer) withTLS(t *testing.T) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mx.test"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

// smtpConfig points an instance at the test server.
func smtpConfig(s *smtpServer) *notify.SMTPConfig {
	return &notify.SMTPConfig{Host: "127.0.0.1", Port: s.Addr.Port, From: &mail.Address{Name: "Atiende", Address: "desk@desk.test"},
		TLS: notify.TLSNone}
}

// start starts n instances over one database (with SMTP when smtpCfg is set) and seeds the desk with
// tickets tickets, the first half requested by the customer.
func start(t *testing.T, n, tickets int, smtpCfg *notify.SMTPConfig) ([]*app.App, *testutil.Fixture) {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	var apps []*app.App
	for range n {
		cfg := testutil.Config(dbURL, redisURL, prefix)
		cfg.SMTP = smtpCfg
		cfg.PublicURL = "https://desk.example.com"
		apps = append(apps, testutil.Start(t, cfg))
	}
	return apps, testutil.Seed(t, apps[0], tickets)
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
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

func exec(t *testing.T, a *app.App, sql string, args ...any) {
	t.Helper()
	if _, err := a.DB.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func scalar[T any](t *testing.T, a *app.App, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := a.DB.Pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func keys(t *testing.T, a *app.App, table string) map[string]int64 {
	t.Helper()
	rows, err := a.DB.Pool.Query(context.Background(), "SELECT key, id FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			t.Fatal(err)
		}
		out[k] = id
	}
	return out
}

// outbox is a mail of the outbox as the tests look at it.
type outbox struct {
	ID                                          int64
	Template, EventKey, To, Lang, Subject, Text string
	HTML, MessageID, Status, LastError          string
	Attempts                                    int
}

// mails lists the outbox in order of writing.
func mails(t *testing.T, a *app.App) []outbox {
	t.Helper()
	rows, err := a.DB.Pool.Query(context.Background(), `SELECT id, template, event_key, to_email, lang, subject, text, html,
		message_id, status, last_error, attempts FROM mail_outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outbox
	for rows.Next() {
		var m outbox
		if err := rows.Scan(&m.ID, &m.Template, &m.EventKey, &m.To, &m.Lang, &m.Subject, &m.Text, &m.HTML, &m.MessageID,
			&m.Status, &m.LastError, &m.Attempts); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// mailsOf keeps the mails of one event key prefix, by recipient.
func mailsOf(ms []outbox, eventKey string) map[string]outbox {
	out := map[string]outbox{}
	for _, m := range ms {
		if m.EventKey == eventKey {
			out[m.To] = m
		}
	}
	return out
}

func recipients(m map[string]outbox) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %s", what, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
