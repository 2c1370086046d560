package tickets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// SavedView is a user's named query of the records table.
type SavedView struct {
	bun.BaseModel `bun:"table:saved_views,alias:v"`

	ID        int64     `json:"id" bun:"id,pk,autoincrement"`
	UserID    int64     `json:"-" bun:"user_id"`
	Name      string    `json:"name" bun:"name"`
	Query     string    `json:"query" bun:"query"`
	Position  int       `json:"position" bun:"position"`
	CreatedAt time.Time `json:"created_at" bun:"created_at,nullzero,default:now()"`
}

// Limits of a saved view.
const (
	MaxViewName  = 80
	MaxViewQuery = 2000
)

// NewViewRequest is the body of POST /views.
type NewViewRequest struct {
	Name  string `json:"name" validate:"required,max=80"`
	Query string `json:"query" validate:"max=2000"`
}

// ViewPatch is the body of PATCH /views/{id}.
type ViewPatch struct {
	Name     *string `json:"name" validate:"omitempty,max=80"`
	Query    *string `json:"query" validate:"omitempty,max=2000"`
	Position *int    `json:"position" validate:"omitempty,gte=0,lte=100000"`
}

// Views is the saved views of one user; nobody sees another's.
type Views struct{ DB *bun.DB }

func viewName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errs.InvalidField("name", "field.required", nil)
	}
	if utf8.RuneCountInString(name) > MaxViewName {
		return "", errs.InvalidField("name", "field.max", map[string]any{"param": MaxViewName})
	}
	return name, nil
}

func viewQuery(q string) string { return strings.TrimPrefix(strings.TrimSpace(q), "?") }

func nameTaken(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return errs.New(errs.Conflict, "view.name_taken").WithField("name", "view.name_taken", nil)
	}
	return err
}

// List returns the user's views by position.
func (v *Views) List(ctx context.Context, subj access.Subject) ([]SavedView, error) {
	out := []SavedView{}
	if err := v.DB.NewSelect().Model(&out).Where("user_id = ?", subj.UserID).OrderExpr("position, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("views: list: %w", err)
	}
	return out, nil
}

// Create saves a view after the user's others.
func (v *Views) Create(ctx context.Context, subj access.Subject, req NewViewRequest) (*SavedView, error) {
	name, err := viewName(req.Name)
	if err != nil {
		return nil, err
	}
	sv := &SavedView{UserID: subj.UserID, Name: name, Query: viewQuery(req.Query)}
	_, err = v.DB.NewInsert().Model(sv).
		Value("position", "(SELECT coalesce(max(position), 0) + 1 FROM saved_views WHERE user_id = ?)", subj.UserID).
		Returning("id, position, created_at").Exec(ctx)
	if err != nil {
		return nil, nameTaken(fmt.Errorf("views: create: %w", err))
	}
	sv.CreatedAt = sv.CreatedAt.UTC()
	return sv, nil
}

func (v *Views) own(ctx context.Context, db bun.IDB, subj access.Subject, id int64) (*SavedView, error) {
	sv := new(SavedView)
	err := db.NewSelect().Model(sv).Where("id = ?", id).Where("user_id = ?", subj.UserID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "view.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("views: load: %w", err)
	}
	return sv, nil
}

// Update renames a view, changes its query or its position.
func (v *Views) Update(ctx context.Context, subj access.Subject, id int64, p ViewPatch) (*SavedView, error) {
	sv, err := v.own(ctx, v.DB, subj, id)
	if err != nil {
		return nil, err
	}
	if p.Name != nil {
		if sv.Name, err = viewName(*p.Name); err != nil {
			return nil, err
		}
	}
	if p.Query != nil {
		sv.Query = viewQuery(*p.Query)
	}
	if p.Position != nil {
		sv.Position = *p.Position
	}
	if _, err := v.DB.NewUpdate().Model(sv).Column("name", "query", "position").WherePK().Exec(ctx); err != nil {
		return nil, nameTaken(fmt.Errorf("views: update: %w", err))
	}
	sv.CreatedAt = sv.CreatedAt.UTC()
	return sv, nil
}

// Delete removes a view.
func (v *Views) Delete(ctx context.Context, subj access.Subject, id int64) error {
	res, err := v.DB.NewDelete().Model((*SavedView)(nil)).Where("id = ?", id).Where("user_id = ?", subj.UserID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("views: delete: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "view.not_found")
	}
	return nil
}

// ViewHandlers serves /views.
type ViewHandlers struct {
	Views   *Views
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router.
func (h ViewHandlers) Register(r fiber.Router) {
	r.Get("/views", h.list)
	r.Post("/views", h.create)
	r.Patch("/views/:viewId", h.update)
	r.Delete("/views/:viewId", h.remove)
}

func (h ViewHandlers) list(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	vs, err := h.Views.List(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": vs})
}

func (h ViewHandlers) create(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	var req NewViewRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	sv, err := h.Views.Create(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(sv)
}

func viewID(c *fiber.Ctx) (int64, error) {
	id, err := httpx.ParamInt64(c, "viewId")
	if err != nil {
		return 0, errs.New(errs.NotFound, "view.not_found")
	}
	return id, nil
}

func (h ViewHandlers) update(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := viewID(c)
	if err != nil {
		return err
	}
	var p ViewPatch
	if err := httpx.Decode(c, &p); err != nil {
		return err
	}
	sv, err := h.Views.Update(c.UserContext(), subj, id, p)
	if err != nil {
		return err
	}
	return c.JSON(sv)
}

func (h ViewHandlers) remove(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := viewID(c)
	if err != nil {
		return err
	}
	if err := h.Views.Delete(c.UserContext(), subj, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
