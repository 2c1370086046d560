package tasks

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
	"github.com/atiende/atiende/server/internal/tickets"
)

// NewTask is the body of POST /tickets/{id}/tasks.
type NewTask struct {
	Title       string     `json:"title"`
	Description string     `json:"description"`
	AssigneeID  *int64     `json:"assignee_id" validate:"omitempty,gte=1"`
	DueAt       *time.Time `json:"due_at"`
}

// TaskPatch is the body of PATCH /tasks/{id}: the fields to change, and the version they were read at.
type TaskPatch struct {
	Version     int64                     `json:"version" validate:"required,gte=1"`
	Title       *string                   `json:"title"`
	Description *string                   `json:"description"`
	AssigneeID  httpx.Optional[int64]     `json:"assignee_id"`
	DueAt       httpx.Optional[time.Time] `json:"due_at"`
	Done        *bool                     `json:"done"`
}

// List returns a ticket's tasks, oldest first: for those who see its tasks.
func (s *Service) List(ctx context.Context, subj access.Subject, ticketID int64) ([]Task, error) {
	t, err := s.visibleTicket(ctx, s.DB, subj, ticketID)
	if err != nil {
		return nil, err
	}
	if !access.CanSeeTasks(subj, t.Vis()) {
		return nil, errs.New(errs.Forbidden, "task.forbidden")
	}
	var rows []taskView
	if err := viewQuery(s.DB, &rows).Where("tt.ticket_id = ?", t.ID).OrderExpr("tt.created_at, tt.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: list: %w", err)
	}
	canEdit := access.CanEditTasks(subj, t.Vis())
	out := make([]Task, len(rows))
	for i := range rows {
		out[i] = rows[i].api(canEdit)
	}
	return out, nil
}

// Create adds a task to a ticket, records it on the ticket and tells its assignee.
func (s *Service) Create(ctx context.Context, subj access.Subject, ticketID int64, in NewTask) (*Task, error) {
	title, err := cleanText("title", in.Title, 200, true)
	if err != nil {
		return nil, err
	}
	desc, err := cleanText("description", in.Description, 10000, false)
	if err != nil {
		return nil, err
	}
	var out *Task
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.visibleTicket(ctx, tx, subj, ticketID)
		if err != nil {
			return err
		}
		if !access.CanEditTasks(subj, t.Vis()) {
			return errs.New(errs.Forbidden, "task.forbidden")
		}
		if in.AssigneeID != nil {
			if err := checkAssignee(ctx, tx, *in.AssigneeID); err != nil {
				return err
			}
		}
		// The ticket's lock serialises task creation on it, so the limit holds.
		if _, err := s.Tickets.Load(ctx, tx, t.ID, true); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*taskRow)(nil)).Where("ticket_id = ?", t.ID).Count(ctx)
		if err != nil {
			return fmt.Errorf("tasks: count: %w", err)
		}
		if n >= MaxTasksPerTicket {
			return errs.Newf(errs.Invalid, "task.too_many", map[string]any{"max": MaxTasksPerTicket})
		}
		row := &taskRow{TicketID: t.ID, Title: title, Description: desc, AssigneeID: in.AssigneeID, DueAt: in.DueAt,
			CreatedBy: &subj.UserID}
		if _, err := tx.NewInsert().Model(row).Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("tasks: create: %w", err)
		}
		if err := s.Tickets.RecordTx(ctx, tx, subj, t.ID, fieldTask, nil, taskEvent("created", row)); err != nil {
			return err
		}
		if err := s.tellAssignee(ctx, tx, subj, t, row); err != nil {
			return err
		}
		out, err = s.view(ctx, tx, subj, t, row.ID)
		return err
	})
	return out, err
}

// tellAssignee leaves a notification for a task's new assignee, unless they gave it to themselves.
func (s *Service) tellAssignee(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, row *taskRow) error {
	if s.Notifier == nil || row.AssigneeID == nil || *row.AssigneeID == subj.UserID {
		return nil
	}
	about, err := aboutTicket(ctx, tx, t, *row.AssigneeID)
	if err != nil {
		return err
	}
	return s.Notifier.NotifyUsers(ctx, tx, about, []int64{*row.AssigneeID}, KindTask,
		titles("task.notify_assigned", map[string]any{"number": t.Number, "title": row.Title}))
}

// Update changes a task. Its editors change anything; its assignee, when not an editor, only whether it
// is done. A change based on an old version is refused with the current task.
func (s *Service) Update(ctx context.Context, subj access.Subject, id int64, p TaskPatch) (*Task, error) {
	var out *Task
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row, t, err := s.taskOf(ctx, tx, subj, id, true)
		if err != nil {
			return err
		}
		editor := access.CanEditTasks(subj, t.Vis())
		if !editor && (!access.CanWorkTask(subj, t.Vis(), row.vis()) ||
			p.Title != nil || p.Description != nil || p.AssigneeID.Set || p.DueAt.Set) {
			return errs.New(errs.Forbidden, "task.fields_forbidden")
		}
		if p.Version != row.Version {
			cur, err := s.view(ctx, tx, subj, t, row.ID)
			if err != nil {
				return err
			}
			e := errs.New(errs.Conflict, "task.stale")
			e.Current = cur
			return e
		}
		nr := *row
		if p.Title != nil {
			if nr.Title, err = cleanText("title", *p.Title, 200, true); err != nil {
				return err
			}
		}
		if p.Description != nil {
			if nr.Description, err = cleanText("description", *p.Description, 10000, false); err != nil {
				return err
			}
		}
		if p.AssigneeID.Set {
			nr.AssigneeID = nil
			if !p.AssigneeID.Null {
				if p.AssigneeID.Value < 1 {
					return errs.InvalidField("assignee_id", "task.assignee_invalid", nil)
				}
				if err := checkAssignee(ctx, tx, p.AssigneeID.Value); err != nil {
					return err
				}
				nr.AssigneeID = &p.AssigneeID.Value
			}
		}
		if p.DueAt.Set {
			nr.DueAt = nil
			if !p.DueAt.Null {
				nr.DueAt = &p.DueAt.Value
			}
		}
		if p.Done != nil && *p.Done != row.Done {
			nr.Done = *p.Done
			nr.DoneAt = nil
			if nr.Done {
				now := time.Now()
				nr.DoneAt = &now
			}
		}
		nr.Version = row.Version + 1
		if _, err := tx.NewUpdate().Model(&nr).Column("title", "description", "assignee_id", "due_at", "done", "done_at", "version").
			Set("updated_at = now()").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("tasks: update: %w", err)
		}
		if nr.Done != row.Done {
			event := "completed"
			if !nr.Done {
				event = "reopened"
			}
			if err := s.Tickets.RecordTx(ctx, tx, subj, t.ID, fieldTask, nil, taskEvent(event, &nr)); err != nil {
				return err
			}
		}
		if !sameID(nr.AssigneeID, row.AssigneeID) {
			if err := s.Tickets.RecordTx(ctx, tx, subj, t.ID, fieldTask, taskEvent("reassigned", row), taskEvent("reassigned", &nr)); err != nil {
				return err
			}
			if err := s.tellAssignee(ctx, tx, subj, t, &nr); err != nil {
				return err
			}
		}
		out, err = s.view(ctx, tx, subj, t, row.ID)
		return err
	})
	return out, err
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Delete removes a task (its comments and files' records with it), for its editors. With version > 0 a
// task changed since is refused with its current state.
func (s *Service) Delete(ctx context.Context, subj access.Subject, id, version int64) error {
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row, t, err := s.taskOf(ctx, tx, subj, id, true)
		if err != nil {
			return err
		}
		if !access.CanEditTasks(subj, t.Vis()) {
			return errs.New(errs.Forbidden, "task.forbidden")
		}
		if version > 0 && version != row.Version {
			cur, err := s.view(ctx, tx, subj, t, row.ID)
			if err != nil {
				return err
			}
			e := errs.New(errs.Conflict, "task.stale")
			e.Current = cur
			return e
		}
		if _, err := tx.NewDelete().Model(row).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("tasks: delete: %w", err)
		}
		return s.Tickets.RecordTx(ctx, tx, subj, t.ID, fieldTask, taskEvent("deleted", row), nil)
	})
}

// MinePage is how many tasks one page of GET /me/tasks holds.
const MinePage = 50

// TaskPage is one page of a list of tasks; Next is the cursor of the next page, "" at the end.
type TaskPage struct {
	Items []Task `json:"items"`
	Next  string `json:"next"`
}

// Mine lists the tasks given to subj across tickets, soonest due first (so overdue ones lead, and tasks
// without a due date come last), open ones only when open. Paged by keyset: after is a page's Next.
func (s *Service) Mine(ctx context.Context, subj access.Subject, open bool, after string) (*TaskPage, error) {
	var rows []taskView
	q := viewQuery(s.DB, &rows).Where("tt.assignee_id = ?", subj.UserID).
		OrderExpr("tt.due_at ASC NULLS LAST, tt.id").Limit(MinePage + 1)
	if open {
		q = q.Where("NOT tt.done")
	}
	if after != "" {
		due, id, ok := parseCursor(after)
		if !ok {
			return nil, errs.InvalidField("after", "field.invalid", nil)
		}
		if due == nil {
			q = q.Where("tt.due_at IS NULL AND tt.id > ?", id)
		} else {
			q = q.Where("(tt.due_at IS NULL OR (tt.due_at, tt.id) > (?, ?))", *due, id)
		}
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: mine: %w", err)
	}
	out := &TaskPage{Items: make([]Task, 0, len(rows))}
	if len(rows) > MinePage {
		rows = rows[:MinePage]
		last := rows[len(rows)-1]
		out.Next = cursor(last.DueAt, last.ID)
	}
	if len(rows) == 0 {
		return out, nil
	}
	// Whether subj may edit each: one ticket query for the page, not one per task.
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.TicketID)
	}
	var ts []tickets.Ticket
	if err := s.DB.NewSelect().Model(&ts).Where("t.id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: mine: tickets: %w", err)
	}
	vis := make(map[int64]access.TicketVis, len(ts))
	for i := range ts {
		vis[ts[i].ID] = ts[i].Vis()
	}
	for i := range rows {
		out.Items = append(out.Items, rows[i].api(access.CanEditTasks(subj, vis[rows[i].TicketID])))
	}
	return out, nil
}

// cursor encodes a position in the due-date order: "<due unix µs>_<id>", or "n_<id>" without a due date.
func cursor(due *time.Time, id int64) string {
	if due == nil {
		return "n_" + strconv.FormatInt(id, 10)
	}
	return strconv.FormatInt(due.UnixMicro(), 10) + "_" + strconv.FormatInt(id, 10)
}

func parseCursor(c string) (*time.Time, int64, bool) {
	a, b, ok := strings.Cut(c, "_")
	if !ok {
		return nil, 0, false
	}
	id, err := strconv.ParseInt(b, 10, 64)
	if err != nil || id < 1 {
		return nil, 0, false
	}
	if a == "n" {
		return nil, id, true
	}
	us, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		return nil, 0, false
	}
	t := time.UnixMicro(us)
	return &t, id, true
}
