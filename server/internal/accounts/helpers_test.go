package accounts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
)

func startWith(t *testing.T, edit func(*app.Config)) (*app.App, *testutil.Fixture) {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	cfg := testutil.Config(dbURL, redisURL, prefix)
	if edit != nil {
		edit(&cfg)
	}
	a := testutil.Start(t, cfg)
	return a, testutil.Seed(t, a, 2)
}

func start(t *testing.T) (*app.App, *testutil.Fixture) { return startWith(t, nil) }

// state is what a refused request must leave untouched: every table an accounts write touches.
type state struct {
	Users, Roles, Tokens, Sessions, Events string
}

func snapshot(t *testing.T, a *app.App) state {
	t.Helper()
	var s state
	err := a.DB.Pool.QueryRow(context.Background(), `SELECT
		(SELECT string_agg(concat_ws(':', id, version, name, role, locale, password_hash <> '', disabled_at IS NULL,
			(SELECT string_agg(role_id::text, '+' ORDER BY role_id) FROM user_roles ur WHERE ur.user_id = u.id)), ',' ORDER BY id) FROM users u),
		(SELECT string_agg(concat_ws(':', id, key, version, name_es, name_en,
			(SELECT string_agg(permission, '+' ORDER BY permission) FROM role_permissions rp WHERE rp.role_id = r.id)), ',' ORDER BY id) FROM roles r),
		(SELECT coalesce(string_agg(concat_ws(':', encode(token_hash, 'hex'), used_at IS NULL), ',' ORDER BY created_at, token_hash), '') FROM user_tokens),
		(SELECT coalesce(string_agg(encode(token_hash, 'hex'), ',' ORDER BY token_hash), '') FROM sessions),
		(SELECT count(*)::text FROM events)`).Scan(&s.Users, &s.Roles, &s.Tokens, &s.Sessions, &s.Events)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
	Current json.RawMessage `json:"current"`
}

func decodeError(t *testing.T, body []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" {
		t.Fatalf("not the JSON error body: %s", body)
	}
	return e
}

// refusal is a request that must be refused with a message in both languages, changing nothing.
type refusal struct {
	name         string
	method, path string
	body         any
	status       int
	field        string // "" when the message is the error's own
	es, en       string // substrings of the message (of the field's when field is set)
}

func (r refusal) run(t *testing.T, a *app.App, c *testutil.Client) {
	t.Helper()
	before := snapshot(t, a)
	for _, lang := range []string{"es", "en"} {
		c.Lang = lang
		st, body := c.Do(r.method, r.path, r.body)
		if st != r.status {
			t.Errorf("%s (%s): status %d, want %d: %s", r.name, lang, st, r.status, body)
			continue
		}
		e := decodeError(t, body)
		msg := e.Error.Message
		if r.field != "" {
			msg = e.Error.Fields[r.field]
		}
		want := r.en
		if lang == "es" {
			want = r.es
		}
		if !strings.Contains(msg, want) {
			t.Errorf("%s (%s): message %q does not say %q: %s", r.name, lang, msg, want, body)
		}
	}
	c.Lang = "en"
	if after := snapshot(t, a); after != before {
		t.Errorf("%s: refused but changed:\nbefore %+v\nafter  %+v", r.name, before, after)
	}
}

func mustDo(t *testing.T, c *testutil.Client, method, path string, body any, want int, out any) {
	t.Helper()
	st, b := c.Do(method, path, body)
	if st != want {
		t.Fatalf("%s %s: %d %s", method, path, st, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

// accessEvents returns the user lists of the access.changed events written after event id `after`.
func accessEvents(t *testing.T, a *app.App, after int64) [][]int64 {
	t.Helper()
	rows, err := a.DB.Pool.Query(context.Background(), `SELECT payload->'users' FROM events
		WHERE name = 'access.changed' AND id > $1 ORDER BY id`, after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]int64
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		if err := json.Unmarshal(raw, &ids); err != nil {
			t.Fatal(err)
		}
		out = append(out, ids)
	}
	return out
}

func lastEventID(t *testing.T, a *app.App) int64 {
	t.Helper()
	var id int64
	if err := a.DB.Pool.QueryRow(context.Background(), "SELECT coalesce(max(id), 0) FROM events").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func exec(t *testing.T, a *app.App, sql string, args ...any) {
	t.Helper()
	if _, err := a.DB.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

type role struct {
	ID          int64    `json:"id"`
	Key         string   `json:"key"`
	NameES      string   `json:"name_es"`
	NameEN      string   `json:"name_en"`
	Builtin     bool     `json:"builtin"`
	Permissions []string `json:"permissions"`
	UsersCount  int64    `json:"users_count"`
	Version     int64    `json:"version"`
}

type adminUser struct {
	ID              int64      `json:"id"`
	Name            string     `json:"name"`
	Email           string     `json:"email"`
	Role            string     `json:"role"`
	RoleIDs         []int64    `json:"role_ids"`
	Locale          string     `json:"locale"`
	Kind            string     `json:"kind"`
	Status          string     `json:"status"`
	InviteExpiresAt *time.Time `json:"invite_expires_at"`
	Version         int64      `json:"version"`
}

type created struct {
	User      adminUser `json:"user"`
	URL       string    `json:"invite_url"`
	ExpiresAt time.Time `json:"expires_at"`
}

type link struct {
	URL       string    `json:"invite_url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// tokenOf is the token of a set-password link.
func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Path != "/set-password" || !strings.HasPrefix(u.Fragment, "token=") {
		t.Fatalf("not a set-password link: %q", link)
	}
	return strings.TrimPrefix(u.Fragment, "token=")
}

func roleID(t *testing.T, a *app.App, key string) int64 {
	t.Helper()
	var id int64
	if err := a.DB.Pool.QueryRow(context.Background(), "SELECT id FROM roles WHERE key = $1", key).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }
