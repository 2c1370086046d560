// Package commerce is the commerce data a ticket acts on: balances in money and points with their
// movements, credit type and limit, orders with items, and backorders. It sits behind the Store
// interface so that a company can replace the built-in PostgreSQL store (PG) by an adapter to its own
// platform; workflow actions and the 360° view only ever talk to Store.
package commerce

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Note kinds: a credit note adds to the customer's balance, a debit note subtracts from it.
const (
	Credit = "credit"
	Debit  = "debit"
)

// Movement kinds.
const (
	KindMoney  = "money"
	KindPoints = "points"
)

// CreditTypes are the ways a person may pay, from no credit to 90 days.
var CreditTypes = []string{"none", "cash", "credit_30", "credit_60", "credit_90"}

// Order statuses.
var OrderStatuses = []string{"open", "held", "invoiced", "shipped", "delivered", "cancelled"}

// Store is the replaceable adapter boundary for commerce data. Reads take any bun.IDB; writes take the
// caller's bun.IDB too, so a workflow action runs them inside the ticket's transaction and the change,
// its ticket history row and its live event commit or roll back together. An adapter to an external
// platform ignores db for its own data and uses it only for what Atiende keeps locally.
type Store interface {
	// Balance returns a person's balance (zero, with no currency, when they have none yet).
	Balance(ctx context.Context, db bun.IDB, personID int64) (Balance, error)
	// Movements lists a person's balance movements, newest first, after the cursor (a movement id; 0 for
	// the first page); next is the cursor of the following page, 0 at the end.
	Movements(ctx context.Context, db bun.IDB, personID, cursor int64, limit int) (items []Movement, next int64, err error)
	// AddNote writes a credit or debit note on a person's balance and returns its movement.
	AddNote(ctx context.Context, db bun.IDB, n Note) (Movement, error)
	// AddPoints adds (or, negative, redeems) points on a person's balance and returns its movement.
	AddPoints(ctx context.Context, db bun.IDB, p Points) (Movement, error)
	// Credit returns a person's credit type and limit ("none" and zero when never set).
	Credit(ctx context.Context, db bun.IDB, personID int64) (CreditAccount, error)
	// SetCreditLimit changes a person's credit type and limit and records the change.
	SetCreditLimit(ctx context.Context, db bun.IDB, c CreditChange) (CreditAccount, error)
	// Orders lists a person's orders, newest first, keyset by order id like Movements.
	Orders(ctx context.Context, db bun.IDB, personID, cursor int64, limit int) (items []Order, next int64, err error)
	// OrdersOf lists the orders of any of some persons, newest first, without items, keyset by order id
	// like Orders (the portal: a consultant's own and their downline's orders on one list).
	OrdersOf(ctx context.Context, db bun.IDB, personIDs []int64, cursor int64, limit int) (items []Order, next int64, err error)
	// Order returns one order with its items and what is owed of each.
	Order(ctx context.Context, db bun.IDB, id int64) (Order, error)
	// OrderByNumber returns one order, named by its number, with its items and what is owed of each.
	OrderByNumber(ctx context.Context, db bun.IDB, number string) (Order, error)
	// CreateOrder creates an order with its items.
	CreateOrder(ctx context.Context, db bun.IDB, o NewOrder) (Order, error)
	// CreateBackorder creates a backorder for what is still owed of some of an order's items.
	CreateBackorder(ctx context.Context, db bun.IDB, orderID int64, ticketID *int64, items []BackorderItem) (Backorder, error)
}

// Balance is a person's money and points. Money.Currency is empty until the first money movement.
type Balance struct {
	PersonID  int64     `json:"person_id"`
	Money     Money     `json:"money"`
	Points    int64     `json:"points"`
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Movement is one change of a balance. Amount is signed; for points its Currency is empty and Minor
// counts whole points.
type Movement struct {
	ID           int64     `json:"id"`
	PersonID     int64     `json:"person_id"`
	Kind         string    `json:"kind"`
	Amount       Money     `json:"amount"`
	BalanceAfter int64     `json:"balance_after"`
	Reason       string    `json:"reason"`
	NoteReasonID *int64    `json:"note_reason_id"`
	TicketID     *int64    `json:"ticket_id"`
	ActorID      *int64    `json:"actor_id"`
	CreatedAt    time.Time `json:"created_at"`
}

// Note is a credit or debit note to write: Amount is positive, Kind says its direction, NoteReasonID
// names a note_reasons row of the same kind, Reason is the free text the agent wrote.
type Note struct {
	PersonID     int64
	Kind         string
	Amount       Money
	NoteReasonID int64
	TicketID     *int64
	ActorID      *int64
	Reason       string
}

// Points is a points movement to write: positive earns, negative redeems (never below zero).
type Points struct {
	PersonID int64
	Points   int64
	Reason   string
	TicketID *int64
	ActorID  *int64
}

// CreditAccount is a person's credit type and limit.
type CreditAccount struct {
	PersonID   int64     `json:"person_id"`
	CreditType string    `json:"credit_type"`
	Limit      Money     `json:"limit"`
	Version    int64     `json:"version"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// CreditChange is a new credit type and limit for a person, with why and from which ticket.
type CreditChange struct {
	PersonID   int64
	Limit      Money
	CreditType string
	Reason     string
	TicketID   *int64
	ActorID    *int64
}

// Order is an order with its items.
type Order struct {
	ID        int64       `json:"id"`
	Number    string      `json:"number"`
	PersonID  int64       `json:"person_id"`
	Status    string      `json:"status"`
	Total     Money       `json:"total"`
	Items     []OrderItem `json:"items"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// OrderItem is one line of an order. Owed is what is neither shipped nor already backordered.
type OrderItem struct {
	ID              int64  `json:"id"`
	OrderID         int64  `json:"order_id"`
	SKU             string `json:"sku"`
	Description     string `json:"description"`
	Quantity        int    `json:"quantity"`
	UnitPrice       Money  `json:"unit_price"`
	QuantityShipped int    `json:"quantity_shipped"`
	Backordered     int    `json:"backordered"`
	Owed            int    `json:"owed"`
}

// NewOrder is an order to create. Number is optional (the store numbers it); Status defaults to open.
type NewOrder struct {
	Number   string
	PersonID int64
	Status   string
	Currency string
	Items    []NewOrderItem
}

// NewOrderItem is a line of a NewOrder; UnitPriceMinor is in the order's currency.
type NewOrderItem struct {
	SKU             string
	Description     string
	Quantity        int
	UnitPriceMinor  int64
	QuantityShipped int
}

// BackorderItem is how much of an order item a backorder carries.
type BackorderItem struct {
	OrderItemID int64 `json:"order_item_id"`
	Quantity    int   `json:"quantity"`
}

// Backorder is what is still owed of an order, to be shipped later.
type Backorder struct {
	ID        int64           `json:"id"`
	OrderID   int64           `json:"order_id"`
	TicketID  *int64          `json:"ticket_id"`
	Status    string          `json:"status"`
	Items     []BackorderItem `json:"items"`
	CreatedAt time.Time       `json:"created_at"`
}
