package queue

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Limits of the "My work" lists.
const (
	maxWIP     = 200 // my open tickets
	maxWaiting = 50  // waiting tickets shown per queue
)

// Work is the "My work" page: my work in progress, my queues' waiting tickets and, for the queues I
// supervise, their members' presence and load.
type Work struct {
	WIP     []tickets.Card `json:"wip"`
	Queues  []QueueWork    `json:"queues"`
	Members []MemberLoad   `json:"members"`
}

// QueueWork is one of my queues: how many tickets wait unassigned, and the oldest of them.
type QueueWork struct {
	QueueID int64          `json:"queue_id"`
	Waiting int            `json:"waiting"`
	Items   []tickets.Card `json:"items"`
}

// MemberLoad is a member of a queue I supervise: online now, and how many open tickets they hold.
type MemberLoad struct {
	QueueID int64      `json:"queue_id"`
	User    people.Ref `json:"user"`
	Online  bool       `json:"online"`
	Open    int        `json:"open"`
}

// Work returns subj's "My work".
func (s *Service) Work(ctx context.Context, subj access.Subject) (*Work, error) {
	out := &Work{WIP: []tickets.Card{}, Queues: []QueueWork{}, Members: []MemberLoad{}}
	db := s.DB
	var wip []tickets.Ticket
	err := db.NewSelect().Model(&wip).Join("JOIN statuses AS st ON st.id = t.status_id").
		Where("t.assignee_id = ?", subj.UserID).Where("st.grp <> 'done'").
		OrderExpr("t.created_at, t.id").Limit(maxWIP).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("queue: work: %w", err)
	}
	if out.WIP, err = s.Tickets.CardsOf(ctx, db, wip); err != nil {
		return nil, err
	}
	var queues []struct {
		ID     int64 `bun:"id"`
		Member bool  `bun:"member"`
	}
	err = db.NewRaw(`SELECT q.id, EXISTS (SELECT 1 FROM queue_members qm WHERE qm.queue_id = q.id AND qm.user_id = ?) AS member
		FROM queues q WHERE q.active ORDER BY q.level, q.position, q.id`, subj.UserID).Scan(ctx, &queues)
	if err != nil {
		return nil, fmt.Errorf("queue: work: %w", err)
	}
	var supervised []int64
	for _, q := range queues {
		sup := access.SupervisesQueue(subj, q.ID)
		if !q.Member && !sup {
			continue
		}
		if sup {
			supervised = append(supervised, q.ID)
		}
		qw, err := s.waiting(ctx, db, subj, q.ID)
		if err != nil {
			return nil, err
		}
		out.Queues = append(out.Queues, *qw)
	}
	if out.Members, err = s.members(ctx, db, supervised); err != nil {
		return nil, err
	}
	return out, nil
}

// waiting lists a queue's unassigned open tickets that subj sees, oldest first.
func (s *Service) waiting(ctx context.Context, db bun.IDB, subj access.Subject, queueID int64) (*QueueWork, error) {
	var ts []tickets.Ticket
	base := func(model any) *bun.SelectQuery {
		q := db.NewSelect().Model(model).Join("JOIN statuses AS st ON st.id = t.status_id").
			Where("t.queue_id = ?", queueID).Where("t.assignee_id IS NULL").Where("st.grp <> 'done'")
		return access.TicketFilter(q, "t", subj)
	}
	n, err := base((*tickets.Ticket)(nil)).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("queue: waiting: %w", err)
	}
	if err := base(&ts).OrderExpr("t.created_at, t.id").Limit(maxWaiting).Scan(ctx); err != nil {
		return nil, fmt.Errorf("queue: waiting: %w", err)
	}
	cards, err := s.Tickets.CardsOf(ctx, db, ts)
	if err != nil {
		return nil, err
	}
	return &QueueWork{QueueID: queueID, Waiting: int(n), Items: cards}, nil
}

// members lists the members of these queues with their presence and open tickets.
func (s *Service) members(ctx context.Context, db bun.IDB, queueIDs []int64) ([]MemberLoad, error) {
	out := []MemberLoad{}
	if len(queueIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		QueueID int64  `bun:"queue_id"`
		UserID  int64  `bun:"user_id"`
		Name    string `bun:"name"`
	}
	err := db.NewRaw(`SELECT qm.queue_id, qm.user_id, u.name FROM queue_members qm JOIN users u ON u.id = qm.user_id
		JOIN queues q ON q.id = qm.queue_id WHERE qm.queue_id = ANY(?) ORDER BY q.level, q.position, q.id, u.name, u.id`,
		pgdialect.Array(queueIDs)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("queue: members: %w", err)
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.UserID)
	}
	online, err := s.Online.Online(ctx, ids)
	if err != nil {
		return nil, err
	}
	open, err := openCounts(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out = append(out, MemberLoad{QueueID: r.QueueID, User: people.Ref{ID: r.UserID, Name: r.Name},
			Online: online[r.UserID], Open: open[r.UserID]})
	}
	return out, nil
}
