package commerce_test

import (
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/commerce"
	"github.com/atiende/atiende/server/internal/db"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/testutil"
)

// setup opens a fresh migrated database and returns it with the id of one customer.
func setup(t *testing.T) (*bun.DB, int64) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, testutil.DB(t), 20)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d.Bun, person(t, d.Bun, "ana@x.test")
}

func person(t *testing.T, d *bun.DB, email string) int64 {
	t.Helper()
	var id int64
	if err := d.QueryRowContext(context.Background(), "INSERT INTO users (email, name, password_hash, role) VALUES (?, 'Ana', '', 'customer') RETURNING id", email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func reason(t *testing.T, d *bun.DB, key string) int64 {
	t.Helper()
	var id int64
	if err := d.QueryRowContext(context.Background(), "SELECT id FROM note_reasons WHERE key = ?", key).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, d *bun.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func money(t *testing.T, s, cur string) commerce.Money {
	t.Helper()
	m, err := commerce.ParseMoney(s, cur)
	if err != nil {
		t.Fatalf("ParseMoney(%q, %s): %v", s, cur, err)
	}
	return m
}

// fieldMessages renders an error's field message in both locales, as a user would read it.
func fieldMessages(t *testing.T, err error, field string) (es, en string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("want an errs error, got %v", err)
	}
	m, ok := e.Fields[field]
	if !ok {
		t.Fatalf("want a message on %q, got %+v", field, e.Fields)
	}
	return i18n.T(i18n.ES, m.Key, m.Args), i18n.T(i18n.EN, m.Key, m.Args)
}

func TestNotesChangeTheBalanceExactly(t *testing.T) {
	d, ana := setup(t)
	ctx := context.Background()
	pg := commerce.NewPG()
	credit := reason(t, d, "goodwill_credit")
	debit := reason(t, d, "interest_debit")

	for _, s := range []string{"0.10", "0.20"} {
		if _, err := pg.AddNote(ctx, d, commerce.Note{PersonID: ana, Kind: commerce.Credit, Amount: money(t, s, "COP"), NoteReasonID: credit}); err != nil {
			t.Fatal(err)
		}
	}
	b, err := pg.Balance(ctx, d, ana)
	if err != nil {
		t.Fatal(err)
	}
	if b.Money != (commerce.Money{Minor: 30, Currency: "COP"}) || b.Money.Decimal() != "0.30" {
		t.Fatalf("0.10 + 0.20 = %+v (%s), want exactly 0.30 COP", b.Money, b.Money.Decimal())
	}
	m, err := pg.AddNote(ctx, d, commerce.Note{PersonID: ana, Kind: commerce.Debit, Amount: money(t, "1234.56", "COP"), NoteReasonID: debit, Reason: "Mora de marzo"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Amount.Minor != -123456 || m.BalanceAfter != 30-123456 || m.Reason != "Mora de marzo" || *m.NoteReasonID != debit {
		t.Fatalf("debit movement = %+v", m)
	}
	b, _ = pg.Balance(ctx, d, ana)
	if got := b.Money.Format(i18n.ES); got != "-1.234,26 COP" {
		t.Fatalf("balance after the debit = %q, want -1.234,26 COP", got)
	}
	if got := b.Money.Format(i18n.EN); got != "-1,234.26 COP" {
		t.Fatalf("balance in English = %q", got)
	}
	list, next, err := pg.Movements(ctx, d, ana, 0, 2)
	if err != nil || len(list) != 2 || next == 0 || list[0].ID != m.ID {
		t.Fatalf("first page = %+v next %d err %v", list, next, err)
	}
	rest, next, err := pg.Movements(ctx, d, ana, next, 2)
	if err != nil || len(rest) != 1 || next != 0 || rest[0].Amount.Minor != 10 {
		t.Fatalf("second page = %+v next %d err %v", rest, next, err)
	}
}

func TestBalanceIsTheSumOfMovementsUnderConcurrency(t *testing.T) {
	d, ana := setup(t)
	ctx := context.Background()
	pg := commerce.NewPG()
	credit, debit := reason(t, d, "goodwill_credit"), reason(t, d, "interest_debit")
	var wg sync.WaitGroup
	errc := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			n := commerce.Note{PersonID: ana, Kind: commerce.Credit, Amount: commerce.Money{Minor: int64(101 + i), Currency: "USD"}, NoteReasonID: credit}
			if i%3 == 0 {
				n.Kind, n.NoteReasonID = commerce.Debit, debit
			}
			// Each note in its own transaction, as each workflow action would run.
			errc <- d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				_, err := pg.AddNote(ctx, tx, n)
				return err
			})
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	var want int64
	for i := range 50 {
		if i%3 == 0 {
			want -= int64(101 + i)
		} else {
			want += int64(101 + i)
		}
	}
	var sum, n int64
	if err := d.QueryRowContext(ctx, "SELECT sum(amount_minor), count(*) FROM balance_movements WHERE person_id = ?", ana).Scan(&sum, &n); err != nil {
		t.Fatal(err)
	}
	b, _ := pg.Balance(ctx, d, ana)
	if n != 50 || sum != want || b.Money.Minor != want || b.Version != 51 {
		t.Fatalf("balance %d (version %d), movements %d summing %d; want 50 summing %d", b.Money.Minor, b.Version, n, sum, want)
	}
	// The last movement's balance_after is the balance: movements applied one after the other.
	list, _, _ := pg.Movements(ctx, d, ana, 0, 1)
	if list[0].BalanceAfter != want {
		t.Fatalf("newest balance_after = %d, want %d", list[0].BalanceAfter, want)
	}
}

func TestNoteRefusals(t *testing.T) {
	d, ana := setup(t)
	ctx := context.Background()
	pg := commerce.NewPG()
	credit, debit := reason(t, d, "goodwill_credit"), reason(t, d, "interest_debit")
	if _, err := pg.AddNote(ctx, d, commerce.Note{PersonID: ana, Kind: commerce.Credit, Amount: money(t, "5", "COP"), NoteReasonID: credit}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, field, es, en string
		note                commerce.Note
	}{
		{"debit reason on a credit", "note_reason_id",
			"Ese motivo es de notas débito; elige un motivo de nota crédito.",
			"That reason is for debit notes; choose a credit note reason.",
			commerce.Note{PersonID: ana, Kind: commerce.Credit, Amount: money(t, "1", "COP"), NoteReasonID: debit}},
		{"credit reason on a debit", "note_reason_id",
			"Ese motivo es de notas crédito; elige un motivo de nota débito.",
			"That reason is for credit notes; choose a debit note reason.",
			commerce.Note{PersonID: ana, Kind: commerce.Debit, Amount: money(t, "1", "COP"), NoteReasonID: credit}},
		{"currency mismatch", "currency",
			"El saldo de esta persona está en COP; la nota debe ser en la misma moneda.",
			"This person's balance is in COP; the note must be in the same currency.",
			commerce.Note{PersonID: ana, Kind: commerce.Credit, Amount: money(t, "1", "USD"), NoteReasonID: credit}},
		{"zero amount", "amount", "El importe debe ser mayor que cero.", "The amount must be greater than zero.",
			commerce.Note{PersonID: ana, Kind: commerce.Credit, Amount: commerce.Money{Currency: "COP"}, NoteReasonID: credit}},
		{"unknown currency", "currency", "No manejamos la moneda «XXX».", "We do not handle the currency “XXX”.",
			commerce.Note{PersonID: ana, Kind: commerce.Credit, Amount: commerce.Money{Minor: 1, Currency: "XXX"}, NoteReasonID: credit}},
		{"bad kind", "kind", "Elige nota crédito o nota débito.", "Choose credit note or debit note.",
			commerce.Note{PersonID: ana, Kind: "refund", Amount: money(t, "1", "COP"), NoteReasonID: credit}},
		{"unknown reason", "note_reason_id", "Ese motivo de nota no existe o está desactivado.", "That note reason does not exist or is turned off.",
			commerce.Note{PersonID: ana, Kind: commerce.Credit, Amount: money(t, "1", "COP"), NoteReasonID: 999999}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Inside a caller's transaction that goes on, as a workflow action would.
			err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				_, err := pg.AddNote(ctx, tx, c.note)
				if err == nil {
					t.Fatal("want a refusal")
				}
				es, en := fieldMessages(t, err, c.field)
				if es != c.es || en != c.en {
					t.Fatalf("messages = %q / %q", es, en)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := pg.Balance(ctx, d, ana)
			if n := count(t, d, "balance_movements"); n != 1 || b.Money.Minor != 500 || b.Version != 2 {
				t.Fatalf("something was written: %d movements, balance %+v", n, b)
			}
		})
	}
	if _, err := pg.AddNote(ctx, d, commerce.Note{PersonID: 999999, Kind: commerce.Credit, Amount: money(t, "1", "COP"), NoteReasonID: credit}); err == nil {
		t.Fatal("a note for an unknown person was accepted")
	} else if e, _ := errs.As(err); e == nil || e.Code != errs.NotFound {
		t.Fatalf("unknown person: %v", err)
	}
}

func TestPoints(t *testing.T) {
	d, ana := setup(t)
	ctx := context.Background()
	pg := commerce.NewPG()
	if _, err := pg.AddPoints(ctx, d, commerce.Points{PersonID: ana, Points: 120, Reason: "Compra"}); err != nil {
		t.Fatal(err)
	}
	_, err := pg.AddPoints(ctx, d, commerce.Points{PersonID: ana, Points: -121})
	if es, en := fieldMessages(t, err, "points"); es != "Esta persona solo tiene 120 puntos." || en != "This person only has 120 points." {
		t.Fatalf("redeeming too much: %q / %q", es, en)
	}
	m, err := pg.AddPoints(ctx, d, commerce.Points{PersonID: ana, Points: -20})
	if err != nil || m.BalanceAfter != 100 || m.Kind != commerce.KindPoints || m.Amount.Currency != "" {
		t.Fatalf("redeem: %+v %v", m, err)
	}
	b, _ := pg.Balance(ctx, d, ana)
	if b.Points != 100 || b.Money.Currency != "" {
		t.Fatalf("balance = %+v", b)
	}
}

func TestCreditLimitWritesHistory(t *testing.T) {
	d, ana := setup(t)
	ctx := context.Background()
	pg := commerce.NewPG()
	c, err := pg.Credit(ctx, d, ana)
	if err != nil || c.CreditType != "none" || c.Limit.Minor != 0 {
		t.Fatalf("initial credit = %+v %v", c, err)
	}
	if _, err := pg.SetCreditLimit(ctx, d, commerce.CreditChange{PersonID: ana, CreditType: "credit_30", Limit: money(t, "1000000", "COP"), Reason: "Estudio aprobado"}); err != nil {
		t.Fatal(err)
	}
	if _, err := pg.SetCreditLimit(ctx, d, commerce.CreditChange{PersonID: ana, CreditType: "credit_60", Limit: money(t, "2500000.50", "COP")}); err != nil {
		t.Fatal(err)
	}
	c, _ = pg.Credit(ctx, d, ana)
	if c.CreditType != "credit_60" || c.Limit.Format(i18n.ES) != "2.500.000,50 COP" || c.Version != 2 {
		t.Fatalf("credit = %+v", c)
	}
	rows, err := d.QueryContext(ctx, `SELECT coalesce(type_before, ''), type_after, coalesce(limit_before_minor, -1), limit_after_minor, reason
		FROM credit_limit_changes WHERE person_id = ? ORDER BY id`, ana)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type change struct {
		before, after string
		lb, la        int64
		reason        string
	}
	var got []change
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.before, &c.after, &c.lb, &c.la, &c.reason); err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	want := []change{{"", "credit_30", -1, 100000000, "Estudio aprobado"}, {"credit_30", "credit_60", 100000000, 250000050, ""}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("history = %+v, want %+v", got, want)
	}
	_, err = pg.SetCreditLimit(ctx, d, commerce.CreditChange{PersonID: ana, CreditType: "forever", Limit: commerce.Money{Minor: -1, Currency: "COP"}})
	if es, en := fieldMessages(t, err, "limit"); es != "El cupo de crédito no puede ser negativo." || en != "The credit limit cannot be negative." {
		t.Fatalf("negative limit: %q / %q", es, en)
	}
	if es, _ := fieldMessages(t, err, "credit_type"); es != "Elige un tipo de crédito de la lista." {
		t.Fatalf("bad type: %q", es)
	}
	if n := count(t, d, "credit_limit_changes"); n != 2 {
		t.Fatalf("a refused change wrote history: %d rows", n)
	}
}

func TestBackorders(t *testing.T) {
	d, ana := setup(t)
	ctx := context.Background()
	pg := commerce.NewPG()
	o, err := pg.CreateOrder(ctx, d, commerce.NewOrder{PersonID: ana, Currency: "COP", Status: "shipped", Items: []commerce.NewOrderItem{
		{SKU: "A-1", Description: "Crema", Quantity: 5, UnitPriceMinor: 1999, QuantityShipped: 3},
		{SKU: "B-2", Quantity: 1, UnitPriceMinor: 50000, QuantityShipped: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Total.Minor != 5*1999+50000 || o.Number == "" || len(o.Items) != 2 || o.Items[0].Owed != 2 || o.Items[1].Owed != 0 {
		t.Fatalf("order = %+v", o)
	}
	other, err := pg.CreateOrder(ctx, d, commerce.NewOrder{PersonID: ana, Currency: "COP", Items: []commerce.NewOrderItem{{SKU: "C-3", Quantity: 4, UnitPriceMinor: 100}}})
	if err != nil {
		t.Fatal(err)
	}
	a := o.Items[0].ID

	_, err = pg.CreateBackorder(ctx, d, o.ID, nil, []commerce.BackorderItem{{OrderItemID: a, Quantity: 3}})
	if es, en := fieldMessages(t, err, "items[0].quantity"); es != "Del artículo A-1 se deben 2 unidades; no se pueden dejar 3 pendientes." ||
		en != "2 units of item A-1 are owed; 3 cannot be backordered." {
		t.Fatalf("over owed: %q / %q", es, en)
	}
	_, err = pg.CreateBackorder(ctx, d, o.ID, nil, []commerce.BackorderItem{{OrderItemID: other.Items[0].ID, Quantity: 1}})
	if es, en := fieldMessages(t, err, "items[0].order_item_id"); es != "Ese artículo no es del pedido "+o.Number+"." || en != "That item is not on order "+o.Number+"." {
		t.Fatalf("other order's item: %q / %q", es, en)
	}
	if n := count(t, d, "backorders"); n != 0 {
		t.Fatalf("refused backorders wrote %d rows", n)
	}

	b, err := pg.CreateBackorder(ctx, d, o.ID, nil, []commerce.BackorderItem{{OrderItemID: a, Quantity: 2}})
	if err != nil || b.Status != "open" || len(b.Items) != 1 {
		t.Fatalf("backorder = %+v %v", b, err)
	}
	// What was backordered is no longer owed.
	_, err = pg.CreateBackorder(ctx, d, o.ID, nil, []commerce.BackorderItem{{OrderItemID: a, Quantity: 1}})
	if es, _ := fieldMessages(t, err, "items[0].quantity"); es != "Del artículo A-1 se deben 0 unidades; no se pueden dejar 1 pendientes." {
		t.Fatalf("second backorder: %q", es)
	}
	got, err := pg.Order(ctx, d, o.ID)
	if err != nil || got.Items[0].Backordered != 2 || got.Items[0].Owed != 0 {
		t.Fatalf("order after backorder = %+v %v", got, err)
	}
	list, next, err := pg.Orders(ctx, d, ana, 0, 1)
	if err != nil || len(list) != 1 || list[0].ID != other.ID || next == 0 {
		t.Fatalf("orders page 1 = %+v %d %v", list, next, err)
	}
	list, next, _ = pg.Orders(ctx, d, ana, next, 1)
	if len(list) != 1 || list[0].ID != o.ID || next != 0 {
		t.Fatalf("orders page 2 = %+v %d", list, next)
	}
}

func TestMoney(t *testing.T) {
	cases := []struct {
		in, cur string
		minor   int64
		es, en  string
	}{
		{"1234.56", "COP", 123456, "1.234,56 COP", "1,234.56 COP"},
		{"0.5", "USD", 50, "0,50 USD", "0.50 USD"},
		{"-0.07", "EUR", -7, "-0,07 EUR", "-0.07 EUR"},
		{"1500", "CLP", 1500, "1.500 CLP", "1,500 CLP"},
		{"1234567", "CLP", 1234567, "1.234.567 CLP", "1,234,567 CLP"},
	}
	for _, c := range cases {
		m, err := commerce.ParseMoney(c.in, c.cur)
		if err != nil || m.Minor != c.minor || m.Format(i18n.ES) != c.es || m.Format(i18n.EN) != c.en {
			t.Errorf("ParseMoney(%q, %s) = %+v %v, formats %q / %q", c.in, c.cur, m, err, m.Format(i18n.ES), m.Format(i18n.EN))
		}
		if back, _ := commerce.ParseMoney(m.Decimal(), c.cur); back != m {
			t.Errorf("Decimal %q does not read back", m.Decimal())
		}
	}
	refused := []struct{ in, cur, es, en string }{
		{"1.234", "CLP", "Escribe el importe en CLP sin decimales ni separador de miles (por ejemplo 1500).",
			"Type the amount in CLP without decimals or thousands separators (for example 1500)."},
		{"abc", "COP", "Escribe el importe con punto decimal y como máximo 2 decimales, sin separador de miles (por ejemplo 1234.50).",
			"Type the amount with a decimal point and at most 2 decimals, without thousands separators (for example 1234.50)."},
		{"12,50", "COP", "", ""}, {"1.234,56", "COP", "", ""}, {"1.", "USD", "", ""}, {".5", "USD", "", ""},
		{"1.234", "USD", "", ""}, {"", "USD", "", ""}, {"+1", "USD", "", ""}, {"1e3", "USD", "", ""},
		{"99999999999999999999", "USD", "El importe es demasiado grande.", "The amount is too large."},
	}
	for _, c := range refused {
		_, err := commerce.ParseMoney(c.in, c.cur)
		if err == nil {
			t.Errorf("ParseMoney(%q, %s) accepted", c.in, c.cur)
			continue
		}
		es, en := fieldMessages(t, err, "amount")
		if c.es != "" && (es != c.es || en != c.en) {
			t.Errorf("ParseMoney(%q, %s): %q / %q", c.in, c.cur, es, en)
		}
	}
	if _, err := commerce.ParseMoney("1", "XYZ"); err == nil {
		t.Error("an unknown currency was accepted")
	} else if es, _ := fieldMessages(t, err, "currency"); es != "No manejamos la moneda «XYZ»." {
		t.Errorf("unknown currency: %q", es)
	}
}
