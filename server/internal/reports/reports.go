// Package reports answers the supervisor's reports: the pivot table over the tickets a user sees and the
// change history across those tickets, on screen and as CSV or Excel files.
//
// Its SQL reads the tickets, ticket_history and sla_clocks tables directly, read-only: they are read
// models here, as for the dashboard, and no row is ever written from this package.
package reports

import (
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/accounts"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Service builds the reports.
type Service struct {
	DB       *bun.DB
	Catalog  *catalog.Store
	People   *people.Store
	Tickets  *tickets.Service
	Accounts *accounts.Service // the roles' names in the history export
}
