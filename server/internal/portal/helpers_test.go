package portal_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/seed"
	"github.com/atiende/atiende/server/internal/testutil"
)

// demo starts an instance on a fresh database with the demo seed (its genealogy and orders) and a few
// dozen tickets.
func demo(t *testing.T, edit func(*app.Config)) *app.App {
	t.Helper()
	redisURL, prefix := testutil.Redis(t)
	cfg := testutil.Config(testutil.DB(t), redisURL, prefix)
	if edit != nil {
		edit(&cfg)
	}
	a := testutil.Start(t, cfg)
	if _, err := seed.Run(context.Background(), a.DB.Bun, a.People, a.Tickets, 120); err != nil {
		t.Fatal(err)
	}
	return a
}

// login signs a demo login in with the demo password.
func login(t *testing.T, a *app.App, email string) *testutil.Client {
	t.Helper()
	c := testutil.NewClient(t, a)
	if st, body := c.Do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": seed.DemoPassword}); st != 200 {
		t.Fatalf("login %s: %d %s", email, st, body)
	}
	return c
}

// do runs a request, wants a status and decodes the answer into out (when not nil).
func do(t *testing.T, c *testutil.Client, method, path string, body any, want int, out any) []byte {
	t.Helper()
	st, b := c.Do(method, path, body)
	if st != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, st, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return b
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// refused runs a request in Spanish and in English and wants the status and, on field (or on the
// message when field is ""), the texts in each language.
func refused(t *testing.T, c *testutil.Client, method, path string, body any, want int, field, es, en string) {
	t.Helper()
	defer func(l string) { c.Lang = l }(c.Lang)
	for lang, text := range map[string]string{"es": es, "en": en} {
		c.Lang = lang
		var e errorBody
		do(t, c, method, path, body, want, &e)
		got := e.Error.Message
		if field != "" {
			got = e.Error.Fields[field]
		}
		if !strings.Contains(got, text) {
			t.Errorf("%s %s (%s): %q on %q, want it to hold %q (%+v)", method, path, lang, got, field, text, e)
		}
	}
}

func count(t *testing.T, a *app.App, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func exec(t *testing.T, a *app.App, sql string, args ...any) {
	t.Helper()
	if _, err := a.DB.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}
