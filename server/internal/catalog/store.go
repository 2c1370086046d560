package catalog

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/people"
)

// All returns every catalog, active and inactive entries, in display order, read in one snapshot. Usage
// counts are filled for those who may see them.
func (s *Store) All(ctx context.Context, subj access.Subject) (*Catalogs, error) {
	out := &Catalogs{}
	err := s.db.RunInTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if out.Statuses, err = list[Status](ctx, tx, statusOrder); err != nil {
			return err
		}
		if out.Priorities, err = list[Priority](ctx, tx, "position, id"); err != nil {
			return err
		}
		if out.Categories, err = list[Category](ctx, tx, "parent_id NULLS FIRST, position, id"); err != nil {
			return err
		}
		if out.KBCategories, err = list[KBCategory](ctx, tx, "position, id"); err != nil {
			return err
		}
		if out.Channels, err = list[Channel](ctx, tx, "position, id"); err != nil {
			return err
		}
		if out.Queues, err = list[Queue](ctx, tx, "position, id"); err != nil {
			return err
		}
		if out.NoteReasons, err = list[NoteReason](ctx, tx, "position, id"); err != nil {
			return err
		}
		if out.CannedResponses, err = list[CannedResponse](ctx, tx, "position, id"); err != nil {
			return err
		}
		if out.PriorityScheme, err = currentScheme(ctx, tx); err != nil {
			return err
		}
		if !access.CanSeeCatalogUsage(subj) {
			return nil
		}
		counts, err := allUsage(ctx, tx)
		if err != nil {
			return err
		}
		setUsage(out.Statuses, counts[Statuses])
		setUsage(out.Priorities, counts[Priorities])
		setUsage(out.Categories, counts[Categories])
		setUsage(out.Channels, counts[Channels])
		setUsage(out.Queues, counts[Queues])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func list[E any](ctx context.Context, db bun.IDB, order string) ([]E, error) {
	out := []E{}
	if err := db.NewSelect().Model(&out).OrderExpr(order).Scan(ctx); err != nil {
		return nil, fmt.Errorf("catalog: list: %w", err)
	}
	return out, nil
}

func setUsage[E any, P entryPtr[E]](xs []E, counts map[int64]int64) {
	for i := range xs {
		c := P(&xs[i]).common()
		c.InUse = counts[c.ID]
	}
}

// Create adds an entry to a catalog (admin only). The request body is read by decode into the kind's
// creation request.
func (s *Store) Create(ctx context.Context, subj access.Subject, k Kind, decode Decoder) (Entry, error) {
	ops, err := s.authorize(subj, k)
	if err != nil {
		return nil, err
	}
	return ops.create(ctx, s, subj, decode)
}

// Update changes an entry (admin only) from the kind's patch request, refusing a stale version with the
// current entry.
func (s *Store) Update(ctx context.Context, subj access.Subject, k Kind, id int64, decode Decoder) (Entry, error) {
	ops, err := s.authorize(subj, k)
	if err != nil {
		return nil, err
	}
	return ops.update(ctx, s, subj, id, decode)
}

// Reorder gives the entries of one list the positions 1..n in the order of ids (admin only).
func (s *Store) Reorder(ctx context.Context, subj access.Subject, k Kind, req ReorderRequest) ([]Entry, error) {
	ops, err := s.authorize(subj, k)
	if err != nil {
		return nil, err
	}
	return ops.reorder(ctx, s, subj, req.IDs)
}

// Delete removes an entry no ticket ever used (admin only); one that was used can only be deactivated.
func (s *Store) Delete(ctx context.Context, subj access.Subject, k Kind, id int64) error {
	ops, err := s.authorize(subj, k)
	if err != nil {
		return err
	}
	return ops.remove(ctx, s, subj, id)
}

// authorize returns the operations of a known catalog the subject may change.
func (s *Store) authorize(subj access.Subject, k Kind) (kindOps, error) {
	ops, err := lookup(k)
	if err != nil {
		return nil, err
	}
	allowed := access.CanManageCatalogs(subj)
	if k == KBCategories {
		allowed = access.CanManageKB(subj)
	}
	if !allowed {
		return nil, errs.New(errs.Forbidden, "catalog.forbidden")
	}
	return ops, nil
}

// HistoryItem is one change of a catalog entry.
type HistoryItem struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Actor  *people.Ref     `json:"actor"`
	Action string          `json:"action"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// History lists an entry's changes, newest first (admin only). A deleted entry keeps its history.
func (s *Store) History(ctx context.Context, subj access.Subject, k Kind, id int64) ([]HistoryItem, error) {
	ops, err := s.authorize(subj, k)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID        int64           `bun:"id"`
		At        time.Time       `bun:"at"`
		ActorID   *int64          `bun:"actor_id"`
		ActorName *string         `bun:"actor_name"`
		Action    string          `bun:"action"`
		Before    json.RawMessage `bun:"before"`
		After     json.RawMessage `bun:"after"`
	}
	err = s.db.NewSelect().TableExpr("catalog_changes AS cc").
		ColumnExpr("cc.id, cc.at, cc.actor_id, u.name AS actor_name, cc.action, cc.before, cc.after").
		Join("LEFT JOIN users AS u ON u.id = cc.actor_id").
		Where("cc.catalog = ?", string(k)).Where("cc.entry_id = ?", id).
		OrderExpr("cc.at DESC, cc.id DESC").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("catalog: history: %w", err)
	}
	if len(rows) == 0 {
		ok, err := ops.exists(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errs.New(errs.NotFound, "catalog.not_found")
		}
	}
	out := make([]HistoryItem, len(rows))
	for i, r := range rows {
		out[i] = HistoryItem{ID: r.ID, At: r.At.UTC(), Action: r.Action, Before: r.Before, After: r.After}
		if r.ActorID != nil {
			out[i].Actor = &people.Ref{ID: *r.ActorID}
			if r.ActorName != nil {
				out[i].Actor.Name = *r.ActorName
			}
		}
	}
	return out, nil
}

// change is one row of catalog_changes about to be written: the entry before and after (nil for none).
type change struct {
	action        string
	entryID       int64 // 0: the catalog as a whole (the priority scheme)
	before, after any
}

type changeRow struct {
	bun.BaseModel `bun:"table:catalog_changes"`

	ID      int64           `bun:"id,pk,autoincrement"`
	Catalog string          `bun:"catalog"`
	EntryID *int64          `bun:"entry_id"`
	ActorID *int64          `bun:"actor_id"`
	Action  string          `bun:"action"`
	Before  json.RawMessage `bun:"before,type:jsonb,nullzero"`
	After   json.RawMessage `bun:"after,type:jsonb,nullzero"`
}

// written records the changes of one write and announces it to every screen, in the writing
// transaction.
func written(ctx context.Context, tx bun.Tx, subj access.Subject, k Kind, changes []change) error {
	var actorID *int64
	var actor *live.Actor
	if subj.UserID != 0 {
		actorID = &subj.UserID
		actor = &live.Actor{ID: subj.UserID, Name: subj.Name}
	}
	rows := make([]changeRow, len(changes))
	for i, c := range changes {
		rows[i] = changeRow{Catalog: string(k), ActorID: actorID, Action: c.action}
		if c.entryID != 0 {
			rows[i].EntryID = &c.entryID
		}
		var err error
		if rows[i].Before, err = snapshot(c.before); err != nil {
			return err
		}
		if rows[i].After, err = snapshot(c.after); err != nil {
			return err
		}
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("catalog: record change: %w", err)
	}
	return live.Append(ctx, tx, live.Event{Name: live.CatalogChanged, Catalog: string(k), Actor: actor})
}

// snapshot is the stored form of an entry: its JSON without the usage count, which is not part of it.
func snapshot(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	if e, ok := v.(Entry); ok {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("catalog: snapshot: %w", err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("catalog: snapshot: %w", err)
		}
		delete(m, "in_use")
		v = m
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("catalog: snapshot: %w", err)
	}
	return b, nil
}

// sameEntry reports whether a patch left the entry as it was.
func sameEntry(a, b Entry) (bool, error) {
	x, err := snapshot(a)
	if err != nil {
		return false, err
	}
	y, err := snapshot(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(x, y), nil
}

// slug derives a key from a name: lower case letters without accents, digits and single underscores.
func slug(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		if f, ok := unaccented[r]; ok {
			r = f
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		} else {
			gap = true
		}
		if b.Len() >= maxKey-5 { // at most 36 characters: room for a _N suffix
			break
		}
	}
	if b.Len() == 0 {
		return "entry"
	}
	return strings.TrimRight(b.String(), "_")
}

var unaccented = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i', 'ó': 'o', 'ò': 'o', 'ô': 'o', 'ö': 'o', 'õ': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ñ': 'n', 'ç': 'c',
}

// usageFor fills the in_use of a list of entries for those who may see usage.
func usageFor[E any, P entryPtr[E]](ctx context.Context, s *Store, subj access.Subject, k Kind, xs []E) error {
	if !access.CanSeeCatalogUsage(subj) {
		return nil
	}
	es := make([]Entry, len(xs))
	for i := range xs {
		es[i] = P(&xs[i])
	}
	return fillUsage(ctx, s.db, k, es...)
}
