// Package tasks is the work around a ticket that is not the conversation: tasks given to any user, with
// a due date, comments and files; the daily digest of each user's overdue tasks; and information
// requests, to a user in the app or to an outsider through an emailed link that expires and can be
// revoked, answered in a thread the requester accepts or sends back. Everything is recorded on the
// ticket's history.
package tasks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Mailer queues one email about an event to one recipient inside the caller's transaction, at most once
// per (eventKey, toEmail). The email package implements it.
type Mailer interface {
	QueueMailTx(ctx context.Context, tx bun.Tx, template, eventKey string, ticketID *int64, toEmail, toName, lang string, vars map[string]any) error
}

// Notifier leaves in-app notifications (the bell).
type Notifier interface {
	NotifyUsers(ctx context.Context, tx bun.IDB, ticketID *int64, ids []int64, kind string, title map[string]string) error
}

// The notification kinds this package leaves.
const (
	KindTask        = "task"
	KindInfoRequest = "info_request"
)

// The history fields this package writes on tickets.
const (
	fieldTask        = "task"
	fieldInfoRequest = "info_request"
)

// Service runs tasks, the digest and information requests.
type Service struct {
	DB       *bun.DB
	Tickets  *tickets.Service
	Notifier Notifier
	// Mailer sends email; nil sends none (the in-app side still works).
	Mailer Mailer
	// Files holds the bytes of tasks' and answers' files; MaxFileBytes is the most one file may hold.
	Files        attachments.Store
	MaxFileBytes int64
	// PublicURL is the desk's origin for links in emails ("" takes the request's origin).
	PublicURL string
	// TimeZone is the desk's: the digest goes out at 07:00 there, and its day is that zone's.
	TimeZone *time.Location
}

// MaxTasksPerTicket bounds one ticket's tasks, so that its list needs no paging.
const MaxTasksPerTicket = 200

// Task is a task as the API shows it.
type Task struct {
	ID            int64       `json:"id"`
	TicketID      int64       `json:"ticket_id"`
	Title         string      `json:"title"`
	Description   string      `json:"description"`
	Assignee      *people.Ref `json:"assignee"`
	DueAt         *time.Time  `json:"due_at"`
	Done          bool        `json:"done"`
	DoneAt        *time.Time  `json:"done_at"`
	CreatedBy     *people.Ref `json:"created_by"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
	Version       int64       `json:"version"`
	CommentsCount int         `json:"comments_count"`
	FilesCount    int         `json:"files_count"`
	// TicketNumber and TicketSubject name the ticket in lists across tickets (GET /me/tasks).
	TicketNumber  int64  `json:"ticket_number"`
	TicketSubject string `json:"ticket_subject"`
	// CanEdit tells whether the caller may change more than whether it is done (an assignee who does
	// not see the ticket may only complete or reopen it).
	CanEdit bool `json:"can_edit"`
}

type taskRow struct {
	bun.BaseModel `bun:"table:ticket_tasks,alias:tt"`

	ID          int64      `bun:"id,pk,autoincrement"`
	TicketID    int64      `bun:"ticket_id"`
	Title       string     `bun:"title"`
	Description string     `bun:"description"`
	AssigneeID  *int64     `bun:"assignee_id"`
	DueAt       *time.Time `bun:"due_at"`
	Done        bool       `bun:"done"`
	DoneAt      *time.Time `bun:"done_at"`
	CreatedBy   *int64     `bun:"created_by"`
	CreatedAt   time.Time  `bun:"created_at,nullzero,default:now()"`
	UpdatedAt   time.Time  `bun:"updated_at,nullzero,default:now()"`
	Version     int64      `bun:"version,nullzero,default:1"`
}

func (r *taskRow) vis() access.TaskVis {
	if r.AssigneeID == nil {
		return access.TaskVis{}
	}
	return access.TaskVis{AssigneeID: *r.AssigneeID}
}

// taskView is a task with what its API form needs from other tables, read in the same query.
type taskView struct {
	taskRow       `bun:",extend"`
	AssigneeName  *string `bun:"assignee_name"`
	CreatorName   *string `bun:"creator_name"`
	CommentsCount int     `bun:"comments_count"`
	FilesCount    int     `bun:"files_count"`
	TicketNumber  int64   `bun:"ticket_number"`
	TicketSubject string  `bun:"ticket_subject"`
}

// viewQuery selects tasks with their people's names, counts and ticket, in one query however many.
func viewQuery(db bun.IDB, dst any) *bun.SelectQuery {
	return db.NewSelect().Model(dst).ColumnExpr("tt.*").
		ColumnExpr("ua.name AS assignee_name").ColumnExpr("uc.name AS creator_name").
		ColumnExpr("(SELECT count(*) FROM task_comments c WHERE c.task_id = tt.id) AS comments_count").
		ColumnExpr("(SELECT count(*) FROM task_files f WHERE f.task_id = tt.id) AS files_count").
		ColumnExpr("t.number AS ticket_number, t.subject AS ticket_subject").
		Join("JOIN tickets AS t ON t.id = tt.ticket_id").
		Join("LEFT JOIN users AS ua ON ua.id = tt.assignee_id").
		Join("LEFT JOIN users AS uc ON uc.id = tt.created_by")
}

func (v *taskView) api(canEdit bool) Task {
	out := Task{ID: v.ID, TicketID: v.TicketID, Title: v.Title, Description: v.Description, DueAt: utc(v.DueAt),
		Done: v.Done, DoneAt: utc(v.DoneAt), CreatedAt: v.CreatedAt.UTC(), UpdatedAt: v.UpdatedAt.UTC(), Version: v.Version,
		CommentsCount: v.CommentsCount, FilesCount: v.FilesCount, TicketNumber: v.TicketNumber,
		TicketSubject: v.TicketSubject, CanEdit: canEdit}
	out.Assignee = ref(v.AssigneeID, v.AssigneeName)
	out.CreatedBy = ref(v.CreatedBy, v.CreatorName)
	return out
}

func ref(id *int64, name *string) *people.Ref {
	if id == nil {
		return nil
	}
	r := &people.Ref{ID: *id}
	if name != nil {
		r.Name = *name
	}
	return r
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// ticketFor loads a task's ticket; a task always has one (deleting a ticket deletes its tasks).
func (s *Service) ticketFor(ctx context.Context, db bun.IDB, id int64) (*tickets.Ticket, error) {
	t, err := s.Tickets.Load(ctx, db, id, false)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	return t, nil
}

// visibleTicket loads a ticket subj may see; any other is not found.
func (s *Service) visibleTicket(ctx context.Context, db bun.IDB, subj access.Subject, id int64) (*tickets.Ticket, error) {
	t, err := s.Tickets.Load(ctx, db, id, false)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	return t, nil
}

// taskOf loads a task subj may see, with its ticket (locked with the task when forUpdate); a task subj
// may not see is not found.
func (s *Service) taskOf(ctx context.Context, db bun.IDB, subj access.Subject, id int64, forUpdate bool) (*taskRow, *tickets.Ticket, error) {
	row := new(taskRow)
	q := db.NewSelect().Model(row).Where("tt.id = ?", id)
	if forUpdate {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.New(errs.NotFound, "task.not_found")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("tasks: load: %w", err)
	}
	t, err := s.ticketFor(ctx, db, row.TicketID)
	if err != nil {
		return nil, nil, err
	}
	if !access.CanSeeTask(subj, t.Vis(), row.vis()) {
		return nil, nil, errs.New(errs.NotFound, "task.not_found")
	}
	return row, t, nil
}

// view reads one task in its API form.
func (s *Service) view(ctx context.Context, db bun.IDB, subj access.Subject, t *tickets.Ticket, id int64) (*Task, error) {
	v := new(taskView)
	if err := viewQuery(db, v).Where("tt.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: view: %w", err)
	}
	out := v.api(access.CanEditTasks(subj, t.Vis()))
	return &out, nil
}

// aboutTicket is the ticket a notification for a user links to: t when they may see it, else none (a
// task's assignee or a request's recipient who may not see the ticket finds the item in their own lists).
func aboutTicket(ctx context.Context, db bun.IDB, t *tickets.Ticket, userID int64) (*int64, error) {
	u := new(people.User)
	if err := db.NewSelect().Model(u).Where("id = ?", userID).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, fmt.Errorf("tasks: notified user: %w", err)
	}
	subj, err := people.SubjectIn(ctx, db, u)
	if err != nil {
		return nil, err
	}
	if !access.CanSeeTicket(subj, t.Vis()) {
		return nil, nil
	}
	return &t.ID, nil
}

// checkAssignee refuses an assignee who is not an enabled user with a login: tasks go to people who work
// in the app.
func checkAssignee(ctx context.Context, db bun.IDB, id int64) error {
	n, err := db.NewSelect().Table("users").Where("id = ?", id).Where("disabled_at IS NULL").
		Where("password_hash <> ''").Count(ctx)
	if err != nil {
		return fmt.Errorf("tasks: assignee: %w", err)
	}
	if n == 0 {
		return errs.InvalidField("assignee_id", "task.assignee_invalid", nil)
	}
	return nil
}

// titles is a notification title in both languages, from one message key.
func titles(key string, args map[string]any) map[string]string {
	return map[string]string{"es": i18n.T(i18n.ES, key, args), "en": i18n.T(i18n.EN, key, args)}
}

// cleanText trims a text field and refuses it empty or longer than max characters.
func cleanText(field, v string, max int, required bool) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", errs.InvalidField(field, "field.required", nil)
	}
	if len([]rune(v)) > max {
		return "", errs.InvalidField(field, "field.max", map[string]any{"param": max})
	}
	return v, nil
}

func taskEvent(event string, r *taskRow) map[string]any {
	return map[string]any{"event": event, "id": r.ID, "title": r.Title, "assignee_id": r.AssigneeID}
}
