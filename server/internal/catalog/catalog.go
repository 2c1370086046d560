// Package catalog owns the configurable lists an administrator edits: ticket statuses (in groups TO DO /
// DOING / DONE), the four priorities of the Eisenhower matrix, categories with their subcategories,
// knowledge-base categories, channels, queues, credit/debit note reasons and canned responses. Every entry
// carries Spanish and English labels, a place in its list, an active flag and a version; every change is
// written in one transaction with its catalog_changes row and a live catalog.changed event.
package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/i18n"
)

// Group is the phase a status belongs to.
type Group string

// The status groups, in board order.
const (
	ToDo  Group = "todo"
	Doing Group = "doing"
	Done  Group = "done"
)

// Common holds the fields every catalog entry has.
type Common struct {
	ID       int64  `bun:"id,pk,autoincrement" json:"id"`
	Key      string `bun:"key" json:"key"`
	NameES   string `bun:"name_es" json:"name_es"`
	NameEN   string `bun:"name_en" json:"name_en"`
	Position int    `bun:"position" json:"position"`
	Active   bool   `bun:"active" json:"active"`
	Version  int64  `bun:"version" json:"version"`
	InUse    int64  `bun:"-" json:"in_use"` // tickets that use the entry; 0 for kinds tickets do not reference
}

func (c *Common) common() *Common { return c }

// Name returns the entry's name in a locale.
func (c *Common) Name(l i18n.Locale) string {
	if l == i18n.EN {
		return c.NameEN
	}
	return c.NameES
}

// Status is a ticket status: a board column.
type Status struct {
	bun.BaseModel `bun:"table:statuses"`
	Common

	Group     Group  `bun:"grp" json:"group"`
	Color     string `bun:"color" json:"color"`
	WIPLimit  *int   `bun:"wip_limit" json:"wip_limit"`
	PausesSLA bool   `bun:"pauses_sla" json:"pauses_sla"`
}

// Priority is a level of the Eisenhower matrix (importance × urgency).
type Priority struct {
	bun.BaseModel `bun:"table:priorities"`
	Common

	Important bool   `bun:"important" json:"important"`
	Urgent    bool   `bun:"urgent" json:"urgent"`
	Color     string `bun:"color" json:"color"`
}

// Store reads and writes the catalogs.
type Store struct{ db bun.IDB }

// NewStore returns a Store over db.
func NewStore(db bun.IDB) *Store { return &Store{db: db} }

// statusOrder is the board order of statuses: group, then position.
const statusOrder = "CASE grp WHEN 'todo' THEN 0 WHEN 'doing' THEN 1 ELSE 2 END, position, id"

// Statuses lists the active statuses in board order (group, then position).
func (s *Store) Statuses(ctx context.Context) ([]Status, error) {
	var out []Status
	if err := s.db.NewSelect().Model(&out).Where("active").OrderExpr(statusOrder).Scan(ctx); err != nil {
		return nil, fmt.Errorf("catalog: statuses: %w", err)
	}
	return out, nil
}

// Status returns an active status, or nil when there is none with that id.
func (s *Store) Status(ctx context.Context, db bun.IDB, id int64, forUpdate bool) (*Status, error) {
	st := new(Status)
	q := db.NewSelect().Model(st).Where("id = ?", id).Where("active")
	if forUpdate {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: status: %w", err)
	}
	return st, nil
}

// Priorities lists the active priorities, most urgent first.
func (s *Store) Priorities(ctx context.Context) ([]Priority, error) {
	var out []Priority
	if err := s.db.NewSelect().Model(&out).Where("active").OrderExpr("position, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("catalog: priorities: %w", err)
	}
	return out, nil
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
