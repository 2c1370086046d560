package tickets_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/testutil"
)

func TestCreateByStaffWithEveryField(t *testing.T) {
	a, f := start(t, 2)
	agent := testutil.Login(t, a, "agent1@x.test")
	cat, ch, q, pr := keys(t, a, "categories"), keys(t, a, "channels"), keys(t, a, "queues"), keys(t, a, "priorities")
	customer, agent2 := f.Users["customer@x.test"], f.Users["agent2@x.test"]
	live := agent.Connect(a, nil)
	before := count(t, a)
	st, body := agent.Do("POST", "/api/v1/tickets", map[string]any{
		"subject": "  Factura con IVA mal liquidado  ", "description": "El total **no** cuadra <script>alert(1)</script>",
		"channel_id": ch["phone"], "category_id": cat["system"], "subcategory_id": cat["invoice_error"],
		"priority_id": pr["do"], "requester_id": customer.ID, "affected_id": f.Users["other@x.test"].ID,
		"order_number": "PED-48123", "queue_id": q["level_2"], "assignee_id": agent2.ID, "status_id": f.Statuses[1],
		"tags": []string{"VIP", "Facturación", "vip"}, "due_at": "2026-12-01T10:00:00-05:00",
	})
	d := decode[Detail](t, must(t, st, body, 201))
	switch {
	case d.Subject != "Factura con IVA mal liquidado", d.Description != "El total **no** cuadra <script>alert(1)</script>",
		d.DescHTML != "<p>El total <strong>no</strong> cuadra alert(1)</p>\n":
		t.Fatalf("text fields: %s", body)
	case *d.ChannelID != ch["phone"] || *d.CategoryID != cat["system"] || *d.SubcategoryID != cat["invoice_error"] ||
		d.PriorityID != pr["do"] || *d.QueueID != q["level_2"] || d.StatusID != f.Statuses[1]:
		t.Fatalf("references: %s", body)
	case d.Requester == nil || d.Requester.ID != customer.ID || d.Requester.Email != "customer@x.test" ||
		d.Affected == nil || d.Affected.Email != "other@x.test" || d.Assignee == nil || d.Assignee.ID != agent2.ID:
		t.Fatalf("people: %s", body)
	case *d.OrderNumber != "PED-48123" || strings.Join(d.Tags, ",") != "vip,facturación" || *d.DueAt != "2026-12-01T15:00:00Z":
		t.Fatalf("order number, tags (lower-cased, deduplicated), due date in UTC: %s", body)
	case d.Version != 1 || d.Number == 0 || !d.Can.Edit || !d.Can.CommentInternal || !d.Can.Merge:
		t.Fatalf("version, number, can: %s", body)
	}
	after := count(t, a)
	if after.Tickets != before.Tickets+1 || after.History != before.History+1 || after.Events != before.Events+1 || after.Users != before.Users {
		t.Fatalf("a creation writes one ticket, one history row and one event: %+v → %+v", before, after)
	}
	if h := history(t, agent, d.ID); len(h) != 1 || h[0].Field != "created" || h[0].Actor == nil || h[0].Actor.ID != f.Users["agent1@x.test"].ID {
		t.Fatalf("history: %+v", h)
	}
	evs := live.WaitEvents(1, 5*time.Second)
	if evs[0].Name != "ticket.created" || evs[0].Card().ID != d.ID || *evs[0].Card().SubcategoryID != cat["invoice_error"] {
		t.Fatalf("event: %+v", evs[0])
	}
	// The new ticket is on top of its column.
	var top int64
	if err := a.DB.Pool.QueryRow(context.Background(), `SELECT id FROM tickets WHERE status_id = $1 ORDER BY rank, id LIMIT 1`, f.Statuses[1]).Scan(&top); err != nil || top != d.ID {
		t.Fatalf("top of the column: %d %v", top, err)
	}
}

func TestCreateDefaults(t *testing.T) {
	a, f := start(t, 0)
	cat, ch, q, pr := keys(t, a, "categories"), keys(t, a, "channels"), keys(t, a, "queues"), keys(t, a, "priorities")
	t.Run("staff", func(t *testing.T) {
		agent := testutil.Login(t, a, "agent1@x.test")
		st, body := agent.Do("POST", "/api/v1/tickets", map[string]any{"subject": "Pedido no llegó", "category_id": cat["operations"],
			"channel_id": ch["email"], "requester_id": f.Users["customer@x.test"].ID})
		d := decode[Detail](t, must(t, st, body, 201))
		if d.PriorityID != pr["delegate"] || *d.QueueID != q["level_1"] || d.StatusID != f.Statuses[0] || d.SubcategoryID != nil ||
			d.Assignee != nil || d.Affected != nil || d.OrderNumber != nil || len(d.Tags) != 0 || d.Tags == nil || d.DueAt != nil {
			t.Fatalf("defaults: %s", body)
		}
	})
	t.Run("customer", func(t *testing.T) {
		cust := testutil.Login(t, a, "customer@x.test")
		// A customer names only an order of their own.
		if _, err := a.DB.Pool.Exec(context.Background(), `INSERT INTO orders (number, person_id, currency, total_minor) VALUES ('A-1', $1, 'COP', 0)`,
			f.Users["customer@x.test"].ID); err != nil {
			t.Fatal(err)
		}
		st, body := cust.Do("POST", "/api/v1/tickets", map[string]any{"subject": "No me llegó el pedido", "category_id": cat["operations"],
			"subcategory_id": cat["order_not_received"], "order_number": "A-1"})
		d := decode[Detail](t, must(t, st, body, 201))
		if d.Requester == nil || d.Requester.ID != f.Users["customer@x.test"].ID || *d.ChannelID != ch["web_form"] ||
			*d.QueueID != q["level_1"] || d.StatusID != f.Statuses[0] || d.Can.Edit || d.Can.CommentInternal || !d.Can.CommentPublic || d.Can.Merge {
			t.Fatalf("a customer's ticket: %s", body)
		}
		// Naming themselves explicitly is fine.
		st, body = cust.Do("POST", "/api/v1/tickets", map[string]any{"subject": "Otra vez", "category_id": cat["operations"],
			"requester": map[string]any{"name": "Yo", "email": "CUSTOMER@x.test"}, "requester_id": f.Users["customer@x.test"].ID})
		must(t, st, body, 201)
	})
}

func TestCreateRequesterByNameAndEmail(t *testing.T) {
	a, f := start(t, 0)
	agent := testutil.Login(t, a, "agent1@x.test")
	cat, ch := keys(t, a, "categories"), keys(t, a, "channels")
	body := func(name, email string) map[string]any {
		return map[string]any{"subject": "Consulta", "category_id": cat["legal"], "channel_id": ch["phone"],
			"requester": map[string]any{"name": name, "email": email}}
	}
	before := count(t, a)
	st, b := agent.Do("POST", "/api/v1/tickets", body("María Gómez", "maria@cliente.test"))
	d := decode[Detail](t, must(t, st, b, 201))
	if d.Requester == nil || d.Requester.Name != "María Gómez" || d.Requester.Email != "maria@cliente.test" {
		t.Fatalf("new requester: %s", b)
	}
	if after := count(t, a); after.Users != before.Users+1 {
		t.Fatalf("a new person must be created: %+v → %+v", before, after)
	}
	var role, hash string
	if err := a.DB.Pool.QueryRow(context.Background(), `SELECT role, password_hash FROM users WHERE id = $1`, d.Requester.ID).Scan(&role, &hash); err != nil {
		t.Fatal(err)
	}
	if role != "customer" || hash != "" {
		t.Fatalf("the person is a customer without a login: %s %q", role, hash)
	}
	// The same email (any case) finds the same person; an existing user is found too.
	st, b = agent.Do("POST", "/api/v1/tickets", body("Otra María", "MARIA@cliente.test"))
	if d2 := decode[Detail](t, must(t, st, b, 201)); d2.Requester.ID != d.Requester.ID {
		t.Fatalf("same email, other person: %s", b)
	}
	st, b = agent.Do("POST", "/api/v1/tickets", body("Cliente", "customer@x.test"))
	if d3 := decode[Detail](t, must(t, st, b, 201)); d3.Requester.ID != f.Users["customer@x.test"].ID {
		t.Fatalf("an existing user: %s", b)
	}
	if after := count(t, a); after.Users != before.Users+1 {
		t.Fatalf("only one person created: %+v → %+v", before, after)
	}
	// A person without a login cannot log in, whatever the password.
	c := testutil.NewClient(t, a)
	for _, pw := range []string{"", "secret-pass-1", "x"} {
		st, b := c.Do("POST", "/api/v1/auth/login", map[string]string{"email": "maria@cliente.test", "password": pw})
		if st != 401 && st != 422 {
			t.Fatalf("login of a person without a login, password %q: %d %s", pw, st, b)
		}
	}
}

func TestCreateRefusals(t *testing.T) {
	a, f := start(t, 1)
	agent := testutil.Login(t, a, "agent1@x.test")
	cust := testutil.Login(t, a, "customer@x.test")
	cat, ch, q, pr := keys(t, a, "categories"), keys(t, a, "channels"), keys(t, a, "queues"), keys(t, a, "priorities")
	exec(t, a, `UPDATE channels SET active = false WHERE key = 'chatbot'`)
	exec(t, a, `UPDATE queues SET active = false WHERE key = 'level_3'`)
	exec(t, a, `UPDATE categories SET active = false WHERE key IN ('finance', 'quality_complaint')`)
	exec(t, a, `UPDATE statuses SET wip_limit = 1 WHERE id = $1`, f.Statuses[1])
	exec(t, a, `UPDATE tickets SET status_id = $1 WHERE id = $2`, f.Statuses[1], f.Tickets[0])
	valid := func(changes map[string]any) map[string]any {
		b := map[string]any{"subject": "Consulta", "category_id": cat["system"], "channel_id": ch["phone"],
			"requester_id": f.Users["customer@x.test"].ID}
		for k, v := range changes {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	post := func(name string, body any, status int, field, en, es string) refusal {
		return refusal{name, "POST", "/api/v1/tickets", body, status, field, en, es}
	}
	cases := []refusal{
		post("malformed json", `{"subject":`, 400, "", "not valid JSON", "no es JSON válido"),
		post("unknown field", valid(map[string]any{"colour": "red"}), 422, "colour", "does not exist", "no existe"),
		post("wrong type", valid(map[string]any{"category_id": "3"}), 422, "category_id", "expected integer", "se esperaba integer"),
		post("missing subject", valid(map[string]any{"subject": nil}), 422, "subject", "required", "obligatorio"),
		post("blank subject", valid(map[string]any{"subject": "   "}), 422, "subject", "required", "obligatorio"),
		post("long subject", valid(map[string]any{"subject": strings.Repeat("á", 301)}), 422, "subject", "At most 300", "Máximo 300"),
		post("long description", valid(map[string]any{"description": strings.Repeat("x", 50001)}), 422, "description", "At most 50000", "Máximo 50000"),
		post("missing channel for staff", valid(map[string]any{"channel_id": nil}), 422, "channel_id", "required", "obligatorio"),
		post("unknown channel", valid(map[string]any{"channel_id": 999}), 422, "channel_id", "does not exist", "No existe"),
		post("inactive channel", valid(map[string]any{"channel_id": ch["chatbot"]}), 422, "channel_id", "deactivated", "desactivado"),
		post("missing category", valid(map[string]any{"category_id": nil}), 422, "category_id", "required", "obligatorio"),
		post("unknown category", valid(map[string]any{"category_id": 999}), 422, "category_id", "does not exist", "No existe"),
		post("inactive category", valid(map[string]any{"category_id": cat["finance"]}), 422, "category_id", "deactivated", "desactivado"),
		post("subcategory as category", valid(map[string]any{"category_id": cat["invoice_error"]}), 422, "category_id", "is a subcategory", "es una subcategoría"),
		post("subcategory of another category", valid(map[string]any{"subcategory_id": cat["formal_petition"]}), 422, "subcategory_id", "does not belong", "no pertenece"),
		post("category as subcategory", valid(map[string]any{"subcategory_id": cat["legal"]}), 422, "subcategory_id", "does not belong", "no pertenece"),
		post("inactive subcategory", valid(map[string]any{"category_id": cat["customer_service"], "subcategory_id": cat["quality_complaint"]}), 422, "subcategory_id", "deactivated", "desactivado"),
		post("unknown priority", valid(map[string]any{"priority_id": 999}), 422, "priority_id", "does not exist", "No existe"),
		post("zero priority", valid(map[string]any{"priority_id": 0}), 422, "priority_id", "at least 1", "al menos 1"),
		post("unknown status", valid(map[string]any{"status_id": 999}), 422, "status_id", "does not exist", "No existe"),
		post("status at its WIP limit", valid(map[string]any{"status_id": f.Statuses[1]}), 409, "", "maximum of 1", "máximo de 1"),
		post("inactive queue", valid(map[string]any{"queue_id": q["level_3"]}), 422, "queue_id", "deactivated", "desactivado"),
		post("customer as assignee", valid(map[string]any{"assignee_id": f.Users["customer@x.test"].ID}), 422, "assignee_id", "support team", "equipo de soporte"),
		post("unknown assignee", valid(map[string]any{"assignee_id": 999}), 422, "assignee_id", "does not exist", "No existe"),
		post("unknown affected person", valid(map[string]any{"affected_id": 999}), 422, "affected_id", "does not exist", "No existe"),
		post("no requester", valid(map[string]any{"requester_id": nil}), 422, "requester_id", "who is requesting", "quién solicita"),
		post("unknown requester", valid(map[string]any{"requester_id": 999}), 422, "requester_id", "does not exist", "No existe"),
		post("requester twice", valid(map[string]any{"requester": map[string]any{"name": "A", "email": "a@x.test"}}), 422, "requester", "not both", "no ambos"),
		post("requester email", valid(map[string]any{"requester_id": nil, "requester": map[string]any{"name": "A", "email": "not-an-email"}}), 422, "requester.email", "valid email", "correo electrónico válido"),
		post("requester name", valid(map[string]any{"requester_id": nil, "requester": map[string]any{"name": " ", "email": "a@x.test"}}), 422, "requester.name", "required", "obligatorio"),
		post("requester long name", valid(map[string]any{"requester_id": nil, "requester": map[string]any{"name": strings.Repeat("n", 121), "email": "a@x.test"}}), 422, "requester.name", "At most 120", "Máximo 120"),
		post("order number", valid(map[string]any{"order_number": "PED 1"}), 422, "order_number", "1 to 40 letters", "de 1 a 40 letras"),
		post("long order number", valid(map[string]any{"order_number": strings.Repeat("1", 41)}), 422, "order_number", "1 to 40 letters", "de 1 a 40 letras"),
		post("bad tag", valid(map[string]any{"tags": []string{"ok", "no vale"}}), 422, "tags", "“no vale” is not valid", "«no vale» no es válida"),
		post("too many tags", valid(map[string]any{"tags": strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")}), 422, "tags", "At most 10 tags", "máximo 10 etiquetas"),
		post("due date", valid(map[string]any{"due_at": "mañana"}), 422, "due_at", "RFC 3339", "RFC 3339"),
		post("due date without zone", valid(map[string]any{"due_at": "2026-12-01T10:00:00"}), 422, "due_at", "RFC 3339", "RFC 3339"),
		{"long idempotency key", "POST", "/api/v1/tickets", nil, 422, "Idempotency-Key", "At most 100", "Máximo 100"},
	}
	// The idempotency key is a header: send it through a small wrapper.
	longKey := strings.Repeat("k", 101)
	for _, c := range cases {
		if c.name == "long idempotency key" {
			t.Run(c.name, func(t *testing.T) {
				for _, lang := range []string{"en", "es"} {
					before := count(t, a)
					agent.Lang = lang
					st, body := agent.DoHeaders("POST", "/api/v1/tickets", valid(nil), map[string]string{"Idempotency-Key": longKey})
					agent.Lang = "en"
					want := map[string]string{"en": c.en, "es": c.es}[lang]
					if e := decodeError(t, body); st != 422 || !strings.Contains(e.Error.Fields["Idempotency-Key"], want) {
						t.Fatalf("%s: %d %s", lang, st, body)
					}
					if after := count(t, a); after != before {
						t.Fatal("refused but written")
					}
				}
			})
		}
	}
	expectRefusals(t, a, agent, cases[:len(cases)-1])

	// A customer opens tickets only for themselves and sets no workflow field.
	cvalid := map[string]any{"subject": "Hola", "category_id": cat["system"]}
	with := func(k string, v any) map[string]any {
		b := map[string]any{}
		for kk, vv := range cvalid {
			b[kk] = vv
		}
		b[k] = v
		return b
	}
	expectRefusals(t, a, cust, []refusal{
		{"someone else as requester", "POST", "/api/v1/tickets", with("requester_id", f.Users["other@x.test"].ID), 422, "requester_id", "in your own name", "a tu nombre"},
		{"someone else by email", "POST", "/api/v1/tickets", with("requester", map[string]any{"name": "O", "email": "other@x.test"}), 422, "requester", "in your own name", "a tu nombre"},
		{"an assignee", "POST", "/api/v1/tickets", with("assignee_id", f.Users["agent1@x.test"].ID), 422, "assignee_id", "Only the support team", "Solo el equipo"},
		{"a status", "POST", "/api/v1/tickets", with("status_id", f.Statuses[0]), 422, "status_id", "Only the support team", "Solo el equipo"},
		{"a queue", "POST", "/api/v1/tickets", with("queue_id", q["level_1"]), 422, "queue_id", "Only the support team", "Solo el equipo"},
		{"an affected person", "POST", "/api/v1/tickets", with("affected_id", f.Users["other@x.test"].ID), 422, "affected_id", "Only the support team", "Solo el equipo"},
	})
	_ = pr
}

func TestCreateIdempotency(t *testing.T) {
	a, f := start(t, 0)
	agent := testutil.Login(t, a, "agent1@x.test")
	cat, ch := keys(t, a, "categories"), keys(t, a, "channels")
	body := fmt.Sprintf(`{"subject":"Pago doble","category_id":%d,"channel_id":%d,"requester_id":%d}`, cat["finance"], ch["email"], f.Users["customer@x.test"].ID)
	// The same request with other spacing and key order is the same request.
	same := fmt.Sprintf(`{ "requester_id": %d, "channel_id": %d, "category_id": %d, "subject": "Pago doble" }`, f.Users["customer@x.test"].ID, ch["email"], cat["finance"])
	key := map[string]string{"Idempotency-Key": "form-123"}

	before := count(t, a)
	st, b1 := agent.DoHeaders("POST", "/api/v1/tickets", body, key)
	first := decode[Detail](t, must(t, st, b1, 201))
	st, b2 := agent.DoHeaders("POST", "/api/v1/tickets", same, key)
	// The stored answer comes back whole (jsonb keeps the values, not the key order).
	if again := decode[Detail](t, must(t, st, b2, 201)); again.ID != first.ID || !reflect.DeepEqual(decode[map[string]any](t, b1), decode[map[string]any](t, b2)) {
		t.Fatalf("a retry must get the first answer: %s vs %s", b1, b2)
	}
	if after := count(t, a); after.Tickets != before.Tickets+1 || after.Idempotency != before.Idempotency+1 || after.Events != before.Events+1 {
		t.Fatalf("one ticket for two tries: %+v → %+v", before, after)
	}

	other := strings.Replace(body, "Pago doble", "Pago triple", 1)
	for _, lang := range []string{"en", "es"} {
		agent.Lang = lang
		before = count(t, a)
		st, b := agent.DoHeaders("POST", "/api/v1/tickets", other, key)
		e := decodeError(t, b)
		want := map[string]string{"en": "already used with a different request", "es": "ya se usó con otra solicitud"}[lang]
		if st != 422 || !strings.Contains(e.Error.Message, want) {
			t.Fatalf("%s: same key, other request: %d %s", lang, st, b)
		}
		if after := count(t, a); after != before {
			t.Fatal("a mismatch wrote something")
		}
	}
	agent.Lang = "en"

	// Another user's key space is their own.
	admin := testutil.Login(t, a, "admin@x.test")
	st, b := admin.DoHeaders("POST", "/api/v1/tickets", other, key)
	if d := decode[Detail](t, must(t, st, b, 201)); d.ID == first.ID {
		t.Fatal("another user got the first user's ticket")
	}
	// After 24 hours the key is forgotten: a new request under it creates a new ticket.
	exec(t, a, `UPDATE idempotency_keys SET created_at = now() - interval '25 hours'`)
	st, b = agent.DoHeaders("POST", "/api/v1/tickets", other, key)
	if d := decode[Detail](t, must(t, st, b, 201)); d.ID == first.ID || d.Subject != "Pago triple" {
		t.Fatalf("an expired key: %s", b)
	}

	// Concurrent retries of one request create one ticket and all get it.
	before = count(t, a)
	const n = 8
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, b := agent.DoHeaders("POST", "/api/v1/tickets", body, map[string]string{"Idempotency-Key": "burst"})
			if st == 201 {
				ids[i] = decode[Detail](t, b).ID
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id == 0 || id != ids[0] {
			t.Fatalf("concurrent retries: %v", ids)
		}
	}
	if after := count(t, a); after.Tickets != before.Tickets+1 {
		t.Fatalf("concurrent retries created %d tickets", after.Tickets-before.Tickets)
	}
}
