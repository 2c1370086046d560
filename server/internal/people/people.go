// Package people owns users (and, later, persons, contacts and the genealogy). Other packages ask it
// through this Go API, never through its tables.
package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
)

// User is an account.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID           int64       `bun:"id,pk,autoincrement"`
	Email        string      `bun:"email"`
	Name         string      `bun:"name"`
	PasswordHash string      `bun:"password_hash"`
	Role         access.Role `bun:"role"`
	Locale       i18n.Locale `bun:"locale"`
	DisabledAt   *time.Time  `bun:"disabled_at"`
	CreatedAt    time.Time   `bun:"created_at,nullzero,default:now()"`
}

// Ref is a user's id and name, as cards and filters show them.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// PersonRef is a person's id, name and email, as tickets show their requester and affected person.
type PersonRef struct {
	ID    int64  `json:"id" bun:"id"`
	Name  string `json:"name" bun:"name"`
	Email string `json:"email" bun:"email"`
}

// Store reads and writes users.
type Store struct{ db bun.IDB }

// NewStore returns a Store over db.
func NewStore(db bun.IDB) *Store { return &Store{db: db} }

// ByEmail returns the user with an email (case-insensitive), or nil.
func (s *Store) ByEmail(ctx context.Context, email string) (*User, error) {
	u := new(User)
	err := s.db.NewSelect().Model(u).Where("lower(email) = ?", strings.ToLower(strings.TrimSpace(email))).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("people: by email: %w", err)
	}
	return u, nil
}

// ByID returns a user, or nil.
func (s *Store) ByID(ctx context.Context, id int64) (*User, error) {
	u := new(User)
	err := s.db.NewSelect().Model(u).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("people: by id: %w", err)
	}
	return u, nil
}

// ByIDIn returns a user read through db (a transaction), or nil.
func (s *Store) ByIDIn(ctx context.Context, db bun.IDB, id int64) (*User, error) {
	u := new(User)
	err := db.NewSelect().Model(u).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("people: by id: %w", err)
	}
	return u, nil
}

// Create inserts a user.
func (s *Store) Create(ctx context.Context, db bun.IDB, u *User) error {
	if _, err := db.NewInsert().Model(u).Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("people: create: %w", err)
	}
	return nil
}

// Count returns how many users exist.
func (s *Store) Count(ctx context.Context) (int64, error) {
	n, err := s.db.NewSelect().Table("users").Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("people: count: %w", err)
	}
	return n, nil
}

// Handlers serves the people API.
type Handlers struct {
	Store   *Store
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/users", h.listAssignees)
	r.Get("/people", h.search)
}

func (h Handlers) listAssignees(c *fiber.Ctx) error {
	refs, err := h.Store.Assignees(c.UserContext())
	if err != nil {
		return err
	}
	if refs == nil {
		refs = []Ref{}
	}
	return c.JSON(fiber.Map{"users": refs})
}

// Names returns the names of users by id.
func (s *Store) Names(ctx context.Context, db bun.IDB, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var refs []Ref
	if err := db.NewSelect().Table("users").Column("id", "name").Where("id IN (?)", bun.In(ids)).Scan(ctx, &refs); err != nil {
		return nil, fmt.Errorf("people: names: %w", err)
	}
	for _, r := range refs {
		out[r.ID] = r.Name
	}
	return out, nil
}

// Refs returns persons by id.
func (s *Store) Refs(ctx context.Context, db bun.IDB, ids []int64) (map[int64]PersonRef, error) {
	out := make(map[int64]PersonRef, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var refs []PersonRef
	if err := db.NewSelect().Table("users").Column("id", "name", "email").Where("id IN (?)", bun.In(ids)).Scan(ctx, &refs); err != nil {
		return nil, fmt.Errorf("people: refs: %w", err)
	}
	for _, r := range refs {
		out[r.ID] = r
	}
	return out, nil
}

// FindOrCreate returns the person with an email (case-insensitive), creating a customer without a login
// (password_hash ”) when there is none. Concurrent calls for one email end with one user.
func (s *Store) FindOrCreate(ctx context.Context, db bun.IDB, name, email string) (*User, error) {
	name, email = strings.TrimSpace(name), strings.TrimSpace(email)
	u := &User{Email: email, Name: name, PasswordHash: "", Role: access.Customer, Locale: i18n.Default}
	err := db.NewInsert().Model(u).On("CONFLICT ((lower(email))) DO NOTHING").Returning("id, created_at").Scan(ctx)
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("people: find or create: %w", err)
	}
	u = new(User)
	if err := db.NewSelect().Model(u).Where("lower(email) = ?", strings.ToLower(email)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("people: find or create: %w", err)
	}
	return u, nil
}

// SearchMinLen, SearchMaxLen and SearchMaxLimit bound a people search: shorter text matches too much to help, and a
// picker shows a handful of names.
const (
	SearchMinLen   = 2
	SearchMaxLen   = 200
	SearchMaxLimit = 20
)

// Search returns up to limit people whose name or email contains q (case-insensitive), by name.
func (s *Store) Search(ctx context.Context, q string, limit int) ([]PersonRef, error) {
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
	out := []PersonRef{}
	err := s.db.NewSelect().Table("users").Column("id", "name", "email").
		Where("name ILIKE ? OR email ILIKE ?", like, like).OrderExpr("name, id").Limit(int64(limit)).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("people: search: %w", err)
	}
	return out, nil
}

func (h Handlers) search(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanSearchPeople(subj) {
		return errs.New(errs.Forbidden, "people.search_forbidden")
	}
	bad := errs.New(errs.Invalid, "error.invalid")
	q := strings.TrimSpace(c.Query("q"))
	if n := len([]rune(q)); n < SearchMinLen || n > SearchMaxLen {
		bad.WithField("q", "people.search_length", map[string]any{"min": SearchMinLen, "max": SearchMaxLen})
	}
	limit := SearchMaxLimit
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > SearchMaxLimit {
			bad.WithField("limit", "field.between", map[string]any{"min": 1, "max": SearchMaxLimit})
		}
		limit = n
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	items, err := h.Store.Search(c.UserContext(), q, limit)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}
