// Package catalog owns the configurable lists: statuses (in groups TO DO / DOING / DONE) and priorities
// from the Eisenhower matrix, each with Spanish and English labels.
package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"
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

// Status is a ticket status: a board column.
type Status struct {
	bun.BaseModel `bun:"table:statuses"`

	ID       int64  `bun:"id,pk,autoincrement" json:"id"`
	Key      string `bun:"key" json:"key"`
	NameES   string `bun:"name_es" json:"name_es"`
	NameEN   string `bun:"name_en" json:"name_en"`
	Group    Group  `bun:"grp" json:"group"`
	Position int    `bun:"position" json:"position"`
	Color    string `bun:"color" json:"color"`
	WIPLimit *int   `bun:"wip_limit" json:"wip_limit"`
	Active   bool   `bun:"active" json:"-"`
}

// Name returns the status name in a locale.
func (s *Status) Name(l i18n.Locale) string {
	if l == i18n.EN {
		return s.NameEN
	}
	return s.NameES
}

// Priority is a level of the Eisenhower matrix (importance × urgency).
type Priority struct {
	bun.BaseModel `bun:"table:priorities"`

	ID        int64  `bun:"id,pk,autoincrement" json:"id"`
	Key       string `bun:"key" json:"key"`
	NameES    string `bun:"name_es" json:"name_es"`
	NameEN    string `bun:"name_en" json:"name_en"`
	Important bool   `bun:"important" json:"-"`
	Urgent    bool   `bun:"urgent" json:"-"`
	Position  int    `bun:"position" json:"position"`
	Color     string `bun:"color" json:"color"`
	Active    bool   `bun:"active" json:"-"`
}

// Store reads the catalogs.
type Store struct{ db bun.IDB }

// NewStore returns a Store over db.
func NewStore(db bun.IDB) *Store { return &Store{db: db} }

// Statuses lists the active statuses in board order (group, then position).
func (s *Store) Statuses(ctx context.Context) ([]Status, error) {
	var out []Status
	err := s.db.NewSelect().Model(&out).Where("active").
		OrderExpr("CASE grp WHEN 'todo' THEN 0 WHEN 'doing' THEN 1 ELSE 2 END, position, id").Scan(ctx)
	if err != nil {
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

// Handlers serves the catalogs.
type Handlers struct{ Store *Store }

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/catalog/statuses", h.statuses)
	r.Get("/catalog/priorities", h.priorities)
}

func (h Handlers) statuses(c *fiber.Ctx) error {
	sts, err := h.Store.Statuses(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"statuses": nonNil(sts)})
}

func (h Handlers) priorities(c *fiber.Ctx) error {
	ps, err := h.Store.Priorities(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"priorities": nonNil(ps)})
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
