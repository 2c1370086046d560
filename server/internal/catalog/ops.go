package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// Decoder reads and validates a request body into dst (httpx.Decode bound to the request).
type Decoder func(dst any) error

// entryPtr is a pointer to an entry type E.
type entryPtr[E any] interface {
	*E
	Entry
}

// patch is a partial update request: the version it was based on, and fields to apply.
type patch interface{ expected() int64 }

// scope is the list an entry is ordered in among its siblings: a fixed condition and its argument.
// Two entries are siblings when their scopes are equal.
type scope struct {
	where string
	arg   any // nil, int64 or string: comparable
}

func (sc scope) args() []any {
	if sc.arg == nil {
		return nil
	}
	return []any{sc.arg}
}

func whole[P any](P) scope { return scope{where: "TRUE"} }

// def is one catalog bound to its types: the entry E (P = *E), its creation request C and its patch U.
// The table comes from E's bun model, never from the request.
type def[E any, P entryPtr[E], C any, U patch] struct {
	kind  Kind
	order string        // ORDER BY of the whole list
	build func(*C) P    // nil: entries are neither created, deleted nor reordered (priorities)
	apply func(*U, P)   // applies a patch to a copy of the entry
	scope func(P) scope // the entry's siblings
	// check enforces the rules that need the database; before is nil for a creation, after for a deletion.
	check func(ctx context.Context, tx bun.Tx, before, after P) error
	// after makes the consequences of an update, returning their rows to record with it.
	after func(ctx context.Context, tx bun.Tx, before, after P) ([]change, error)
}

// kindOps is what the Store asks of a catalog, whatever its types.
type kindOps interface {
	create(ctx context.Context, s *Store, subj access.Subject, decode Decoder) (Entry, error)
	update(ctx context.Context, s *Store, subj access.Subject, id int64, decode Decoder) (Entry, error)
	reorder(ctx context.Context, s *Store, subj access.Subject, ids []int64) ([]Entry, error)
	remove(ctx context.Context, s *Store, subj access.Subject, id int64) error
	exists(ctx context.Context, db bun.IDB, id int64) (bool, error)
}

// kinds maps each catalog name to its operations: the only way from a path segment to a table.
var kinds = map[Kind]kindOps{
	Statuses: &def[Status, *Status, StatusInput, StatusPatch]{kind: Statuses, order: statusOrder,
		build: buildStatus, apply: applyStatus, check: checkStatus,
		scope: func(s *Status) scope { return scope{"grp = ?", string(s.Group)} }},
	Priorities: &def[Priority, *Priority, struct{}, PriorityPatch]{kind: Priorities, order: "position, id",
		apply: applyPriority, scope: whole[*Priority], after: renamedPriority},
	Categories: &def[Category, *Category, CategoryInput, CategoryPatch]{kind: Categories,
		order: "parent_id NULLS FIRST, position, id", build: buildCategory, apply: applyCategory, check: checkCategory,
		after: categoryRolesChanged,
		scope: func(c *Category) scope {
			if c.ParentID == nil {
				return scope{where: "parent_id IS NULL"}
			}
			return scope{"parent_id = ?", *c.ParentID}
		}},
	KBCategories: &def[KBCategory, *KBCategory, EntryInput, EntryPatch]{kind: KBCategories, order: "position, id",
		build: buildKBCategory, apply: applyKBCategory, scope: whole[*KBCategory]},
	Channels: &def[Channel, *Channel, EntryInput, EntryPatch]{kind: Channels, order: "position, id",
		build: buildChannel, apply: applyChannel, scope: whole[*Channel]},
	Queues: &def[Queue, *Queue, QueueInput, QueuePatch]{kind: Queues, order: "position, id",
		build: buildQueue, apply: applyQueue, check: checkQueue, after: queueRolesChanged, scope: whole[*Queue]},
	NoteReasons: &def[NoteReason, *NoteReason, NoteReasonInput, NoteReasonPatch]{kind: NoteReasons, order: "position, id",
		build: buildNoteReason, apply: applyNoteReason, scope: whole[*NoteReason]},
	CannedResponses: &def[CannedResponse, *CannedResponse, CannedResponseInput, CannedResponsePatch]{kind: CannedResponses,
		order: "position, id", build: buildCannedResponse, apply: applyCannedResponse, scope: whole[*CannedResponse]},
}

// lookup returns a catalog's operations; an unknown name is not found.
func lookup(k Kind) (kindOps, error) {
	ops, ok := kinds[k]
	if !ok {
		return nil, errs.New(errs.NotFound, "catalog.kind_unknown")
	}
	return ops, nil
}

// cleaned trims e and returns its field messages, if any. A new entry's chosen key is checked too; keys
// are not edited afterwards.
func cleaned(e Entry, isNew bool) error {
	bad := errs.New(errs.Invalid, "error.invalid")
	e.clean(bad)
	if k := e.common().Key; isNew && k != "" && !keyRE.MatchString(k) {
		bad.WithField("key", "catalog.key_format", nil)
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	return nil
}

func (d *def[E, P, C, U]) create(ctx context.Context, s *Store, subj access.Subject, decode Decoder) (Entry, error) {
	if d.build == nil {
		return nil, errs.New(errs.Invalid, "catalog.priorities_fixed")
	}
	req := new(C)
	if err := decode(req); err != nil {
		return nil, err
	}
	e := d.build(req)
	if err := cleaned(e, true); err != nil {
		return nil, err
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lock(ctx, tx, d.kind); err != nil {
			return err
		}
		if d.check != nil {
			if err := d.check(ctx, tx, nil, e); err != nil {
				return err
			}
		}
		c := e.common()
		if err := assignKey[E](ctx, tx, c); err != nil {
			return err
		}
		sc := d.scope(e)
		last, err := lastPosition[E](ctx, tx, sc)
		if err != nil {
			return err
		}
		if c.Position == 0 || c.Position > last {
			c.Position = last + 1
		} else if err := shift[E](ctx, tx, sc, c.Position, 1); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(e).Exec(ctx); err != nil {
			return fmt.Errorf("catalog: create %s: %w", d.kind, err)
		}
		return written(ctx, tx, subj, d.kind, []change{{action: "created", entryID: c.ID, after: e}})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (d *def[E, P, C, U]) update(ctx context.Context, s *Store, subj access.Subject, id int64, decode Decoder) (Entry, error) {
	req := new(U)
	if err := decode(req); err != nil {
		return nil, err
	}
	var out P
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lock(ctx, tx, d.kind); err != nil {
			return err
		}
		cur, err := load[E, P](ctx, tx, id)
		if err != nil {
			return err
		}
		if (*req).expected() != cur.common().Version {
			return withCurrent(ctx, tx, d.kind, errs.New(errs.Conflict, "catalog.stale"), cur)
		}
		copied := *cur
		next := P(&copied)
		d.apply(req, next)
		if err := cleaned(next, false); err != nil {
			return err
		}
		if same, err := sameEntry(cur, next); err != nil || same {
			out = cur
			return err
		}
		if d.check != nil {
			if err := d.check(ctx, tx, cur, next); err != nil {
				return withCurrent(ctx, tx, d.kind, err, cur)
			}
		}
		if from, to := d.scope(cur), d.scope(next); from != to {
			// A new parent or group: last in the new list, and the old list closes the gap.
			last, err := lastPosition[E](ctx, tx, to)
			if err != nil {
				return err
			}
			next.common().Position = last + 1
			if err := shift[E](ctx, tx, from, cur.common().Position+1, -1); err != nil {
				return err
			}
		}
		next.common().Version++
		if _, err := tx.NewUpdate().Model(next).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("catalog: update %s: %w", d.kind, err)
		}
		changes := []change{{action: "updated", entryID: id, before: cur, after: next}}
		if d.after != nil {
			more, err := d.after(ctx, tx, cur, next)
			if err != nil {
				return err
			}
			changes = append(changes, more...)
		}
		out = next
		return written(ctx, tx, subj, d.kind, changes)
	})
	if err != nil {
		return nil, err
	}
	if err := fillUsage(ctx, s.db, d.kind, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *def[E, P, C, U]) reorder(ctx context.Context, s *Store, subj access.Subject, ids []int64) ([]Entry, error) {
	if d.build == nil {
		return nil, errs.New(errs.Invalid, "catalog.priorities_fixed")
	}
	var list []E
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lock(ctx, tx, d.kind); err != nil {
			return err
		}
		var found []E
		if err := tx.NewSelect().Model(&found).Where("id IN (?)", bun.In(ids)).For("UPDATE").Scan(ctx); err != nil {
			return fmt.Errorf("catalog: reorder %s: %w", d.kind, err)
		}
		if len(found) != len(ids) {
			return errs.InvalidField("ids", "catalog.reorder_set", nil)
		}
		byID := make(map[int64]P, len(found))
		for i := range found {
			byID[P(&found[i]).common().ID] = &found[i]
		}
		sc := d.scope(byID[ids[0]])
		for _, p := range byID {
			if d.scope(p) != sc {
				return errs.InvalidField("ids", "catalog.reorder_mixed", nil)
			}
		}
		n, err := tx.NewSelect().Model((*E)(nil)).Where(sc.where, sc.args()...).Count(ctx)
		if err != nil {
			return fmt.Errorf("catalog: reorder %s: %w", d.kind, err)
		}
		if n != int64(len(ids)) {
			return errs.InvalidField("ids", "catalog.reorder_set", nil)
		}
		var changes []change
		for i, id := range ids {
			p := byID[id]
			if p.common().Position != i+1 {
				before := *p
				p.common().Position = i + 1
				if _, err := tx.NewUpdate().Model(p).Column("position").WherePK().Exec(ctx); err != nil {
					return fmt.Errorf("catalog: reorder %s: %w", d.kind, err)
				}
				changes = append(changes, change{action: "reordered", entryID: id, before: P(&before), after: p})
			}
			list = append(list, *p)
		}
		if len(changes) == 0 {
			return nil
		}
		return written(ctx, tx, subj, d.kind, changes)
	})
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(list))
	for i := range list {
		out[i] = P(&list[i])
	}
	if err := fillUsage(ctx, s.db, d.kind, out...); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *def[E, P, C, U]) remove(ctx context.Context, s *Store, subj access.Subject, id int64) error {
	if d.build == nil {
		return errs.New(errs.Invalid, "catalog.priorities_fixed")
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lock(ctx, tx, d.kind); err != nil {
			return err
		}
		cur, err := load[E, P](ctx, tx, id)
		if err != nil {
			return err
		}
		if d.check != nil {
			if err := d.check(ctx, tx, cur, nil); err != nil {
				return err
			}
		}
		if err := unused(ctx, tx, d.kind, id); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model(cur).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("catalog: delete %s: %w", d.kind, err)
		}
		if err := shift[E](ctx, tx, d.scope(cur), cur.common().Position+1, -1); err != nil {
			return err
		}
		return written(ctx, tx, subj, d.kind, []change{{action: "deleted", entryID: id, before: cur}})
	})
}

func (d *def[E, P, C, U]) exists(ctx context.Context, db bun.IDB, id int64) (bool, error) {
	ok, err := db.NewSelect().Model((*E)(nil)).Where("id = ?", id).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("catalog: exists %s: %w", d.kind, err)
	}
	return ok, nil
}

// withCurrent gives a conflict about an entry the entry as stored, so that the editor shows it.
func withCurrent(ctx context.Context, tx bun.Tx, k Kind, err error, cur Entry) error {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Conflict || e.Current != nil {
		return err
	}
	if err := fillUsage(ctx, tx, k, cur); err != nil {
		return err
	}
	e.Current = cur
	return e
}

// lock serialises the writes of one catalog: keys, places and the rules over siblings stay consistent.
func lock(ctx context.Context, tx bun.Tx, k Kind) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "atiende.catalog:"+string(k)); err != nil {
		return fmt.Errorf("catalog: lock %s: %w", k, err)
	}
	return nil
}

// load returns an entry locked for the transaction, or not found.
func load[E any, P entryPtr[E]](ctx context.Context, tx bun.Tx, id int64) (P, error) {
	e := P(new(E))
	err := tx.NewSelect().Model(e).Where("id = ?", id).For("UPDATE").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "catalog.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: load: %w", err)
	}
	return e, nil
}

// lastPosition is the highest position among the entries of a scope (0 when empty).
func lastPosition[E any](ctx context.Context, db bun.IDB, sc scope) (int, error) {
	var n int
	err := db.NewSelect().Model((*E)(nil)).ColumnExpr("coalesce(max(position), 0)").Where(sc.where, sc.args()...).Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("catalog: last position: %w", err)
	}
	return n, nil
}

// shift moves the entries of a scope at position from or later by delta places.
func shift[E any](ctx context.Context, tx bun.Tx, sc scope, from, delta int) error {
	_, err := tx.NewUpdate().Model((*E)(nil)).Set("position = position + ?", delta).
		Where(sc.where, sc.args()...).Where("position >= ?", from).Exec(ctx)
	if err != nil {
		return fmt.Errorf("catalog: shift positions: %w", err)
	}
	return nil
}

// assignKey checks a chosen key is free, or derives a free one from the English name.
func assignKey[E any](ctx context.Context, tx bun.Tx, c *Common) error {
	taken := func(k string) (bool, error) {
		ok, err := tx.NewSelect().Model((*E)(nil)).Where("key = ?", k).Exists(ctx)
		if err != nil {
			return false, fmt.Errorf("catalog: key: %w", err)
		}
		return ok, nil
	}
	if c.Key != "" {
		t, err := taken(c.Key)
		if err != nil {
			return err
		}
		if t {
			return errs.InvalidField("key", "catalog.key_taken", nil)
		}
		return nil
	}
	base := slug(c.NameEN)
	for i := 1; ; i++ {
		k := base
		if i > 1 {
			k = fmt.Sprintf("%s_%d", base, i)
		}
		t, err := taken(k)
		if err != nil {
			return err
		}
		if !t {
			c.Key = k
			return nil
		}
	}
}
