package commerce

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/errs"
)

// PG is the built-in Store on Atiende's own PostgreSQL tables (migration 20261123000006_commerce).
// It holds no handle: every method runs on the bun.IDB it is given, so callers choose the transaction.
type PG struct{}

// NewPG returns the built-in PostgreSQL store.
func NewPG() *PG { return &PG{} }

var _ Store = (*PG)(nil)

const (
	maxReason    = 1000
	maxItems     = 200
	maxQuantity  = 1_000_000
	maxPageLimit = 200
)

// inTx runs fn in a transaction of its own, or in a savepoint of the caller's: a refused write leaves
// nothing behind either way, and the caller's transaction stays usable.
func inTx(ctx context.Context, db bun.IDB, fn func(ctx context.Context, tx bun.Tx) error) error {
	return db.RunInTx(ctx, nil, fn)
}

func pageLimit(limit int) int {
	if limit <= 0 || limit > maxPageLimit {
		return 50
	}
	return limit
}

func checkReason(bad *errs.Error, reason string) *errs.Error {
	if utf8.RuneCountInString(reason) > maxReason {
		return addField(bad, "reason", "commerce.reason_length", map[string]any{"max": maxReason})
	}
	return bad
}

// addField collects field errors into one invalid error, so a form shows every bad field at once.
func addField(bad *errs.Error, field, key string, args map[string]any) *errs.Error {
	if bad == nil {
		bad = errs.New(errs.Invalid, "error.invalid")
	}
	return bad.WithField(field, key, args)
}

func personExists(ctx context.Context, db bun.IDB, id int64) error {
	var ok bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)", id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.NotFound, "commerce.person_not_found")
	}
	return nil
}

// Balance returns a person's balance; a person with none has a zero one without currency.
func (PG) Balance(ctx context.Context, db bun.IDB, personID int64) (Balance, error) {
	b := Balance{PersonID: personID}
	var cur sql.NullString
	err := db.QueryRowContext(ctx, "SELECT money_minor, currency, points, version, updated_at FROM balances WHERE person_id = ?", personID).
		Scan(&b.Money.Minor, &cur, &b.Points, &b.Version, &b.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		if err := personExists(ctx, db, personID); err != nil {
			return Balance{}, fmt.Errorf("commerce: balance: %w", err)
		}
		return b, nil
	}
	if err != nil {
		return Balance{}, fmt.Errorf("commerce: balance: %w", err)
	}
	b.Money.Currency = cur.String
	return b, nil
}

const movementCols = "id, person_id, kind, amount_minor, coalesce(currency, ''), balance_after, reason, note_reason_id, ticket_id, actor_id, created_at"

type scanner interface{ Scan(dest ...any) error }

func scanMovement(r scanner) (Movement, error) {
	var m Movement
	err := r.Scan(&m.ID, &m.PersonID, &m.Kind, &m.Amount.Minor, &m.Amount.Currency, &m.BalanceAfter, &m.Reason,
		&m.NoteReasonID, &m.TicketID, &m.ActorID, &m.CreatedAt)
	return m, err
}

// Movements lists a person's movements newest first; cursor is the id of the last movement seen.
func (PG) Movements(ctx context.Context, db bun.IDB, personID, cursor int64, limit int) ([]Movement, int64, error) {
	limit = pageLimit(limit)
	rows, err := db.QueryContext(ctx, "SELECT "+movementCols+` FROM balance_movements
		WHERE person_id = ? AND (? = 0 OR (created_at, id) < (SELECT created_at, id FROM balance_movements WHERE id = ? AND person_id = ?))
		ORDER BY created_at DESC, id DESC LIMIT ?`, personID, cursor, cursor, personID, limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("commerce: movements: %w", err)
	}
	defer rows.Close()
	items := []Movement{}
	for rows.Next() {
		m, err := scanMovement(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("commerce: movements: %w", err)
		}
		items = append(items, m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("commerce: movements: %w", err)
	}
	var next int64
	if len(items) > limit {
		items = items[:limit]
		next = items[limit-1].ID
	}
	return items, next, nil
}

// Movements take clock_timestamp(), read after the balance lock, not now() (the start of a transaction
// that may have waited for the lock): newest-first by created_at is then the order they were applied in,
// and each one's balance_after follows from the one before.

// lockBalance creates the person's balance row if missing and locks it for the rest of the transaction,
// so concurrent movements on one person apply one after the other and the balance stays their sum.
func lockBalance(ctx context.Context, tx bun.Tx, personID int64) (money int64, currency string, points int64, err error) {
	if _, err = tx.ExecContext(ctx, "INSERT INTO balances (person_id) VALUES (?) ON CONFLICT (person_id) DO NOTHING", personID); err != nil {
		return
	}
	var cur sql.NullString
	err = tx.QueryRowContext(ctx, "SELECT money_minor, currency, points FROM balances WHERE person_id = ? FOR UPDATE", personID).
		Scan(&money, &cur, &points)
	return money, cur.String, points, err
}

// AddNote writes a credit (adds) or debit (subtracts) note on the person's balance, in db's transaction.
// The note reason must exist, be active and be of the note's kind; the amount must be in the balance's
// currency (a balance without money yet takes the note's).
func (PG) AddNote(ctx context.Context, db bun.IDB, n Note) (Movement, error) {
	var bad *errs.Error
	if n.Kind != Credit && n.Kind != Debit {
		bad = addField(bad, "kind", "commerce.note_kind_invalid", nil)
	}
	if _, ok := exponents[n.Amount.Currency]; !ok {
		bad = addField(bad, "currency", "commerce.currency_unknown", map[string]any{"currency": n.Amount.Currency})
	}
	if n.Amount.Minor <= 0 {
		bad = addField(bad, "amount", "commerce.amount_positive", nil)
	} else if n.Amount.Minor > maxMinor {
		bad = addField(bad, "amount", "commerce.amount_too_large", nil)
	}
	if n.NoteReasonID <= 0 {
		bad = addField(bad, "note_reason_id", "commerce.note_reason_required", nil)
	}
	bad = checkReason(bad, n.Reason)
	if bad != nil {
		return Movement{}, fmt.Errorf("commerce: add note: %w", bad)
	}
	var out Movement
	err := inTx(ctx, db, func(ctx context.Context, tx bun.Tx) error {
		if err := personExists(ctx, tx, n.PersonID); err != nil {
			return err
		}
		var kind string
		var active bool
		err := tx.QueryRowContext(ctx, "SELECT kind, active FROM note_reasons WHERE id = ?", n.NoteReasonID).Scan(&kind, &active)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
			return errs.InvalidField("note_reason_id", "commerce.note_reason_unknown", nil)
		}
		if err != nil {
			return err
		}
		if kind != n.Kind {
			return errs.InvalidField("note_reason_id", "commerce.note_reason_not_"+n.Kind, nil)
		}
		money, cur, _, err := lockBalance(ctx, tx, n.PersonID)
		if err != nil {
			return err
		}
		if cur != "" && cur != n.Amount.Currency {
			return errs.InvalidField("currency", "commerce.currency_mismatch", map[string]any{"currency": cur})
		}
		amount := n.Amount.Minor
		if n.Kind == Debit {
			amount = -amount
		}
		after := money + amount
		if after > maxMinor || after < -maxMinor {
			return errs.InvalidField("amount", "commerce.amount_too_large", nil)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE balances SET money_minor = ?, currency = ?, version = version + 1, updated_at = now() WHERE person_id = ?",
			after, n.Amount.Currency, n.PersonID); err != nil {
			return err
		}
		out, err = scanMovement(tx.QueryRowContext(ctx, `INSERT INTO balance_movements
			(person_id, kind, amount_minor, currency, balance_after, reason, note_reason_id, ticket_id, actor_id, created_at)
			VALUES (?, 'money', ?, ?, ?, ?, ?, ?, ?, clock_timestamp()) RETURNING `+movementCols,
			n.PersonID, amount, n.Amount.Currency, after, n.Reason, n.NoteReasonID, n.TicketID, n.ActorID))
		return err
	})
	if err != nil {
		return Movement{}, fmt.Errorf("commerce: add note: %w", err)
	}
	return out, nil
}

// AddPoints earns (positive) or redeems (negative) points; a redemption never takes points below zero.
func (PG) AddPoints(ctx context.Context, db bun.IDB, p Points) (Movement, error) {
	var bad *errs.Error
	if p.Points == 0 {
		bad = addField(bad, "points", "commerce.points_zero", nil)
	} else if p.Points > maxMinor || p.Points < -maxMinor {
		bad = addField(bad, "points", "commerce.amount_too_large", nil)
	}
	bad = checkReason(bad, p.Reason)
	if bad != nil {
		return Movement{}, fmt.Errorf("commerce: add points: %w", bad)
	}
	var out Movement
	err := inTx(ctx, db, func(ctx context.Context, tx bun.Tx) error {
		if err := personExists(ctx, tx, p.PersonID); err != nil {
			return err
		}
		_, _, points, err := lockBalance(ctx, tx, p.PersonID)
		if err != nil {
			return err
		}
		after := points + p.Points
		if after < 0 {
			return errs.InvalidField("points", "commerce.points_insufficient", map[string]any{"points": points})
		}
		if after > maxMinor {
			return errs.InvalidField("points", "commerce.amount_too_large", nil)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE balances SET points = ?, version = version + 1, updated_at = now() WHERE person_id = ?", after, p.PersonID); err != nil {
			return err
		}
		out, err = scanMovement(tx.QueryRowContext(ctx, `INSERT INTO balance_movements
			(person_id, kind, amount_minor, currency, balance_after, reason, ticket_id, actor_id, created_at)
			VALUES (?, 'points', ?, NULL, ?, ?, ?, ?, clock_timestamp()) RETURNING `+movementCols,
			p.PersonID, p.Points, after, p.Reason, p.TicketID, p.ActorID))
		return err
	})
	if err != nil {
		return Movement{}, fmt.Errorf("commerce: add points: %w", err)
	}
	return out, nil
}

// Credit returns a person's credit account; one never set is type "none" with a zero limit.
func (PG) Credit(ctx context.Context, db bun.IDB, personID int64) (CreditAccount, error) {
	c := CreditAccount{PersonID: personID, CreditType: "none"}
	err := db.QueryRowContext(ctx, "SELECT credit_type, limit_minor, currency, version, updated_at FROM credit_accounts WHERE person_id = ?", personID).
		Scan(&c.CreditType, &c.Limit.Minor, &c.Limit.Currency, &c.Version, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		if err := personExists(ctx, db, personID); err != nil {
			return CreditAccount{}, fmt.Errorf("commerce: credit: %w", err)
		}
		return c, nil
	}
	if err != nil {
		return CreditAccount{}, fmt.Errorf("commerce: credit: %w", err)
	}
	return c, nil
}

// SetCreditLimit sets a person's credit type and limit and writes the before/after into
// credit_limit_changes, in db's transaction.
func (PG) SetCreditLimit(ctx context.Context, db bun.IDB, c CreditChange) (CreditAccount, error) {
	var bad *errs.Error
	if !slices.Contains(CreditTypes, c.CreditType) {
		bad = addField(bad, "credit_type", "commerce.credit_type_invalid", nil)
	}
	if _, ok := exponents[c.Limit.Currency]; !ok {
		bad = addField(bad, "currency", "commerce.currency_unknown", map[string]any{"currency": c.Limit.Currency})
	}
	if c.Limit.Minor < 0 {
		bad = addField(bad, "limit", "commerce.limit_negative", nil)
	} else if c.Limit.Minor > maxMinor {
		bad = addField(bad, "limit", "commerce.amount_too_large", nil)
	}
	bad = checkReason(bad, c.Reason)
	if bad != nil {
		return CreditAccount{}, fmt.Errorf("commerce: set credit limit: %w", bad)
	}
	var out CreditAccount
	err := inTx(ctx, db, func(ctx context.Context, tx bun.Tx) error {
		if err := personExists(ctx, tx, c.PersonID); err != nil {
			return err
		}
		var typeBefore, curBefore sql.NullString
		var limitBefore sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT credit_type, limit_minor, currency FROM credit_accounts WHERE person_id = ? FOR UPDATE", c.PersonID).
			Scan(&typeBefore, &limitBefore, &curBefore)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out = CreditAccount{PersonID: c.PersonID, CreditType: c.CreditType, Limit: c.Limit}
		// ON CONFLICT covers a first credit decision racing another one for the same person.
		if err := tx.QueryRowContext(ctx, `INSERT INTO credit_accounts (person_id, credit_type, limit_minor, currency) VALUES (?, ?, ?, ?)
			ON CONFLICT (person_id) DO UPDATE SET credit_type = EXCLUDED.credit_type, limit_minor = EXCLUDED.limit_minor,
				currency = EXCLUDED.currency, version = credit_accounts.version + 1, updated_at = now()
			RETURNING version, updated_at`, c.PersonID, c.CreditType, c.Limit.Minor, c.Limit.Currency).Scan(&out.Version, &out.UpdatedAt); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO credit_limit_changes
			(person_id, type_before, type_after, limit_before_minor, limit_after_minor, currency_before, currency, reason, ticket_id, actor_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.PersonID, typeBefore, c.CreditType, limitBefore, c.Limit.Minor, curBefore,
			c.Limit.Currency, c.Reason, c.TicketID, c.ActorID)
		return err
	})
	if err != nil {
		return CreditAccount{}, fmt.Errorf("commerce: set credit limit: %w", err)
	}
	return out, nil
}

const orderCols = "id, number, person_id, status, currency, total_minor, created_at, updated_at"

func scanOrder(r scanner) (Order, error) {
	var o Order
	err := r.Scan(&o.ID, &o.Number, &o.PersonID, &o.Status, &o.Total.Currency, &o.Total.Minor, &o.CreatedAt, &o.UpdatedAt)
	o.Items = []OrderItem{}
	return o, err
}

// Orders lists a person's orders newest first, without items; cursor is the id of the last order seen.
func (PG) Orders(ctx context.Context, db bun.IDB, personID, cursor int64, limit int) ([]Order, int64, error) {
	limit = pageLimit(limit)
	rows, err := db.QueryContext(ctx, "SELECT "+orderCols+` FROM orders
		WHERE person_id = ? AND (? = 0 OR (created_at, id) < (SELECT created_at, id FROM orders WHERE id = ? AND person_id = ?))
		ORDER BY created_at DESC, id DESC LIMIT ?`, personID, cursor, cursor, personID, limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("commerce: orders: %w", err)
	}
	defer rows.Close()
	items := []Order{}
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("commerce: orders: %w", err)
		}
		items = append(items, o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("commerce: orders: %w", err)
	}
	var next int64
	if len(items) > limit {
		items = items[:limit]
		next = items[limit-1].ID
	}
	return items, next, nil
}

// OrdersOf lists the orders of any of some persons newest first, without items; cursor is the id of the
// last order seen (of one of those persons, else the list starts over).
func (PG) OrdersOf(ctx context.Context, db bun.IDB, personIDs []int64, cursor int64, limit int) ([]Order, int64, error) {
	limit = pageLimit(limit)
	items := []Order{}
	if len(personIDs) == 0 {
		return items, 0, nil
	}
	persons := pgdialect.Array(personIDs)
	rows, err := db.QueryContext(ctx, "SELECT "+orderCols+` FROM orders
		WHERE person_id = ANY(?::bigint[]) AND (? = 0 OR (created_at, id) < (SELECT created_at, id FROM orders WHERE id = ? AND person_id = ANY(?::bigint[])))
		ORDER BY created_at DESC, id DESC LIMIT ?`, persons, cursor, cursor, persons, limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("commerce: orders of: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("commerce: orders of: %w", err)
		}
		items = append(items, o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("commerce: orders of: %w", err)
	}
	var next int64
	if len(items) > limit {
		items = items[:limit]
		next = items[limit-1].ID
	}
	return items, next, nil
}

// Order returns an order with its items; Backordered counts open and shipped backorders, not cancelled.
func (p PG) Order(ctx context.Context, db bun.IDB, id int64) (Order, error) {
	o, err := p.order(ctx, db, id, false)
	if err != nil {
		return Order{}, fmt.Errorf("commerce: order: %w", err)
	}
	return o, nil
}

// OrderByNumber returns the order with a number, with its items; none is not found.
func (p PG) OrderByNumber(ctx context.Context, db bun.IDB, number string) (Order, error) {
	var id int64
	err := db.QueryRowContext(ctx, "SELECT id FROM orders WHERE number = ?", strings.TrimSpace(number)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, errs.InvalidField("order_number", "commerce.order_not_found", nil)
	}
	if err != nil {
		return Order{}, fmt.Errorf("commerce: order by number: %w", err)
	}
	return p.Order(ctx, db, id)
}

func (PG) order(ctx context.Context, db bun.IDB, id int64, lock bool) (Order, error) {
	q := "SELECT " + orderCols + " FROM orders WHERE id = ?"
	if lock {
		q += " FOR UPDATE"
	}
	o, err := scanOrder(db.QueryRowContext(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, errs.New(errs.NotFound, "commerce.order_not_found")
	}
	if err != nil {
		return Order{}, err
	}
	rows, err := db.QueryContext(ctx, `SELECT i.id, i.order_id, i.sku, i.description, i.quantity, i.unit_price_minor, i.quantity_shipped,
			coalesce((SELECT sum(bi.quantity) FROM backorder_items bi JOIN backorders b ON b.id = bi.backorder_id
				WHERE bi.order_item_id = i.id AND b.status <> 'cancelled'), 0)
		FROM order_items i WHERE i.order_id = ? ORDER BY i.id`, id)
	if err != nil {
		return Order{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var it OrderItem
		if err := rows.Scan(&it.ID, &it.OrderID, &it.SKU, &it.Description, &it.Quantity, &it.UnitPrice.Minor, &it.QuantityShipped, &it.Backordered); err != nil {
			return Order{}, err
		}
		it.UnitPrice.Currency = o.Total.Currency
		it.Owed = max(it.Quantity-it.QuantityShipped-it.Backordered, 0)
		o.Items = append(o.Items, it)
	}
	return o, rows.Err()
}

// CreateOrder creates an order and its items; the total is computed here from the items.
func (p PG) CreateOrder(ctx context.Context, db bun.IDB, n NewOrder) (Order, error) {
	var bad *errs.Error
	if n.Status == "" {
		n.Status = "open"
	}
	if !slices.Contains(OrderStatuses, n.Status) {
		bad = addField(bad, "status", "commerce.order_status_invalid", nil)
	}
	n.Number = strings.TrimSpace(n.Number)
	if utf8.RuneCountInString(n.Number) > 40 {
		bad = addField(bad, "number", "commerce.order_number_length", map[string]any{"max": 40})
	}
	if _, ok := exponents[n.Currency]; !ok {
		bad = addField(bad, "currency", "commerce.currency_unknown", map[string]any{"currency": n.Currency})
	}
	if len(n.Items) == 0 || len(n.Items) > maxItems {
		bad = addField(bad, "items", "commerce.items_count", map[string]any{"max": maxItems})
	}
	var total int64
	for i, it := range n.Items {
		f := fmt.Sprintf("items[%d].", i)
		if l := utf8.RuneCountInString(strings.TrimSpace(it.SKU)); l < 1 || l > 60 {
			bad = addField(bad, f+"sku", "commerce.sku_length", map[string]any{"max": 60})
		}
		if utf8.RuneCountInString(it.Description) > 300 {
			bad = addField(bad, f+"description", "commerce.description_length", map[string]any{"max": 300})
		}
		if it.Quantity < 1 || it.Quantity > maxQuantity {
			bad = addField(bad, f+"quantity", "commerce.quantity_range", map[string]any{"max": maxQuantity})
		}
		if it.QuantityShipped < 0 || it.QuantityShipped > it.Quantity {
			bad = addField(bad, f+"quantity_shipped", "commerce.shipped_range", nil)
		}
		if it.UnitPriceMinor < 0 || it.UnitPriceMinor > maxMinor {
			bad = addField(bad, f+"unit_price", "commerce.price_range", nil)
		} else if it.Quantity >= 1 && it.Quantity <= maxQuantity {
			line := it.UnitPriceMinor * int64(it.Quantity) // at most 10^15 · 10^6: fits in int64
			total += line
			if total > maxMinor {
				bad = addField(bad, "items", "commerce.amount_too_large", nil)
				total = 0
			}
		}
	}
	if bad != nil {
		return Order{}, fmt.Errorf("commerce: create order: %w", bad)
	}
	var out Order
	err := inTx(ctx, db, func(ctx context.Context, tx bun.Tx) error {
		if err := personExists(ctx, tx, n.PersonID); err != nil {
			return err
		}
		var id int64
		var number any
		if n.Number != "" {
			number = n.Number
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO orders (number, person_id, status, currency, total_minor)
			VALUES (coalesce(?, nextval('order_number_seq')::text), ?, ?, ?, ?) RETURNING id`, number, n.PersonID, n.Status, n.Currency, total).Scan(&id)
		if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "23505" {
			return errs.InvalidField("number", "commerce.order_number_taken", map[string]any{"number": n.Number})
		}
		if err != nil {
			return err
		}
		for _, it := range n.Items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO order_items (order_id, sku, description, quantity, unit_price_minor, quantity_shipped)
				VALUES (?, ?, ?, ?, ?, ?)`, id, strings.TrimSpace(it.SKU), it.Description, it.Quantity, it.UnitPriceMinor, it.QuantityShipped); err != nil {
				return err
			}
		}
		out, err = p.order(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return Order{}, fmt.Errorf("commerce: create order: %w", err)
	}
	return out, nil
}

// CreateBackorder creates a backorder for items of one order, each for at most what is owed of it
// (quantity − shipped − already backordered). The order row is locked so two backorders created at
// once cannot together exceed what is owed.
func (p PG) CreateBackorder(ctx context.Context, db bun.IDB, orderID int64, ticketID *int64, items []BackorderItem) (Backorder, error) {
	var bad *errs.Error
	if len(items) == 0 || len(items) > maxItems {
		bad = addField(bad, "items", "commerce.items_count", map[string]any{"max": maxItems})
	}
	seen := map[int64]bool{}
	for i, it := range items {
		if it.Quantity < 1 {
			bad = addField(bad, fmt.Sprintf("items[%d].quantity", i), "commerce.quantity_range", map[string]any{"max": maxQuantity})
		}
		if seen[it.OrderItemID] {
			bad = addField(bad, fmt.Sprintf("items[%d].order_item_id", i), "commerce.backorder_item_repeated", nil)
		}
		seen[it.OrderItemID] = true
	}
	if bad != nil {
		return Backorder{}, fmt.Errorf("commerce: create backorder: %w", bad)
	}
	var out Backorder
	err := inTx(ctx, db, func(ctx context.Context, tx bun.Tx) error {
		o, err := p.order(ctx, tx, orderID, true)
		if err != nil {
			return err
		}
		if o.Status == "cancelled" {
			return errs.InvalidField("order_id", "commerce.order_cancelled", map[string]any{"number": o.Number})
		}
		byID := map[int64]OrderItem{}
		for _, it := range o.Items {
			byID[it.ID] = it
		}
		var bad *errs.Error
		for i, it := range items {
			oi, ok := byID[it.OrderItemID]
			switch {
			case !ok:
				bad = addField(bad, fmt.Sprintf("items[%d].order_item_id", i), "commerce.backorder_item_other_order", map[string]any{"number": o.Number})
			case it.Quantity > oi.Owed:
				bad = addField(bad, fmt.Sprintf("items[%d].quantity", i), "commerce.backorder_over_owed",
					map[string]any{"sku": oi.SKU, "owed": oi.Owed, "quantity": it.Quantity})
			}
		}
		if bad != nil {
			return bad
		}
		out = Backorder{OrderID: orderID, TicketID: ticketID, Items: slices.Clone(items)}
		if err := tx.QueryRowContext(ctx, "INSERT INTO backorders (order_id, ticket_id) VALUES (?, ?) RETURNING id, status, created_at", orderID, ticketID).
			Scan(&out.ID, &out.Status, &out.CreatedAt); err != nil {
			return err
		}
		for _, it := range items {
			if _, err := tx.ExecContext(ctx, "INSERT INTO backorder_items (backorder_id, order_item_id, quantity) VALUES (?, ?, ?)",
				out.ID, it.OrderItemID, it.Quantity); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Backorder{}, fmt.Errorf("commerce: create backorder: %w", err)
	}
	return out, nil
}
