package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/i18n"
)

// CannedBody is a canned response as replying needs it: its Markdown bodies in both locales and
// whether it may still be used.
type CannedBody struct {
	bun.BaseModel `bun:"table:canned_responses,alias:cr"`

	ID     int64  `bun:"id,pk"`
	BodyES string `bun:"body_es"`
	BodyEN string `bun:"body_en"`
	Active bool   `bun:"active"`
}

// Body returns the body in a locale.
func (c *CannedBody) Body(l i18n.Locale) string {
	if l == i18n.EN {
		return c.BodyEN
	}
	return c.BodyES
}

// CannedBody returns a canned response's bodies, active or not, or nil when there is none with that id.
func (s *Store) CannedBody(ctx context.Context, id int64) (*CannedBody, error) {
	c := new(CannedBody)
	err := s.db.NewSelect().Model(c).Column("id", "body_es", "body_en", "active").Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: canned body: %w", err)
	}
	return c, nil
}
