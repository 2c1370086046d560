package automation

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/tickets"
)

// What left a notification.
const (
	KindRule     = "rule"
	KindWorkflow = "workflow"
	KindMacro    = "macro"
)

// NotificationsPage is how many notifications one page of GET /notifications holds.
const NotificationsPage = 30

// Notification is a message for one user about a ticket, as stored and as the API shows it.
type Notification struct {
	bun.BaseModel `bun:"table:notifications,alias:n"`

	ID        int64             `bun:"id,pk,autoincrement" json:"id"`
	UserID    int64             `bun:"user_id" json:"-"`
	TicketID  *int64            `bun:"ticket_id" json:"ticket_id"`
	Kind      string            `bun:"kind" json:"kind"`
	Title     map[string]string `bun:"title,type:jsonb" json:"title"`
	CreatedAt time.Time         `bun:"created_at,nullzero,default:now()" json:"created_at"`
	ReadAt    *time.Time        `bun:"read_at" json:"read_at"`
}

// Notify leaves a notification about t for its recipients (to: requester, assignee, queue_supervisors or
// user:<id>) in tx, each with a notification.created event for that user alone. The title is
// {"es": …, "en": …}; {{ticket.number}} and {{ticket.subject}} in it are filled from t. Recipients who
// cannot sign in (a person without a login, a disabled user) get nothing. Workflow transitions call it.
func (s *Service) Notify(ctx context.Context, tx bun.Tx, t *tickets.Ticket, to string, title map[string]string) error {
	return s.notify(ctx, tx, t, to, title, KindWorkflow)
}

func (s *Service) notify(ctx context.Context, tx bun.Tx, t *tickets.Ticket, to string, title map[string]string, kind string) error {
	if !ValidRecipient(to) {
		return errs.InvalidField("to", "automation.notify_to", nil)
	}
	var ids []int64
	switch {
	case to == "requester" && t.RequesterID != nil:
		ids = []int64{*t.RequesterID}
	case to == "assignee" && t.AssigneeID != nil:
		ids = []int64{*t.AssigneeID}
	case to == "queue_supervisors" && t.QueueID != nil:
		if err := tx.NewRaw("SELECT supervisor_ids FROM queues WHERE id = ?", *t.QueueID).Scan(ctx, pgdialect.Array(&ids)); err != nil {
			return fmt.Errorf("automation: notify: supervisors: %w", err)
		}
	case strings.HasPrefix(to, "user:"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(to, "user:"), 10, 64)
		ids = []int64{id}
	}
	if len(ids) == 0 {
		return nil
	}
	fill := strings.NewReplacer("{{ticket.number}}", strconv.FormatInt(t.Number, 10), "{{ticket.subject}}", t.Subject)
	filled := map[string]string{"es": fill.Replace(title["es"]), "en": fill.Replace(title["en"])}
	return s.NotifyUsers(ctx, tx, &t.ID, ids, kind, filled)
}

// NotifyUsers leaves one notification (title {"es": …, "en": …}, about ticketID when not nil) for each of
// users who can sign in, in tx, each with a notification.created event for that user alone. Other
// packages (SLA escalations, tasks, information requests) notify through it; kind says what left it.
func (s *Service) NotifyUsers(ctx context.Context, tx bun.IDB, ticketID *int64, ids []int64, kind string, title map[string]string) error {
	if len(ids) == 0 {
		return nil
	}
	var users []int64
	if err := tx.NewRaw(`SELECT id FROM users WHERE id IN (?) AND disabled_at IS NULL AND password_hash <> '' ORDER BY id`,
		bun.In(ids)).Scan(ctx, &users); err != nil {
		return fmt.Errorf("automation: notify: users: %w", err)
	}
	if len(users) == 0 {
		return nil
	}
	rows := make([]Notification, len(users))
	for i, uid := range users {
		rows[i] = Notification{UserID: uid, TicketID: ticketID, Kind: kind, Title: title}
	}
	if _, err := tx.NewInsert().Model(&rows).Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("automation: notify: %w", err)
	}
	for i := range rows {
		rows[i].CreatedAt = rows[i].CreatedAt.UTC()
		if err := live.Append(ctx, tx, live.Event{Name: live.NotificationCreated, To: []int64{rows[i].UserID},
			Notification: &rows[i]}); err != nil {
			return err
		}
	}
	return nil
}

// NotificationList is one page of a user's notifications, newest first, and how many are unread.
type NotificationList struct {
	Items   []Notification `json:"items"`
	Unread  int            `json:"unread"`
	HasMore bool           `json:"has_more"`
}

// Notifications lists subj's notifications newest first, before the notification id before (0: the newest).
func (s *Service) Notifications(ctx context.Context, subj access.Subject, before int64) (*NotificationList, error) {
	out := &NotificationList{Items: []Notification{}}
	q := s.DB.NewSelect().Model(&out.Items).Where("user_id = ?", subj.UserID).OrderExpr("id DESC").Limit(NotificationsPage + 1)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("automation: notifications: %w", err)
	}
	if len(out.Items) > NotificationsPage {
		out.Items, out.HasMore = out.Items[:NotificationsPage], true
	}
	for i := range out.Items {
		out.Items[i].CreatedAt = out.Items[i].CreatedAt.UTC()
	}
	var err error
	if out.Unread, err = s.unread(ctx, s.DB, subj.UserID); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) unread(ctx context.Context, db bun.IDB, userID int64) (int, error) {
	n, err := db.NewSelect().Model((*Notification)(nil)).Where("user_id = ?", userID).Where("read_at IS NULL").Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("automation: unread: %w", err)
	}
	return int(n), nil
}

// ReadRequest is the body of POST /notifications/read: the notifications to mark read, or all of them.
type ReadRequest struct {
	IDs []int64 `json:"ids" validate:"omitempty,dive,gte=1"`
	All bool    `json:"all"`
}

// MaxReadIDs bounds the notifications one request marks read by id.
const MaxReadIDs = 100

// MarkRead marks some or all of subj's notifications read and returns how many stay unread. Ids of other
// users' notifications are ignored: they are not subj's to mark.
func (s *Service) MarkRead(ctx context.Context, subj access.Subject, req ReadRequest) (int, error) {
	switch {
	case req.All == (len(req.IDs) > 0):
		return 0, errs.InvalidField("ids", "automation.read_choice", nil)
	case len(req.IDs) > MaxReadIDs:
		return 0, errs.InvalidField("ids", "field.max_items", map[string]any{"max": MaxReadIDs})
	}
	q := s.DB.NewUpdate().Model((*Notification)(nil)).Set("read_at = now()").Where("user_id = ?", subj.UserID).
		Where("read_at IS NULL")
	if !req.All {
		q = q.Where("id IN (?)", bun.In(req.IDs))
	}
	if _, err := q.Exec(ctx); err != nil {
		return 0, fmt.Errorf("automation: mark read: %w", err)
	}
	return s.unread(ctx, s.DB, subj.UserID)
}
