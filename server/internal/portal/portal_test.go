package portal_test

import (
	"slices"
	"testing"

	"github.com/atiende/atiende/server/internal/portal"
	"github.com/atiende/atiende/server/internal/testutil"
)

// allOrders pages through the listing with a small page and returns every order, failing on a repeat.
func allOrders(t *testing.T, c *testutil.Client) []portal.Order {
	t.Helper()
	var out []portal.Order
	seen := map[string]bool{}
	cursor := ""
	for range 20 {
		var page struct {
			Items      []portal.Order `json:"items"`
			NextCursor string         `json:"next_cursor"`
		}
		do(t, c, "GET", "/api/v1/portal/orders?limit=2&cursor="+cursor, nil, 200, &page)
		for _, o := range page.Items {
			if seen[o.Number] {
				t.Fatalf("order %s listed twice", o.Number)
			}
			seen[o.Number] = true
			out = append(out, o)
		}
		if page.NextCursor == "" {
			return out
		}
		cursor = page.NextCursor
	}
	t.Fatal("the listing does not end")
	return nil
}

func numbers(os []portal.Order) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Number
	}
	return out
}

func TestPortalVisibilityPerRole(t *testing.T) {
	a := demo(t, nil)
	customer := login(t, a, "customer@atiende.test")
	consultant := login(t, a, "consultant@atiende.test")

	// The customer: their own orders, newest first.
	mine := allOrders(t, customer)
	if got := numbers(mine); !slices.Equal(got, []string{"P-48120", "P-47985", "P-47710"}) {
		t.Fatalf("customer's orders = %v", got)
	}
	if mine[0].Person.Name != "Camilo Pérez" || mine[0].Status != "shipped" || mine[0].Total.Currency != "COP" ||
		mine[0].Total.Minor != 2*4590000+8990000 {
		t.Fatalf("first order = %+v", mine[0])
	}
	// The consultant: their own and their downline's (Camilo, Diana, Fernanda), newest first; not their
	// sponsor Beatriz's nor Gustavo's branch.
	network := allOrders(t, consultant)
	if got := numbers(network); !slices.Equal(got, []string{"P-48102", "P-48120", "P-48050", "P-48011", "P-47985", "P-47850", "P-47710"}) {
		t.Fatalf("consultant's orders = %v", got)
	}

	// Each order carries exactly the tickets about it the user sees, by an independent count of the
	// visibility rule: the requester, affected person or assignee, or the consultant's network.
	for _, who := range []struct {
		email  string
		orders []portal.Order
	}{{"customer@atiende.test", mine}, {"consultant@atiende.test", network}} {
		total := 0
		for _, o := range who.orders {
			want := count(t, a, `SELECT count(*) FROM tickets t, users u WHERE u.email = $1 AND t.order_number = $2 AND t.merged_into_id IS NULL
				AND (t.requester_id = u.id OR t.affected_id = u.id OR t.assignee_id = u.id OR (u.role = 'consultant' AND t.network @> ARRAY[u.id]))`,
				who.email, o.Number)
			if len(o.Tickets) != want {
				t.Errorf("%s sees %d tickets on %s, want %d", who.email, len(o.Tickets), o.Number, want)
			}
			for _, c := range o.Tickets {
				if c.OrderNumber == nil || *c.OrderNumber != o.Number {
					t.Errorf("ticket %d listed on %s is about %v", c.ID, o.Number, c.OrderNumber)
				}
			}
			total += len(o.Tickets)
		}
		if total == 0 {
			t.Errorf("%s sees no ticket on any order: the demo must put tickets on orders", who.email)
		}
	}

	// One order by number: the user's own or their downline's; anyone else's is not found.
	var o portal.Order
	do(t, consultant, "GET", "/api/v1/portal/orders/P-48050", nil, 200, &o)
	if o.Person.Name != "Diana López" {
		t.Fatalf("Diana's order: %+v", o)
	}
	for _, c := range []struct {
		client *testutil.Client
		number string
	}{{consultant, "P-48090"}, {consultant, "P-48077"}, {customer, "P-48102"}, {customer, "P-48050"}, {customer, "NOPE-1"}} {
		refused(t, c.client, "GET", "/api/v1/portal/orders/"+c.number, nil, 404, "", "no existe o no es tuyo", "does not exist or is not yours")
	}

	// Staff do not use the portal.
	for _, email := range []string{"agent1@atiende.test", "admin@atiende.test", "supervisor@atiende.test"} {
		refused(t, login(t, a, email), "GET", "/api/v1/portal/orders", nil, 403, "", "clientes y consultores", "customers and consultants")
	}
	do(t, testutil.NewClient(t, a), "GET", "/api/v1/portal/orders", nil, 401, nil)
	refused(t, customer, "GET", "/api/v1/portal/orders?cursor=abc", nil, 422, "cursor", "cursor", "cursor")
	refused(t, customer, "GET", "/api/v1/portal/orders?limit=0", nil, 422, "limit", "entre 1 y 100", "between 1 and 100")
}

func TestCreateTicketFromAnOrder(t *testing.T) {
	a := demo(t, nil)
	customer := login(t, a, "customer@atiende.test")
	consultant := login(t, a, "consultant@atiende.test")
	category := count(t, a, "SELECT id FROM categories WHERE parent_id IS NULL AND active ORDER BY position, id LIMIT 1")
	body := func(order string) map[string]any {
		return map[string]any{"subject": "Llegó incompleto", "description": "Falta un producto", "category_id": category, "order_number": order}
	}
	tickets := func() int { return count(t, a, "SELECT count(*) FROM tickets") }

	var created struct {
		ID          int64   `json:"id"`
		OrderNumber *string `json:"order_number"`
	}
	do(t, customer, "POST", "/api/v1/tickets", body("P-48120"), 201, &created)
	if created.OrderNumber == nil || *created.OrderNumber != "P-48120" {
		t.Fatalf("created ticket's order: %v", created.OrderNumber)
	}
	var o portal.Order
	do(t, customer, "GET", "/api/v1/portal/orders/P-48120", nil, 200, &o)
	if !containsTicket(o, created.ID) {
		t.Fatalf("the new ticket %d is not on its order: %+v", created.ID, o.Tickets)
	}
	// The consultant names their downline's order.
	do(t, consultant, "POST", "/api/v1/tickets", body("P-48050"), 201, &created)

	// Someone else's order (the consultant's, for the customer; the sponsor's or another branch's for the
	// consultant) or no order at all: 422 on order_number, nothing written.
	n := tickets()
	for _, c := range []struct {
		client *testutil.Client
		number string
	}{{customer, "P-48102"}, {customer, "P-48077"}, {consultant, "P-48090"}, {consultant, "P-48077"}, {customer, "P-99999"}} {
		refused(t, c.client, "POST", "/api/v1/tickets", body(c.number), 422, "order_number",
			"No encontramos ese pedido", "We did not find that order")
	}
	if tickets() != n {
		t.Fatalf("refused creations wrote tickets: %d → %d", n, tickets())
	}
	// Staff open tickets about any order.
	agent := login(t, a, "agent1@atiende.test")
	req := body("P-48077")
	req["channel_id"] = count(t, a, "SELECT id FROM channels ORDER BY id LIMIT 1")
	req["requester_id"] = count(t, a, "SELECT id FROM users WHERE email = 'gustavo.herrera@atiende.test'")
	do(t, agent, "POST", "/api/v1/tickets", req, 201, nil)
}

func containsTicket(o portal.Order, id int64) bool {
	for _, c := range o.Tickets {
		if c.ID == id {
			return true
		}
	}
	return false
}
