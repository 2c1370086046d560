package portal_test

import (
	"crypto/sha256"
	"regexp"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
)

var linkRe = regexp.MustCompile(`/login/magic\?token=([A-Za-z0-9_-]+)`)

// mailedToken reads the newest sign-in link mailed to email from the mail log, as a user reads their
// mailbox, and returns its token.
func mailedToken(t *testing.T, a *app.App, email string) string {
	t.Helper()
	var text string
	err := a.DB.Pool.QueryRow(t.Context(), `SELECT text FROM mail_outbox WHERE template = 'magic_link' AND lower(to_email) = lower($1)
		ORDER BY id DESC LIMIT 1`, email).Scan(&text)
	if err != nil {
		t.Fatalf("no sign-in mail to %s: %v", email, err)
	}
	m := linkRe.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no link in the mail: %q", text)
	}
	return m[1]
}

type sessionBody struct {
	User struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
		Role  string `json:"role"`
	} `json:"user"`
}

// state is what a refusal must leave untouched: the links, their use and the sessions.
func state(t *testing.T, a *app.App) [3]int {
	return [3]int{count(t, a, "SELECT count(*) FROM magic_links"), count(t, a, "SELECT count(*) FROM magic_links WHERE used_at IS NOT NULL"),
		count(t, a, "SELECT count(*) FROM sessions")}
}

func TestMagicLinkRoundTrip(t *testing.T) {
	a := demo(t, nil)
	anon := testutil.NewClient(t, a)
	do(t, anon, "POST", "/api/v1/auth/magic-link", map[string]string{"email": "Customer@Atiende.test"}, 202, nil)
	token := mailedToken(t, a, "customer@atiende.test")
	// Only the token's SHA-256 is kept.
	sum := sha256.Sum256([]byte(token))
	if n := count(t, a, "SELECT count(*) FROM magic_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at BETWEEN now() + interval '14 minutes' AND now() + interval '15 minutes'", sum[:]); n != 1 {
		t.Fatalf("stored links with the token's hash and 15 minutes: %d", n)
	}
	if n := count(t, a, "SELECT count(*) FROM magic_links WHERE position(convert_to($1, 'UTF8') in token_hash) > 0", token); n != 0 {
		t.Fatal("the token itself is stored")
	}

	browser := testutil.NewClient(t, a)
	do(t, browser, "GET", "/api/v1/auth/me", nil, 401, nil)
	var s sessionBody
	do(t, browser, "POST", "/api/v1/auth/magic-link/redeem", map[string]string{"token": token}, 200, &s)
	if s.User.Email != "customer@atiende.test" || s.User.Role != "customer" {
		t.Fatalf("session of %+v", s.User)
	}
	// The session works: the customer's orders answer.
	do(t, browser, "GET", "/api/v1/auth/me", nil, 200, nil)
	do(t, browser, "GET", "/api/v1/portal/orders", nil, 200, nil)

	// Used once: a second use is gone, and writes nothing.
	before := state(t, a)
	refused(t, testutil.NewClient(t, a), "POST", "/api/v1/auth/magic-link/redeem", map[string]string{"token": token}, 410, "",
		"ya se usó o venció", "already used or has expired")
	if after := state(t, a); after != before {
		t.Fatalf("a used link changed %v into %v", before, after)
	}

	// Expired after 15 minutes.
	do(t, anon, "POST", "/api/v1/auth/magic-link", map[string]string{"email": "consultant@atiende.test"}, 202, nil)
	late := mailedToken(t, a, "consultant@atiende.test")
	exec(t, a, "UPDATE magic_links SET expires_at = now() - interval '1 second', created_at = now() - interval '15 minutes' WHERE used_at IS NULL")
	before = state(t, a)
	refused(t, testutil.NewClient(t, a), "POST", "/api/v1/auth/magic-link/redeem", map[string]string{"token": late}, 410, "",
		"ya se usó o venció", "already used or has expired")
	if after := state(t, a); after != before {
		t.Fatalf("an expired link changed %v into %v", before, after)
	}

	// A fresh link for the consultant works.
	do(t, anon, "POST", "/api/v1/auth/magic-link", map[string]string{"email": "consultant@atiende.test"}, 202, nil)
	do(t, testutil.NewClient(t, a), "POST", "/api/v1/auth/magic-link/redeem", map[string]string{"token": mailedToken(t, a, "consultant@atiende.test")}, 200, &s)
	if s.User.Role != "consultant" {
		t.Fatalf("consultant's session: %+v", s.User)
	}

	// Unknown token: not found.
	before = state(t, a)
	refused(t, testutil.NewClient(t, a), "POST", "/api/v1/auth/magic-link/redeem", map[string]string{"token": "no-such-token"}, 404, "",
		"no existe", "does not exist")
	if after := state(t, a); after != before {
		t.Fatalf("an unknown token changed %v into %v", before, after)
	}
}

func TestMagicLinkOnlyForCustomersAndConsultants(t *testing.T) {
	a := demo(t, nil)
	anon := testutil.NewClient(t, a)
	mails := func() int { return count(t, a, "SELECT count(*) FROM mail_outbox WHERE template = 'magic_link'") }
	before, m := state(t, a), mails()
	// Staff, a person without a login of another role, an unknown email and a disabled customer all get
	// the same 202, and nothing is written or mailed.
	exec(t, a, "UPDATE users SET disabled_at = now() WHERE email = 'diana.lopez@atiende.test'")
	for _, email := range []string{"agent1@atiende.test", "admin@atiende.test", "supervisor@atiende.test", "nobody@atiende.test", "diana.lopez@atiende.test"} {
		do(t, anon, "POST", "/api/v1/auth/magic-link", map[string]string{"email": email}, 202, nil)
	}
	if after := state(t, a); after != before || mails() != m {
		t.Fatalf("refused emails wrote links or mail: %v → %v, %d → %d mails", before, after, m, mails())
	}
	// Bad input is a clear 422 in the user's language.
	refused(t, anon, "POST", "/api/v1/auth/magic-link", map[string]string{"email": "not-an-email"}, 422, "email",
		"correo electrónico válido", "valid email")
	refused(t, anon, "POST", "/api/v1/auth/magic-link/redeem", map[string]string{}, 422, "token", "obligatorio", "required")
}

func TestMagicLinkRateLimit(t *testing.T) {
	a := demo(t, func(c *app.Config) { c.LoginMaxPerMail = 3 })
	anon := testutil.NewClient(t, a)
	for range 3 {
		do(t, anon, "POST", "/api/v1/auth/magic-link", map[string]string{"email": "customer@atiende.test"}, 202, nil)
	}
	links := count(t, a, "SELECT count(*) FROM magic_links")
	refused(t, anon, "POST", "/api/v1/auth/magic-link", map[string]string{"email": "customer@atiende.test"}, 429, "",
		"Demasiados intentos", "Too many attempts")
	if n := count(t, a, "SELECT count(*) FROM magic_links"); n != links || links != 3 {
		t.Fatalf("links: %d then %d, want 3 and no more", links, n)
	}
	// Another email from the same address still gets its link.
	do(t, anon, "POST", "/api/v1/auth/magic-link", map[string]string{"email": "consultant@atiende.test"}, 202, nil)
	if n := count(t, a, "SELECT count(*) FROM magic_links"); n != 4 {
		t.Fatalf("links after another email: %d", n)
	}
}
