package accounts_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/testutil"
)

func TestPermissionsAndRolesList(t *testing.T) {
	a, _ := start(t)
	admin := testutil.Login(t, a, "admin@x.test")
	var perms struct {
		Items []struct{ Key, Group string } `json:"items"`
	}
	mustDo(t, admin, "GET", "/api/v1/permissions", nil, 200, &perms)
	if len(perms.Items) != len(access.AllPerms()) {
		t.Fatalf("permissions: %d, want %d", len(perms.Items), len(access.AllPerms()))
	}
	for i, p := range access.AllPerms() {
		if got := perms.Items[i]; got.Key != p.Key() || !strings.HasPrefix(p.Key(), got.Group+".") {
			t.Errorf("permission %d: %+v, want %s", i, got, p.Key())
		}
	}
	if perms.Items[0].Group != "ticket" {
		t.Errorf("first group %q", perms.Items[0].Group)
	}

	// A custom role sorts after the built-in ones, by name.
	exec(t, a, "INSERT INTO roles (key, name_es, name_en) VALUES ('zeta', 'Zeta', 'Zeta'), ('beta', 'Beta', 'Beta')")
	var roles struct{ Items []role }
	mustDo(t, admin, "GET", "/api/v1/roles", nil, 200, &roles)
	var keys []string
	count := map[string]int64{}
	for _, r := range roles.Items {
		keys = append(keys, r.Key)
		count[r.Key] = r.UsersCount
	}
	if got := strings.Join(keys, ","); got != "admin,supervisor,agent,consultant,customer,beta,zeta" {
		t.Errorf("order: %s", got)
	}
	if count["admin"] != 1 || count["agent"] != 2 || count["customer"] != 2 || count["beta"] != 0 {
		t.Errorf("users counts: %v", count)
	}
	if adm := roles.Items[0]; !adm.Builtin || len(adm.Permissions) != len(access.AllPerms()) {
		t.Errorf("the admin role holds every permission: %+v", adm)
	}
	if cons := roles.Items[3]; strings.Join(cons.Permissions, ",") != "ticket.create,ticket.view_network" {
		t.Errorf("consultant: %v", cons.Permissions)
	}

	// The agent may read the roles (to pick them), not the permissions; the customer neither.
	agent := testutil.Login(t, a, "agent1@x.test")
	mustDo(t, agent, "GET", "/api/v1/roles", nil, 200, nil)
	customer := testutil.Login(t, a, "customer@x.test")
	for _, r := range []refusal{
		{"agent permissions", "GET", "/api/v1/permissions", nil, 403, "", "no puede administrar usuarios", "cannot manage users"},
		{"customer roles", "GET", "/api/v1/roles", nil, 403, "", "no puede ver los roles", "cannot see the roles"},
	} {
		c := agent
		if strings.HasPrefix(r.name, "customer") {
			c = customer
		}
		r.run(t, a, c)
	}
}

func TestRoleCreateRenameAndPermissions(t *testing.T) {
	a, f := start(t)
	admin := testutil.Login(t, a, "admin@x.test")

	var r1, r2 role
	mustDo(t, admin, "POST", "/api/v1/roles", map[string]any{"name_es": " Facturación ", "name_en": "Billing & Refunds",
		"permissions": []string{"ticket.view_by_role", "canned.use", "canned.use"}}, 201, &r1)
	if r1.Key != "billing-refunds" || r1.Builtin || r1.NameES != "Facturación" || r1.Version != 1 ||
		strings.Join(r1.Permissions, ",") != "canned.use,ticket.view_by_role" {
		t.Fatalf("created: %+v", r1)
	}
	mustDo(t, admin, "POST", "/api/v1/roles", map[string]any{"name_es": "Facturación 2", "name_en": "Billing  refunds"}, 201, &r2)
	if r2.Key != "billing-refunds-2" || len(r2.Permissions) != 0 || r2.Permissions == nil {
		t.Fatalf("second: %+v", r2)
	}
	var r3 role
	mustDo(t, admin, "POST", "/api/v1/roles", map[string]any{"name_es": "Árbol", "name_en": "¿?", "key": "tree_1"}, 201, &r3)
	if r3.Key != "tree_1" {
		t.Errorf("explicit key: %+v", r3)
	}

	long := strings.Repeat("x", 81)
	for _, r := range []refusal{
		{"name_es missing", "POST", "/api/v1/roles", map[string]any{"name_en": "X"}, 422, "name_es", "obligatorio", "required"},
		{"name_en blank", "POST", "/api/v1/roles", map[string]any{"name_es": "X", "name_en": "   "}, 422, "name_en", "obligatorio", "required"},
		{"name_es too long", "POST", "/api/v1/roles", map[string]any{"name_es": long, "name_en": "X"}, 422, "name_es", "Máximo 80", "At most 80"},
		{"key taken", "POST", "/api/v1/roles", map[string]any{"name_es": "X", "name_en": "X", "key": "agent"}, 422, "key", "Otro rol ya usa", "Another role already"},
		{"key format", "POST", "/api/v1/roles", map[string]any{"name_es": "X", "name_en": "X", "key": "Bad Key"}, 422, "key", "minúsculas", "lowercase"},
		{"unknown permission", "POST", "/api/v1/roles", map[string]any{"name_es": "X", "name_en": "X", "permissions": []string{"ticket.fly"}}, 422, "permissions", "«ticket.fly» no existe", "“ticket.fly” does not exist"},
		{"permissions wrong type", "POST", "/api/v1/roles", map[string]any{"name_es": "X", "name_en": "X", "permissions": "all"}, 422, "permissions", "se esperaba array", "expected array"},
		{"unknown field", "POST", "/api/v1/roles", map[string]any{"name_es": "X", "name_en": "X", "builtin": true}, 422, "builtin", "no existe", "does not exist"},
		{"not JSON", "POST", "/api/v1/roles", "{", 400, "", "no es JSON", "not valid JSON"},
	} {
		r.run(t, a, admin)
	}

	// Give the custom role to agent1: a change to its permissions reaches agent1 (and only its holders).
	agent1 := f.Users["agent1@x.test"]
	exec(t, a, "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)", agent1.ID, r1.ID)
	after := lastEventID(t, a)
	var upd role
	mustDo(t, admin, "PATCH", path("/api/v1/roles/%d", r1.ID), map[string]any{"version": 1, "name_en": "Billing",
		"permissions": []string{"report.pivot"}}, 200, &upd)
	if upd.Version != 2 || upd.NameEN != "Billing" || upd.NameES != "Facturación" || strings.Join(upd.Permissions, ",") != "report.pivot" || upd.UsersCount != 1 {
		t.Fatalf("updated: %+v", upd)
	}
	if ev := accessEvents(t, a, after); len(ev) != 1 || !slices.Equal(ev[0], []int64{agent1.ID}) {
		t.Errorf("access.changed after a permissions change: %v", ev)
	}
	// The holder's session now carries the permission.
	var sess struct {
		User struct {
			Permissions []string `json:"permissions"`
			RoleIDs     []int64  `json:"role_ids"`
		} `json:"user"`
	}
	mustDo(t, testutil.Login(t, a, "agent1@x.test"), "GET", "/api/v1/auth/me", nil, 200, &sess)
	if !slices.Contains(sess.User.Permissions, "report.pivot") || !slices.Contains(sess.User.RoleIDs, r1.ID) {
		t.Errorf("session after the change: %+v", sess.User)
	}
	// A rename alone tells nobody's connections anything.
	after = lastEventID(t, a)
	mustDo(t, admin, "PATCH", path("/api/v1/roles/%d", r1.ID), map[string]any{"version": 2, "name_es": "Cobros",
		"permissions": []string{"report.pivot"}}, 200, &upd)
	if ev := accessEvents(t, a, after); len(ev) != 0 || upd.Version != 3 {
		t.Errorf("rename: %v %+v", ev, upd)
	}

	// A built-in role's permissions change: every holder of it is told.
	agentRole := roleID(t, a, "agent")
	after = lastEventID(t, a)
	var ag role
	mustDo(t, admin, "PATCH", path("/api/v1/roles/%d", agentRole), map[string]any{"version": 1,
		"permissions": []string{"ticket.create", "ticket.view_by_role"}}, 200, &ag)
	want := []int64{agent1.ID, f.Users["agent2@x.test"].ID}
	if ev := accessEvents(t, a, after); len(ev) != 1 || !slices.Equal(ev[0], want) {
		t.Errorf("agent role change: %v, want %v", ev, want)
	}

	adminRole := roleID(t, a, "admin")
	for _, r := range []refusal{
		{"admin permissions", "PATCH", path("/api/v1/roles/%d", adminRole), map[string]any{"version": 1, "permissions": []string{}}, 422, "permissions",
			"El rol de administración tiene siempre todos los permisos.", "The admin role always holds every permission."},
		{"name null", "PATCH", path("/api/v1/roles/%d", r1.ID), map[string]any{"version": 3, "name_es": nil}, 422, "name_es", "no puede quedar vacío", "cannot be empty"},
		{"name blank", "PATCH", path("/api/v1/roles/%d", r1.ID), map[string]any{"version": 3, "name_en": ""}, 422, "name_en", "obligatorio", "required"},
		{"unknown permission", "PATCH", path("/api/v1/roles/%d", r1.ID), map[string]any{"version": 3, "permissions": []string{"x"}}, 422, "permissions", "no existe", "does not exist"},
		{"version missing", "PATCH", path("/api/v1/roles/%d", r1.ID), map[string]any{"name_en": "Y"}, 422, "version", "obligatorio", "required"},
		{"unknown role", "PATCH", "/api/v1/roles/999999", map[string]any{"version": 1, "name_en": "Y"}, 404, "", "Ese rol no existe", "That role does not exist"},
		{"agent may not", "PATCH", path("/api/v1/roles/%d", r1.ID), map[string]any{"version": 3, "name_en": "Y"}, 403, "", "no puede administrar", "cannot manage"},
	} {
		c := admin
		if r.name == "agent may not" {
			c = testutil.Login(t, a, "agent2@x.test")
		}
		r.run(t, a, c)
	}
	// The admin role may still be renamed.
	mustDo(t, admin, "PATCH", path("/api/v1/roles/%d", adminRole), map[string]any{"version": 1, "name_en": "Administrators"}, 200, nil)

	// A stale version: 409 with the role as it is.
	before := snapshot(t, a)
	st, body := admin.Do("PATCH", path("/api/v1/roles/%d", r1.ID), map[string]any{"version": 1, "name_en": "Old"})
	e := decodeError(t, body)
	var cur role
	_ = json.Unmarshal(e.Current, &cur)
	if st != 409 || cur.Version != 3 || cur.NameES != "Cobros" || !strings.Contains(e.Error.Message, "changed this role") {
		t.Errorf("stale: %d %s", st, body)
	}
	if snapshot(t, a) != before {
		t.Error("a stale patch changed something")
	}
}

func TestRoleDelete(t *testing.T) {
	a, f := start(t)
	admin := testutil.Login(t, a, "admin@x.test")
	var used, free role
	mustDo(t, admin, "POST", "/api/v1/roles", map[string]any{"name_es": "Usado", "name_en": "Used"}, 201, &used)
	mustDo(t, admin, "POST", "/api/v1/roles", map[string]any{"name_es": "Libre", "name_en": "Free"}, 201, &free)
	exec(t, a, "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)", f.Users["agent1@x.test"].ID, used.ID)
	exec(t, a, "UPDATE queues SET role_ids = role_ids || $1::bigint WHERE id = (SELECT min(id) FROM queues)", used.ID)
	exec(t, a, "UPDATE tickets SET allowed_roles = allowed_roles || $1::bigint", used.ID)

	for _, r := range []refusal{
		{"in use", "DELETE", path("/api/v1/roles/%d", used.ID), nil, 409, "",
			"lo tienen 1 usuarios, 1 colas, 0 categorías y 2 tickets", "1 users, 1 queues, 0 categories and 2 tickets hold it"},
		{"built in", "DELETE", path("/api/v1/roles/%d", roleID(t, a, "consultant")), nil, 422, "", "no se pueden borrar", "cannot be deleted"},
		{"unknown", "DELETE", "/api/v1/roles/999999", nil, 404, "", "Ese rol no existe", "That role does not exist"},
	} {
		r.run(t, a, admin)
	}
	(refusal{"agent", "DELETE", path("/api/v1/roles/%d", free.ID), nil, 403, "", "no puede administrar", "cannot manage"}).run(t, a, testutil.Login(t, a, "agent1@x.test"))

	mustDo(t, admin, "DELETE", path("/api/v1/roles/%d", free.ID), nil, 204, nil)
	var roles struct{ Items []role }
	mustDo(t, admin, "GET", "/api/v1/roles", nil, 200, &roles)
	for _, r := range roles.Items {
		if r.ID == free.ID {
			t.Error("the deleted role is still listed")
		}
	}
}
