package accounts_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/testutil"
)

func TestInviteAndSetPassword(t *testing.T) {
	a, f := start(t)
	admin := testutil.Login(t, a, "admin@x.test")
	var custom role
	mustDo(t, admin, "POST", "/api/v1/roles", map[string]any{"name_es": "Cobros", "name_en": "Billing", "permissions": []string{"report.pivot"}}, 201, &custom)

	var c created
	mustDo(t, admin, "POST", "/api/v1/admin/users", map[string]any{"email": " nueva@x.test ", "name": " Nueva Agente ",
		"role": "agent", "role_ids": []int64{custom.ID}, "locale": "en"}, 201, &c)
	if c.User.Status != "invited" || c.User.Email != "nueva@x.test" || c.User.Name != "Nueva Agente" || c.User.Kind != "employee" ||
		!slices.Equal(c.User.RoleIDs, []int64{custom.ID}) || c.User.Locale != "en" || c.User.InviteExpiresAt == nil {
		t.Fatalf("created: %+v", c.User)
	}
	if d := time.Until(c.ExpiresAt); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour || !c.User.InviteExpiresAt.Equal(c.ExpiresAt) {
		t.Errorf("an invitation lasts 7 days: %v", c.ExpiresAt)
	}
	if !strings.HasPrefix(c.URL, testutil.BaseURL(a)+"/set-password#token=") {
		t.Errorf("link: %s", c.URL)
	}
	token := tokenOf(t, c.URL)
	var stored int
	if err := a.DB.Pool.QueryRow(context.Background(), "SELECT count(*) FROM user_tokens WHERE token_hash = sha256($1::bytea)", []byte(token)).Scan(&stored); err != nil || stored != 1 {
		t.Errorf("only the token's SHA-256 is stored: %d %v", stored, err)
	}

	// The invited person cannot log in yet; the link's page shows who it is for.
	anon := testutil.NewClient(t, a)
	if st, _ := anon.Do("POST", "/api/v1/auth/login", map[string]string{"email": "nueva@x.test", "password": ""}); st == 200 {
		t.Fatal("an invited user logged in without a password")
	}
	var info struct{ Email, Name, Purpose string }
	mustDo(t, anon, "GET", "/api/v1/auth/invite?token="+url.QueryEscape(token), nil, 200, &info)
	if info.Email != "nueva@x.test" || info.Name != "Nueva Agente" || info.Purpose != "invite" {
		t.Errorf("link info: %+v", info)
	}

	for _, r := range []refusal{
		{"password short", "POST", "/api/v1/auth/set-password", map[string]any{"token": token, "password": "short"}, 422, "password", "al menos 10 caracteres", "at least 10 characters"},
		{"password long", "POST", "/api/v1/auth/set-password", map[string]any{"token": token, "password": strings.Repeat("p", 201)}, 422, "password", "Máximo 200", "At most 200"},
		{"wrong token", "POST", "/api/v1/auth/set-password", map[string]any{"token": "nope", "password": "long-enough-1"}, 404, "",
			"Este enlace ya no es válido; pide uno nuevo a tu administrador.", "This link is no longer valid; ask your administrator for a new one."},
		{"no token", "GET", "/api/v1/auth/invite", nil, 404, "", "ya no es válido", "no longer valid"},
		{"unknown field", "POST", "/api/v1/auth/set-password", map[string]any{"token": token, "password": "long-enough-1", "email": "x"}, 422, "email", "no existe", "does not exist"},
	} {
		r.run(t, a, anon)
	}

	var sess struct {
		User struct {
			ID          int64    `json:"id"`
			Role        string   `json:"role"`
			Permissions []string `json:"permissions"`
		} `json:"user"`
	}
	mustDo(t, anon, "POST", "/api/v1/auth/set-password", map[string]any{"token": token, "password": "long-enough-1"}, 200, &sess)
	if sess.User.ID != c.User.ID || sess.User.Role != "agent" || !slices.Contains(sess.User.Permissions, "report.pivot") {
		t.Errorf("session body: %+v", sess.User)
	}
	mustDo(t, anon, "GET", "/api/v1/auth/me", nil, 200, nil) // logged in by the cookie
	fresh := testutil.NewClient(t, a)
	mustDo(t, fresh, "POST", "/api/v1/auth/login", map[string]string{"email": "nueva@x.test", "password": "long-enough-1"}, 200, nil)
	// A used link is gone.
	(refusal{"used link", "GET", "/api/v1/auth/invite?token=" + url.QueryEscape(token), nil, 404, "", "ya no es válido", "no longer valid"}).run(t, a, fresh)
	u := listOne(t, admin, "q=nueva")
	if u.Status != "active" || u.InviteExpiresAt != nil || u.Version != c.User.Version+1 {
		t.Errorf("after setting the password: %+v", u)
	}

	// A requester without a login becomes the invited account, keeping their tickets.
	requester, err := a.People.FindOrCreate(context.Background(), a.DB.Bun, "Cliente Ticket", "Cliente@X.test")
	if err != nil {
		t.Fatal(err)
	}
	exec(t, a, "UPDATE tickets SET requester_id = $1 WHERE id = $2", requester.ID, f.Tickets[1])
	mustDo(t, admin, "POST", "/api/v1/admin/users", map[string]any{"email": "cliente@x.test", "name": "Cliente", "role": "customer"}, 201, &c)
	if c.User.ID != requester.ID || c.User.Status != "invited" || c.User.Locale != "es" || c.User.Kind != "customer" {
		t.Errorf("requester invited: %+v", c.User)
	}
	var n int
	_ = a.DB.Pool.QueryRow(context.Background(), "SELECT count(*) FROM tickets WHERE requester_id = $1", requester.ID).Scan(&n)
	if n != 1 {
		t.Errorf("the requester's tickets: %d", n)
	}

	consultant := roleID(t, a, "consultant")
	for _, r := range []refusal{
		{"email taken (login)", "POST", "/api/v1/admin/users", map[string]any{"email": "AGENT1@x.test", "name": "X", "role": "agent"}, 422, "email", "Ya existe una cuenta", "An account with that email"},
		{"email taken (invited)", "POST", "/api/v1/admin/users", map[string]any{"email": "cliente@x.test", "name": "X", "role": "agent"}, 422, "email", "Ya existe una cuenta", "An account with that email"},
		{"email bad", "POST", "/api/v1/admin/users", map[string]any{"email": "not-an-email", "name": "X", "role": "agent"}, 422, "email", "correo electrónico válido", "valid email"},
		{"email missing", "POST", "/api/v1/admin/users", map[string]any{"name": "X", "role": "agent"}, 422, "email", "obligatorio", "required"},
		{"name blank", "POST", "/api/v1/admin/users", map[string]any{"email": "a@b.test", "name": " ", "role": "agent"}, 422, "name", "obligatorio", "required"},
		{"name long", "POST", "/api/v1/admin/users", map[string]any{"email": "a@b.test", "name": strings.Repeat("n", 121), "role": "agent"}, 422, "name", "Máximo 120", "At most 120"},
		{"role unknown", "POST", "/api/v1/admin/users", map[string]any{"email": "a@b.test", "name": "X", "role": "boss"}, 422, "role", "roles integrados", "built-in roles"},
		{"role_ids built in", "POST", "/api/v1/admin/users", map[string]any{"email": "a@b.test", "name": "X", "role": "agent", "role_ids": []int64{consultant}}, 422, "role_ids", "roles personalizados", "custom roles"},
		{"role_ids unknown", "POST", "/api/v1/admin/users", map[string]any{"email": "a@b.test", "name": "X", "role": "agent", "role_ids": []int64{999999}}, 422, "role_ids", "roles personalizados", "custom roles"},
		{"role_ids type", "POST", "/api/v1/admin/users", map[string]any{"email": "a@b.test", "name": "X", "role": "agent", "role_ids": "1"}, 422, "role_ids", "array", "array"},
		{"locale", "POST", "/api/v1/admin/users", map[string]any{"email": "a@b.test", "name": "X", "role": "agent", "locale": "fr"}, 422, "locale", "es en", "es en"},
	} {
		r.run(t, a, admin)
	}
	(refusal{"agent", "POST", "/api/v1/admin/users", map[string]any{"email": "a@b.test", "name": "X", "role": "agent"}, 403, "", "no puede administrar", "cannot manage"}).run(t, a, testutil.Login(t, a, "agent1@x.test"))
	(refusal{"customer", "POST", "/api/v1/admin/users", map[string]any{"email": "a@b.test", "name": "X", "role": "agent"}, 403, "", "no puede administrar", "cannot manage"}).run(t, a, testutil.Login(t, a, "customer@x.test"))
}

func listOne(t *testing.T, c *testutil.Client, query string) adminUser {
	t.Helper()
	var l struct{ Items []adminUser }
	mustDo(t, c, "GET", "/api/v1/admin/users?"+query, nil, 200, &l)
	if len(l.Items) != 1 {
		t.Fatalf("%s: %d users", query, len(l.Items))
	}
	return l.Items[0]
}

func TestPublicURLAndNewLinks(t *testing.T) {
	a, f := startWith(t, func(c *app.Config) { c.PublicURL = "https://desk.example.com" })
	admin := testutil.Login(t, a, "admin@x.test")
	var c created
	mustDo(t, admin, "POST", "/api/v1/admin/users", map[string]any{"email": "inv@x.test", "name": "Inv", "role": "supervisor"}, 201, &c)
	if !strings.HasPrefix(c.URL, "https://desk.example.com/set-password#token=") {
		t.Fatalf("link origin: %s", c.URL)
	}
	first := tokenOf(t, c.URL)

	// A new link for an invited account is an invitation; the earlier link stops working.
	var l link
	mustDo(t, admin, "POST", path("/api/v1/admin/users/%d/invite", c.User.ID), nil, 200, &l)
	second := tokenOf(t, l.URL)
	anon := testutil.NewClient(t, a)
	if st, _ := anon.Do("GET", "/api/v1/auth/invite?token="+url.QueryEscape(first), nil); st != 404 {
		t.Errorf("the earlier link still works: %d", st)
	}
	var info struct{ Purpose string }
	mustDo(t, anon, "GET", "/api/v1/auth/invite?token="+url.QueryEscape(second), nil, 200, &info)
	if info.Purpose != "invite" {
		t.Errorf("purpose %q", info.Purpose)
	}

	// For an active account it is a 24-hour reset; using it ends the account's other sessions.
	agent := testutil.Login(t, a, "agent1@x.test")
	mustDo(t, admin, "POST", path("/api/v1/admin/users/%d/invite", f.Users["agent1@x.test"].ID), nil, 200, &l)
	if d := time.Until(l.ExpiresAt); d < 23*time.Hour || d > 24*time.Hour {
		t.Errorf("a reset lasts 24 hours: %v", l.ExpiresAt)
	}
	reset := tokenOf(t, l.URL)
	mustDo(t, anon, "GET", "/api/v1/auth/invite?token="+url.QueryEscape(reset), nil, 200, &info)
	if info.Purpose != "reset" {
		t.Errorf("purpose %q", info.Purpose)
	}
	after := lastEventID(t, a)
	mustDo(t, anon, "POST", "/api/v1/auth/set-password", map[string]any{"token": reset, "password": "a-new-password"}, 200, nil)
	if st, _ := agent.Do("GET", "/api/v1/auth/me", nil); st != 401 {
		t.Errorf("the old session survived a reset: %d", st)
	}
	if ev := accessEvents(t, a, after); len(ev) != 1 || !slices.Equal(ev[0], []int64{f.Users["agent1@x.test"].ID}) {
		t.Errorf("access.changed after a reset: %v", ev)
	}
	mustDo(t, anon, "GET", "/api/v1/auth/me", nil, 200, nil)

	// A disabled account gets no link.
	exec(t, a, "UPDATE users SET disabled_at = now() WHERE id = $1", f.Users["agent2@x.test"].ID)
	for _, r := range []refusal{
		{"disabled", "POST", path("/api/v1/admin/users/%d/invite", f.Users["agent2@x.test"].ID), nil, 422, "", "está desactivada", "is disabled"},
		{"unknown", "POST", "/api/v1/admin/users/999999/invite", nil, 404, "", "Ese usuario no existe", "That user does not exist"},
	} {
		r.run(t, a, admin)
	}
	(refusal{"customer", "POST", path("/api/v1/admin/users/%d/invite", c.User.ID), nil, 403, "", "no puede administrar", "cannot manage"}).run(t, a, testutil.Login(t, a, "customer@x.test"))
}

func TestSetPasswordIsRateLimited(t *testing.T) {
	a, _ := startWith(t, func(c *app.Config) { c.LoginMaxPerIP = 3 })
	anon := testutil.NewClient(t, a)
	for i := range 3 {
		if st, body := anon.Do("GET", "/api/v1/auth/invite?token=guess"+string(rune('a'+i)), nil); st != 404 {
			t.Fatalf("guess %d: %d %s", i, st, body)
		}
	}
	anon.Lang = "es"
	st, body := anon.Do("POST", "/api/v1/auth/set-password", map[string]any{"token": "guess", "password": "long-enough-1"})
	if e := decodeError(t, body); st != 429 || !strings.Contains(e.Error.Message, "Demasiados intentos") {
		t.Errorf("after 3 wrong links: %d %s", st, body)
	}
}

func TestUpdateUser(t *testing.T) {
	a, f := start(t)
	admin := testutil.Login(t, a, "admin@x.test")
	agentID := f.Users["agent1@x.test"].ID
	agent := testutil.Login(t, a, "agent1@x.test")
	var custom role
	mustDo(t, admin, "POST", "/api/v1/roles", map[string]any{"name_es": "Cobros", "name_en": "Billing"}, 201, &custom)

	// Name and language: a new version, nothing for live connections.
	after := lastEventID(t, a)
	var u adminUser
	mustDo(t, admin, "PATCH", path("/api/v1/admin/users/%d", agentID), map[string]any{"version": 1, "name": "Ana", "locale": "es"}, 200, &u)
	if u.Name != "Ana" || u.Locale != "es" || u.Version != 2 || u.Status != "active" {
		t.Fatalf("renamed: %+v", u)
	}
	if ev := accessEvents(t, a, after); len(ev) != 0 {
		t.Errorf("a rename told live connections: %v", ev)
	}
	// Roles: access.changed for the user.
	mustDo(t, admin, "PATCH", path("/api/v1/admin/users/%d", agentID), map[string]any{"version": 2, "role": "supervisor", "role_ids": []int64{custom.ID}}, 200, &u)
	if u.Role != "supervisor" || !slices.Equal(u.RoleIDs, []int64{custom.ID}) || u.Version != 3 {
		t.Fatalf("roles: %+v", u)
	}
	if ev := accessEvents(t, a, after); len(ev) != 1 || !slices.Equal(ev[0], []int64{agentID}) {
		t.Errorf("access.changed after a role change: %v", ev)
	}

	// Disabling: sessions end, unused links stop working, access.changed.
	var l link
	mustDo(t, admin, "POST", path("/api/v1/admin/users/%d/invite", agentID), nil, 200, &l)
	after = lastEventID(t, a)
	mustDo(t, admin, "PATCH", path("/api/v1/admin/users/%d", agentID), map[string]any{"version": 3, "disabled": true}, 200, &u)
	if u.Status != "disabled" || u.Version != 4 {
		t.Fatalf("disabled: %+v", u)
	}
	if st, _ := agent.Do("GET", "/api/v1/auth/me", nil); st != 401 {
		t.Errorf("a disabled user's session still works: %d", st)
	}
	var sessions int
	_ = a.DB.Pool.QueryRow(context.Background(), "SELECT count(*) FROM sessions WHERE user_id = $1", agentID).Scan(&sessions)
	if sessions != 0 {
		t.Errorf("sessions left: %d", sessions)
	}
	if st, _ := testutil.NewClient(t, a).Do("GET", "/api/v1/auth/invite?token="+url.QueryEscape(tokenOf(t, l.URL)), nil); st != 404 {
		t.Errorf("a disabled user's link still works: %d", st)
	}
	if ev := accessEvents(t, a, after); len(ev) != 1 || !slices.Equal(ev[0], []int64{agentID}) {
		t.Errorf("access.changed after disabling: %v", ev)
	}
	// Enabling again.
	mustDo(t, admin, "PATCH", path("/api/v1/admin/users/%d", agentID), map[string]any{"version": 4, "disabled": false}, 200, &u)
	if u.Status != "active" {
		t.Errorf("enabled: %+v", u)
	}
	mustDo(t, testutil.NewClient(t, a), "POST", "/api/v1/auth/login", map[string]string{"email": "agent1@x.test", "password": testutil.Password}, 200, nil)

	adminID := f.Users["admin@x.test"].ID
	consultant := roleID(t, a, "consultant")
	p := path("/api/v1/admin/users/%d", agentID)
	for _, r := range []refusal{
		{"self disable", "PATCH", path("/api/v1/admin/users/%d", adminID), map[string]any{"version": 1, "disabled": true}, 422, "disabled", "No puedes desactivar tu propia cuenta", "You cannot disable your own account"},
		{"self demote", "PATCH", path("/api/v1/admin/users/%d", adminID), map[string]any{"version": 1, "role": "agent"}, 422, "role", "No puedes quitarte tu propio rol", "You cannot remove your own admin role"},
		{"name null", "PATCH", p, map[string]any{"version": 5, "name": nil}, 422, "name", "no puede quedar vacío", "cannot be empty"},
		{"name blank", "PATCH", p, map[string]any{"version": 5, "name": ""}, 422, "name", "obligatorio", "required"},
		{"role unknown", "PATCH", p, map[string]any{"version": 5, "role": "boss"}, 422, "role", "roles integrados", "built-in roles"},
		{"role_ids built in", "PATCH", p, map[string]any{"version": 5, "role_ids": []int64{consultant}}, 422, "role_ids", "roles personalizados", "custom roles"},
		{"role_ids negative", "PATCH", p, map[string]any{"version": 5, "role_ids": []int64{-1}}, 422, "role_ids", "roles personalizados", "custom roles"},
		{"locale", "PATCH", p, map[string]any{"version": 5, "locale": "fr"}, 422, "locale", "es en", "es en"},
		{"disabled type", "PATCH", p, map[string]any{"version": 5, "disabled": "yes"}, 422, "disabled", "boolean", "boolean"},
		{"version missing", "PATCH", p, map[string]any{"name": "X"}, 422, "version", "obligatorio", "required"},
		{"unknown user", "PATCH", "/api/v1/admin/users/999999", map[string]any{"version": 1, "name": "X"}, 404, "", "Ese usuario no existe", "That user does not exist"},
	} {
		r.run(t, a, admin)
	}
	// A person without a login is not an account of the users admin.
	requester, err := a.People.FindOrCreate(context.Background(), a.DB.Bun, "Req", "req@x.test")
	if err != nil {
		t.Fatal(err)
	}
	(refusal{"person without login", "PATCH", path("/api/v1/admin/users/%d", requester.ID), map[string]any{"version": 1, "name": "X"}, 404, "", "no existe", "does not exist"}).run(t, a, admin)

	// Stale: 409 with the account as it is.
	before := snapshot(t, a)
	st, body := admin.Do("PATCH", p, map[string]any{"version": 2, "name": "Old"})
	e := decodeError(t, body)
	var cur adminUser
	_ = json.Unmarshal(e.Current, &cur)
	if st != 409 || cur.Version != 5 || cur.Name != "Ana" || !strings.Contains(e.Error.Message, "changed this user") {
		t.Errorf("stale: %d %s", st, body)
	}
	if snapshot(t, a) != before {
		t.Error("a stale patch changed something")
	}

	// Someone else managing users (a custom role granting users.manage) cannot leave the desk without an
	// enabled admin, and is refused by permission on the way in when the role loses it.
	var managers role
	mustDo(t, admin, "POST", "/api/v1/roles", map[string]any{"name_es": "Gestores", "name_en": "Managers", "permissions": []string{"users.manage"}}, 201, &managers)
	agent2ID := f.Users["agent2@x.test"].ID
	exec(t, a, "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)", agent2ID, managers.ID)
	manager := testutil.Login(t, a, "agent2@x.test")
	pa := path("/api/v1/admin/users/%d", adminID)
	for _, r := range []refusal{
		{"last admin disabled", "PATCH", pa, map[string]any{"version": 1, "disabled": true}, 422, "disabled", "al menos una persona con el rol de administración", "At least one person with the admin role"},
		{"last admin demoted", "PATCH", pa, map[string]any{"version": 1, "role": "agent"}, 422, "role", "al menos una persona con el rol de administración", "At least one person with the admin role"},
	} {
		r.run(t, a, manager)
	}
	// With a second enabled admin, the first may be demoted.
	mustDo(t, manager, "PATCH", p, map[string]any{"version": 5, "role": "admin"}, 200, &u)
	mustDo(t, manager, "PATCH", pa, map[string]any{"version": 1, "role": "supervisor"}, 200, &u)
	if u.Role != "supervisor" {
		t.Errorf("demoted: %+v", u)
	}
	(refusal{"customer", "PATCH", p, map[string]any{"version": 6, "name": "X"}, 403, "", "no puede administrar", "cannot manage"}).run(t, a, testutil.Login(t, a, "customer@x.test"))
}

func TestListUsers(t *testing.T) {
	a, f := start(t)
	admin := testutil.Login(t, a, "admin@x.test")
	exec(t, a, "UPDATE users SET name = 'José Núñez' WHERE id = $1", f.Users["agent2@x.test"].ID)
	exec(t, a, "UPDATE users SET disabled_at = now() WHERE id = $1", f.Users["other@x.test"].ID)
	if _, err := a.People.FindOrCreate(context.Background(), a.DB.Bun, "Sin Cuenta", "sincuenta@x.test"); err != nil {
		t.Fatal(err)
	}
	var c created
	mustDo(t, admin, "POST", "/api/v1/admin/users", map[string]any{"email": "inv@x.test", "name": "Invitada", "role": "consultant"}, 201, &c)

	emails := func(q string) string {
		t.Helper()
		var l struct {
			Items      []adminUser
			NextCursor *string `json:"next_cursor"`
		}
		mustDo(t, admin, "GET", "/api/v1/admin/users?"+q, nil, 200, &l)
		var out []string
		for _, u := range l.Items {
			out = append(out, u.Email)
		}
		return strings.Join(out, ",")
	}
	for q, want := range map[string]string{
		"":                         "admin@x.test,agent1@x.test,customer@x.test,inv@x.test,agent2@x.test,other@x.test", // by name; no person without an account
		"q=nunez":                  "agent2@x.test",
		"q=JOSÉ":                   "agent2@x.test",
		"q=x.test&role=customer":   "customer@x.test,other@x.test",
		"status=invited":           "inv@x.test",
		"status=disabled":          "other@x.test",
		"status=active&role=agent": "agent1@x.test,agent2@x.test",
		"q=%25":                    "",
	} {
		if got := emails(q); got != want {
			t.Errorf("%q: got %s, want %s", q, got, want)
		}
	}
	// Pages follow the cursor to the end.
	var all []string
	cursor := ""
	for range 10 {
		var l struct {
			Items      []adminUser
			NextCursor *string `json:"next_cursor"`
		}
		mustDo(t, admin, "GET", "/api/v1/admin/users?limit=4&cursor="+url.QueryEscape(cursor), nil, 200, &l)
		for _, u := range l.Items {
			all = append(all, u.Email)
		}
		if l.NextCursor == nil {
			break
		}
		cursor = *l.NextCursor
	}
	if got := strings.Join(all, ","); got != emails("") {
		t.Errorf("pages: %s", got)
	}

	for _, r := range []refusal{
		{"role", "GET", "/api/v1/admin/users?role=boss", nil, 422, "role", "roles integrados", "built-in roles"},
		{"status", "GET", "/api/v1/admin/users?status=gone", nil, 422, "status", "active invited disabled", "active invited disabled"},
		{"limit", "GET", "/api/v1/admin/users?limit=101", nil, 422, "limit", "entre 1 y 100", "between 1 and 100"},
		{"cursor", "GET", "/api/v1/admin/users?cursor=%%%", nil, 400, "cursor", "cursor de página", "page cursor"},
		{"q", "GET", "/api/v1/admin/users?q=" + strings.Repeat("q", 201), nil, 422, "q", "Máximo 200", "At most 200"},
	} {
		r.run(t, a, admin)
	}
	(refusal{"agent", "GET", "/api/v1/admin/users", nil, 403, "", "no puede administrar", "cannot manage"}).run(t, a, testutil.Login(t, a, "agent1@x.test"))
}
