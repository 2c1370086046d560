package people_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/testutil"
)

// env is a running desk with an agent, an admin and a customer logged in.
type env struct {
	t                  *testing.T
	a                  *app.App
	f                  *testutil.Fixture
	agent, admin, cust *testutil.Client
	agent2             *testutil.Client
}

func newEnv(t *testing.T) *env {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	f := testutil.Seed(t, a, 0)
	return &env{t: t, a: a, f: f, agent: testutil.Login(t, a, "agent1@x.test"), agent2: testutil.Login(t, a, "agent2@x.test"),
		admin: testutil.Login(t, a, "admin@x.test"), cust: testutil.Login(t, a, "customer@x.test")}
}

// create registers a person through the API as the agent and fails the test otherwise.
func (e *env) create(body map[string]any) people.Person {
	e.t.Helper()
	st, b := e.agent.Do("POST", "/api/v1/persons", body)
	if st != 201 {
		e.t.Fatalf("create %v: %d %s", body, st, b)
	}
	var p people.Person
	if err := json.Unmarshal(b, &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) consultant(name string, sponsor *int64) people.Person {
	e.t.Helper()
	body := map[string]any{"name": name, "email": strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@red.test", "kind": "consultant"}
	if sponsor != nil {
		body["sponsor_id"] = *sponsor
	}
	return e.create(body)
}

func (e *env) get(id int64) people.Person {
	e.t.Helper()
	st, b := e.agent.Do("GET", fmt.Sprintf("/api/v1/persons/%d", id), nil)
	if st != 200 {
		e.t.Fatalf("get %d: %d %s", id, st, b)
	}
	var p people.Person
	if err := json.Unmarshal(b, &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// state is a digest of every person and contact row: equal before and after means nothing was written.
func (e *env) state() string {
	e.t.Helper()
	var s string
	if err := e.a.DB.Pool.QueryRow(e.t.Context(), `SELECT md5(coalesce((SELECT string_agg(u::text, '|' ORDER BY id) FROM users u), '') ||
		coalesce((SELECT string_agg(c::text, '|' ORDER BY id) FROM person_contacts c), ''))`).Scan(&s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

type apiErr struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
	Current json.RawMessage `json:"current"`
}

// refused sends a request in both languages and checks the status, the field (or, with field "", the
// message) holds each language's text, and that nothing was written.
func (e *env) refused(c *testutil.Client, method, path string, body any, status int, field, es, en string) {
	e.t.Helper()
	before := e.state()
	for lang, want := range map[string]string{"es": es, "en": en} {
		c.Lang = lang
		st, b := c.Do(method, path, body)
		var ae apiErr
		_ = json.Unmarshal(b, &ae)
		got := ae.Error.Message
		if field != "" {
			got = ae.Error.Fields[field]
		}
		if st != status || !strings.Contains(got, want) {
			e.t.Errorf("%s %s %v (%s): %d %s; want %d with %s %q", method, path, body, lang, st, b, status, field, want)
		}
	}
	c.Lang = "en"
	if after := e.state(); after != before {
		e.t.Errorf("%s %s %v wrote something", method, path, body)
	}
}

func TestCreatePerson(t *testing.T) {
	e := newEnv(t)
	root := e.consultant("Rosa Raíz", nil)
	if root.Kind != "consultant" || root.CommercialStatus == nil || *root.CommercialStatus != "active" || root.HasLogin ||
		len(root.Upline) != 0 || root.Sponsor != nil || root.Version != 1 {
		t.Fatalf("a new consultant: %+v", root)
	}
	p := e.create(map[string]any{"name": "  Ana Núñez ", "email": "Ana@Cliente.test", "kind": "customer", "document_id": "X-1",
		"sponsor_id": root.ID, "contacts": []map[string]any{
			{"kind": "phone", "value": "+52 (55) 1234-5678", "label": "móvil"},
			{"kind": "phone", "value": "55 8765 4321", "is_primary": true},
			{"kind": "email", "value": "ana@casa.test"},
		}})
	if p.Name != "Ana Núñez" || p.Email != "Ana@Cliente.test" || p.Kind != "customer" || *p.DocumentID != "X-1" ||
		p.Sponsor == nil || p.Sponsor.ID != root.ID || p.Sponsor.Name != "Rosa Raíz" || p.Rank != nil || p.CommercialStatus != nil {
		t.Errorf("created: %+v", p)
	}
	if len(p.Upline) != 1 || p.Upline[0].ID != root.ID {
		t.Errorf("upline: %+v", p.Upline)
	}
	prim := map[string]string{}
	for _, c := range p.Contacts {
		if c.IsPrimary {
			if prim[c.Kind] != "" {
				t.Errorf("two primary %s", c.Kind)
			}
			prim[c.Kind] = c.Value
		}
	}
	if prim["phone"] != "55 8765 4321" || prim["email"] != "ana@casa.test" || len(p.Contacts) != 3 {
		t.Errorf("contacts: %+v", p.Contacts)
	}
	if r := e.get(root.ID); r.DirectCount != 1 || r.DownlineCount != 1 {
		t.Errorf("root after a child: direct %d, downline %d", r.DirectCount, r.DownlineCount)
	}
	// The admin may register people too.
	if st, b := e.admin.Do("POST", "/api/v1/persons", map[string]any{"name": "Emilio", "email": "emilio@x.test", "kind": "employee"}); st != 201 {
		t.Errorf("admin create: %d %s", st, b)
	}

	customer := e.create(map[string]any{"name": "Carla Cliente", "email": "carla@x.test", "kind": "customer"})
	ok := map[string]any{"name": "Nuevo", "email": "nuevo@x.test", "kind": "customer"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range ok {
			m[a] = b
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, c := range []struct {
		body          any
		field, es, en string
	}{
		{with("name", "  "), "name", "entre 1 y 120", "between 1 and 120"},
		{with("name", strings.Repeat("n", 121)), "name", "entre 1 y 120", "between 1 and 120"},
		{with("email", nil), "email", "obligatorio", "required"},
		{with("email", "no-es-correo"), "email", "correo electrónico válido", "valid email"},
		{with("email", "ANA@cliente.TEST"), "email", "Ya existe una persona con ese correo", "already exists"},
		{with("kind", "boss"), "kind", "customer consultant employee", "customer consultant employee"},
		{with("kind", nil), "kind", "customer consultant employee", "customer consultant employee"},
		{with("document_id", strings.Repeat("d", 41)), "document_id", "Máximo 40", "At most 40"},
		{with("rank", "oro"), "rank", "Solo los consultores", "Only consultants"},
		{with("commercial_status", "active"), "commercial_status", "Solo los consultores", "Only consultants"},
		{map[string]any{"name": "C", "email": "c@x.test", "kind": "consultant", "commercial_status": "sleepy"}, "commercial_status", "active inactive", "active inactive"},
		{with("sponsor_id", 999999), "sponsor_id", "Ese patrocinador no existe", "That sponsor does not exist"},
		{with("sponsor_id", customer.ID), "sponsor_id", "Carla Cliente no es consultor", "Carla Cliente is not a consultant"},
		{with("contacts", []map[string]any{{"kind": "fax", "value": "1"}}), "contacts[0].kind", "phone email address", "phone email address"},
		{with("contacts", []map[string]any{{"kind": "phone", "value": "12345"}}), "contacts[0].value", "de 6 a 20 dígitos", "6 to 20 digits"},
		{with("contacts", []map[string]any{{"kind": "phone", "value": "555-1234"}, {"kind": "email", "value": "x@"}}), "contacts[1].value", "correo electrónico válido", "valid email"},
		{with("contacts", []map[string]any{{"kind": "address", "value": " "}}), "contacts[0].value", "entre 1 y 500", "between 1 and 500"},
		{with("surname", "x"), "surname", "no existe", "does not exist"},
		{with("sponsor_id", "7"), "sponsor_id", "se esperaba integer", "expected integer"},
	} {
		e.refused(e.agent, "POST", "/api/v1/persons", c.body, 422, c.field, c.es, c.en)
	}
	e.refused(e.cust, "POST", "/api/v1/persons", ok, 403, "", "Tu rol no puede registrar ni editar personas", "Your role cannot register or edit people")
	e.refused(e.cust, "GET", fmt.Sprintf("/api/v1/persons/%d", p.ID), nil, 403, "", "Tu rol no puede ver personas", "Your role cannot see people")
	e.refused(e.agent, "GET", "/api/v1/persons/999999", nil, 404, "", "Esa persona no existe", "That person does not exist")
}

func TestListPersons(t *testing.T) {
	e := newEnv(t)
	root := e.consultant("Zoe Zamora", nil)
	e.create(map[string]any{"name": "María Gómez", "email": "mg@x.test", "kind": "customer", "sponsor_id": root.ID,
		"contacts": []map[string]any{{"kind": "phone", "value": "+52 (55) 1234-5678"}}})
	e.create(map[string]any{"name": "Mario Ruiz", "email": "mr@x.test", "kind": "customer", "document_id": "RUIZ-77", "sponsor_id": root.ID})
	e.create(map[string]any{"name": "Maribel Ñandú", "email": "mb@x.test", "kind": "employee",
		"contacts": []map[string]any{{"kind": "address", "value": "Calle Córdoba 5"}}})
	list := func(c *testutil.Client, q string) people.PersonList {
		t.Helper()
		st, b := c.Do("GET", "/api/v1/persons?"+q, nil)
		if st != 200 {
			t.Fatalf("%s: %d %s", q, st, b)
		}
		var l people.PersonList
		if err := json.Unmarshal(b, &l); err != nil || l.Items == nil {
			t.Fatalf("%s: %s", q, b)
		}
		return l
	}
	names := func(l people.PersonList) string {
		var out []string
		for _, p := range l.Items {
			out = append(out, p.Name)
		}
		return strings.Join(out, ",")
	}
	// The set of names, whatever the database's collation orders first.
	set := func(l people.PersonList) string {
		out := strings.Split(names(l), ",")
		slices.Sort(out)
		return strings.Join(out, ",")
	}
	for q, want := range map[string]string{
		"q=" + url.QueryEscape("maria gomez"): "María Gómez",                          // accents ignored
		"q=MARI":                              "Maribel Ñandú,Mario Ruiz,María Gómez", // sorted bytewise
		"q=nandu":                             "Maribel Ñandú",
		"q=ruiz-77":                           "Mario Ruiz", // document id
		"q=mb%40x":                            "Maribel Ñandú",
		"q=" + url.QueryEscape("1234 5678"):   "María Gómez", // a phone, whatever its punctuation
		"q=cordoba":                           "Maribel Ñandú",
		"kind=employee&q=mar":                 "Maribel Ñandú",
		fmt.Sprintf("sponsor_id=%d", root.ID): "Mario Ruiz,María Gómez",
		"q=zzzz":                              "",
	} {
		if got := set(list(e.agent, q)); got != want {
			t.Errorf("%s: got %q, want %q", q, got, want)
		}
	}
	// Pages of two through the cursor cover everyone once, in name order.
	all := names(list(e.agent, "limit=100"))
	var paged []string
	cursor := ""
	for i := 0; i < 10; i++ {
		l := list(e.agent, "limit=2&cursor="+url.QueryEscape(cursor))
		paged = append(paged, names(l))
		if l.NextCursor == nil {
			break
		}
		cursor = *l.NextCursor
	}
	if strings.Join(paged, ",") != all || !strings.Contains(all, "admin,agent1,agent2") {
		t.Errorf("paged %v, all %s", paged, all)
	}
	if l := list(e.admin, "q=zoe"); len(l.Items) != 1 || l.Items[0].DirectCount != 2 || l.Items[0].Kind != "consultant" {
		t.Errorf("the admin's list: %+v", l.Items)
	}
	for _, c := range []struct{ q, field, es, en string }{
		{"kind=boss", "kind", "customer consultant employee", "customer consultant employee"},
		{"limit=0", "limit", "entre 1 y 100", "between 1 and 100"},
		{"limit=101", "limit", "entre 1 y 100", "between 1 and 100"},
		{"limit=x", "limit", "entre 1 y 100", "between 1 and 100"},
		{"sponsor_id=-3", "sponsor_id", "número de id", "id number"},
		{"q=" + strings.Repeat("x", 201), "q", "Máximo 200", "At most 200"},
	} {
		e.refused(e.agent, "GET", "/api/v1/persons?"+c.q, nil, 422, c.field, c.es, c.en)
	}
	e.refused(e.agent, "GET", "/api/v1/persons?cursor=nope", nil, 400, "cursor", "cursor de página no es válido", "cursor")
	e.refused(e.cust, "GET", "/api/v1/persons", nil, 403, "", "Tu rol no puede ver personas", "Your role cannot see people")

	// The downline lists direct children by name, a page at a time.
	st, b := e.agent.Do("GET", fmt.Sprintf("/api/v1/persons/%d/downline?limit=1", root.ID), nil)
	var d people.PersonList
	_ = json.Unmarshal(b, &d)
	children := list(e.agent, fmt.Sprintf("sponsor_id=%d", root.ID))
	if st != 200 || len(d.Items) != 1 || d.Items[0].Name != children.Items[0].Name || d.NextCursor == nil {
		t.Fatalf("downline: %d %s", st, b)
	}
	st, b = e.agent.Do("GET", fmt.Sprintf("/api/v1/persons/%d/downline?limit=1&cursor=%s", root.ID, url.QueryEscape(*d.NextCursor)), nil)
	_ = json.Unmarshal(b, &d)
	if st != 200 || len(d.Items) != 1 || d.Items[0].Name != children.Items[1].Name || d.NextCursor != nil {
		t.Fatalf("downline page 2: %d %s", st, b)
	}
	e.refused(e.agent, "GET", "/api/v1/persons/999999/downline", nil, 404, "", "Esa persona no existe", "That person does not exist")
	e.refused(e.agent, "GET", fmt.Sprintf("/api/v1/persons/%d/downline?limit=500", root.ID), nil, 422, "limit", "entre 1 y 100", "between 1 and 100")
	e.refused(e.cust, "GET", fmt.Sprintf("/api/v1/persons/%d/downline", root.ID), nil, 403, "", "Tu rol no puede ver personas", "Your role cannot see people")
}

func TestPatchPerson(t *testing.T) {
	e := newEnv(t)
	boss := e.consultant("Beto Jefe", nil)
	kid := e.consultant("Kiko Hijo", &boss.ID)
	cust := e.create(map[string]any{"name": "Cata", "email": "cata@x.test", "kind": "customer", "document_id": "D1"})
	path := fmt.Sprintf("/api/v1/persons/%d", cust.ID)

	st, b := e.agent.Do("PATCH", path, map[string]any{"version": 1, "name": "Catalina", "document_id": nil, "kind": "consultant", "rank": "Plata"})
	var p people.Person
	_ = json.Unmarshal(b, &p)
	if st != 200 || p.Name != "Catalina" || p.DocumentID != nil || p.Kind != "consultant" || *p.Rank != "Plata" ||
		*p.CommercialStatus != "active" || p.Version != 2 {
		t.Fatalf("patch: %d %s", st, b)
	}
	// Back to customer: rank and status go, as they describe consultants only.
	st, b = e.agent.Do("PATCH", path, map[string]any{"version": 2, "kind": "customer"})
	_ = json.Unmarshal(b, &p)
	if st != 200 || p.Rank != nil || p.CommercialStatus != nil || p.Version != 3 {
		t.Fatalf("patch kind: %d %s", st, b)
	}
	// A stale version: 409 with the person as it is now, nothing written.
	before := e.state()
	st, b = e.agent.Do("PATCH", path, map[string]any{"version": 1, "name": "Otra"})
	var ae apiErr
	_ = json.Unmarshal(b, &ae)
	var cur people.Person
	_ = json.Unmarshal(ae.Current, &cur)
	if st != 409 || cur.Name != "Catalina" || cur.Version != 3 || e.state() != before {
		t.Errorf("stale: %d %s", st, b)
	}
	for _, c := range []struct {
		body          map[string]any
		field, es, en string
	}{
		{map[string]any{"name": "x"}, "version", "obligatorio", "required"},
		{map[string]any{"version": 3, "name": nil}, "name", "no puede quedar vacío", "cannot be empty"},
		{map[string]any{"version": 3, "name": ""}, "name", "entre 1 y 120", "between 1 and 120"},
		{map[string]any{"version": 3, "email": "bad"}, "email", "correo electrónico válido", "valid email"},
		{map[string]any{"version": 3, "email": "KIKO.HIJO@red.test"}, "email", "Ya existe una persona con ese correo", "already exists"},
		{map[string]any{"version": 3, "kind": "robot"}, "kind", "customer consultant employee", "customer consultant employee"},
		{map[string]any{"version": 3, "rank": "Oro"}, "rank", "Solo los consultores", "Only consultants"},
		{map[string]any{"version": 3, "commercial_status": "active"}, "commercial_status", "Solo los consultores", "Only consultants"},
		{map[string]any{"version": 3, "document_id": strings.Repeat("9", 41)}, "document_id", "Máximo 40", "At most 40"},
		{map[string]any{"version": 3, "sponsor_id": 999999}, "sponsor_id", "Ese patrocinador no existe", "That sponsor does not exist"},
		{map[string]any{"version": 3, "sponsor_id": cust.ID}, "sponsor_id", "propio patrocinador", "their own sponsor"},
		{map[string]any{"version": 3, "version2": 1}, "version2", "no existe", "does not exist"},
	} {
		e.refused(e.agent, "PATCH", path, c.body, 422, c.field, c.es, c.en)
	}
	// A consultant who sponsors someone keeps their kind until their people move.
	e.refused(e.agent, "PATCH", fmt.Sprintf("/api/v1/persons/%d", boss.ID), map[string]any{"version": 1, "kind": "customer"}, 422, "kind",
		"Beto Jefe patrocina directamente a otras personas (1)", "Beto Jefe directly sponsors other people (1)")
	e.refused(e.cust, "PATCH", path, map[string]any{"version": 3, "name": "Yo"}, 403, "", "Tu rol no puede registrar ni editar personas", "Your role cannot register or edit people")
	e.refused(e.agent, "PATCH", "/api/v1/persons/999999", map[string]any{"version": 1, "name": "X"}, 404, "", "Esa persona no existe", "That person does not exist")
	// An account's email is its login: an agent may not change it, an admin may.
	other := e.f.Users["other@x.test"]
	e.refused(e.agent, "PATCH", fmt.Sprintf("/api/v1/persons/%d", other.ID), map[string]any{"version": 1, "email": "o2@x.test"}, 403, "",
		"solo quien administra usuarios", "only those who manage users")
	if st, b := e.admin.Do("PATCH", fmt.Sprintf("/api/v1/persons/%d", other.ID), map[string]any{"version": 1, "email": "o2@x.test"}); st != 200 {
		t.Errorf("admin changes a login email: %d %s", st, b)
	}
	_ = kid
}

func TestContacts(t *testing.T) {
	e := newEnv(t)
	p := e.create(map[string]any{"name": "Paco", "email": "paco@x.test", "kind": "customer"})
	q := e.create(map[string]any{"name": "Quique", "email": "quique@x.test", "kind": "customer",
		"contacts": []map[string]any{{"kind": "phone", "value": "555 000 111"}}})
	base := fmt.Sprintf("/api/v1/persons/%d/contacts", p.ID)
	add := func(body map[string]any) people.Contact {
		t.Helper()
		st, b := e.agent.Do("POST", base, body)
		var c people.Contact
		if st != 201 || json.Unmarshal(b, &c) != nil {
			t.Fatalf("add %v: %d %s", body, st, b)
		}
		return c
	}
	first := add(map[string]any{"kind": "phone", "value": " 55-1111-2222 ", "label": "casa"})
	second := add(map[string]any{"kind": "phone", "value": "+1 (555) 333.4444"})
	mail := add(map[string]any{"kind": "email", "value": "paco@casa.test"})
	if !first.IsPrimary || second.IsPrimary || !mail.IsPrimary || first.Value != "55-1111-2222" || first.Label != "casa" {
		t.Errorf("first of a kind is primary: %+v %+v %+v", first, second, mail)
	}
	primaries := func() map[string]int64 {
		out := map[string]int64{}
		for _, c := range e.get(p.ID).Contacts {
			if c.IsPrimary {
				out[c.Kind] = c.ID
			}
		}
		return out
	}
	st, b := e.agent.Do("PATCH", fmt.Sprintf("%s/%d", base, second.ID), map[string]any{"is_primary": true, "label": "trabajo"})
	if st != 200 || primaries()["phone"] != second.ID || primaries()["email"] != mail.ID {
		t.Errorf("make primary: %d %s, primaries %v", st, b, primaries())
	}
	if st, _ := e.agent.Do("DELETE", fmt.Sprintf("%s/%d", base, second.ID), nil); st != 204 || primaries()["phone"] != first.ID {
		t.Errorf("deleting the primary promotes the other: %d %v", st, primaries())
	}
	if v := e.get(p.ID).Version; v != 6 {
		t.Errorf("every contact write bumps the person's version: %d", v)
	}
	cpath := fmt.Sprintf("%s/%d", base, first.ID)
	for _, c := range []struct {
		method, path  string
		body          map[string]any
		status        int
		field, es, en string
	}{
		{"POST", base, map[string]any{"kind": "pager", "value": "1"}, 422, "kind", "phone email address", "phone email address"},
		{"POST", base, map[string]any{"kind": "phone", "value": "abc123456"}, 422, "value", "de 6 a 20 dígitos", "6 to 20 digits"},
		{"POST", base, map[string]any{"kind": "phone", "value": strings.Repeat("1", 21)}, 422, "value", "de 6 a 20 dígitos", "6 to 20 digits"},
		{"POST", base, map[string]any{"kind": "email", "value": "@x"}, 422, "value", "correo electrónico válido", "valid email"},
		{"POST", base, map[string]any{"kind": "address", "value": strings.Repeat("a", 501)}, 422, "value", "entre 1 y 500", "between 1 and 500"},
		{"POST", base, map[string]any{"kind": "email", "value": "a@b.co", "label": strings.Repeat("l", 41)}, 422, "label", "Máximo 40", "At most 40"},
		{"POST", base, map[string]any{"kind": "email", "value": "a@b.co", "is_primary": "yes"}, 422, "is_primary", "se esperaba boolean", "expected boolean"},
		{"PATCH", cpath, map[string]any{"value": "12"}, 422, "value", "de 6 a 20 dígitos", "6 to 20 digits"},
		{"PATCH", cpath, map[string]any{"kind": "email"}, 422, "kind", "no existe", "does not exist"},
		{"POST", "/api/v1/persons/999999/contacts", map[string]any{"kind": "email", "value": "a@b.co"}, 404, "", "Esa persona no existe", "That person does not exist"},
		{"PATCH", fmt.Sprintf("/api/v1/persons/%d/contacts/%d", q.ID, first.ID), map[string]any{"label": "x"}, 404, "", "Ese contacto no existe", "That contact does not exist"},
		{"DELETE", fmt.Sprintf("/api/v1/persons/%d/contacts/%d", q.ID, first.ID), nil, 404, "", "Ese contacto no existe", "That contact does not exist"},
	} {
		var body any
		if c.body != nil {
			body = c.body
		}
		e.refused(e.agent, c.method, c.path, body, c.status, c.field, c.es, c.en)
	}
	forbidden := []string{"Tu rol no puede registrar ni editar personas", "Your role cannot register or edit people"}
	e.refused(e.cust, "POST", base, map[string]any{"kind": "email", "value": "a@b.co"}, 403, "", forbidden[0], forbidden[1])
	e.refused(e.cust, "PATCH", cpath, map[string]any{"label": "x"}, 403, "", forbidden[0], forbidden[1])
	e.refused(e.cust, "DELETE", cpath, nil, 403, "", forbidden[0], forbidden[1])
	if st, b := e.admin.Do("PATCH", cpath, map[string]any{"value": "55 9999 0000", "is_primary": false}); st != 200 ||
		!strings.Contains(string(b), `"is_primary":false`) || primaries()["phone"] != 0 {
		t.Errorf("admin edits a contact: %d %s", st, b)
	}
}
