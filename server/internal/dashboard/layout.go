package dashboard

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// Item is one widget on a user's dashboard.
type Item struct {
	Key  string `json:"key"`
	Size string `json:"size"`
}

// Layout is a user's dashboard: the widgets they may see (catalog order) and their arrangement.
type Layout struct {
	Widgets []string `json:"widgets"`
	Layout  []Item   `json:"layout"`
	Version int64    `json:"version"`
}

// LayoutRequest replaces a user's arrangement; Version is the one it was read at (0: never saved).
type LayoutRequest struct {
	Layout  []Item `json:"layout"`
	Version *int64 `json:"version" validate:"required"`
}

var sizes = map[string]bool{"s": true, "m": true, "l": true}

// maxLayoutItems bounds a layout (each widget once).
const maxLayoutItems = 10

type layoutRow struct {
	bun.BaseModel `bun:"table:dashboard_layouts"`
	UserID        int64           `bun:"user_id,pk"`
	Layout        json.RawMessage `bun:"layout,type:jsonb"`
	Version       int64           `bun:"version"`
}

// Layout returns subj's dashboard: the saved arrangement without the widgets subj may no longer see, or
// every allowed widget at size m when nothing was saved.
func (s *Service) Layout(ctx context.Context, subj access.Subject) (*Layout, error) {
	return s.layout(ctx, s.DB, subj)
}

func (s *Service) layout(ctx context.Context, db bun.IDB, subj access.Subject) (*Layout, error) {
	out := &Layout{Widgets: access.Widgets(subj), Layout: []Item{}}
	row := new(layoutRow)
	err := db.NewSelect().Model(row).Where("user_id = ?", subj.UserID).Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		for _, k := range out.Widgets {
			out.Layout = append(out.Layout, Item{Key: k, Size: "m"})
		}
		return out, nil
	case err != nil:
		return nil, fmt.Errorf("dashboard: layout: %w", err)
	}
	var items []Item
	if err := json.Unmarshal(row.Layout, &items); err != nil {
		return nil, fmt.Errorf("dashboard: layout: %w", err)
	}
	for _, it := range items {
		if access.CanSeeWidget(subj, it.Key) {
			out.Layout = append(out.Layout, it)
		}
	}
	out.Version = row.Version
	return out, nil
}

// SaveLayout replaces subj's arrangement if it is still at req.Version: every widget one subj may see,
// each once, sized s, m or l. A stale version is a conflict carrying the current layout.
func (s *Service) SaveLayout(ctx context.Context, subj access.Subject, req LayoutRequest) (*Layout, error) {
	if req.Version == nil || *req.Version < 0 {
		return nil, errs.InvalidField("version", "field.required", nil)
	}
	seen := map[string]bool{}
	if len(req.Layout) > maxLayoutItems {
		return nil, errs.InvalidField("layout", "dashboard.bad_layout", nil)
	}
	for _, it := range req.Layout {
		if seen[it.Key] || !access.CanSeeWidget(subj, it.Key) || !sizes[it.Size] {
			return nil, errs.InvalidField("layout", "dashboard.bad_layout", nil)
		}
		seen[it.Key] = true
	}
	items := req.Layout
	if items == nil {
		items = []Item{}
	}
	body, _ := json.Marshal(items)
	var out *Layout
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var res sql.Result
		var err error
		if *req.Version == 0 {
			res, err = tx.NewRaw(`INSERT INTO dashboard_layouts (user_id, layout) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING`,
				subj.UserID, string(body)).Exec(ctx)
		} else {
			res, err = tx.NewRaw(`UPDATE dashboard_layouts SET layout = ?, version = version + 1, updated_at = now()
				WHERE user_id = ? AND version = ?`, string(body), subj.UserID, *req.Version).Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("dashboard: save layout: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			cur, err := s.layout(ctx, tx, subj)
			if err != nil {
				return err
			}
			e := errs.New(errs.Conflict, "dashboard.layout_stale")
			e.Current = cur
			return e
		}
		out, err = s.layout(ctx, tx, subj)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
