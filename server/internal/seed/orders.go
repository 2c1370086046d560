package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/commerce"
)

// DemoOrder is an order of the demo: whose, its number, status, how many days ago it was placed, and
// how many of its owner's open tickets are about it.
type DemoOrder struct {
	Owner, Number, Status string
	DaysAgo, Tickets      int
	Items                 []commerce.NewOrderItem
}

// DemoOrders gives the demo customer (Camilo Pérez) and consultant (Carolina Rojas) orders to follow in
// the portal, some with tickets on them; Diana López's and Fernanda Castro's show in Carolina's network,
// Beatriz Gómez's (her sponsor) and Gustavo Herrera's (another branch) never do.
var DemoOrders = []DemoOrder{
	{"customer@atiende.test", "P-48120", "shipped", 2, 2, []commerce.NewOrderItem{
		{SKU: "CR-101", Description: "Crema hidratante 250 ml", Quantity: 2, UnitPriceMinor: 4590000, QuantityShipped: 2},
		{SKU: "PF-220", Description: "Perfume floral 50 ml", Quantity: 1, UnitPriceMinor: 8990000, QuantityShipped: 1}}},
	{"customer@atiende.test", "P-47985", "delivered", 12, 1, []commerce.NewOrderItem{
		{SKU: "LB-330", Description: "Labial mate", Quantity: 3, UnitPriceMinor: 2990000, QuantityShipped: 3}}},
	{"customer@atiende.test", "P-47710", "invoiced", 30, 0, []commerce.NewOrderItem{
		{SKU: "SH-410", Description: "Champú reparador 400 ml", Quantity: 1, UnitPriceMinor: 3250000}}},
	{"consultant@atiende.test", "P-48102", "open", 1, 1, []commerce.NewOrderItem{
		{SKU: "KT-900", Description: "Kit de inicio de temporada", Quantity: 1, UnitPriceMinor: 45000000}}},
	{"consultant@atiende.test", "P-47850", "delivered", 20, 1, []commerce.NewOrderItem{
		{SKU: "CT-120", Description: "Catálogos de campaña", Quantity: 20, UnitPriceMinor: 150000, QuantityShipped: 20}}},
	{"diana.lopez@atiende.test", "P-48050", "held", 5, 1, []commerce.NewOrderItem{
		{SKU: "PF-220", Description: "Perfume floral 50 ml", Quantity: 4, UnitPriceMinor: 8990000}}},
	{"fernanda.castro@atiende.test", "P-48011", "shipped", 7, 0, []commerce.NewOrderItem{
		{SKU: "CR-101", Description: "Crema hidratante 250 ml", Quantity: 1, UnitPriceMinor: 4590000, QuantityShipped: 1}}},
	{"beatriz.gomez@atiende.test", "P-48090", "open", 3, 0, []commerce.NewOrderItem{
		{SKU: "KT-900", Description: "Kit de inicio de temporada", Quantity: 2, UnitPriceMinor: 45000000}}},
	{"gustavo.herrera@atiende.test", "P-48077", "open", 4, 1, []commerce.NewOrderItem{
		{SKU: "LB-330", Description: "Labial mate", Quantity: 10, UnitPriceMinor: 2990000}}},
}

// seedOrders writes the demo orders (in COP) and puts each one's number on that many of its owner's
// open tickets, newest first, so that the portal shows live statuses on them.
func seedOrders(ctx context.Context, tx bun.Tx, persons map[string]int64, now time.Time) error {
	pg := commerce.NewPG()
	for _, d := range DemoOrders {
		o, err := pg.CreateOrder(ctx, tx, commerce.NewOrder{Number: d.Number, PersonID: persons[d.Owner], Status: d.Status,
			Currency: "COP", Items: d.Items})
		if err != nil {
			return fmt.Errorf("seed: order %s: %w", d.Number, err)
		}
		placed := now.Add(-time.Duration(d.DaysAgo) * 24 * time.Hour)
		if _, err := tx.ExecContext(ctx, "UPDATE orders SET created_at = ?, updated_at = ? WHERE id = ?", placed, placed, o.ID); err != nil {
			return fmt.Errorf("seed: order %s: %w", d.Number, err)
		}
		if d.Tickets == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET order_number = ? WHERE id IN (
			SELECT t.id FROM tickets t JOIN statuses s ON s.id = t.status_id
			WHERE t.requester_id = ? AND t.order_number IS NULL AND s.grp <> 'done'
			ORDER BY t.created_at DESC, t.id DESC LIMIT ?)`, d.Number, persons[d.Owner], d.Tickets); err != nil {
			return fmt.Errorf("seed: order %s tickets: %w", d.Number, err)
		}
	}
	return nil
}
