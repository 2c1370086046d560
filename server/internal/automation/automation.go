// Package automation runs what happens to tickets without a person deciding each time: rules that act
// when a ticket is created or changed, macros an agent applies to a selection by hand, and the
// notifications rules, macros and workflow transitions leave for users.
package automation

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/atiende/atiende/server/internal/jobs"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Service runs rules, macros and notifications.
type Service struct {
	DB      *bun.DB
	Tickets *tickets.Service
	Catalog *catalog.Store
	People  *people.Store
	// Jobs runs the timers of rules with a "minutes in state" condition (nil: those rules are checked on
	// changes only).
	Jobs *jobs.Jobs

	// The active rules of this instance, compiled, as of the rule set's stamp.
	mu    sync.RWMutex
	stamp int64
	rules []*compiled
}

// Condition is one test of a rule: a ticket field, an operator and a value (none for is_empty).
type Condition struct {
	Field string          `json:"field"`
	Op    string          `json:"op"`
	Value json.RawMessage `json:"value,omitempty"`
}

// Action is one thing a rule or a macro does to a ticket.
type Action struct {
	Kind  string          `json:"kind"`
	Value json.RawMessage `json:"value"`
}

// NotifyValue is the value of a notify action: who is told, and the notification's title in both languages.
type NotifyValue struct {
	To     string `json:"to"`
	TextES string `json:"text_es"`
	TextEN string `json:"text_en"`
}

// Rule is an automation rule as stored and as the API shows it.
type Rule struct {
	bun.BaseModel `bun:"table:automation_rules,alias:r"`

	ID         int64       `bun:"id,pk,autoincrement" json:"id"`
	Name       string      `bun:"name" json:"name"`
	Position   int         `bun:"position" json:"position"`
	Active     bool        `bun:"active" json:"active"`
	OnCreate   bool        `bun:"on_create" json:"on_create"`
	OnUpdate   bool        `bun:"on_update" json:"on_update"`
	Match      string      `bun:"match" json:"match"`
	Conditions []Condition `bun:"conditions,type:jsonb" json:"conditions"`
	Actions    []Action    `bun:"actions,type:jsonb" json:"actions"`
	Version    int64       `bun:"version" json:"version"`
	CreatedAt  time.Time   `bun:"created_at,nullzero,default:now()" json:"created_at"`
	UpdatedAt  time.Time   `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
}

// Macro is a macro as stored and as the API shows it: a reply (a canned response or its own text) and
// actions an agent applies to tickets by hand.
type Macro struct {
	bun.BaseModel `bun:"table:macros,alias:m"`

	ID          int64     `bun:"id,pk,autoincrement" json:"id"`
	Name        string    `bun:"name" json:"name"`
	Description string    `bun:"description" json:"description"`
	CannedID    *int64    `bun:"canned_id" json:"canned_id"`
	Reply       string    `bun:"reply" json:"reply"`
	Actions     []Action  `bun:"actions,type:jsonb" json:"actions"`
	Active      bool      `bun:"active" json:"active"`
	Version     int64     `bun:"version" json:"version"`
	Position    int       `bun:"position" json:"position"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()" json:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
}

// bump advances the rule set's stamp inside tx: every instance reloads its rules at its next change.
// The row lock also serialises writes to rules, so that positions stay dense.
func bump(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.ExecContext(ctx, "UPDATE automation_state SET stamp = stamp + 1 WHERE id = 1"); err != nil {
		return fmt.Errorf("automation: bump: %w", err)
	}
	return nil
}

// lockMacros serialises writes to macros, so that positions stay dense.
func lockMacros(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('atiende.macros', 0))"); err != nil {
		return fmt.Errorf("automation: lock macros: %w", err)
	}
	return nil
}
