package tickets

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/people"
)

// Vis returns a ticket's visibility fields, and false when there is no such ticket (live presence asks).
func (s *Service) Vis(ctx context.Context, id int64) (access.TicketVis, bool, error) {
	t, err := s.load(ctx, s.DB, id, false)
	if err != nil || t == nil {
		return access.TicketVis{}, false, err
	}
	return t.Vis(), true, nil
}

// Ticket returns a stored ticket, or nil (for writers in the caller's transaction, such as the seed).
func (s *Service) Ticket(ctx context.Context, db bun.IDB, id int64) (*Ticket, error) {
	return s.load(ctx, db, id, false)
}

// setNetwork recomputes a ticket's network from its requester and affected person.
func (s *Service) setNetwork(ctx context.Context, db bun.IDB, t *Ticket) error {
	n, err := people.NetworkOf(ctx, db, t.RequesterID, t.AffectedID)
	if err != nil {
		return err
	}
	t.Network = n
	return nil
}

// setAllowedRoles resets a ticket's allowed roles to those of its queue and typification.
func (s *Service) setAllowedRoles(ctx context.Context, db bun.IDB, t *Ticket) error {
	r, err := s.Catalog.AllowedRoles(ctx, db, t.QueueID, t.CategoryID, t.SubcategoryID)
	if err != nil {
		return err
	}
	t.AllowedRoles = r
	return nil
}

// refreshBatch is how many changed tickets' cards are built at once.
const refreshBatch = 500

// RefreshNetwork recomputes the network of every ticket whose requester or affected person is among
// personIDs, after a genealogy move changed their sponsor chains, in the caller's transaction. Each
// ticket whose network changed gets a `ticket.updated` event with its previous visibility, so that the
// consultants who no longer see it get a removal and those who now see it get it whole. The ticket's
// version and history do not change: its network is derived, not edited. It returns how many changed.
func (s *Service) RefreshNetwork(ctx context.Context, tx bun.IDB, subj access.Subject, personIDs []int64) (int, error) {
	if len(personIDs) == 0 {
		return 0, nil
	}
	var changed []struct {
		ID         int64   `bun:"id"`
		OldNetwork []int64 `bun:"old_network,array"`
	}
	err := tx.NewRaw(`WITH old AS (
			SELECT id, network FROM tickets WHERE requester_id = ANY(?0) OR affected_id = ANY(?0) FOR UPDATE),
		upd AS (
			UPDATE tickets t SET network = ARRAY(SELECT DISTINCT x FROM users u, unnest(u.ancestors) AS x
			                                      WHERE u.id IN (t.requester_id, t.affected_id) ORDER BY x)
			  FROM old WHERE t.id = old.id RETURNING t.id, t.network)
		SELECT upd.id, old.network AS old_network FROM upd JOIN old USING (id)
		 WHERE upd.network IS DISTINCT FROM old.network ORDER BY upd.id`, pgdialect.Array(personIDs)).Scan(ctx, &changed)
	if err != nil {
		return 0, fmt.Errorf("tickets: refresh network: %w", err)
	}
	old := make(map[int64][]int64, len(changed))
	ids := make([]int64, len(changed))
	for i, c := range changed {
		old[c.ID] = c.OldNetwork
		ids[i] = c.ID
	}
	for start := 0; start < len(ids); start += refreshBatch {
		batch := ids[start:min(start+refreshBatch, len(ids))]
		var ts []Ticket
		if err := tx.NewSelect().Model(&ts).Where("t.id IN (?)", bun.In(batch)).OrderExpr("t.id").Scan(ctx); err != nil {
			return 0, fmt.Errorf("tickets: refresh network: %w", err)
		}
		cards, err := s.cards(ctx, tx, ts)
		if err != nil {
			return 0, err
		}
		for i := range ts {
			t := &ts[i]
			pv := t.Vis()
			pv.Network = old[t.ID]
			ev := live.Event{Name: live.TicketUpdated, TicketID: t.ID, Ticket: &cards[i], Previous: &cards[i],
				Actor: actorOf(subj), Vis: t.Vis(), PrevVis: &pv}
			if err := live.Append(ctx, tx, ev); err != nil {
				return 0, err
			}
		}
	}
	return len(changed), nil
}
