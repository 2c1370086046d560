package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/commerce"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/tickets"
)

// GenericKey is the workflow of tickets whose typification maps to none.
const GenericKey = "generic"

// GenericStatusKeys are the statuses of the built-in generic workflow, as a new install has it: the seed
// and the benchmarks spread and move tickets among these.
var GenericStatusKeys = []string{"unattended", "in_progress", "waiting", "resolved", "closed"}

// CreditRequestKey is the workflow of credit studies.
const CreditRequestKey = "credit_request"

// Notifier writes notifications for a notify action; the automation package implements it.
type Notifier interface {
	Notify(ctx context.Context, tx bun.Tx, ticket *tickets.Ticket, to string, title map[string]string) error
}

// Service runs workflows.
type Service struct {
	DB       *bun.DB
	Tickets  *tickets.Service
	Commerce commerce.Store
	// Notifier writes the notifications of notify actions (nil: they are skipped).
	Notifier Notifier

	versions sync.Map // version id → *Version: versions never change once written
}

var _ tickets.Flow = (*Service)(nil)

// Workflow is a workflow with its current definition.
type Workflow struct {
	bun.BaseModel `bun:"table:workflows,alias:w"`

	ID               int64       `bun:"id,pk,autoincrement" json:"id"`
	Key              string      `bun:"key" json:"key"`
	NameES           string      `bun:"name_es" json:"name_es"`
	NameEN           string      `bun:"name_en" json:"name_en"`
	DescriptionES    string      `bun:"description_es" json:"description_es"`
	DescriptionEN    string      `bun:"description_en" json:"description_en"`
	Builtin          bool        `bun:"builtin" json:"builtin"`
	Active           bool        `bun:"active" json:"active"`
	Version          int64       `bun:"version" json:"version"`
	CurrentVersionID *int64      `bun:"current_version_id" json:"current_version_id"`
	UpdatedAt        time.Time   `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
	CategoryIDs      []int64     `bun:"-" json:"category_ids"`
	Definition       *Definition `bun:"-" json:"definition"`
}

// Version is one immutable version of a workflow.
type Version struct {
	bun.BaseModel `bun:"table:workflow_versions,alias:v"`

	ID          int64      `bun:"id,pk,autoincrement" json:"id"`
	WorkflowID  int64      `bun:"workflow_id" json:"workflow_id"`
	Number      int        `bun:"number" json:"number"`
	Definition  Definition `bun:"definition,type:jsonb" json:"definition"`
	CreatedBy   *int64     `bun:"created_by" json:"-"`
	CreatedAt   time.Time  `bun:"created_at,nullzero,default:now()" json:"-"`
	WorkflowKey string     `bun:"-" json:"workflow_key"`
	NameES      string     `bun:"-" json:"name_es"`
	NameEN      string     `bun:"-" json:"name_en"`
}

// version returns a version by id (cached: versions are immutable), or nil.
func (s *Service) version(ctx context.Context, db bun.IDB, id int64) (*Version, error) {
	if v, ok := s.versions.Load(id); ok {
		return v.(*Version), nil
	}
	v := new(Version)
	err := db.NewSelect().Model(v).Where("v.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("workflow: version: %w", err)
	}
	v.Definition.Normalize()
	s.versions.Store(id, v)
	return v, nil
}

// workflow loads a workflow row, optionally locked, or nil.
func (s *Service) workflow(ctx context.Context, db bun.IDB, id int64, lock bool) (*Workflow, error) {
	w := new(Workflow)
	q := db.NewSelect().Model(w).Where("w.id = ?", id)
	if lock {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("workflow: load: %w", err)
	}
	return w, nil
}

// fill adds the current definition and the mapped categories to workflows.
func (s *Service) fill(ctx context.Context, db bun.IDB, ws []*Workflow) error {
	ids := make([]int64, len(ws))
	for i, w := range ws {
		ids[i] = w.ID
		w.CategoryIDs = []int64{}
		if w.CurrentVersionID != nil {
			v, err := s.version(ctx, db, *w.CurrentVersionID)
			if err != nil {
				return err
			}
			if v != nil {
				w.Definition = &v.Definition
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		ID         int64 `bun:"id"`
		WorkflowID int64 `bun:"workflow_id"`
	}
	if err := db.NewSelect().Table("categories").Column("id", "workflow_id").Where("workflow_id IN (?)", bun.In(ids)).
		OrderExpr("id").Scan(ctx, &rows); err != nil {
		return fmt.Errorf("workflow: categories: %w", err)
	}
	byID := map[int64]*Workflow{}
	for _, w := range ws {
		byID[w.ID] = w
	}
	for _, r := range rows {
		byID[r.WorkflowID].CategoryIDs = append(byID[r.WorkflowID].CategoryIDs, r.ID)
	}
	return nil
}

// List returns every workflow, built-ins first.
func (s *Service) List(ctx context.Context, subj access.Subject) ([]*Workflow, error) {
	if !access.CanSeeWorkflows(subj) {
		return nil, errs.New(errs.Forbidden, "workflow.view_forbidden")
	}
	ws := []*Workflow{}
	if err := s.DB.NewSelect().Model(&ws).OrderExpr("w.builtin DESC, w.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("workflow: list: %w", err)
	}
	if err := s.fill(ctx, s.DB, ws); err != nil {
		return nil, err
	}
	return ws, nil
}

// Get returns one workflow.
func (s *Service) Get(ctx context.Context, subj access.Subject, id int64) (*Workflow, error) {
	if !access.CanSeeWorkflows(subj) {
		return nil, errs.New(errs.Forbidden, "workflow.view_forbidden")
	}
	return s.get(ctx, s.DB, id)
}

func (s *Service) get(ctx context.Context, db bun.IDB, id int64) (*Workflow, error) {
	w, err := s.workflow(ctx, db, id, false)
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, errs.New(errs.NotFound, "workflow.not_found")
	}
	if err := s.fill(ctx, db, []*Workflow{w}); err != nil {
		return nil, err
	}
	return w, nil
}

// NewWorkflow is the body of POST /workflows.
type NewWorkflow struct {
	Key           string      `json:"key"`
	NameES        string      `json:"name_es"`
	NameEN        string      `json:"name_en"`
	DescriptionES string      `json:"description_es"`
	DescriptionEN string      `json:"description_en"`
	Definition    *Definition `json:"definition"`
}

// WorkflowUpdate is the body of PUT /workflows/{id}: a new version of the definition and the names.
type WorkflowUpdate struct {
	NameES        string      `json:"name_es"`
	NameEN        string      `json:"name_en"`
	DescriptionES string      `json:"description_es"`
	DescriptionEN string      `json:"description_en"`
	Active        *bool       `json:"active"`
	Definition    *Definition `json:"definition"`
	Version       int64       `json:"version" validate:"required,gte=1"`
}

// CategoryMapping is the body of PUT /workflows/{id}/categories.
type CategoryMapping struct {
	CategoryIDs []int64 `json:"category_ids" validate:"required,max=500"`
	Version     int64   `json:"version" validate:"required,gte=1"`
}

const maxDescription = 500

// checkNames checks names and descriptions into e.
func checkNames(e *errs.Error, nameES, nameEN, descES, descEN string) {
	for _, n := range []struct{ field, v string }{{"name_es", nameES}, {"name_en", nameEN}} {
		if l := utf8.RuneCountInString(strings.TrimSpace(n.v)); l < 1 || l > maxNameLen {
			e.WithField(n.field, "workflow.name_length", map[string]any{"max": maxNameLen})
		}
	}
	for _, d := range []struct{ field, v string }{{"description_es", descES}, {"description_en", descEN}} {
		if utf8.RuneCountInString(d.v) > maxDescription {
			e.WithField(d.field, "field.max", map[string]any{"param": maxDescription})
		}
	}
}

// refs reads which statuses and roles exist.
func refs(ctx context.Context, db bun.IDB) (Refs, error) {
	r := Refs{Statuses: map[int64]bool{}, Roles: map[int64]bool{}}
	var ids []int64
	if err := db.NewSelect().Table("statuses").Column("id").Where("active").Scan(ctx, &ids); err != nil {
		return r, fmt.Errorf("workflow: statuses: %w", err)
	}
	for _, id := range ids {
		r.Statuses[id] = true
	}
	ids = nil
	if err := db.NewSelect().Table("roles").Column("id").Scan(ctx, &ids); err != nil {
		return r, fmt.Errorf("workflow: roles: %w", err)
	}
	for _, id := range ids {
		r.Roles[id] = true
	}
	return r, nil
}

// checkDefinition validates a definition into e, prefixing its paths with "definition.".
func checkDefinition(ctx context.Context, db bun.IDB, e *errs.Error, d *Definition) error {
	if d == nil {
		e.WithField("definition", "field.required", nil)
		return nil
	}
	d.Normalize()
	r, err := refs(ctx, db)
	if err != nil {
		return err
	}
	if err := Validate(d, r); err != nil {
		ve, _ := errs.As(err)
		for f, m := range ve.Fields {
			e.WithField("definition."+f, m.Key, m.Args)
		}
	}
	return nil
}

// Create adds a workflow with its first version.
func (s *Service) Create(ctx context.Context, subj access.Subject, req NewWorkflow) (*Workflow, error) {
	if !access.CanManageCatalogs(subj) {
		return nil, errs.New(errs.Forbidden, "workflow.manage_forbidden")
	}
	var out *Workflow
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		e := errs.New(errs.Invalid, "workflow.invalid")
		if !keyRe.MatchString(req.Key) {
			e.WithField("key", "workflow.key_invalid", nil)
		}
		checkNames(e, req.NameES, req.NameEN, req.DescriptionES, req.DescriptionEN)
		if err := checkDefinition(ctx, tx, e, req.Definition); err != nil {
			return err
		}
		if len(e.Fields) > 0 {
			return e
		}
		w := &Workflow{Key: req.Key, NameES: strings.TrimSpace(req.NameES), NameEN: strings.TrimSpace(req.NameEN),
			DescriptionES: req.DescriptionES, DescriptionEN: req.DescriptionEN, Active: true, Version: 1}
		_, err := tx.NewInsert().Model(w).Returning("id, updated_at").Exec(ctx)
		if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "23505" {
			return errs.InvalidField("key", "workflow.key_taken", nil)
		}
		if err != nil {
			return fmt.Errorf("workflow: create: %w", err)
		}
		if err := s.newVersion(ctx, tx, subj, w, req.Definition); err != nil {
			return err
		}
		out, err = s.get(ctx, tx, w.ID)
		return err
	})
	return out, err
}

// newVersion stores the next version of w's definition and makes it current.
func (s *Service) newVersion(ctx context.Context, tx bun.Tx, subj access.Subject, w *Workflow, d *Definition) error {
	v := &Version{WorkflowID: w.ID, Definition: *d}
	if subj.UserID != 0 {
		v.CreatedBy = &subj.UserID
	}
	if err := tx.NewSelect().Table("workflow_versions").ColumnExpr("coalesce(max(number), 0) + 1").
		Where("workflow_id = ?", w.ID).Scan(ctx, &v.Number); err != nil {
		return fmt.Errorf("workflow: version number: %w", err)
	}
	if _, err := tx.NewInsert().Model(v).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("workflow: new version: %w", err)
	}
	if _, err := tx.NewUpdate().Table("workflows").Set("current_version_id = ?", v.ID).Where("id = ?", w.ID).Exec(ctx); err != nil {
		return fmt.Errorf("workflow: new version: %w", err)
	}
	return nil
}

// stale is the 409 of a change based on an old version of a workflow, with the current one.
func (s *Service) stale(ctx context.Context, db bun.IDB, id int64) error {
	cur, err := s.get(ctx, db, id)
	if err != nil {
		return err
	}
	e := errs.New(errs.Conflict, "workflow.stale")
	e.Current = cur
	return e
}

// Update saves names, activity and a new version of the definition; tickets keep the version they have.
func (s *Service) Update(ctx context.Context, subj access.Subject, id int64, req WorkflowUpdate) (*Workflow, error) {
	if !access.CanManageCatalogs(subj) {
		return nil, errs.New(errs.Forbidden, "workflow.manage_forbidden")
	}
	var out *Workflow
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		w, err := s.workflow(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if w == nil {
			return errs.New(errs.NotFound, "workflow.not_found")
		}
		if w.Version != req.Version {
			return s.stale(ctx, tx, id)
		}
		e := errs.New(errs.Invalid, "workflow.invalid")
		checkNames(e, req.NameES, req.NameEN, req.DescriptionES, req.DescriptionEN)
		if err := checkDefinition(ctx, tx, e, req.Definition); err != nil {
			return err
		}
		if req.Active != nil && !*req.Active && w.Key == GenericKey {
			e.WithField("active", "workflow.generic_active", nil)
		}
		if len(e.Fields) > 0 {
			return e
		}
		w.NameES, w.NameEN = strings.TrimSpace(req.NameES), strings.TrimSpace(req.NameEN)
		w.DescriptionES, w.DescriptionEN = req.DescriptionES, req.DescriptionEN
		if req.Active != nil {
			w.Active = *req.Active
		}
		if _, err := tx.NewUpdate().Model(w).Column("name_es", "name_en", "description_es", "description_en", "active").
			Set("version = version + 1").Set("updated_at = now()").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("workflow: update: %w", err)
		}
		if err := s.newVersion(ctx, tx, subj, w, req.Definition); err != nil {
			return err
		}
		out, err = s.get(ctx, tx, id)
		return err
	})
	return out, err
}

// SetCategories maps exactly these categories to a workflow: each moves from whatever workflow it had,
// and those mapped before but not listed go back to the generic one.
func (s *Service) SetCategories(ctx context.Context, subj access.Subject, id int64, req CategoryMapping) (*Workflow, error) {
	if !access.CanManageCatalogs(subj) {
		return nil, errs.New(errs.Forbidden, "workflow.manage_forbidden")
	}
	var out *Workflow
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		w, err := s.workflow(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if w == nil {
			return errs.New(errs.NotFound, "workflow.not_found")
		}
		if w.Version != req.Version {
			return s.stale(ctx, tx, id)
		}
		ids := access.SortIDs(req.CategoryIDs)
		if len(ids) > 0 {
			var found []int64
			if err := tx.NewSelect().Table("categories").Column("id").Where("id IN (?)", bun.In(ids)).Scan(ctx, &found); err != nil {
				return fmt.Errorf("workflow: categories: %w", err)
			}
			if len(found) != len(ids) {
				return errs.InvalidField("category_ids", "workflow.category_unknown", nil)
			}
		}
		if _, err := tx.NewUpdate().Table("categories").Set("workflow_id = NULL").Where("workflow_id = ?", id).
			Where("NOT (id = ANY(?::bigint[]))", pgdialect.Array(ids)).Exec(ctx); err != nil {
			return fmt.Errorf("workflow: categories: %w", err)
		}
		if len(ids) > 0 {
			if _, err := tx.NewUpdate().Table("categories").Set("workflow_id = ?", id).Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
				return fmt.Errorf("workflow: categories: %w", err)
			}
		}
		if _, err := tx.NewUpdate().Table("workflows").Set("version = version + 1").Set("updated_at = now()").
			Where("id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("workflow: categories: %w", err)
		}
		out, err = s.get(ctx, tx, id)
		return err
	})
	return out, err
}

// VersionOf returns a workflow version for staff, or for anyone who sees a ticket that follows it.
func (s *Service) VersionOf(ctx context.Context, subj access.Subject, id int64) (*Version, error) {
	v, err := s.version(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, errs.New(errs.NotFound, "workflow.version_not_found")
	}
	if !access.CanSeeWorkflows(subj) {
		q := s.DB.NewSelect().Model((*tickets.Ticket)(nil)).Where("t.workflow_version_id = ?", id)
		ok, err := access.TicketFilter(q, "t", subj).Exists(ctx)
		if err != nil {
			return nil, fmt.Errorf("workflow: version: %w", err)
		}
		if !ok {
			return nil, errs.New(errs.NotFound, "workflow.version_not_found")
		}
	}
	w, err := s.workflow(ctx, s.DB, v.WorkflowID, false)
	if err != nil {
		return nil, err
	}
	out := *v
	out.WorkflowKey, out.NameES, out.NameEN = w.Key, w.NameES, w.NameEN
	return &out, nil
}

// Start returns the workflow of a new ticket: the one named by key, else the subcategory's mapping, else
// its category's, else the generic one (an inactive workflow maps to the generic one too).
func (s *Service) Start(ctx context.Context, db bun.IDB, categoryID, subcategoryID *int64, key string) (int64, int64, []int64, error) {
	var vid int64
	var err error
	switch {
	case key != "":
		err = db.NewSelect().Table("workflows").Column("current_version_id").Where("key = ?", key).Where("active").Scan(ctx, &vid)
	default:
		ids := []int64{}
		if subcategoryID != nil {
			ids = append(ids, *subcategoryID)
		}
		if categoryID != nil {
			ids = append(ids, *categoryID)
		}
		// The subcategory's own mapping wins over its parent's.
		err = db.NewSelect().TableExpr("unnest(?::bigint[]) WITH ORDINALITY AS c (id, ord)", pgdialect.Array(ids)).
			Join("JOIN categories cat ON cat.id = c.id").Join("JOIN workflows w ON w.id = cat.workflow_id AND w.active").
			ColumnExpr("w.current_version_id").OrderExpr("c.ord").Limit(1).Scan(ctx, &vid)
		if errors.Is(err, sql.ErrNoRows) {
			err = db.NewSelect().Table("workflows").Column("current_version_id").Where("key = ?", GenericKey).Scan(ctx, &vid)
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil, errs.New(errs.Invalid, "workflow.not_available")
	}
	if err != nil {
		return 0, 0, nil, fmt.Errorf("workflow: start: %w", err)
	}
	v, err := s.version(ctx, db, vid)
	if err != nil {
		return 0, 0, nil, err
	}
	if v == nil {
		return 0, 0, nil, fmt.Errorf("workflow: start: version %d missing", vid)
	}
	return v.ID, v.Definition.Start(), v.Definition.StatusIDs(), nil
}

// rawJSON is a helper for history rows.
func rawJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
