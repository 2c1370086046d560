package queue

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/tickets"
)

// The modes an automatic assignment is recorded with besides the queues' own.
const modeDefaultManager = "default_manager"

// Hook is the automatic assignment, run by package tickets inside the transaction of every creation and
// change: a ticket created unassigned, or entering a queue unassigned (also after a dispatch, a
// transfer or an escalation), goes to its default manager, else to a member as its queue's mode says.
// Nobody eligible leaves it unassigned in its queue.
func (s *Service) Hook(ctx context.Context, tx bun.Tx, c tickets.Change) error {
	a := c.After
	if a == nil || a.AssigneeID != nil || c.Source == tickets.SourceAssignment {
		return nil
	}
	entered := c.Before == nil || (a.QueueID != nil && !sameID(c.Before.QueueID, a.QueueID))
	if r, ok := ctx.Value(reassignKey{}).(*reassign); ok && r.ticketID == a.ID {
		entered, r.ticketID = true, 0 // once: later changes in the same chain are not a new entry
	}
	if !entered {
		return nil
	}
	return s.autoAssign(ctx, tx, a.ID)
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// autoAssign gives an unassigned ticket to its default manager or to a member of its queue.
func (s *Service) autoAssign(ctx context.Context, tx bun.Tx, ticketID int64) error {
	t, err := s.Tickets.Load(ctx, tx, ticketID, true)
	if err != nil || t == nil || t.AssigneeID != nil {
		return err
	}
	mode := modeDefaultManager
	uid, err := s.defaultManager(ctx, tx, t)
	if err != nil {
		return err
	}
	if uid == 0 && t.QueueID != nil {
		if uid, mode, err = s.pick(ctx, tx, *t.QueueID); err != nil {
			return err
		}
	}
	if uid == 0 {
		return nil
	}
	rec := OpRecord{Op: "auto_assign", Mode: mode, QueueID: t.QueueID, AssigneeID: &uid}
	if err := s.Tickets.RecordTx(ctx, tx, access.Subject{}, t.ID, "queue_op", nil, rec); err != nil {
		return err
	}
	_, err = s.Tickets.ApplyTx(ctx, tx, access.Subject{}, t, tickets.TicketPatch{Version: t.Version, AssigneeID: set(uid)},
		tickets.ApplyOptions{System: true, Source: tickets.SourceAssignment})
	return err
}

// defaultManager returns the default manager of a ticket who may be given tickets (0 when none): the
// most specific row first (category and queue, then category only, queue only, then the fallback row),
// a subcategory's row before its category's.
func (s *Service) defaultManager(ctx context.Context, tx bun.Tx, t *tickets.Ticket) (int64, error) {
	var users []int64
	err := tx.NewRaw(`SELECT dm.user_id FROM default_managers dm
		WHERE (dm.category_id IS NULL OR dm.category_id = ?0 OR dm.category_id = ?1)
		  AND (dm.queue_id IS NULL OR dm.queue_id = ?2)
		ORDER BY (dm.category_id IS NOT NULL AND dm.queue_id IS NOT NULL) DESC, (dm.category_id IS NOT NULL) DESC,
		         (dm.queue_id IS NOT NULL) DESC, coalesce(dm.category_id = ?1, false) DESC, dm.id`,
		t.CategoryID, t.SubcategoryID, t.QueueID).Scan(ctx, &users)
	if err != nil {
		return 0, fmt.Errorf("queue: default manager: %w", err)
	}
	for _, u := range users {
		ok, err := assignable(ctx, tx, u)
		if err != nil {
			return 0, err
		}
		if ok {
			return u, nil
		}
	}
	return 0, nil
}

// member is a queue member as assignment weighs them.
type member struct {
	UserID         int64      `bun:"user_id"`
	LastAssignedAt *time.Time `bun:"last_assigned_at"`
	Open           int        `bun:"open"`
}

// openSQL counts a user's (?) open tickets: assigned to them and not in a done status.
const openSQL = `(SELECT count(*) FROM tickets t JOIN statuses st ON st.id = t.status_id
	WHERE t.assignee_id = %s AND st.grp <> 'done')`

// pick chooses the member of a queue its mode gives the next ticket to (0 when the queue is manual or
// nobody is eligible: online, may be given tickets, under the cap). The queue's queue_rr row is locked
// first, so that a queue's assignments happen one after the other and each sees the ones before.
func (s *Service) pick(ctx context.Context, tx bun.Tx, queueID int64) (int64, string, error) {
	var q struct {
		Assignment  string `bun:"assignment"`
		MaxPerAgent *int   `bun:"max_per_agent"`
	}
	if err := tx.NewSelect().Table("queues").Column("assignment", "max_per_agent").Where("id = ?", queueID).Scan(ctx, &q); err != nil {
		return 0, "", fmt.Errorf("queue: pick: %w", err)
	}
	if q.Assignment == catalog.AssignManual {
		return 0, "", nil
	}
	if _, err := tx.NewRaw("INSERT INTO queue_rr (queue_id) VALUES (?) ON CONFLICT DO NOTHING", queueID).Exec(ctx); err != nil {
		return 0, "", fmt.Errorf("queue: pick: %w", err)
	}
	var last sql.NullInt64
	if err := tx.NewRaw("SELECT last_user_id FROM queue_rr WHERE queue_id = ? FOR UPDATE", queueID).Scan(ctx, &last); err != nil {
		return 0, "", fmt.Errorf("queue: pick: %w", err)
	}
	var ms []member
	if err := tx.NewRaw(`SELECT qm.user_id, qm.last_assigned_at, `+fmt.Sprintf(openSQL, "qm.user_id")+` AS open
		FROM queue_members qm WHERE qm.queue_id = ? ORDER BY qm.user_id`, queueID).Scan(ctx, &ms); err != nil {
		return 0, "", fmt.Errorf("queue: pick: %w", err)
	}
	if len(ms) == 0 {
		return 0, "", nil
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.UserID
	}
	online, err := s.Online.Online(ctx, ids)
	if err != nil {
		return 0, "", err
	}
	ms = slices.DeleteFunc(ms, func(m member) bool {
		return !online[m.UserID] || (q.MaxPerAgent != nil && m.Open >= *q.MaxPerAgent)
	})
	switch q.Assignment {
	case catalog.AssignRoundRobin:
		// The next member after the last one given a ticket, by user id, wrapping.
		i, _ := slices.BinarySearchFunc(ms, last.Int64+1, func(m member, id int64) int { return cmpInt(m.UserID, id) })
		ms = slices.Concat(ms[i:], ms[:i])
	case catalog.AssignLeastLoaded:
		slices.SortStableFunc(ms, func(a, b member) int {
			if a.Open != b.Open {
				return a.Open - b.Open
			}
			switch {
			case a.LastAssignedAt == nil && b.LastAssignedAt != nil:
				return -1
			case a.LastAssignedAt != nil && b.LastAssignedAt == nil:
				return 1
			case a.LastAssignedAt != nil && !a.LastAssignedAt.Equal(*b.LastAssignedAt):
				return a.LastAssignedAt.Compare(*b.LastAssignedAt)
			}
			return cmpInt(a.UserID, b.UserID)
		})
	}
	for _, m := range ms {
		ok, err := assignable(ctx, tx, m.UserID)
		if err != nil {
			return 0, "", err
		}
		if !ok {
			continue
		}
		if _, err := tx.NewRaw("UPDATE queue_rr SET last_user_id = ? WHERE queue_id = ?", m.UserID, queueID).Exec(ctx); err != nil {
			return 0, "", fmt.Errorf("queue: pick: %w", err)
		}
		if _, err := tx.NewRaw("UPDATE queue_members SET last_assigned_at = clock_timestamp() WHERE queue_id = ? AND user_id = ?",
			queueID, m.UserID).Exec(ctx); err != nil {
			return 0, "", fmt.Errorf("queue: pick: %w", err)
		}
		return m.UserID, q.Assignment, nil
	}
	return 0, "", nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// openCounts returns the open tickets of each user.
func openCounts(ctx context.Context, db bun.IDB, ids []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		UserID int64 `bun:"user_id"`
		Open   int   `bun:"open"`
	}
	err := db.NewRaw(`SELECT t.assignee_id AS user_id, count(*) AS open FROM tickets t JOIN statuses st ON st.id = t.status_id
		WHERE t.assignee_id = ANY(?) AND st.grp <> 'done' GROUP BY t.assignee_id`, pgdialect.Array(ids)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("queue: open tickets: %w", err)
	}
	for _, r := range rows {
		out[r.UserID] = r.Open
	}
	return out, nil
}
