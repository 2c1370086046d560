package catalog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/testutil"
)

func start(t *testing.T, n int) (*app.App, *testutil.Fixture) {
	t.Helper()
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	return a, testutil.Seed(t, a, n)
}

// workflowStatuses are the statuses the built-in workflows add to the five defaults.
var workflowStatuses = []string{"data_review", "missing_data", "credit_decision", "credit_accepted", "credit_denied", "rejected"}

// withoutWorkflow detaches the tickets from their workflow, for tests that move them into statuses they
// create (no workflow has those as states; a ticket without a workflow may go anywhere).
func withoutWorkflow(t *testing.T, a *app.App) {
	t.Helper()
	if _, err := a.DB.Pool.Exec(context.Background(), `UPDATE tickets SET workflow_version_id = NULL`); err != nil {
		t.Fatal(err)
	}
}

// onlyDefaultStatuses removes the built-in workflows' statuses (no ticket uses them yet), for tests
// whose rules are stated over the five default statuses: places in a group, the last TO DO status.
func onlyDefaultStatuses(t *testing.T, a *app.App) {
	t.Helper()
	if _, err := a.DB.Pool.Exec(context.Background(), `DELETE FROM statuses WHERE key = ANY($1)`, workflowStatuses); err != nil {
		t.Fatal(err)
	}
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
	Current json.RawMessage `json:"current"`
}

// state is a digest of everything a catalog write touches: a refused request must leave it unchanged.
func state(t *testing.T, a *app.App) string {
	t.Helper()
	var s string
	q := `SELECT concat_ws('|',`
	for _, table := range []string{"statuses", "priorities", "categories", "kb_categories", "channels", "queues", "note_reasons", "canned_responses", "settings"} {
		q += fmt.Sprintf(`(SELECT md5(coalesce(json_agg(x ORDER BY x)::text, '')) FROM %s x),`, table)
	}
	q += `(SELECT count(*) FROM catalog_changes), (SELECT count(*) FROM events))`
	if err := a.DB.Pool.QueryRow(context.Background(), q).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// events counts the catalog.changed events of a catalog.
func events(t *testing.T, a *app.App, kind string) int {
	t.Helper()
	var n int
	err := a.DB.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM events WHERE name = 'catalog.changed' AND payload->>'catalog' = $1 AND ticket_id IS NOT DISTINCT FROM 0`, kind).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

type changeRow struct {
	Action  string
	EntryID *int64
	ActorID *int64
	Before  map[string]any
	After   map[string]any
}

// changes returns the catalog_changes rows of a catalog, oldest first.
func changes(t *testing.T, a *app.App, kind string) []changeRow {
	t.Helper()
	rows, err := a.DB.Pool.Query(context.Background(),
		`SELECT action, entry_id, actor_id, before, after FROM catalog_changes WHERE catalog = $1 ORDER BY id`, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []changeRow
	for rows.Next() {
		var c changeRow
		var before, after []byte
		if err := rows.Scan(&c.Action, &c.EntryID, &c.ActorID, &before, &after); err != nil {
			t.Fatal(err)
		}
		if before != nil {
			_ = json.Unmarshal(before, &c.Before)
		}
		if after != nil {
			_ = json.Unmarshal(after, &c.After)
		}
		out = append(out, c)
	}
	return out
}

func get(t *testing.T, c *testutil.Client) catalog.Catalogs {
	t.Helper()
	st, body := c.Do("GET", "/api/v1/catalog", nil)
	if st != 200 {
		t.Fatalf("GET /catalog: %d %s", st, body)
	}
	var cs catalog.Catalogs
	if err := json.Unmarshal(body, &cs); err != nil {
		t.Fatalf("GET /catalog: %v: %s", err, body)
	}
	return cs
}

// find returns the entry with a key, failing the test when there is none.
func find[E any](t *testing.T, xs []E, key string) E {
	t.Helper()
	for _, x := range xs {
		if reflect.ValueOf(x).FieldByName("Key").String() == key {
			return x
		}
	}
	t.Fatalf("no entry with key %q", key)
	var zero E
	return zero
}

func has[E any](xs []E, key string) bool {
	for _, x := range xs {
		if reflect.ValueOf(x).FieldByName("Key").String() == key {
			return true
		}
	}
	return false
}

func keys[E any](xs []E) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = reflect.ValueOf(x).FieldByName("Key").String()
	}
	return out
}

// call sends a request and fails the test unless the status is want; it decodes the body into out.
func call(t *testing.T, c *testutil.Client, method, path string, body any, want int, out any) []byte {
	t.Helper()
	st, b := c.Do(method, path, body)
	if st != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, st, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return b
}

func exec(t *testing.T, a *app.App, q string, args ...any) {
	t.Helper()
	if _, err := a.DB.Pool.Exec(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

func TestNewInstallHasTheDefaults(t *testing.T) {
	a, f := start(t, 4)
	cs := get(t, testutil.Login(t, a, "customer@x.test"))

	var top []catalog.Category
	subs := map[int64][]catalog.Category{}
	for _, c := range cs.Categories {
		if c.ParentID == nil {
			top = append(top, c)
		} else {
			subs[*c.ParentID] = append(subs[*c.ParentID], c)
		}
	}
	wantTop := []string{"exchanges_returns", "legal", "system", "commercial", "finance", "operations", "customer_service"}
	if got := keys(top); !reflect.DeepEqual(got, wantTop) {
		t.Fatalf("top-level categories %v, want %v", got, wantTop)
	}
	wantSubs := map[string]int{"exchanges_returns": 2, "legal": 1, "system": 2, "commercial": 3, "finance": 2, "operations": 7, "customer_service": 5}
	total := 0
	for _, c := range top {
		if len(subs[c.ID]) != wantSubs[c.Key] {
			t.Fatalf("%s has %d subcategories, want %d", c.Key, len(subs[c.ID]), wantSubs[c.Key])
		}
		for i, s := range subs[c.ID] {
			total++
			if s.Position != i+1 || !s.Active || s.NameES == "" || s.NameEN == "" || s.DescriptionES == "" || s.DescriptionEN == "" {
				t.Fatalf("subcategory %+v: names and descriptions in both languages, active, in order", s)
			}
		}
	}
	if total != 22 {
		t.Fatalf("%d subcategories, want the 22 of the typification", total)
	}
	if !reflect.DeepEqual(keys(cs.Categories[:7]), wantTop) {
		t.Fatalf("top-level categories come first: %v", keys(cs.Categories))
	}
	ret := find(t, cs.Categories, "return_not_applied")
	if ret.NameES != "Cambio y devolución sin aplicar" || ret.NameEN != "Exchange or return not applied" ||
		!strings.HasPrefix(ret.DescriptionES, "Cuando se genera un cambio") || !strings.HasPrefix(ret.DescriptionEN, "An exchange or return") {
		t.Fatalf("return_not_applied: %+v", ret)
	}

	wantChannels := []string{"corporate_site", "replicated_site", "influencer_site", "chatbot", "back_office", "phone", "email", "web_form"}
	if got := keys(cs.Channels); !reflect.DeepEqual(got, wantChannels) {
		t.Fatalf("channels %v, want %v", got, wantChannels)
	}
	if len(cs.Queues) != 3 {
		t.Fatalf("queues: %+v", cs.Queues)
	}
	for i, q := range cs.Queues {
		if q.Level != i+1 || !q.Active {
			t.Fatalf("queue %d: %+v", i, q)
		}
	}
	wantStatuses := []string{"unattended", "data_review", "in_progress", "waiting", "missing_data", "credit_decision",
		"resolved", "closed", "credit_accepted", "credit_denied", "rejected"}
	if got := keys(cs.Statuses); !reflect.DeepEqual(got, wantStatuses) {
		t.Fatalf("statuses in board order %v, want %v", got, wantStatuses)
	}
	un := find(t, cs.Statuses, "unattended")
	if un.NameEN != "Unattended" || un.NameES != "Sin atender" || un.Group != catalog.ToDo || un.PausesSLA || un.Version != 1 || !un.Active {
		t.Fatalf("unattended: %+v", un)
	}
	if w := find(t, cs.Statuses, "waiting"); !w.PausesSLA || w.Group != catalog.Doing {
		t.Fatalf("waiting pauses the SLA: %+v", w)
	}
	for key, name := range map[string]string{"in_progress": "In progress", "resolved": "Resolved", "closed": "Closed"} {
		if s := find(t, cs.Statuses, key); s.NameEN != name {
			t.Fatalf("%s: %+v", key, s)
		}
	}
	if len(cs.Priorities) != 4 || cs.PriorityScheme != catalog.Altisima {
		t.Fatalf("priorities %+v scheme %q", cs.Priorities, cs.PriorityScheme)
	}
	wantPriorities := []struct {
		key, es, en       string
		important, urgent bool
	}{{"do", "Altísima", "Critical", true, true}, {"decide", "Alta", "High", true, false},
		{"delegate", "Media", "Medium", false, true}, {"delete", "Baja", "Low", false, false}}
	for i, w := range wantPriorities {
		p := cs.Priorities[i]
		if p.Key != w.key || p.NameES != w.es || p.NameEN != w.en || p.Important != w.important || p.Urgent != w.urgent {
			t.Fatalf("priority %d: %+v, want %+v", i, p, w)
		}
	}
	if len(cs.KBCategories) != 4 || len(cs.NoteReasons) != 6 || len(cs.CannedResponses) != 3 {
		t.Fatalf("kb %d, note reasons %d, canned %d", len(cs.KBCategories), len(cs.NoteReasons), len(cs.CannedResponses))
	}
	if n := find(t, cs.NoteReasons, "interest_debit"); n.Kind != catalog.Debit {
		t.Fatalf("interest_debit: %+v", n)
	}
	if c := find(t, cs.CannedResponses, "received"); !strings.Contains(c.BodyES, "{{requester.name}}") || !strings.Contains(c.BodyEN, "{{ticket.number}}") {
		t.Fatalf("received: %+v", c)
	}
	// A customer sees no usage counts: they are counts over every ticket.
	if un.InUse != 0 {
		t.Fatalf("a customer sees usage: %+v", un)
	}

	// Those who manage catalogs see how many tickets use each entry.
	phone, ops := find(t, cs.Channels, "phone"), find(t, cs.Categories, "operations")
	late, lvl2 := find(t, cs.Categories, "order_not_received"), find(t, cs.Queues, "level_2")
	exec(t, a, `UPDATE tickets SET channel_id = $1, category_id = $2, subcategory_id = $3, queue_id = $4 WHERE id = ANY($5)`,
		phone.ID, ops.ID, late.ID, lvl2.ID, f.Tickets[:3])
	staff := get(t, testutil.Login(t, a, "admin@x.test"))
	for what, got := range map[string]int64{
		"unattended": find(t, staff.Statuses, "unattended").InUse, "in_progress": find(t, staff.Statuses, "in_progress").InUse,
		"do": find(t, staff.Priorities, "do").InUse, "phone": find(t, staff.Channels, "phone").InUse,
		"email": find(t, staff.Channels, "email").InUse, "operations": find(t, staff.Categories, "operations").InUse,
		"order_not_received": find(t, staff.Categories, "order_not_received").InUse, "level_2": find(t, staff.Queues, "level_2").InUse,
		"level_1": find(t, staff.Queues, "level_1").InUse, "received": find(t, staff.CannedResponses, "received").InUse,
	} {
		want := map[string]int64{"unattended": 4, "do": 1, "phone": 3, "operations": 3, "order_not_received": 3, "level_2": 3, "level_1": 1}[what]
		if got != want {
			t.Fatalf("in_use of %s = %d, want %d", what, got, want)
		}
	}
	// The board's lists keep answering with the active entries only.
	var sts struct{ Statuses []catalog.Status }
	call(t, testutil.Login(t, a, "admin@x.test"), "GET", "/api/v1/catalog/statuses", nil, 200, &sts)
	if len(sts.Statuses) != 11 || sts.Statuses[0].InUse != 4 {
		t.Fatalf("GET /catalog/statuses: %+v", sts.Statuses)
	}
}

func TestOnlyAdminsChangeCatalogs(t *testing.T) {
	a, _ := start(t, 0)
	admin := testutil.Login(t, a, "admin@x.test")
	cs := get(t, admin)
	ch := find(t, cs.Channels, "phone")
	routes := []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/catalog/channels", map[string]any{"name_es": "Fax", "name_en": "Fax"}},
		{"PATCH", fmt.Sprintf("/api/v1/catalog/channels/%d", ch.ID), map[string]any{"version": 1, "name_en": "Telephone"}},
		{"POST", "/api/v1/catalog/channels/reorder", map[string]any{"ids": []int64{ch.ID}}},
		{"DELETE", fmt.Sprintf("/api/v1/catalog/channels/%d", ch.ID), nil},
		{"PUT", "/api/v1/catalog/priority-scheme", map[string]any{"scheme": "eisenhower"}},
		{"GET", fmt.Sprintf("/api/v1/catalog/channels/%d/history", ch.ID), nil},
	}
	for _, who := range []string{"agent1@x.test", "customer@x.test", ""} {
		var c *testutil.Client
		if who == "" {
			c = testutil.NewClient(t, a)
		} else {
			c = testutil.Login(t, a, who)
		}
		for _, r := range routes {
			for _, lang := range []string{"en", "es"} {
				t.Run(fmt.Sprintf("%s %s %s %s", who, r.method, r.path, lang), func(t *testing.T) {
					before := state(t, a)
					c.Lang = lang
					st, body := c.Do(r.method, r.path, r.body)
					var e errorBody
					_ = json.Unmarshal(body, &e)
					want, msg := 403, map[string]string{"en": "Only an administrator can change the catalogs", "es": "Solo un administrador puede cambiar los catálogos"}[lang]
					if who == "" {
						want, msg = 401, map[string]string{"en": "Log in", "es": "Inicia sesión"}[lang]
					}
					if st != want || !strings.Contains(e.Error.Message, msg) {
						t.Fatalf("%d %s, want %d saying %q", st, body, want, msg)
					}
					if after := state(t, a); after != before {
						t.Fatal("a refused request changed the catalogs")
					}
				})
			}
		}
	}
	// Reading the catalogs is for every logged-in user, not for anonymous callers.
	if st, _ := testutil.NewClient(t, a).Do("GET", "/api/v1/catalog", nil); st != 401 {
		t.Fatalf("anonymous GET /catalog: %d", st)
	}
	for _, who := range []string{"customer@x.test", "agent1@x.test"} {
		if cs := get(t, testutil.Login(t, a, who)); len(cs.Channels) != 8 {
			t.Fatalf("%s reads the catalogs: %+v", who, cs.Channels)
		}
	}
}

func TestCreateEntries(t *testing.T) {
	a, f := start(t, 0)
	onlyDefaultStatuses(t, a)
	admin := testutil.Login(t, a, "admin@x.test")
	adminID := f.Users["admin@x.test"].ID
	cs := get(t, admin)
	ops := find(t, cs.Categories, "operations")
	cases := []struct {
		kind, list string
		body       map[string]any
		want       map[string]any // fields of the created entry
		siblings   func(catalog.Catalogs) []string
	}{
		{"channels", "channels", map[string]any{"name_es": "  WhatsApp  ", "name_en": "WhatsApp Business"},
			map[string]any{"key": "whatsapp_business", "name_es": "WhatsApp", "position": 9.0, "active": true, "version": 1.0, "in_use": 0.0},
			func(c catalog.Catalogs) []string { return keys(c.Channels) }},
		{"channels", "channels", map[string]any{"name_es": "WhatsApp 2", "name_en": "WhatsApp business!", "position": 2, "active": false},
			map[string]any{"key": "whatsapp_business_2", "position": 2.0, "active": false},
			func(c catalog.Catalogs) []string { return keys(c.Channels) }},
		{"categories", "categories", map[string]any{"name_es": "Garantías", "name_en": "Warranty", "description_es": "Reclamos de garantía",
			"description_en": "Warranty claims"},
			map[string]any{"key": "warranty", "parent_id": nil, "position": 8.0, "description_en": "Warranty claims"},
			func(c catalog.Catalogs) []string { return keys(c.Categories) }},
		{"categories", "categories", map[string]any{"key": "late_delivery", "name_es": "Entrega tardía", "name_en": "Late delivery", "parent_id": ops.ID, "position": 1},
			map[string]any{"key": "late_delivery", "parent_id": float64(ops.ID), "position": 1.0},
			func(c catalog.Catalogs) []string { return keys(c.Categories) }},
		{"statuses", "statuses", map[string]any{"name_es": "En revisión", "name_en": "In review", "group": "doing", "color": "#AbCdEf", "wip_limit": 3, "pauses_sla": true},
			map[string]any{"key": "in_review", "group": "doing", "position": 3.0, "color": "#AbCdEf", "wip_limit": 3.0, "pauses_sla": true},
			func(c catalog.Catalogs) []string { return keys(c.Statuses) }},
		{"statuses", "statuses", map[string]any{"name_es": "Nuevo", "name_en": "Ñandú Ünicode", "group": "todo", "color": "#64748b"},
			map[string]any{"key": "nandu_unicode", "position": 2.0, "color": "#64748b", "wip_limit": nil, "pauses_sla": false},
			func(c catalog.Catalogs) []string { return keys(c.Statuses) }},
		{"kb-categories", "kb_categories", map[string]any{"name_es": "Envíos", "name_en": "Shipping"},
			map[string]any{"key": "shipping", "position": 5.0}, func(c catalog.Catalogs) []string { return keys(c.KBCategories) }},
		{"queues", "queues", map[string]any{"name_es": "Nivel 4", "name_en": "Level 4", "level": 4},
			map[string]any{"key": "level_4", "level": 4.0, "position": 4.0}, func(c catalog.Catalogs) []string { return keys(c.Queues) }},
		{"note-reasons", "note_reasons", map[string]any{"name_es": "Flete", "name_en": "Freight", "kind": "debit"},
			map[string]any{"key": "freight", "kind": "debit", "position": 7.0}, func(c catalog.Catalogs) []string { return keys(c.NoteReasons) }},
		{"canned-responses", "canned_responses", map[string]any{"name_es": "Gracias", "name_en": "Thanks",
			"body_es": "Gracias {{ requester.name }}, caso #{{ticket.number}}.", "body_en": "Thanks {{requester.name}} — {{agent.email}}"},
			map[string]any{"key": "thanks", "body_es": "Gracias {{ requester.name }}, caso #{{ticket.number}}.", "position": 4.0},
			func(c catalog.Catalogs) []string { return keys(c.CannedResponses) }},
	}
	for _, c := range cases {
		t.Run(c.kind+" "+c.body["name_en"].(string), func(t *testing.T) {
			evBefore, chBefore := events(t, a, c.kind), len(changes(t, a, c.kind))
			var got map[string]any
			call(t, admin, "POST", "/api/v1/catalog/"+c.kind, c.body, 201, &got)
			for k, v := range c.want {
				if !reflect.DeepEqual(got[k], v) {
					t.Fatalf("%s = %#v, want %#v (entry %v)", k, got[k], v, got)
				}
			}
			if events(t, a, c.kind) != evBefore+1 {
				t.Fatal("no catalog.changed event for the creation")
			}
			var actor int64
			if err := a.DB.Pool.QueryRow(context.Background(), `SELECT (payload->'actor'->>'id')::bigint FROM events
				WHERE name = 'catalog.changed' ORDER BY id DESC LIMIT 1`).Scan(&actor); err != nil || actor != adminID {
				t.Fatalf("the event names its actor: %d %v", actor, err)
			}
			chs := changes(t, a, c.kind)
			last := chs[len(chs)-1]
			if len(chs) != chBefore+1 || last.Action != "created" || last.Before != nil || last.ActorID == nil || *last.ActorID != adminID ||
				last.After["key"] != got["key"] || last.After["name_en"] != got["name_en"] || *last.EntryID != int64(got["id"].(float64)) {
				t.Fatalf("history row %+v for %v", last, got)
			}
			if _, ok := last.After["in_use"]; ok {
				t.Fatal("the history stores the entry, not its usage")
			}
			list := c.siblings(get(t, admin))
			if !slices.Contains(list, got["key"].(string)) {
				t.Fatalf("the new entry is not listed: %v", list)
			}
		})
	}
	// A key derived from a long name stays a valid key, with room for a suffix.
	var long catalog.Channel
	call(t, admin, "POST", "/api/v1/catalog/channels", map[string]any{"name_es": "Largo", "name_en": strings.Repeat("Long name ", 8)}, 201, &long)
	if long.Key != "long_name_long_name_long_name_long_n" {
		t.Fatalf("key of a long name: %q", long.Key)
	}
	// Placed entries pushed their siblings down, and the lists stay dense.
	cs = get(t, admin)
	for i, ch := range cs.Channels {
		if ch.Position != i+1 {
			t.Fatalf("channel positions: %v", cs.Channels)
		}
	}
	if got := keys(cs.Channels)[:3]; !reflect.DeepEqual(got, []string{"corporate_site", "whatsapp_business_2", "replicated_site"}) {
		t.Fatalf("a channel placed second: %v", got)
	}
	if sub := find(t, cs.Categories, "late_delivery"); sub.Position != 1 || find(t, cs.Categories, "order_not_received").Position != 2 {
		t.Fatal("a subcategory placed first moves the others down")
	}
	// Statuses are placed within their group.
	if got := keys(cs.Statuses); !reflect.DeepEqual(got, []string{"unattended", "nandu_unicode", "in_progress", "waiting", "in_review", "resolved", "closed"}) {
		t.Fatalf("statuses: %v", got)
	}
	// The four priorities are fixed: there is nowhere to create one.
	before := state(t, a)
	var e errorBody
	call(t, admin, "POST", "/api/v1/catalog/priorities", map[string]any{"name_es": "X", "name_en": "X"}, 404, &e)
	if state(t, a) != before {
		t.Fatal("refused creation wrote something")
	}
}

func TestBadInputIsRefusedInBothLanguagesAndWritesNothing(t *testing.T) {
	a, _ := start(t, 2)
	onlyDefaultStatuses(t, a)
	admin := testutil.Login(t, a, "admin@x.test")
	cs := get(t, admin)
	phone := find(t, cs.Channels, "phone")
	ops, sub := find(t, cs.Categories, "operations"), find(t, cs.Categories, "order_not_received")
	legal := find(t, cs.Categories, "legal")
	closed := find(t, cs.Statuses, "closed")
	unattended := find(t, cs.Statuses, "unattended")
	do := find(t, cs.Priorities, "do")
	level1 := find(t, cs.Queues, "level_1")
	reason, canned, kb := find(t, cs.NoteReasons, "return_credit"), find(t, cs.CannedResponses, "received"), find(t, cs.KBCategories, "orders")
	// An inactive category cannot take subcategories; a used channel cannot be deleted.
	exec(t, a, `UPDATE categories SET active = false WHERE key = 'customer_service'`)
	inactive := find(t, get(t, admin).Categories, "customer_service")
	exec(t, a, `UPDATE tickets SET channel_id = $1`, phone.ID)
	inProgress := find(t, cs.Statuses, "in_progress")
	exec(t, a, `UPDATE tickets SET status_id = $1 WHERE id = (SELECT min(id) FROM tickets)`, inProgress.ID)

	long := func(n int) string { return strings.Repeat("a", n) }
	entry := func(extra string) string { return `{"name_es":"Uno","name_en":"One"` + extra + `}` }
	patchPath := func(kind string, id int64) string { return fmt.Sprintf("/api/v1/catalog/%s/%d", kind, id) }
	type msg struct{ en, es string }
	var (
		required = msg{"This field is required", "Este campo es obligatorio"}
		max80    = msg{"At most 80 characters", "Máximo 80 caracteres"}
		unknown  = msg{"This field does not exist", "Este campo no existe"}
		atLeast1 = msg{"Must be at least 1", "Debe ser al menos 1"}
		color    = msg{"#rrggbb", "#rrggbb"}
		parent   = msg{"Choose an active top-level category", "Elige como categoría padre una categoría activa de primer nivel"}
	)
	cases := []struct {
		name         string
		method, path string
		body         string
		status       int
		field        string // "" : the main message
		want         msg
	}{
		{"malformed JSON", "POST", "/api/v1/catalog/channels", `{"name_es":`, 400, "", msg{"not valid JSON", "no es JSON válido"}},
		{"empty body", "POST", "/api/v1/catalog/channels", ``, 400, "", msg{"body is missing", "Falta el cuerpo"}},
		{"unknown catalog", "POST", "/api/v1/catalog/widgets", entry(""), 404, "", msg{"This address does not exist in the API", "Esta dirección no existe en la API"}},
		{"unknown catalog on patch", "PATCH", "/api/v1/catalog/widgets/1", `{"version":1}`, 404, "", msg{"This address does not exist in the API", "Esta dirección no existe en la API"}},
		{"name_es missing", "POST", "/api/v1/catalog/channels", `{"name_en":"One"}`, 422, "name_es", required},
		{"name_es blank", "POST", "/api/v1/catalog/channels", `{"name_es":"   ","name_en":"One"}`, 422, "name_es", required},
		{"name_en too long", "POST", "/api/v1/catalog/channels", `{"name_es":"Uno","name_en":"` + long(81) + `"}`, 422, "name_en", max80},
		{"name_es not a string", "POST", "/api/v1/catalog/kb-categories", `{"name_es":1,"name_en":"One"}`, 422, "name_es", msg{"expected string", "se esperaba string"}},
		{"key with capitals", "POST", "/api/v1/catalog/channels", entry(`,"key":"Bad Key"`), 422, "key", msg{"lowercase letters", "letras minúsculas"}},
		{"key too long", "POST", "/api/v1/catalog/channels", entry(`,"key":"` + long(41) + `"`), 422, "key", msg{"At most 40", "Máximo 40"}},
		{"key taken", "POST", "/api/v1/catalog/channels", entry(`,"key":"phone"`), 422, "key", msg{"already uses that key", "ya usa esa clave"}},
		{"position zero", "POST", "/api/v1/catalog/channels", entry(`,"position":0`), 422, "position", atLeast1},
		{"active not a boolean", "POST", "/api/v1/catalog/channels", entry(`,"active":"yes"`), 422, "active", msg{"expected boolean", "se esperaba boolean"}},
		{"field of another catalog", "POST", "/api/v1/catalog/channels", entry(`,"color":"#ffffff"`), 422, "color", unknown},
		{"id is not editable", "POST", "/api/v1/catalog/channels", entry(`,"id":5`), 422, "id", unknown},
		{"description too long", "POST", "/api/v1/catalog/categories", entry(`,"description_es":"` + long(501) + `"`), 422, "description_es", msg{"At most 500", "Máximo 500"}},
		{"parent that does not exist", "POST", "/api/v1/catalog/categories", entry(`,"parent_id":99999`), 422, "parent_id", parent},
		{"parent that is a subcategory", "POST", "/api/v1/catalog/categories", entry(fmt.Sprintf(`,"parent_id":%d`, sub.ID)), 422, "parent_id", parent},
		{"parent that is inactive", "POST", "/api/v1/catalog/categories", entry(fmt.Sprintf(`,"parent_id":%d`, inactive.ID)), 422, "parent_id", parent},
		{"parent zero", "POST", "/api/v1/catalog/categories", entry(`,"parent_id":0`), 422, "parent_id", atLeast1},
		{"status without group", "POST", "/api/v1/catalog/statuses", entry(`,"color":"#000000"`), 422, "group", required},
		{"status without color", "POST", "/api/v1/catalog/statuses", entry(`,"group":"todo"`), 422, "color", required},
		{"status in no group", "POST", "/api/v1/catalog/statuses", entry(`,"group":"later"`), 422, "group", msg{"Must be one of: todo doing done", "Debe ser uno de: todo doing done"}},
		{"color by name", "POST", "/api/v1/catalog/statuses", entry(`,"group":"todo","color":"red"`), 422, "color", color},
		{"color not hex", "POST", "/api/v1/catalog/statuses", entry(`,"group":"todo","color":"#12345g"`), 422, "color", color},
		{"wip limit zero", "POST", "/api/v1/catalog/statuses", entry(`,"group":"todo","color":"#000000","wip_limit":0`), 422, "wip_limit", atLeast1},
		{"pauses_sla not a boolean", "POST", "/api/v1/catalog/statuses", entry(`,"group":"todo","color":"#000000","pauses_sla":1`), 422, "pauses_sla", msg{"expected boolean", "se esperaba boolean"}},
		{"queue without level", "POST", "/api/v1/catalog/queues", entry(""), 422, "level", required},
		{"queue level zero", "POST", "/api/v1/catalog/queues", entry(`,"level":0`), 422, "level", atLeast1},
		{"queue level ten", "POST", "/api/v1/catalog/queues", entry(`,"level":10`), 422, "level", msg{"Must be at most 9", "Debe ser como mucho 9"}},
		{"note reason of no kind", "POST", "/api/v1/catalog/note-reasons", entry(`,"kind":"refund"`), 422, "kind", msg{"Must be one of: credit debit", "Debe ser uno de: credit debit"}},
		{"canned without body", "POST", "/api/v1/catalog/canned-responses", entry(`,"body_en":"Hi"`), 422, "body_es", required},
		{"canned body too long", "POST", "/api/v1/catalog/canned-responses", entry(`,"body_es":"Hola","body_en":"` + long(10001) + `"`), 422, "body_en", msg{"At most 10000", "Máximo 10000"}},
		{"canned unknown placeholder", "POST", "/api/v1/catalog/canned-responses", entry(`,"body_es":"Hola {{ ticket.owner }}","body_en":"Hi"`), 422, "body_es",
			msg{"The placeholder “{{ ticket.owner }}” does not exist. You can use: {{requester.name}}", "El marcador «{{ ticket.owner }}» no existe. Puedes usar: {{requester.name}}"}},
		{"priority created", "POST", "/api/v1/catalog/priorities", entry(""), 404, "", msg{"This address does not exist in the API", "Esta dirección no existe en la API"}},

		{"patch without version", "PATCH", patchPath("channels", phone.ID), `{"name_en":"Telephone"}`, 422, "version", required},
		{"patch version not a number", "PATCH", patchPath("channels", phone.ID), `{"version":"1"}`, 422, "version", msg{"expected integer", "se esperaba integer"}},
		{"patch name blank", "PATCH", patchPath("channels", phone.ID), `{"version":1,"name_es":" "}`, 422, "name_es", required},
		{"patch name too long", "PATCH", patchPath("channels", phone.ID), `{"version":1,"name_en":"` + long(81) + `"}`, 422, "name_en", max80},
		{"patch key", "PATCH", patchPath("channels", phone.ID), `{"version":1,"key":"tel"}`, 422, "key", unknown},
		{"patch stale", "PATCH", patchPath("channels", phone.ID), `{"version":7,"name_en":"Telephone"}`, 409, "", msg{"Someone changed this entry while you were editing it", "Alguien cambió esta entrada mientras la editabas"}},
		{"patch id not a number", "PATCH", "/api/v1/catalog/channels/abc", `{"version":1}`, 404, "", msg{"That catalog entry does not exist", "Esa entrada del catálogo no existe"}},
		{"patch id unknown", "PATCH", patchPath("channels", 99999), `{"version":1}`, 404, "", msg{"That catalog entry does not exist", "Esa entrada del catálogo no existe"}},
		{"patch wip limit zero", "PATCH", patchPath("statuses", closed.ID), `{"version":1,"wip_limit":0}`, 422, "wip_limit", atLeast1},
		{"patch wip limit not a number", "PATCH", patchPath("statuses", closed.ID), `{"version":1,"wip_limit":"x"}`, 422, "wip_limit", msg{"expected integer", "se esperaba integer"}},
		{"patch group", "PATCH", patchPath("statuses", closed.ID), `{"version":1,"group":"over"}`, 422, "group", msg{"Must be one of", "Debe ser uno de"}},
		{"patch color", "PATCH", patchPath("statuses", closed.ID), `{"version":1,"color":"#fff"}`, 422, "color", color},
		{"patch category under itself", "PATCH", patchPath("categories", legal.ID), fmt.Sprintf(`{"version":1,"parent_id":%d}`, legal.ID), 422, "parent_id", parent},
		{"patch category with subcategories under another", "PATCH", patchPath("categories", ops.ID), fmt.Sprintf(`{"version":1,"parent_id":%d}`, legal.ID), 422, "parent_id",
			msg{"A category that has subcategories cannot become a subcategory", "Una categoría con subcategorías no puede ser subcategoría"}},
		{"patch subcategory under a subcategory", "PATCH", patchPath("categories", legal.ID), fmt.Sprintf(`{"version":1,"parent_id":%d}`, sub.ID), 422, "parent_id", parent},
		{"patch description too long", "PATCH", patchPath("categories", sub.ID), `{"version":1,"description_en":"` + long(501) + `"}`, 422, "description_en", msg{"At most 500", "Máximo 500"}},
		{"patch queue level", "PATCH", patchPath("queues", level1.ID), `{"version":1,"level":0}`, 422, "level", atLeast1},
		{"patch note reason kind", "PATCH", patchPath("note-reasons", reason.ID), `{"version":1,"kind":"both"}`, 422, "kind", msg{"Must be one of: credit debit", "Debe ser uno de: credit debit"}},
		{"patch canned placeholder", "PATCH", patchPath("canned-responses", canned.ID), `{"version":1,"body_en":"Hi {{agent.phone}}"}`, 422, "body_en",
			msg{"The placeholder “{{agent.phone}}” does not exist", "El marcador «{{agent.phone}}» no existe"}},
		{"patch canned body blank", "PATCH", patchPath("canned-responses", canned.ID), `{"version":1,"body_es":"  "}`, 422, "body_es", required},
		{"patch canned body too long", "PATCH", patchPath("canned-responses", canned.ID), `{"version":1,"body_es":"` + long(10001) + `"}`, 422, "body_es", msg{"At most 10000", "Máximo 10000"}},
		{"patch active not a boolean", "PATCH", patchPath("kb-categories", kb.ID), `{"version":1,"active":0}`, 422, "active", msg{"expected boolean", "se esperaba boolean"}},
		{"patch pauses_sla not a boolean", "PATCH", patchPath("statuses", closed.ID), `{"version":1,"pauses_sla":"no"}`, 422, "pauses_sla", msg{"expected boolean", "se esperaba boolean"}},
		{"patch parent not a number", "PATCH", patchPath("categories", sub.ID), `{"version":1,"parent_id":"x"}`, 422, "parent_id", msg{"expected integer", "se esperaba integer"}},
		{"patch priority active", "PATCH", patchPath("priorities", do.ID), `{"version":1,"active":"no"}`, 422, "active", msg{"expected boolean", "se esperaba boolean"}},
		{"patch priority important", "PATCH", patchPath("priorities", do.ID), `{"version":1,"important":false}`, 422, "important", unknown},
		{"patch priority color", "PATCH", patchPath("priorities", do.ID), `{"version":1,"color":"crimson"}`, 422, "color", color},
		{"patch priority blank name", "PATCH", patchPath("priorities", do.ID), `{"version":1,"name_en":""}`, 422, "name_en", required},
		{"deactivate the last todo status", "PATCH", patchPath("statuses", unattended.ID), `{"version":1,"active":false}`, 422, "",
			msg{"At least one active status must remain in TO DO", "Debe quedar al menos un estado activo en POR HACER"}},
		{"deactivate a status holding tickets", "PATCH", patchPath("statuses", inProgress.ID), `{"version":1,"active":false}`, 409, "",
			msg{"This status holds 1 tickets: move them", "Este estado tiene 1 tickets: muévelos"}},

		{"reorder without ids", "POST", "/api/v1/catalog/channels/reorder", `{}`, 422, "ids", required},
		{"reorder no ids", "POST", "/api/v1/catalog/channels/reorder", `{"ids":[]}`, 422, "ids", atLeast1},
		{"reorder repeated ids", "POST", "/api/v1/catalog/queues/reorder", fmt.Sprintf(`{"ids":[%d,%d]}`, level1.ID, level1.ID), 422, "ids", msg{"only once", "una sola vez"}},
		{"reorder a bad id", "POST", "/api/v1/catalog/queues/reorder", `{"ids":[0]}`, 422, "ids[0]", atLeast1},
		{"reorder part of a list", "POST", "/api/v1/catalog/queues/reorder", fmt.Sprintf(`{"ids":[%d]}`, level1.ID), 422, "ids", msg{"Send every entry of the list exactly once", "Envía todas las entradas de la lista"}},
		{"reorder an unknown id", "POST", "/api/v1/catalog/channels/reorder", `{"ids":[99999]}`, 422, "ids", msg{"Send every entry", "Envía todas las entradas"}},
		{"reorder two lists", "POST", "/api/v1/catalog/categories/reorder", fmt.Sprintf(`{"ids":[%d,%d]}`, legal.ID, sub.ID), 422, "ids", msg{"Only entries of one list", "Solo se ordenan juntas"}},
		{"reorder priorities", "POST", "/api/v1/catalog/priorities/reorder", fmt.Sprintf(`{"ids":[%d]}`, do.ID), 404, "", msg{"This address does not exist in the API", "Esta dirección no existe en la API"}},

		{"delete a used channel", "DELETE", patchPath("channels", phone.ID), ``, 409, "", msg{"Used by 2 tickets: deactivate it", "La usan 2 tickets: desactívala"}},
		{"delete a priority", "DELETE", patchPath("priorities", do.ID), ``, 404, "", msg{"This address does not exist in the API", "Esta dirección no existe en la API"}},
		{"delete a category with subcategories", "DELETE", patchPath("categories", ops.ID), ``, 409, "", msg{"This category has 7 subcategories", "Esta categoría tiene 7 subcategorías"}},
		{"delete the last todo status", "DELETE", patchPath("statuses", unattended.ID), ``, 409, "", msg{"At least one active status must remain in TO DO", "Debe quedar al menos un estado activo en POR HACER"}},
		{"delete unknown", "DELETE", patchPath("channels", 99999), ``, 404, "", msg{"That catalog entry does not exist", "Esa entrada del catálogo no existe"}},
		{"history of unknown", "GET", patchPath("channels", 99999) + "/history", ``, 404, "", msg{"That catalog entry does not exist", "Esa entrada del catálogo no existe"}},
		{"history id not a number", "GET", "/api/v1/catalog/channels/x/history", ``, 404, "", msg{"That catalog entry does not exist", "Esa entrada del catálogo no existe"}},

		{"scheme missing", "PUT", "/api/v1/catalog/priority-scheme", `{}`, 422, "scheme", required},
		{"scheme unknown", "PUT", "/api/v1/catalog/priority-scheme", `{"scheme":"loud"}`, 422, "scheme", msg{"Must be one of: eisenhower altisima bajisima custom", "Debe ser uno de: eisenhower altisima bajisima custom"}},
		{"scheme not a string", "PUT", "/api/v1/catalog/priority-scheme", `{"scheme":1}`, 422, "scheme", msg{"expected string", "se esperaba string"}},
	}
	for _, c := range cases {
		for _, lang := range []string{"en", "es"} {
			t.Run(c.name+" "+lang, func(t *testing.T) {
				before := state(t, a)
				admin.Lang = lang
				var body any
				if c.body != "" {
					body = c.body
				}
				st, b := admin.Do(c.method, c.path, body)
				if st != c.status {
					t.Fatalf("status %d, want %d: %s", st, c.status, b)
				}
				var e errorBody
				if err := json.Unmarshal(b, &e); err != nil {
					t.Fatalf("not the error body: %s", b)
				}
				got := e.Error.Message
				if c.field != "" {
					got = e.Error.Fields[c.field]
				}
				want := map[string]string{"en": c.want.en, "es": c.want.es}[lang]
				if !strings.Contains(got, want) {
					t.Fatalf("message %q (fields %v) does not say %q", e.Error.Message, e.Error.Fields, want)
				}
				if after := state(t, a); after != before {
					t.Fatal("a refused request changed the catalogs")
				}
			})
		}
	}
}

func TestUpdateEntries(t *testing.T) {
	a, f := start(t, 0)
	onlyDefaultStatuses(t, a)
	admin := testutil.Login(t, a, "admin@x.test")
	cs := get(t, admin)
	path := func(kind string, id int64) string { return fmt.Sprintf("/api/v1/catalog/%s/%d", kind, id) }

	// A partial patch changes only what it names and bumps the version.
	phone := find(t, cs.Channels, "phone")
	ev := events(t, a, "channels")
	var got catalog.Channel
	call(t, admin, "PATCH", path("channels", phone.ID), map[string]any{"version": 1, "name_en": "  Telephone "}, 200, &got)
	if got.NameEN != "Telephone" || got.NameES != phone.NameES || got.Version != 2 || got.Position != phone.Position || !got.Active || got.Key != "phone" {
		t.Fatalf("patched channel: %+v", got)
	}
	if events(t, a, "channels") != ev+1 {
		t.Fatal("no catalog.changed event for the patch")
	}
	chs := changes(t, a, "channels")
	last := chs[len(chs)-1]
	if last.Action != "updated" || *last.EntryID != phone.ID || *last.ActorID != f.Users["admin@x.test"].ID ||
		last.Before["name_en"] != "Phone" || last.After["name_en"] != "Telephone" || last.Before["version"] != 1.0 || last.After["version"] != 2.0 {
		t.Fatalf("history row: %+v", last)
	}

	// The same values again: 200 with the entry, nothing written.
	before := state(t, a)
	call(t, admin, "PATCH", path("channels", phone.ID), map[string]any{"version": 2, "name_en": "Telephone"}, 200, &got)
	if got.Version != 2 || state(t, a) != before {
		t.Fatalf("a patch that changes nothing wrote something: %+v", got)
	}

	// A stale version is refused with the current entry.
	var e errorBody
	call(t, admin, "PATCH", path("channels", phone.ID), map[string]any{"version": 1, "name_es": "Tel"}, 409, &e)
	var cur catalog.Channel
	if err := json.Unmarshal(e.Current, &cur); err != nil || cur.Version != 2 || cur.NameEN != "Telephone" || cur.ID != phone.ID || e.Error.Code != "conflict" {
		t.Fatalf("stale patch: %+v %s", e, e.Current)
	}
	if state(t, a) != before {
		t.Fatal("a stale patch wrote something")
	}

	// Deactivating keeps the entry listed, inactive.
	call(t, admin, "PATCH", path("channels", phone.ID), map[string]any{"version": 2, "active": false}, 200, &got)
	if got.Active || find(t, get(t, admin).Channels, "phone").Active {
		t.Fatal("deactivated channel still active")
	}

	// A nullable field: absent leaves it, null clears it.
	var st catalog.Status
	closed := find(t, cs.Statuses, "closed")
	call(t, admin, "PATCH", path("statuses", closed.ID), map[string]any{"version": 1, "wip_limit": 5, "pauses_sla": false, "color": "#123ABC"}, 200, &st)
	if st.WIPLimit == nil || *st.WIPLimit != 5 || st.PausesSLA || st.Color != "#123ABC" {
		t.Fatalf("status: %+v", st)
	}
	call(t, admin, "PATCH", path("statuses", closed.ID), map[string]any{"version": 2, "name_en": "Done"}, 200, &st)
	if st.WIPLimit == nil || *st.WIPLimit != 5 {
		t.Fatal("an absent wip_limit was cleared")
	}
	call(t, admin, "PATCH", path("statuses", closed.ID), map[string]any{"version": 3, "wip_limit": nil}, 200, &st)
	if st.WIPLimit != nil || st.Version != 4 {
		t.Fatalf("null did not clear wip_limit: %+v", st)
	}

	// A status moved to another group goes last there; its old group closes the gap.
	waiting := find(t, cs.Statuses, "waiting")
	inProgress := find(t, cs.Statuses, "in_progress")
	call(t, admin, "PATCH", path("statuses", inProgress.ID), map[string]any{"version": 1, "group": "todo"}, 200, &st)
	cs = get(t, admin)
	if got := keys(cs.Statuses); !reflect.DeepEqual(got, []string{"unattended", "in_progress", "waiting", "resolved", "closed"}) {
		t.Fatalf("statuses %v", got)
	}
	if s := find(t, cs.Statuses, "in_progress"); s.Group != catalog.ToDo || s.Position != 2 {
		t.Fatalf("moved status: %+v", s)
	}
	if s := find(t, cs.Statuses, "waiting"); s.Position != 1 || s.ID != waiting.ID {
		t.Fatalf("the old group closes the gap: %+v", s)
	}

	// A subcategory moves under another active top-level category, last there; a subcategory can
	// become a top-level category.
	sub, legal := find(t, cs.Categories, "identity_fraud"), find(t, cs.Categories, "legal")
	var cat catalog.Category
	call(t, admin, "PATCH", path("categories", sub.ID), map[string]any{"version": 1, "parent_id": legal.ID, "description_es": "Suplantación"}, 200, &cat)
	if cat.ParentID == nil || *cat.ParentID != legal.ID || cat.Position != 2 || cat.DescriptionES != "Suplantación" || cat.DescriptionEN != sub.DescriptionEN {
		t.Fatalf("moved subcategory: %+v", cat)
	}
	if s := find(t, get(t, admin).Categories, "order_not_placed"); s.Position != 1 {
		t.Fatalf("its old siblings close the gap: %+v", s)
	}
	call(t, admin, "PATCH", path("categories", sub.ID), map[string]any{"version": 2, "parent_id": nil}, 200, &cat)
	if cat.ParentID != nil || cat.Position != 8 {
		t.Fatalf("subcategory made top-level: %+v", cat)
	}

	// Other kinds' own fields.
	var q catalog.Queue
	call(t, admin, "PATCH", path("queues", find(t, cs.Queues, "level_3").ID), map[string]any{"version": 1, "level": 9}, 200, &q)
	if q.Level != 9 {
		t.Fatalf("queue: %+v", q)
	}
	var n catalog.NoteReason
	call(t, admin, "PATCH", path("note-reasons", find(t, cs.NoteReasons, "goodwill_credit").ID), map[string]any{"version": 1, "kind": "debit"}, 200, &n)
	if n.Kind != catalog.Debit {
		t.Fatalf("note reason: %+v", n)
	}
	var c catalog.CannedResponse
	call(t, admin, "PATCH", path("canned-responses", find(t, cs.CannedResponses, "resolved").ID),
		map[string]any{"version": 1, "body_en": "Bye {{ agent.name }}"}, 200, &c)
	if c.BodyEN != "Bye {{ agent.name }}" || !strings.Contains(c.BodyES, "{{ticket.number}}") {
		t.Fatalf("canned response: %+v", c)
	}
	var k catalog.KBCategory
	call(t, admin, "PATCH", path("kb-categories", find(t, cs.KBCategories, "orders").ID), map[string]any{"version": 1, "name_es": "Órdenes"}, 200, &k)
	if k.NameES != "Órdenes" {
		t.Fatalf("kb category: %+v", k)
	}
}

func TestUsedEntriesAreDeactivatedNotDeleted(t *testing.T) {
	a, f := start(t, 2)
	withoutWorkflow(t, a)
	admin := testutil.Login(t, a, "admin@x.test")
	cs := get(t, admin)
	path := func(kind string, id int64) string { return fmt.Sprintf("/api/v1/catalog/%s/%d", kind, id) }
	email, ops, sub := find(t, cs.Channels, "email"), find(t, cs.Categories, "operations"), find(t, cs.Categories, "order_not_received")
	exec(t, a, `UPDATE tickets SET channel_id = $1, category_id = $2, subcategory_id = $3 WHERE id = $4`, email.ID, ops.ID, sub.ID, f.Tickets[0])

	for _, c := range []struct {
		kind string
		id   int64
	}{{"channels", email.ID}, {"categories", sub.ID}} {
		for _, lang := range []string{"en", "es"} {
			before := state(t, a)
			admin.Lang = lang
			var e errorBody
			call(t, admin, "DELETE", path(c.kind, c.id), nil, 409, &e)
			want := map[string]string{"en": "Used by 1 tickets: deactivate it instead", "es": "La usan 1 tickets: desactívala en lugar de eliminarla"}[lang]
			if !strings.Contains(e.Error.Message, want) || state(t, a) != before {
				t.Fatalf("delete of a used %s: %q", c.kind, e.Error.Message)
			}
		}
	}
	admin.Lang = "en"
	// A used subcategory keeps its place in the tree.
	var e errorBody
	call(t, admin, "PATCH", path("categories", sub.ID), map[string]any{"version": 1, "parent_id": find(t, cs.Categories, "legal").ID}, 409, &e)
	var cur catalog.Category
	_ = json.Unmarshal(e.Current, &cur)
	if !strings.Contains(e.Error.Message, "Used by 1 tickets: its parent category cannot change") || cur.ID != sub.ID || cur.InUse != 1 || *cur.ParentID != ops.ID {
		t.Fatalf("moving a used subcategory: %q, current %s", e.Error.Message, e.Current)
	}
	// Deactivating is the way out.
	var ch catalog.Channel
	call(t, admin, "PATCH", path("channels", email.ID), map[string]any{"version": 1, "active": false}, 200, &ch)
	if ch.Active || ch.InUse != 1 {
		t.Fatalf("deactivated channel: %+v", ch)
	}

	// An entry no ticket used is deleted; its list closes the gap and its history stays.
	chat := find(t, cs.Channels, "chatbot")
	ev := events(t, a, "channels")
	if st, b := admin.Do("DELETE", path("channels", chat.ID), nil); st != 204 || len(b) != 0 {
		t.Fatalf("delete: %d %s", st, b)
	}
	if events(t, a, "channels") != ev+1 {
		t.Fatal("no catalog.changed event for the deletion")
	}
	cs = get(t, admin)
	if has(cs.Channels, "chatbot") {
		t.Fatal("deleted channel still listed")
	}
	for i, c := range cs.Channels {
		if c.Position != i+1 {
			t.Fatalf("positions after a deletion: %+v", cs.Channels)
		}
	}
	var hist struct{ Items []catalog.HistoryItem }
	call(t, admin, "GET", path("channels", chat.ID)+"/history", nil, 200, &hist)
	if len(hist.Items) != 1 || hist.Items[0].Action != "deleted" || string(hist.Items[0].After) != "null" || !strings.Contains(string(hist.Items[0].Before), `"key":"chatbot"`) {
		t.Fatalf("history of a deleted entry: %+v", hist.Items)
	}

	// A status a ticket went through is part of that ticket's history: it cannot be deleted.
	var st catalog.Status
	call(t, admin, "POST", "/api/v1/catalog/statuses", map[string]any{"name_es": "Triaje", "name_en": "Triage", "group": "todo", "color": "#7c3aed"}, 201, &st)
	move := func(ticket, status, version int64) {
		call(t, testutil.Login(t, a, "agent1@x.test"), "POST", fmt.Sprintf("/api/v1/tickets/%d/move", ticket),
			map[string]any{"status_id": status, "version": version}, 200, nil)
	}
	move(f.Tickets[1], st.ID, 1)
	move(f.Tickets[1], find(t, cs.Statuses, "unattended").ID, 2)
	before := state(t, a)
	call(t, admin, "DELETE", path("statuses", st.ID), nil, 409, &e)
	if !strings.Contains(e.Error.Message, "Tickets have used it: deactivate it instead") || state(t, a) != before {
		t.Fatalf("delete of a status in a ticket's history: %q", e.Error.Message)
	}
	// A status no ticket ever had is deleted.
	call(t, admin, "POST", "/api/v1/catalog/statuses", map[string]any{"name_es": "Vacío", "name_en": "Empty", "group": "done", "color": "#000000"}, 201, &st)
	if code, b := admin.Do("DELETE", path("statuses", st.ID), nil); code != 204 {
		t.Fatalf("delete an unused status: %d %s", code, b)
	}
	// So is an unused subcategory, then its emptied category.
	legal := find(t, cs.Categories, "legal")
	petition := find(t, cs.Categories, "formal_petition")
	for _, id := range []int64{petition.ID, legal.ID} {
		if code, b := admin.Do("DELETE", path("categories", id), nil); code != 204 {
			t.Fatalf("delete category %d: %d %s", id, code, b)
		}
	}
}

func TestStatusRules(t *testing.T) {
	a, f := start(t, 3)
	onlyDefaultStatuses(t, a)
	withoutWorkflow(t, a)
	admin := testutil.Login(t, a, "admin@x.test")
	cs := get(t, admin)
	path := func(id int64) string { return fmt.Sprintf("/api/v1/catalog/statuses/%d", id) }
	unattended := find(t, cs.Statuses, "unattended")

	// The only TO DO status can neither be deactivated, moved out of TO DO nor deleted.
	for _, body := range []map[string]any{{"version": 1, "active": false}, {"version": 1, "group": "doing"}} {
		before := state(t, a)
		var e errorBody
		call(t, admin, "PATCH", path(unattended.ID), body, 422, &e)
		if !strings.Contains(e.Error.Message, "At least one active status must remain in TO DO") || state(t, a) != before {
			t.Fatalf("%v: %q", body, e.Error.Message)
		}
	}
	// With a second TO DO status, the first still holds three tickets: move them first.
	var triage catalog.Status
	call(t, admin, "POST", "/api/v1/catalog/statuses", map[string]any{"name_es": "Triaje", "name_en": "Triage", "group": "todo", "color": "#7c3aed"}, 201, &triage)
	for _, lang := range []string{"en", "es"} {
		admin.Lang = lang
		before := state(t, a)
		var e errorBody
		call(t, admin, "PATCH", path(unattended.ID), map[string]any{"version": 1, "active": false}, 409, &e)
		want := map[string]string{"en": "This status holds 3 tickets: move them to another status before deactivating it",
			"es": "Este estado tiene 3 tickets: muévelos a otro estado antes de desactivarlo"}[lang]
		var cur catalog.Status
		_ = json.Unmarshal(e.Current, &cur)
		if !strings.HasPrefix(e.Error.Message, want) || state(t, a) != before || cur.ID != unattended.ID || !cur.Active || cur.InUse != 3 {
			t.Fatalf("deactivate a status with tickets: %q, current %s", e.Error.Message, e.Current)
		}
	}
	admin.Lang = "en"
	agent := testutil.Login(t, a, "agent1@x.test")
	for _, id := range f.Tickets {
		call(t, agent, "POST", fmt.Sprintf("/api/v1/tickets/%d/move", id), map[string]any{"status_id": triage.ID, "version": 1}, 200, nil)
	}
	var st catalog.Status
	call(t, admin, "PATCH", path(unattended.ID), map[string]any{"version": 1, "active": false}, 200, &st)
	if st.Active || st.InUse != 0 {
		t.Fatalf("deactivated: %+v", st)
	}
	// The board lists only active statuses; the catalog lists both.
	var board struct{ Statuses []catalog.Status }
	call(t, agent, "GET", "/api/v1/catalog/statuses", nil, 200, &board)
	if has(board.Statuses, "unattended") || !has(get(t, admin).Statuses, "unattended") {
		t.Fatal("an inactive status is off the board and in the catalog")
	}
	// Now triage is the last active TO DO status, and it holds the tickets.
	var e errorBody
	call(t, admin, "DELETE", path(triage.ID), nil, 409, &e)
	if !strings.Contains(e.Error.Message, "At least one active status must remain in TO DO") {
		t.Fatalf("delete the last todo: %q", e.Error.Message)
	}
	// Reactivating is allowed, and so is deactivating a status without tickets.
	call(t, admin, "PATCH", path(unattended.ID), map[string]any{"version": 2, "active": true}, 200, &st)
	closed := find(t, cs.Statuses, "closed")
	call(t, admin, "PATCH", path(closed.ID), map[string]any{"version": 1, "active": false}, 200, &st)
	if st.Active {
		t.Fatal("closed still active")
	}
}

func TestPrioritySchemes(t *testing.T) {
	a, _ := start(t, 0)
	admin := testutil.Login(t, a, "admin@x.test")
	names := func(ps []catalog.Priority) (es, en []string) {
		for _, p := range ps {
			es, en = append(es, p.NameES), append(en, p.NameEN)
		}
		return
	}
	cases := []struct {
		scheme string
		es, en []string
	}{
		{"eisenhower", []string{"DO", "DECIDE", "DELEGATE", "DELETE"}, []string{"DO", "DECIDE", "DELEGATE", "DELETE"}},
		{"bajisima", []string{"Alta", "Media", "Baja", "Bajísima"}, []string{"High", "Medium", "Low", "Lowest"}},
		{"altisima", []string{"Altísima", "Alta", "Media", "Baja"}, []string{"Critical", "High", "Medium", "Low"}},
	}
	for _, c := range cases {
		ev := events(t, a, "priorities")
		var res catalog.SchemeResult
		call(t, admin, "PUT", "/api/v1/catalog/priority-scheme", map[string]any{"scheme": c.scheme}, 200, &res)
		es, en := names(res.Priorities)
		if string(res.PriorityScheme) != c.scheme || !reflect.DeepEqual(es, c.es) || !reflect.DeepEqual(en, c.en) {
			t.Fatalf("%s: %+v", c.scheme, res)
		}
		cs := get(t, testutil.Login(t, a, "customer@x.test"))
		es, en = names(cs.Priorities)
		if string(cs.PriorityScheme) != c.scheme || !reflect.DeepEqual(es, c.es) || !reflect.DeepEqual(en, c.en) {
			t.Fatalf("%s as everyone reads it: %+v %s", c.scheme, cs.Priorities, cs.PriorityScheme)
		}
		if events(t, a, "priorities") != ev+1 {
			t.Fatalf("%s: one catalog.changed event", c.scheme)
		}
	}
	// The same scheme again writes nothing.
	before := state(t, a)
	call(t, admin, "PUT", "/api/v1/catalog/priority-scheme", map[string]any{"scheme": "altisima"}, 200, nil)
	if state(t, a) != before {
		t.Fatal("setting the current scheme wrote something")
	}
	// Renaming a priority makes the names the administrator's own: custom.
	cs := get(t, admin)
	do := find(t, cs.Priorities, "do")
	var p catalog.Priority
	call(t, admin, "PATCH", fmt.Sprintf("/api/v1/catalog/priorities/%d", do.ID), map[string]any{"version": do.Version, "name_es": "Urgentísima"}, 200, &p)
	if p.NameES != "Urgentísima" || p.NameEN != "Critical" || !p.Important || !p.Urgent {
		t.Fatalf("renamed priority: %+v", p)
	}
	if cs = get(t, admin); cs.PriorityScheme != catalog.Custom {
		t.Fatalf("scheme after a rename: %q", cs.PriorityScheme)
	}
	// A new color alone keeps the scheme.
	call(t, admin, "PUT", "/api/v1/catalog/priority-scheme", map[string]any{"scheme": "eisenhower"}, 200, nil)
	dec := find(t, get(t, admin).Priorities, "decide")
	call(t, admin, "PATCH", fmt.Sprintf("/api/v1/catalog/priorities/%d", dec.ID), map[string]any{"version": dec.Version, "color": "#000000"}, 200, &p)
	if cs = get(t, admin); cs.PriorityScheme != catalog.Eisenhower || find(t, cs.Priorities, "decide").Color != "#000000" {
		t.Fatalf("a recolor changed the scheme: %q", cs.PriorityScheme)
	}
	// A priority can be deactivated and reactivated; the scheme stays.
	call(t, admin, "PATCH", fmt.Sprintf("/api/v1/catalog/priorities/%d", dec.ID), map[string]any{"version": p.Version, "active": false}, 200, &p)
	if cs = get(t, admin); p.Active || find(t, cs.Priorities, "decide").Active || cs.PriorityScheme != catalog.Eisenhower {
		t.Fatalf("deactivated priority: %+v", p)
	}
	var active struct{ Priorities []catalog.Priority }
	call(t, admin, "GET", "/api/v1/catalog/priorities", nil, 200, &active)
	if len(active.Priorities) != 3 || has(active.Priorities, "decide") {
		t.Fatalf("active priorities: %+v", active.Priorities)
	}
	call(t, admin, "PATCH", fmt.Sprintf("/api/v1/catalog/priorities/%d", dec.ID), map[string]any{"version": p.Version, "active": true}, 200, &p)
	// Custom keeps the names as they are.
	call(t, admin, "PUT", "/api/v1/catalog/priority-scheme", map[string]any{"scheme": "custom"}, 200, nil)
	cs = get(t, admin)
	if es, _ := names(cs.Priorities); cs.PriorityScheme != catalog.Custom || !reflect.DeepEqual(es, []string{"DO", "DECIDE", "DELEGATE", "DELETE"}) {
		t.Fatalf("custom: %v %q", es, cs.PriorityScheme)
	}
	// The switches are in each priority's history.
	var hist struct{ Items []catalog.HistoryItem }
	call(t, admin, "GET", fmt.Sprintf("/api/v1/catalog/priorities/%d/history", do.ID), nil, 200, &hist)
	var actions []string
	for _, h := range hist.Items {
		actions = append(actions, h.Action)
	}
	if !reflect.DeepEqual(actions, []string{"scheme", "updated", "scheme", "scheme", "scheme"}) {
		t.Fatalf("priority history: %v", actions)
	}
	if !strings.Contains(string(hist.Items[0].Before), `"name_es":"Urgentísima"`) || !strings.Contains(string(hist.Items[0].After), `"name_es":"DO"`) {
		t.Fatalf("scheme history row: %s → %s", hist.Items[0].Before, hist.Items[0].After)
	}
}

func TestReorder(t *testing.T) {
	a, f := start(t, 0)
	onlyDefaultStatuses(t, a)
	admin := testutil.Login(t, a, "admin@x.test")
	cs := get(t, admin)

	ids := func(keys ...string) []int64 {
		out := []int64{}
		for _, k := range keys {
			if has(cs.Queues, k) {
				out = append(out, find(t, cs.Queues, k).ID)
			} else if has(cs.Categories, k) {
				out = append(out, find(t, cs.Categories, k).ID)
			} else {
				out = append(out, find(t, cs.Statuses, k).ID)
			}
		}
		return out
	}
	var res struct{ Items []map[string]any }
	ev := events(t, a, "queues")
	call(t, admin, "POST", "/api/v1/catalog/queues/reorder", map[string]any{"ids": ids("level_3", "level_2", "level_1")}, 200, &res)
	if len(res.Items) != 3 || res.Items[0]["key"] != "level_3" || res.Items[0]["position"] != 1.0 || res.Items[2]["position"] != 3.0 {
		t.Fatalf("reordered queues: %v", res.Items)
	}
	if got := keys(get(t, admin).Queues); !reflect.DeepEqual(got, []string{"level_3", "level_2", "level_1"}) {
		t.Fatalf("queues now %v", got)
	}
	if events(t, a, "queues") != ev+1 {
		t.Fatal("one catalog.changed event per reorder")
	}
	// Only the entries that moved have a history row.
	chs := changes(t, a, "queues")
	if len(chs) != 2 || chs[0].Action != "reordered" || *chs[0].ActorID != f.Users["admin@x.test"].ID ||
		chs[0].Before["position"] != 3.0 || chs[0].After["position"] != 1.0 || chs[1].Before["key"] != "level_1" {
		t.Fatalf("reorder history: %+v", chs)
	}
	// The same order again writes nothing.
	before := state(t, a)
	call(t, admin, "POST", "/api/v1/catalog/queues/reorder", map[string]any{"ids": ids("level_3", "level_2", "level_1")}, 200, &res)
	if state(t, a) != before {
		t.Fatal("a reorder that changes nothing wrote something")
	}
	// One category's subcategories; the top-level categories; one group's statuses.
	call(t, admin, "POST", "/api/v1/catalog/categories/reorder", map[string]any{"ids": ids("possible_new_customer", "identity_fraud", "order_not_placed")}, 200, &res)
	call(t, admin, "POST", "/api/v1/catalog/categories/reorder",
		map[string]any{"ids": ids("customer_service", "exchanges_returns", "legal", "system", "commercial", "finance", "operations")}, 200, &res)
	call(t, admin, "POST", "/api/v1/catalog/statuses/reorder", map[string]any{"ids": ids("closed", "resolved")}, 200, &res)
	cs = get(t, admin)
	if got := keys(cs.Categories)[:8]; !reflect.DeepEqual(got, []string{"customer_service", "exchanges_returns", "legal", "system", "commercial", "finance", "operations", "return_not_applied"}) {
		t.Fatalf("categories: %v", got)
	}
	if s := find(t, cs.Categories, "possible_new_customer"); s.Position != 1 {
		t.Fatalf("subcategory order: %+v", s)
	}
	if got := keys(cs.Statuses); !reflect.DeepEqual(got, []string{"unattended", "in_progress", "waiting", "closed", "resolved"}) {
		t.Fatalf("statuses: %v", got)
	}
	// Statuses of two groups are two lists.
	var e errorBody
	call(t, admin, "POST", "/api/v1/catalog/statuses/reorder", map[string]any{"ids": ids("waiting", "closed")}, 422, &e)
	if !strings.Contains(e.Error.Fields["ids"], "Only entries of one list") {
		t.Fatalf("mixed groups: %+v", e)
	}
}

func TestHistory(t *testing.T) {
	a, f := start(t, 0)
	admin := testutil.Login(t, a, "admin@x.test")
	var k catalog.KBCategory
	call(t, admin, "POST", "/api/v1/catalog/kb-categories", map[string]any{"name_es": "Garantía", "name_en": "Warranty"}, 201, &k)
	call(t, admin, "PATCH", fmt.Sprintf("/api/v1/catalog/kb-categories/%d", k.ID), map[string]any{"version": 1, "name_en": "Guarantee"}, 200, nil)
	cs := get(t, admin)
	order := []int64{k.ID}
	for _, x := range cs.KBCategories {
		if x.ID != k.ID {
			order = append(order, x.ID)
		}
	}
	call(t, admin, "POST", "/api/v1/catalog/kb-categories/reorder", map[string]any{"ids": order}, 200, nil)

	var hist struct {
		Items []struct {
			ID    int64  `json:"id"`
			At    string `json:"at"`
			Actor *struct {
				ID   int64
				Name string
			} `json:"actor"`
			Action string         `json:"action"`
			Before map[string]any `json:"before"`
			After  map[string]any `json:"after"`
		}
	}
	call(t, admin, "GET", fmt.Sprintf("/api/v1/catalog/kb-categories/%d/history", k.ID), nil, 200, &hist)
	if len(hist.Items) != 3 {
		t.Fatalf("history: %+v", hist.Items)
	}
	newest, mid, oldest := hist.Items[0], hist.Items[1], hist.Items[2]
	if newest.Action != "reordered" || mid.Action != "updated" || oldest.Action != "created" {
		t.Fatalf("newest first: %+v", hist.Items)
	}
	if oldest.Before != nil || oldest.After["name_en"] != "Warranty" || oldest.After["key"] != "warranty" {
		t.Fatalf("created row: %+v", oldest)
	}
	if mid.Before["name_en"] != "Warranty" || mid.After["name_en"] != "Guarantee" || mid.After["version"] != 2.0 {
		t.Fatalf("updated row: %+v", mid)
	}
	if newest.Before["position"] != 5.0 || newest.After["position"] != 1.0 {
		t.Fatalf("reordered row: %+v", newest)
	}
	for _, h := range hist.Items {
		if h.Actor == nil || h.Actor.ID != f.Users["admin@x.test"].ID || h.Actor.Name != "admin" || !strings.HasSuffix(h.At, "Z") {
			t.Fatalf("actor and time: %+v", h)
		}
	}
	// An entry nobody changed has an empty history, not a missing one.
	call(t, admin, "GET", fmt.Sprintf("/api/v1/catalog/channels/%d/history", cs.Channels[0].ID), nil, 200, &hist)
	if hist.Items == nil || len(hist.Items) != 0 {
		t.Fatalf("untouched entry: %+v", hist.Items)
	}
	// A change made by the system (no actor) shows a null actor.
	exec(t, a, `INSERT INTO catalog_changes (catalog, entry_id, action, after) VALUES ('kb-categories', $1, 'updated', '{}')`, k.ID)
	st, body := admin.Do("GET", fmt.Sprintf("/api/v1/catalog/kb-categories/%d/history", k.ID), nil)
	if st != 200 || !strings.Contains(string(body), `"actor":null`) {
		t.Fatalf("system change: %d %s", st, body)
	}
}

func TestConcurrentCreationsGetDistinctKeysAndPlaces(t *testing.T) {
	a, _ := start(t, 0)
	admin := testutil.Login(t, a, "admin@x.test")
	const n = 12
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = admin.Do("POST", "/api/v1/catalog/channels", map[string]any{"name_es": "Tienda", "name_en": "Store"})
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != 201 {
			t.Fatalf("creation %d: %d", i, c)
		}
	}
	cs := get(t, admin)
	seen := map[string]bool{}
	for i, c := range cs.Channels {
		if c.Position != i+1 || seen[c.Key] {
			t.Fatalf("channels after concurrent creations: %+v", cs.Channels)
		}
		seen[c.Key] = true
	}
	if len(cs.Channels) != 8+n || !seen["store"] || !seen[fmt.Sprintf("store_%d", n)] {
		t.Fatalf("keys: %v", keys(cs.Channels))
	}
	if events(t, a, "channels") != n {
		t.Fatal("one event per creation")
	}
}
