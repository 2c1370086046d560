// Package queue owns queues as work pools: the operations that move a ticket between a person's work in
// progress and the queues (accept, dispatch, reject, transfer, assign, yank, escalate), the "My work"
// view, default managers, and the automatic assignment of tickets that enter a queue unassigned.
package queue

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Service runs the queue use cases.
type Service struct {
	DB      *bun.DB
	Tickets *tickets.Service
	// Online says who has a live connection (automatic assignment gives tickets only to them).
	Online *live.OnlineSet
}

// MaxReason is the longest rejection reason, in characters.
const MaxReason = 2000

// OpRequest is the body of POST /tickets/{id}/queue-ops.
type OpRequest struct {
	Op         access.QueueOp `json:"op" validate:"required,oneof=accept dispatch reject transfer assign yank escalate"`
	Version    int64          `json:"version" validate:"required,gte=1"`
	QueueID    *int64         `json:"queue_id" validate:"omitempty,gte=1"`
	AssigneeID *int64         `json:"assignee_id" validate:"omitempty,gte=1"`
	Reason     string         `json:"reason"`
}

// OpRecord is the value of a queue operation's history row (field queue_op).
type OpRecord struct {
	Op         string `json:"op"`
	Mode       string `json:"mode,omitempty"`
	QueueID    *int64 `json:"queue_id"`
	AssigneeID *int64 `json:"assignee_id"`
	Reason     string `json:"reason,omitempty"`
}

// reassign marks, in a change's context, a ticket that a queue operation put back into a queue without an
// assignee even when its queue did not change (a dispatch to the same queue), so the hook assigns it.
type reassign struct{ ticketID int64 }

type reassignKey struct{}

// Do runs a queue operation on a ticket in one transaction: the change through tickets.ApplyTx, a
// history row `queue_op`, the ticket.updated event and, when the ticket lands in a queue unassigned,
// automatic assignment. A refused operation writes nothing.
func (s *Service) Do(ctx context.Context, subj access.Subject, id int64, req OpRequest) (*tickets.TicketDetail, error) {
	req.Reason = strings.TrimSpace(req.Reason)
	if req.Op == access.QueueReject {
		switch n := utf8.RuneCountInString(req.Reason); {
		case n == 0:
			return nil, errs.InvalidField("reason", "queue.reason_required", nil)
		case n > MaxReason:
			return nil, errs.InvalidField("reason", "queue.reason_max", map[string]any{"max": MaxReason})
		}
	}
	var out *tickets.TicketDetail
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.Tickets.LockVisible(ctx, tx, subj, id)
		if err != nil {
			return err
		}
		role, err := s.roleOf(ctx, tx, subj, t.QueueID)
		if err != nil {
			return err
		}
		mine := t.AssigneeID != nil && *t.AssigneeID == subj.UserID
		if !access.CanQueueOp(subj, req.Op, role, mine) {
			return errs.New(errs.Forbidden, "queue.op_forbidden")
		}
		if t.Version != req.Version {
			return s.Tickets.StaleDetail(ctx, tx, subj, t)
		}
		p, again, err := s.plan(ctx, tx, subj, t, req)
		if err != nil {
			return err
		}
		if p == nil { // nothing to change (accepting one's own ticket, yanking an unassigned one)
			out, err = s.Tickets.DetailOf(ctx, tx, subj, t)
			return err
		}
		rec := OpRecord{Op: string(req.Op), QueueID: t.QueueID, AssigneeID: t.AssigneeID, Reason: req.Reason}
		if p.QueueID.Set {
			rec.QueueID = nil
			if !p.QueueID.Null {
				rec.QueueID = &p.QueueID.Value
			}
		}
		if p.AssigneeID.Set {
			rec.AssigneeID = nil
			if !p.AssigneeID.Null {
				rec.AssigneeID = &p.AssigneeID.Value
			}
		}
		if err := s.Tickets.RecordTx(ctx, tx, subj, t.ID, "queue_op", nil, rec); err != nil {
			return err
		}
		if again {
			ctx = context.WithValue(ctx, reassignKey{}, &reassign{ticketID: t.ID})
		}
		nt, err := s.Tickets.ApplyTx(ctx, tx, subj, t, *p, tickets.ApplyOptions{System: true, Source: tickets.SourceQueue})
		if err != nil {
			return err
		}
		if req.Op == access.QueueReject {
			body := i18n.T(subj.Locale, "queue.rejected_note", map[string]any{"reason": req.Reason})
			if err := s.Tickets.NoteTx(ctx, tx, subj, nt, body); err != nil {
				return err
			}
		}
		out, err = s.Tickets.DetailOf(ctx, tx, subj, nt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// roleOf says how subj stands towards a queue (none when the ticket is in no queue).
func (s *Service) roleOf(ctx context.Context, db bun.IDB, subj access.Subject, queueID *int64) (access.QueueRole, error) {
	if queueID == nil {
		return access.QueueRole{}, nil
	}
	member, err := db.NewSelect().Table("queue_members").Where("queue_id = ?", *queueID).
		Where("user_id = ?", subj.UserID).Exists(ctx)
	if err != nil {
		return access.QueueRole{}, fmt.Errorf("queue: membership: %w", err)
	}
	return access.QueueRole{Member: member, Supervisor: access.SupervisesQueue(subj, *queueID)}, nil
}

func set(v int64) tickets.Optional[int64] { return tickets.Optional[int64]{Set: true, Value: v} }

var null = tickets.Optional[int64]{Set: true, Null: true}

// plan checks an operation against the ticket and returns the patch it makes (nil when it changes
// nothing) and whether the ticket must be assigned again even if its queue stays the same.
func (s *Service) plan(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, req OpRequest) (*tickets.TicketPatch, bool, error) {
	p := &tickets.TicketPatch{Version: t.Version}
	switch req.Op {
	case access.QueueAccept:
		if t.QueueID == nil {
			return nil, false, errs.New(errs.Invalid, "queue.not_in_queue")
		}
		if t.AssigneeID != nil && *t.AssigneeID == subj.UserID {
			return nil, false, nil
		}
		p.AssigneeID = set(subj.UserID)
	case access.QueueDispatch:
		q, err := s.activeQueue(ctx, tx, req.QueueID)
		if err != nil {
			return nil, false, err
		}
		p.QueueID, p.AssigneeID = set(q), null
		return p, true, nil
	case access.QueueReject:
		p.QueueID, p.AssigneeID = null, null
		if t.CreatedBy != nil {
			ok, err := assignable(ctx, tx, *t.CreatedBy)
			if err != nil {
				return nil, false, err
			}
			if ok {
				p.AssigneeID = set(*t.CreatedBy)
			}
		}
	case access.QueueTransfer:
		if t.QueueID == nil {
			return nil, false, errs.New(errs.Invalid, "queue.not_in_queue")
		}
		q, err := s.activeQueue(ctx, tx, req.QueueID)
		if err != nil {
			return nil, false, err
		}
		if q == *t.QueueID {
			return nil, false, errs.InvalidField("queue_id", "queue.same_queue", nil)
		}
		p.QueueID, p.AssigneeID = set(q), null
	case access.QueueAssign:
		if req.AssigneeID == nil {
			return nil, false, errs.InvalidField("assignee_id", "queue.assignee_required", nil)
		}
		if t.AssigneeID != nil && *t.AssigneeID == *req.AssigneeID {
			return nil, false, nil
		}
		p.AssigneeID = set(*req.AssigneeID)
	case access.QueueYank:
		if t.AssigneeID == nil {
			return nil, false, nil
		}
		p.AssigneeID = null
	case access.QueueEscalate:
		if t.QueueID == nil {
			return nil, false, errs.New(errs.Invalid, "queue.not_in_queue")
		}
		next, ok, err := NextLevel(ctx, tx, *t.QueueID)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return nil, false, errs.New(errs.Invalid, "queue.top_level")
		}
		p.QueueID, p.AssigneeID = set(next), null
	default:
		return nil, false, errs.InvalidField("op", "field.oneof", map[string]any{"param": "accept dispatch reject transfer assign yank escalate"})
	}
	return p, false, nil
}

// activeQueue checks that id names an active queue.
func (s *Service) activeQueue(ctx context.Context, db bun.IDB, id *int64) (int64, error) {
	if id == nil {
		return 0, errs.InvalidField("queue_id", "queue.queue_invalid", nil)
	}
	ok, err := db.NewSelect().Table("queues").Where("id = ?", *id).Where("active").Exists(ctx)
	if err != nil {
		return 0, fmt.Errorf("queue: queue: %w", err)
	}
	if !ok {
		return 0, errs.InvalidField("queue_id", "queue.queue_invalid", nil)
	}
	return *id, nil
}

// assignable reports whether a user may be given tickets now: enabled, with a login, and
// access.CanBeAssigned.
func assignable(ctx context.Context, db bun.IDB, userID int64) (bool, error) {
	u, err := people.NewStore(db).ByIDIn(ctx, db, userID)
	if err != nil || u == nil || u.DisabledAt != nil || u.PasswordHash == "" {
		return false, err
	}
	subj, err := people.SubjectIn(ctx, db, u)
	if err != nil {
		return false, err
	}
	return access.CanBeAssigned(subj), nil
}

// NextLevel returns the queue a ticket of queueID escalates to: the first active queue of a higher
// level (ok is false at the top). SLA escalations move tickets with it too.
func NextLevel(ctx context.Context, db bun.IDB, queueID int64) (int64, bool, error) {
	var next []int64
	err := db.NewRaw(`SELECT n.id FROM queues n, queues c WHERE c.id = ? AND n.active AND n.level > c.level
		ORDER BY n.level, n.position, n.id LIMIT 1`, queueID).Scan(ctx, &next)
	if err != nil {
		return 0, false, fmt.Errorf("queue: next level: %w", err)
	}
	if len(next) == 0 {
		return 0, false, nil
	}
	return next[0], true, nil
}
