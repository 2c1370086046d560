package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// genealogyLock is the advisory lock key every change of the sponsor tree takes, so that two moves
// (A under B, B under A) cannot each pass the cycle check against a tree the other is changing.
// Moves are rare next to reads, and one writer at a time keeps the rule simple and exact.
const genealogyLock int64 = 0x6174_6765_6e65 // "atgene"

// lockGenealogy takes the genealogy lock until the transaction ends.
func lockGenealogy(ctx context.Context, tx bun.IDB) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", genealogyLock); err != nil {
		return fmt.Errorf("people: genealogy lock: %w", err)
	}
	return nil
}

// checkSponsor refuses a sponsor that is unknown, not a consultant, the person themself or in the
// person's downline (which would close a loop). personID is 0 for a new person. It must run under the
// genealogy lock so that the ancestors it reads stay true until commit.
func checkSponsor(ctx context.Context, tx bun.IDB, field string, sponsorID, personID int64, personName string) error {
	if sponsorID == personID {
		return errs.InvalidField(field, "person.sponsor_self", nil)
	}
	var sp struct {
		Name      string  `bun:"name"`
		Kind      Kind    `bun:"kind"`
		Ancestors []int64 `bun:"ancestors,array"`
	}
	err := tx.NewRaw("SELECT name, kind, ancestors FROM users WHERE id = ?", sponsorID).Scan(ctx, &sp)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.InvalidField(field, "person.sponsor_unknown", nil)
	}
	if err != nil {
		return fmt.Errorf("people: sponsor: %w", err)
	}
	if sp.Kind != KindConsultant {
		return errs.InvalidField(field, "person.sponsor_not_consultant", map[string]any{"name": sp.Name})
	}
	if personID != 0 && slices.Contains(sp.Ancestors, personID) {
		return errs.InvalidField(field, "person.sponsor_in_downline", map[string]any{"sponsor": sp.Name, "person": personName})
	}
	return nil
}

// move rewrites the sponsor chains of a person and their whole downline after the person's sponsor
// became newSponsor (nil: a root), in one statement: every row whose ancestors hold the person keeps its
// part from the person on and takes the new sponsor's chain in front. Then the tickets hook hears every
// moved person. The caller holds the genealogy lock and read cur under it.
func (s *Service) move(ctx context.Context, tx bun.IDB, subj access.Subject, cur *personRow, newSponsor *int64) error {
	prefix := []int64{}
	if newSponsor != nil {
		if err := tx.NewRaw("SELECT ancestors FROM users WHERE id = ?", *newSponsor).Scan(ctx, pgdialect.Array(&prefix)); err != nil {
			return fmt.Errorf("people: move: %w", err)
		}
	}
	// The person sits at position k (1-based) of their own chain and, the chains being prefixes of one
	// another, at the same position of every descendant's.
	k := len(cur.Ancestors)
	var moved []int64
	if err := tx.NewRaw(`UPDATE users SET ancestors = ?::bigint[] || ancestors[?:] WHERE ancestors @> ARRAY[?::bigint] RETURNING id`,
		pgdialect.Array(prefix), k, cur.ID).Scan(ctx, &moved); err != nil {
		return fmt.Errorf("people: move: %w", err)
	}
	slices.Sort(moved)
	if s.NetworkChanged != nil && len(moved) > 0 {
		if err := s.NetworkChanged(ctx, tx, subj, moved); err != nil {
			return fmt.Errorf("people: move: network changed: %w", err)
		}
	}
	return nil
}
