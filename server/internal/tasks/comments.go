package tasks

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/people"
)

// Comment is a comment on a task.
type Comment struct {
	ID        int64       `json:"id"`
	TaskID    int64       `json:"task_id"`
	Author    *people.Ref `json:"author"`
	Body      string      `json:"body"`
	CreatedAt time.Time   `json:"created_at"`
}

type commentRow struct {
	bun.BaseModel `bun:"table:task_comments,alias:tc"`

	ID        int64     `bun:"id,pk,autoincrement"`
	TaskID    int64     `bun:"task_id"`
	AuthorID  *int64    `bun:"author_id"`
	Body      string    `bun:"body"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
}

type commentView struct {
	commentRow `bun:",extend"`
	AuthorName *string `bun:"author_name"`
}

func (v *commentView) api() Comment {
	return Comment{ID: v.ID, TaskID: v.TaskID, Author: ref(v.AuthorID, v.AuthorName), Body: v.Body, CreatedAt: v.CreatedAt.UTC()}
}

// NewComment is the body of POST /tasks/{id}/comments.
type NewComment struct {
	Body string `json:"body"`
}

// MaxCommentsListed bounds one task's listed comments (the newest are kept).
const MaxCommentsListed = 500

// Comments lists a task's comments oldest first, for whoever sees the task.
func (s *Service) Comments(ctx context.Context, subj access.Subject, taskID int64) ([]Comment, error) {
	row, _, err := s.taskOf(ctx, s.DB, subj, taskID, false)
	if err != nil {
		return nil, err
	}
	var rows []commentView
	if err := s.DB.NewSelect().Model(&rows).ColumnExpr("tc.*").ColumnExpr("u.name AS author_name").
		Join("LEFT JOIN users AS u ON u.id = tc.author_id").Where("tc.task_id = ?", row.ID).
		OrderExpr("tc.id DESC").Limit(MaxCommentsListed).Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: comments: %w", err)
	}
	out := make([]Comment, len(rows))
	for i := range rows {
		out[len(rows)-1-i] = rows[i].api()
	}
	return out, nil
}

// AddComment writes a comment on a task, for its editors and its assignee.
func (s *Service) AddComment(ctx context.Context, subj access.Subject, taskID int64, in NewComment) (*Comment, error) {
	body, err := cleanText("body", in.Body, 10000, true)
	if err != nil {
		return nil, err
	}
	var out Comment
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row, t, err := s.taskOf(ctx, tx, subj, taskID, false)
		if err != nil {
			return err
		}
		if !access.CanWorkTask(subj, t.Vis(), row.vis()) {
			return errs.New(errs.Forbidden, "task.forbidden")
		}
		c := &commentRow{TaskID: row.ID, AuthorID: &subj.UserID, Body: body}
		if _, err := tx.NewInsert().Model(c).Returning("id, created_at").Exec(ctx); err != nil {
			return fmt.Errorf("tasks: comment: %w", err)
		}
		name := subj.Name
		out = (&commentView{commentRow: *c, AuthorName: &name}).api()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
