package workflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/commerce"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/testutil"
)

func start(t *testing.T) (*app.App, *testutil.Fixture) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	return a, testutil.Seed(t, a, 2)
}

func id(t *testing.T, a *app.App, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := a.DB.Pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func statusID(t *testing.T, a *app.App, key string) int64 {
	return id(t, a, `SELECT id FROM statuses WHERE key = $1`, key)
}

type errBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
	Current json.RawMessage `json:"current"`
}

type detail struct {
	ID                int64   `json:"id"`
	Number            int64   `json:"number"`
	StatusID          int64   `json:"status_id"`
	Version           int64   `json:"version"`
	WorkflowVersionID *int64  `json:"workflow_version_id"`
	OrderNumber       *string `json:"order_number"`
	Subject           string  `json:"subject"`
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

// state is what a refused request must leave untouched.
type state struct{ history, transitions, movements, events, versions int64 }

func snap(t *testing.T, a *app.App) state {
	t.Helper()
	var s state
	if err := a.DB.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM ticket_history), (SELECT count(*) FROM ticket_transitions),
		(SELECT count(*) FROM balance_movements), (SELECT count(*) FROM events), (SELECT count(*) FROM workflow_versions)`).
		Scan(&s.history, &s.transitions, &s.movements, &s.events, &s.versions); err != nil {
		t.Fatal(err)
	}
	return s
}

// refused sends a request in both languages and checks the status, the message (on a field or the
// whole error) in each, and that nothing was written.
func refused(t *testing.T, a *app.App, c *testutil.Client, method, path string, body any, status int, field, en, es string) {
	t.Helper()
	for _, l := range []struct{ lang, want string }{{"en", en}, {"es", es}} {
		before := snap(t, a)
		c.Lang = l.lang
		st, b := c.Do(method, path, body)
		c.Lang = "en"
		if st != status {
			t.Fatalf("%s %s (%s): %d, want %d: %s", method, path, l.lang, st, status, b)
		}
		e := decode[errBody](t, b)
		msg := e.Error.Message
		if field != "" {
			msg = e.Error.Fields[field]
		}
		if !strings.Contains(msg, l.want) {
			t.Fatalf("%s %s (%s): %q does not say %q (%s)", method, path, l.lang, msg, l.want, b)
		}
		if after := snap(t, a); after != before {
			t.Fatalf("%s %s (%s) wrote something: %+v → %+v", method, path, l.lang, before, after)
		}
	}
}

// newTicket opens a ticket as c in a subcategory, for the customer.
func newTicket(t *testing.T, a *app.App, f *testutil.Fixture, c *testutil.Client, sub string, order string) detail {
	t.Helper()
	body := map[string]any{"subject": "Case " + sub, "category_id": id(t, a, `SELECT parent_id FROM categories WHERE key = $1`, sub),
		"subcategory_id": id(t, a, `SELECT id FROM categories WHERE key = $1`, sub), "channel_id": id(t, a, `SELECT min(id) FROM channels`),
		"requester_id": f.Users["customer@x.test"].ID}
	if order != "" {
		body["order_number"] = order
	}
	st, b := c.Do("POST", "/api/v1/tickets", body)
	if st != 201 {
		t.Fatalf("create: %d %s", st, b)
	}
	return decode[detail](t, b)
}

func move(c *testutil.Client, d detail, status int64) (int, []byte) {
	return c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/move", d.ID), map[string]any{"status_id": status, "version": d.Version})
}

func transition(c *testutil.Client, d detail, key string, fields map[string]any, comment string) (int, []byte) {
	return c.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/transitions", d.ID),
		map[string]any{"transition": key, "version": d.Version, "fields": fields, "comment": comment})
}

func current(t *testing.T, c *testutil.Client, ticketID int64) detail {
	t.Helper()
	st, b := c.Do("GET", fmt.Sprintf("/api/v1/tickets/%d", ticketID), nil)
	if st != 200 {
		t.Fatalf("get: %d %s", st, b)
	}
	return decode[detail](t, b)
}

func TestCreditNoteEndToEnd(t *testing.T) {
	a, f := start(t)
	agent := testutil.Login(t, a, "agent1@x.test")
	admin := testutil.Login(t, a, "admin@x.test")
	customer := testutil.Login(t, a, "customer@x.test")
	watcher := admin.Connect(a, nil)
	unattended, inProgress, resolved := statusID(t, a, "unattended"), statusID(t, a, "in_progress"), statusID(t, a, "resolved")

	d := newTicket(t, a, f, agent, "invoice_error", "")
	v1 := id(t, a, `SELECT current_version_id FROM workflows WHERE key = 'credit_note'`)
	if d.WorkflowVersionID == nil || *d.WorkflowVersionID != v1 || d.StatusID != unattended {
		t.Fatalf("a ticket of a mapped subcategory follows its workflow from its start: %+v", d)
	}
	path := fmt.Sprintf("/api/v1/tickets/%d/move", d.ID)
	// A move with no transition between the two states, and one whose transition needs input.
	refused(t, a, agent, "POST", path, map[string]any{"status_id": resolved, "version": d.Version}, 422, "",
		"“Credit note” tickets cannot go from Unattended to Resolved.", "Los tickets de «Nota crédito» no pueden pasar de Sin atender a Resuelto.")
	if st, b := move(agent, d, inProgress); st != 200 {
		t.Fatalf("take by a move: %d %s", st, b)
	}
	d = current(t, agent, d.ID)
	if n := id(t, a, `SELECT count(*) FROM ticket_transitions WHERE ticket_id = $1 AND transition_key = 'take'`, d.ID); n != 1 {
		t.Fatalf("the move was not recorded as the take transition: %d", n)
	}
	refused(t, a, agent, "POST", path, map[string]any{"status_id": resolved, "version": d.Version}, 422, "",
		"“Accept note” needs more information: use its dialog.", "«Aceptar nota» necesita más información: usa su diálogo.")

	// The transitions from here, as the ticket page lists them; the customer sees none of the ticket's
	// workflow (no ticket.move), and may not take them.
	st, b := agent.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/transitions", d.ID), nil)
	opts := decode[struct {
		Items []struct {
			Key     string
			Name    string
			Allowed bool
			Reason  *string
			Fields  []struct{ Key string }
			Confirm bool
		}
	}](t, b)
	if st != 200 || len(opts.Items) != 2 || opts.Items[0].Key != "accept_note" || opts.Items[0].Name != "Accept note" ||
		!opts.Items[0].Allowed || !opts.Items[0].Confirm || len(opts.Items[0].Fields) != 3 || opts.Items[1].Key != "reject_note" {
		t.Fatalf("options: %d %s", st, b)
	}
	customer.Lang = "es"
	st, b = customer.Do("GET", fmt.Sprintf("/api/v1/tickets/%d/transitions", d.ID), nil)
	if !strings.Contains(string(b), `"allowed":false`) || !strings.Contains(string(b), "Tu rol no puede hacer «Aceptar nota».") {
		t.Fatalf("customer options: %d %s", st, b)
	}
	tpath := fmt.Sprintf("/api/v1/tickets/%d/transitions", d.ID)
	reason := id(t, a, `SELECT id FROM note_reasons WHERE key = 'return_credit'`)
	debitReason := id(t, a, `SELECT id FROM note_reasons WHERE key = 'interest_debit'`)
	good := map[string]any{"amount": map[string]any{"amount": "125000.50", "currency": "COP"}, "note_reason_id": reason, "reason": "Devolución no aplicada"}
	req := func(key string, version int64, fields map[string]any, comment string) map[string]any {
		return map[string]any{"transition": key, "version": version, "fields": fields, "comment": comment}
	}
	without := func(k string) map[string]any {
		out := map[string]any{}
		for kk, v := range good {
			if kk != k {
				out[kk] = v
			}
		}
		return out
	}
	with := func(k string, v any) map[string]any {
		out := without(k)
		out[k] = v
		return out
	}
	refused(t, a, customer, "POST", tpath, req("accept_note", d.Version, good, ""), 403, "", "Your role cannot do “Accept note”.", "Tu rol no puede hacer «Aceptar nota».")
	refused(t, a, agent, "POST", tpath, req("accept_note", d.Version, without("amount"), ""), 422, "fields.amount", "This field is required.", "Este campo es obligatorio.")
	refused(t, a, agent, "POST", tpath, req("accept_note", d.Version, with("amount", map[string]any{"amount": "12,5", "currency": "COP"}), ""), 422,
		"fields.amount", "decimal point", "punto decimal")
	refused(t, a, agent, "POST", tpath, req("accept_note", d.Version, with("amount", map[string]any{"amount": "-3", "currency": "COP"}), ""), 422,
		"fields.amount", "", "")
	refused(t, a, agent, "POST", tpath, req("accept_note", d.Version, with("note_reason_id", debitReason), ""), 422,
		"fields.note_reason_id", "", "")
	refused(t, a, agent, "POST", tpath, req("accept_note", d.Version, with("color", "red"), ""), 422,
		"fields.color", "This transition does not ask for this field.", "Esta transición no pide este campo.")
	refused(t, a, agent, "POST", tpath, req("take", d.Version, nil, ""), 422, "transition",
		"That transition does not exist from the status In progress.", "Esa transición no existe desde el estado En curso.")
	refused(t, a, agent, "POST", tpath, req("reject_note", d.Version, nil, " "), 422, "comment",
		"Write a comment: this transition asks for one.", "Escribe un comentario: esta transición lo pide.")
	before := snap(t, a)
	st, b = agent.Do("POST", tpath, req("accept_note", d.Version-1, good, ""))
	if e := decode[errBody](t, b); st != 409 || !strings.Contains(string(e.Current), fmt.Sprintf(`"version":%d`, d.Version)) || snap(t, a) != before {
		t.Fatalf("stale: %d %s", st, b)
	}

	// Accepted: the ticket is resolved and the customer's balance has the credit note.
	st, b = agent.Do("POST", tpath, req("accept_note", d.Version, good, "Aplicado en la cuenta"))
	if st != 200 {
		t.Fatalf("accept note: %d %s", st, b)
	}
	if got := decode[detail](t, b); got.StatusID != resolved || got.Version <= d.Version {
		t.Fatalf("accepted ticket: %s", b)
	}
	bal, err := a.Commerce.Balance(context.Background(), a.DB.Bun, f.Users["customer@x.test"].ID)
	if err != nil || bal.Money.Minor != 12500050 || bal.Money.Currency != "COP" {
		t.Fatalf("balance: %+v %v", bal, err)
	}
	ms, _, err := a.Commerce.Movements(context.Background(), a.DB.Bun, f.Users["customer@x.test"].ID, 0, 10)
	if err != nil || len(ms) != 1 || ms[0].Reason != "Devolución no aplicada" || ms[0].TicketID == nil || *ms[0].TicketID != d.ID ||
		ms[0].NoteReasonID == nil || *ms[0].NoteReasonID != reason {
		t.Fatalf("movement: %+v %v", ms, err)
	}
	var hist []string
	rows, err := a.DB.Pool.Query(context.Background(), `SELECT field || ':' || coalesce(after::text, '') FROM ticket_history WHERE ticket_id = $1 AND field IN ('transition', 'action') ORDER BY id`, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		hist = append(hist, s)
	}
	rows.Close()
	if len(hist) != 3 || !strings.Contains(hist[1], `"key": "accept_note"`) || !strings.Contains(hist[2], `"action": "credit_note"`) ||
		!strings.Contains(hist[2], fmt.Sprintf(`"movement_id": %d`, ms[0].ID)) || !strings.Contains(hist[2], `"amount": "125000.50"`) {
		t.Fatalf("history: %v", hist)
	}
	if n := id(t, a, `SELECT count(*) FROM ticket_comments WHERE ticket_id = $1 AND NOT public AND body = 'Aplicado en la cuenta'`, d.ID); n != 1 {
		t.Fatalf("the comment is not an internal note: %d", n)
	}
	watcher.WaitFor(func(fs []testutil.Frame) bool {
		for _, fr := range fs {
			if fr.Name == "ticket.updated" && fr.Card().ID == d.ID && fr.Card().StatusID == resolved {
				return true
			}
		}
		return false
	}, 5*time.Second, "the transition's ticket.updated event")
}

func TestBackorderEndToEnd(t *testing.T) {
	a, f := start(t)
	agent := testutil.Login(t, a, "agent1@x.test")
	ctx := context.Background()
	cust := f.Users["customer@x.test"].ID
	o, err := a.Commerce.CreateOrder(ctx, a.DB.Bun, commerce.NewOrder{Number: "PED-100", PersonID: cust, Status: "invoiced", Currency: "COP",
		Items: []commerce.NewOrderItem{{SKU: "A-1", Quantity: 5, UnitPriceMinor: 1000, QuantityShipped: 2}, {SKU: "B-2", Quantity: 1, UnitPriceMinor: 500, QuantityShipped: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Commerce.CreateOrder(ctx, a.DB.Bun, commerce.NewOrder{Number: "PED-OTHER", PersonID: f.Users["other@x.test"].ID, Currency: "COP",
		Items: []commerce.NewOrderItem{{SKU: "C", Quantity: 1, UnitPriceMinor: 1}}}); err != nil {
		t.Fatal(err)
	}
	take := func(d detail) detail {
		if st, b := transition(agent, d, "take", nil, ""); st != 200 {
			t.Fatalf("take: %d %s", st, b)
		}
		return current(t, agent, d.ID)
	}
	d := take(newTicket(t, a, f, agent, "invoiced_not_shipped", ""))
	tpath := fmt.Sprintf("/api/v1/tickets/%d/transitions", d.ID)
	body := func(order string) map[string]any {
		return map[string]any{"transition": "accept_backorder", "version": d.Version, "fields": map[string]any{"order_number": order}}
	}
	refused(t, a, agent, "POST", tpath, map[string]any{"transition": "accept_backorder", "version": d.Version}, 422, "fields.order_number",
		"This field is required.", "Este campo es obligatorio.")
	refused(t, a, agent, "POST", tpath, body("PED-404"), 422, "fields.order_number", "That order does not exist.", "Ese pedido no existe.")
	refused(t, a, agent, "POST", tpath, body("PED-OTHER"), 422, "fields.order_number", "Order PED-OTHER belongs to another customer.", "El pedido PED-OTHER es de otro cliente.")
	st, b := agent.Do("POST", tpath, body("PED-100"))
	if st != 200 || decode[detail](t, b).StatusID != statusID(t, a, "resolved") || *decode[detail](t, b).OrderNumber != "PED-100" {
		t.Fatalf("accept backorder: %d %s", st, b)
	}
	after, err := a.Commerce.Order(ctx, a.DB.Bun, o.ID)
	if err != nil || after.Items[0].Backordered != 3 || after.Items[0].Owed != 0 || after.Items[1].Backordered != 0 {
		t.Fatalf("backorder of what was owed: %+v %v", after.Items, err)
	}
	if n := id(t, a, `SELECT count(*) FROM backorders WHERE ticket_id = $1`, d.ID); n != 1 {
		t.Fatalf("backorders of the ticket: %d", n)
	}
	// A second claim on the same order finds nothing owed.
	d2 := take(newTicket(t, a, f, agent, "invoiced_not_shipped", "PED-100"))
	refused(t, a, agent, "POST", fmt.Sprintf("/api/v1/tickets/%d/transitions", d2.ID),
		map[string]any{"transition": "accept_backorder", "version": d2.Version, "fields": map[string]any{"order_number": "PED-100"}}, 422,
		"fields.order_number", "Nothing is owed on order PED-100", "Del pedido PED-100 no se debe nada")
	// Rejecting asks for a comment and keeps it as an internal note.
	if st, b := transition(agent, d2, "reject_backorder", nil, "Ya se envió"); st != 200 || decode[detail](t, b).StatusID != statusID(t, a, "rejected") {
		t.Fatalf("reject: %d %s", st, b)
	}
}

func TestCreditRequestEndToEnd(t *testing.T) {
	a, f := start(t)
	ctx := context.Background()
	cons := &people.User{Email: "consultant@x.test", Name: "Consultora Uno", Role: access.Consultant, Locale: i18n.ES}
	if err := a.People.Create(ctx, a.DB.Bun, cons); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Pool.Exec(ctx, `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'admin@x.test') WHERE id = $1`, cons.ID); err != nil {
		t.Fatal(err)
	}
	consultant := testutil.Login(t, a, "consultant@x.test")
	agent := testutil.Login(t, a, "agent1@x.test")
	admin := testutil.Login(t, a, "admin@x.test")
	customer := testutil.Login(t, a, "customer@x.test")
	good := map[string]any{"amount": map[string]any{"amount": "2000000", "currency": "COP"}, "reason": "Quiere ampliar su negocio"}
	refused(t, a, customer, "POST", "/api/v1/credit-requests", good, 403, "", "Your role cannot ask for credit studies.", "Tu rol no puede pedir estudios de crédito.")
	refused(t, a, consultant, "POST", "/api/v1/credit-requests", map[string]any{"amount": good["amount"], "reason": ""}, 422, "reason",
		"This field is required.", "Este campo es obligatorio.")
	refused(t, a, consultant, "POST", "/api/v1/credit-requests", map[string]any{"person_id": f.Users["customer@x.test"].ID, "amount": good["amount"], "reason": "x"}, 422,
		"person_id", "You may only ask for a credit study for yourself.", "Solo puedes pedir un estudio de crédito para ti.")
	refused(t, a, agent, "POST", "/api/v1/credit-requests", good, 422, "person_id", "This field is required.", "Este campo es obligatorio.")
	st, b := consultant.Do("POST", "/api/v1/credit-requests", good)
	if st != 201 {
		t.Fatalf("credit request: %d %s", st, b)
	}
	d := decode[detail](t, b)
	if d.StatusID != statusID(t, a, "data_review") || d.Subject != "Solicitud de estudio de crédito — Consultora Uno" ||
		*d.WorkflowVersionID != id(t, a, `SELECT current_version_id FROM workflows WHERE key = 'credit_request'`) {
		t.Fatalf("credit request ticket: %s", b)
	}
	// The agent sends it to decision with a plain move (a transition without input).
	if st, b := move(agent, d, statusID(t, a, "credit_decision")); st != 200 {
		t.Fatalf("send to decision: %d %s", st, b)
	}
	d = current(t, agent, d.ID)
	fields := map[string]any{"credit_limit": map[string]any{"amount": "1500000", "currency": "COP"}, "credit_type": "credit_30"}
	tpath := fmt.Sprintf("/api/v1/tickets/%d/transitions", d.ID)
	refused(t, a, agent, "POST", tpath, map[string]any{"transition": "accept_credit", "version": d.Version, "fields": fields}, 403, "",
		"Only Supervisor may do “Accept credit”.", "Solo Supervisión pueden hacer «Aceptar crédito».")
	refused(t, a, admin, "POST", tpath, map[string]any{"transition": "accept_credit", "version": d.Version,
		"fields": map[string]any{"credit_limit": fields["credit_limit"], "credit_type": "credit_45"}}, 422, "fields.credit_type",
		"Choose a credit type from the list.", "Elige un tipo de crédito de la lista.")
	if st, b := admin.Do("POST", tpath, map[string]any{"transition": "accept_credit", "version": d.Version, "fields": fields}); st != 200 ||
		decode[detail](t, b).StatusID != statusID(t, a, "credit_accepted") {
		t.Fatalf("accept credit: %d %s", st, b)
	}
	c, err := a.Commerce.Credit(ctx, a.DB.Bun, cons.ID)
	if err != nil || c.CreditType != "credit_30" || c.Limit.Minor != 150000000 || c.Limit.Currency != "COP" {
		t.Fatalf("credit account: %+v %v", c, err)
	}
}

func TestWorkflowAdminAndVersions(t *testing.T) {
	a, f := start(t)
	agent := testutil.Login(t, a, "agent1@x.test")
	admin := testutil.Login(t, a, "admin@x.test")
	customer := testutil.Login(t, a, "customer@x.test")
	refused(t, a, customer, "GET", "/api/v1/workflows", nil, 403, "", "Your role cannot see the workflows.", "Tu rol no puede ver los flujos de trabajo.")
	st, b := agent.Do("GET", "/api/v1/workflows", nil)
	list := decode[struct {
		Items []struct {
			ID          int64
			Key         string
			Version     int64
			CategoryIDs []int64 `json:"category_ids"`
			Definition  json.RawMessage
		}
	}](t, b)
	if st != 200 || len(list.Items) != 4 || list.Items[0].Key != "generic" {
		t.Fatalf("list: %d %s", st, b)
	}
	var generic, creditNote = list.Items[0], list.Items[1]
	if creditNote.Key != "credit_note" || len(creditNote.CategoryIDs) != 3 {
		t.Fatalf("credit note mapping: %+v", creditNote)
	}
	var def map[string]any
	_ = json.Unmarshal(generic.Definition, &def)
	path := fmt.Sprintf("/api/v1/workflows/%d", generic.ID)
	put := func(d any, version int64) map[string]any {
		return map[string]any{"name_es": "Flujo genérico", "name_en": "Generic flow", "definition": d, "version": version}
	}
	refused(t, a, agent, "PUT", path, put(def, generic.Version), 403, "", "Your role cannot change the workflows.", "Tu rol no puede cambiar los flujos de trabajo.")
	bad := map[string]any{"states": def["states"], "transitions": []any{}}
	refused(t, a, admin, "PUT", path, put(bad, generic.Version), 422, "definition.states[0].status_id",
		"This state is not final and no transition leaves it.", "Este estado no es final y ninguna transición sale de él.")
	// Version 2 of generic drops "close" from everywhere but resolved.
	trs := def["transitions"].([]any)
	for _, tr := range trs {
		m := tr.(map[string]any)
		if m["key"] == "close" {
			m["from"] = []any{float64(statusID(t, a, "resolved"))}
		}
	}
	old := f.Tickets[0]
	st, b = admin.Do("PUT", path, put(def, generic.Version))
	if st != 200 || !strings.Contains(string(b), `"version":2`) {
		t.Fatalf("update: %d %s", st, b)
	}
	refused(t, a, admin, "PUT", path, put(def, generic.Version), 409, "", "Someone else changed this workflow", "Otra persona cambió este flujo")
	// The old ticket keeps version 1, where unattended → closed is allowed; a new one follows version 2.
	od := current(t, agent, old)
	if od.WorkflowVersionID == nil || *od.WorkflowVersionID == id(t, a, `SELECT current_version_id FROM workflows WHERE key = 'generic'`) {
		t.Fatalf("the old ticket moved to the new version: %+v", od)
	}
	nd := newTicket(t, a, f, agent, "data_update", "")
	if *nd.WorkflowVersionID != id(t, a, `SELECT current_version_id FROM workflows WHERE key = 'generic'`) {
		t.Fatalf("a new ticket does not follow the new version: %+v", nd)
	}
	refused(t, a, agent, "POST", fmt.Sprintf("/api/v1/tickets/%d/move", nd.ID), map[string]any{"status_id": statusID(t, a, "closed"), "version": nd.Version}, 422, "",
		"“Generic flow” tickets cannot go from Unattended to Closed.", "Los tickets de «Flujo genérico» no pueden pasar de Sin atender a Cerrado.")
	if st, b := move(agent, od, statusID(t, a, "closed")); st != 200 {
		t.Fatalf("the old version still allows it: %d %s", st, b)
	}
	// The customer may read the version of a ticket of theirs, not another one.
	if st, b := customer.Do("GET", fmt.Sprintf("/api/v1/workflow-versions/%d", *od.WorkflowVersionID), nil); st != 200 || !strings.Contains(string(b), `"workflow_key":"generic"`) {
		t.Fatalf("customer version: %d %s", st, b)
	}
	if st, _ := customer.Do("GET", fmt.Sprintf("/api/v1/workflow-versions/%d", id(t, a, `SELECT current_version_id FROM workflows WHERE key = 'credit_request'`)), nil); st != 404 {
		t.Fatalf("customer sees a version of no ticket of theirs: %d", st)
	}
	// Categories move between workflows.
	dataUpdate := id(t, a, `SELECT id FROM categories WHERE key = 'data_update'`)
	cpath := fmt.Sprintf("/api/v1/workflows/%d/categories", creditNote.ID)
	refused(t, a, admin, "PUT", cpath, map[string]any{"category_ids": []int64{999999}, "version": creditNote.Version}, 422, "category_ids",
		"One of those categories does not exist.", "Alguna de esas categorías no existe.")
	if st, b := admin.Do("PUT", cpath, map[string]any{"category_ids": []int64{dataUpdate}, "version": creditNote.Version}); st != 200 {
		t.Fatalf("map: %d %s", st, b)
	}
	if d := newTicket(t, a, f, agent, "data_update", ""); *d.WorkflowVersionID != id(t, a, `SELECT current_version_id FROM workflows WHERE key = 'credit_note'`) {
		t.Fatalf("the mapped subcategory's new ticket: %+v", d)
	}
	if n := id(t, a, `SELECT count(*) FROM categories WHERE workflow_id = $1`, creditNote.ID); n != 1 {
		t.Fatalf("mapping replaces: %d", n)
	}
	st, b = admin.Do("GET", "/api/v1/catalog", nil)
	if st != 200 || !strings.Contains(string(b), fmt.Sprintf(`"workflow_id":%d`, creditNote.ID)) {
		t.Fatalf("catalog categories carry workflow_id: %d %.3000s", st, b)
	}
	// A created workflow, and the board filtered to it.
	refused(t, a, admin, "POST", "/api/v1/workflows", map[string]any{"key": "Bad Key", "name_es": "x", "name_en": "y", "definition": def}, 422, "key",
		"lowercase letters", "letras minúsculas")
	st, b = admin.Do("GET", fmt.Sprintf("/api/v1/board?workflow_id=%d", creditNote.ID), nil)
	board := decode[struct {
		Columns []struct {
			StatusID int64 `json:"status_id"`
			Count    int64
		}
	}](t, b)
	if st != 200 || len(board.Columns) != 4 || board.Columns[0].Count != 1 {
		t.Fatalf("board of credit note: %d %s", st, b)
	}
}

func TestMetricsOnAControlledDataset(t *testing.T) {
	a, f := start(t)
	ctx := context.Background()
	agent := testutil.Login(t, a, "agent1@x.test")
	admin := testutil.Login(t, a, "admin@x.test")
	cr := id(t, a, `SELECT id FROM workflows WHERE key = 'credit_request'`)
	v := id(t, a, `SELECT current_version_id FROM workflows WHERE key = 'credit_request'`)
	review, decision := statusID(t, a, "data_review"), statusID(t, a, "credit_decision")
	// Ten tickets left data review after 100, 200, … 1000 seconds, yesterday; one transition outside the period.
	tk := f.Tickets[0]
	for i := 1; i <= 10; i++ {
		if _, err := a.DB.Pool.Exec(ctx, `INSERT INTO ticket_transitions (ticket_id, workflow_id, workflow_version_id, transition_key,
			from_status_id, to_status_id, at, entered_from_at) VALUES ($1, $2, $3, 'send_to_decision', $4, $5,
			date_trunc('day', now()) - interval '12 hours', date_trunc('day', now()) - interval '12 hours' - make_interval(secs => $6))`,
			tk, cr, v, review, decision, i*100); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.DB.Pool.Exec(ctx, `INSERT INTO ticket_transitions (ticket_id, workflow_id, workflow_version_id, transition_key,
		from_status_id, to_status_id, at, entered_from_at) VALUES ($1, $2, $3, 'send_to_decision', $4, $5, now() - interval '90 days', now() - interval '91 days')`,
		tk, cr, v, review, decision); err != nil {
		t.Fatal(err)
	}
	// One ticket has been in data review (limit 1440 minutes) for two days.
	if _, err := a.DB.Pool.Exec(ctx, `UPDATE tickets SET workflow_version_id = $1, status_id = $2, state_entered_at = now() - interval '2 days' WHERE id = $3`,
		v, review, f.Tickets[1]); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/workflows/%d/metrics", cr)
	refused(t, a, agent, "GET", path, nil, 403, "", "Your role cannot see workflow metrics.", "Tu rol no puede ver las métricas de los flujos.")
	refused(t, a, admin, "GET", path+"?from=2026-13-01", nil, 422, "from", "Type a date like 2026-01-31.", "Escribe una fecha como 2026-01-31.")
	st, b := admin.Do("GET", path, nil)
	m := decode[struct {
		States []struct {
			StatusID   int64   `json:"status_id"`
			Count      int64   `json:"count"`
			AvgSeconds float64 `json:"avg_seconds"`
			P90Seconds float64 `json:"p90_seconds"`
		}
		Transitions []struct {
			Key    string
			NameEN string `json:"name_en"`
			Count  int64
		}
		OverLimit struct {
			Count int64
			Items []struct {
				Ticket       struct{ ID int64 }
				LimitMinutes int `json:"limit_minutes"`
			}
		} `json:"over_limit"`
	}](t, b)
	if st != 200 || len(m.States) != 5 || m.States[0].StatusID != review || m.States[0].Count != 10 || m.States[0].AvgSeconds != 550 ||
		m.States[0].P90Seconds != 910 || m.States[1].Count != 0 {
		t.Fatalf("states: %d %s", st, b)
	}
	if len(m.Transitions) != 1 || m.Transitions[0].Key != "send_to_decision" || m.Transitions[0].Count != 10 || m.Transitions[0].NameEN != "Send to decision" {
		t.Fatalf("transitions: %s", b)
	}
	if m.OverLimit.Count != 1 || len(m.OverLimit.Items) != 1 || m.OverLimit.Items[0].Ticket.ID != f.Tickets[1] || m.OverLimit.Items[0].LimitMinutes != 1440 {
		t.Fatalf("over limit: %s", b)
	}
}
