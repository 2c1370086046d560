package tasks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/errs"
)

// File is a file of a task or of an answer, as the API shows it.
type File struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url,omitempty"`
}

type taskFileRow struct {
	bun.BaseModel `bun:"table:task_files,alias:tf"`

	ID          int64     `bun:"id,pk,autoincrement"`
	TaskID      int64     `bun:"task_id"`
	UploaderID  *int64    `bun:"uploader_id"`
	Filename    string    `bun:"filename"`
	ContentType string    `bun:"content_type"`
	Size        int64     `bun:"size"`
	SHA256      string    `bun:"sha256"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
}

func (r *taskFileRow) api() File {
	return File{ID: r.ID, Name: r.Filename, ContentType: r.ContentType, Size: r.Size, CreatedAt: r.CreatedAt.UTC(),
		URL: "/api/v1/task-files/" + strconv.FormatInt(r.ID, 10)}
}

// putFiles stores received files' bytes (each content once). The bytes go before the rows: a failed
// transaction leaves at worst unreferenced content, never a row without its bytes.
func (s *Service) putFiles(ctx context.Context, ups []*attachments.Upload) error {
	for _, up := range ups {
		content, err := up.Content()
		if err != nil {
			return err
		}
		if err := s.Files.Put(ctx, up.SHA256, content, up.Size); err != nil {
			return err
		}
	}
	return nil
}

// CheckWork refuses, before a file is read, an upload to a task subj may not work on.
func (s *Service) CheckWork(ctx context.Context, subj access.Subject, taskID int64) error {
	row, t, err := s.taskOf(ctx, s.DB, subj, taskID, false)
	if err != nil {
		return err
	}
	if !access.CanWorkTask(subj, t.Vis(), row.vis()) {
		return errs.New(errs.Forbidden, "task.forbidden")
	}
	return nil
}

// AddFile stores a received file on a task, for its editors and its assignee.
func (s *Service) AddFile(ctx context.Context, subj access.Subject, taskID int64, up *attachments.Upload) (*File, error) {
	if err := s.CheckWork(ctx, subj, taskID); err != nil {
		return nil, err
	}
	if err := s.putFiles(ctx, []*attachments.Upload{up}); err != nil {
		return nil, err
	}
	var out File
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row, t, err := s.taskOf(ctx, tx, subj, taskID, false)
		if err != nil {
			return err
		}
		if !access.CanWorkTask(subj, t.Vis(), row.vis()) {
			return errs.New(errs.Forbidden, "task.forbidden")
		}
		f := &taskFileRow{TaskID: row.ID, UploaderID: &subj.UserID, Filename: up.Filename, ContentType: up.ContentType,
			Size: up.Size, SHA256: up.SHA256}
		if _, err := tx.NewInsert().Model(f).Returning("id, created_at").Exec(ctx); err != nil {
			return fmt.Errorf("tasks: file: %w", err)
		}
		out = f.api()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// FilesOf lists a task's files, oldest first, for whoever sees the task.
func (s *Service) FilesOf(ctx context.Context, subj access.Subject, taskID int64) ([]File, error) {
	row, _, err := s.taskOf(ctx, s.DB, subj, taskID, false)
	if err != nil {
		return nil, err
	}
	var rows []taskFileRow
	if err := s.DB.NewSelect().Model(&rows).Where("task_id = ?", row.ID).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: files: %w", err)
	}
	out := make([]File, len(rows))
	for i := range rows {
		out[i] = rows[i].api()
	}
	return out, nil
}

// Download is a file ready to send.
type Download struct {
	File
	Content io.ReadCloser
}

// OpenTaskFile opens a task's file for whoever sees the task; any other is not found.
func (s *Service) OpenTaskFile(ctx context.Context, subj access.Subject, id int64) (*Download, error) {
	f := new(taskFileRow)
	err := s.DB.NewSelect().Model(f).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "attachment.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("tasks: file: %w", err)
	}
	if _, _, err := s.taskOf(ctx, s.DB, subj, f.TaskID, false); err != nil {
		return nil, errs.New(errs.NotFound, "attachment.not_found")
	}
	return s.open(ctx, f.api(), f.SHA256)
}

func (s *Service) open(ctx context.Context, f File, sum string) (*Download, error) {
	rc, err := s.Files.Open(ctx, sum)
	if err != nil {
		return nil, fmt.Errorf("tasks: open file %d: %w", f.ID, err)
	}
	return &Download{File: f, Content: rc}, nil
}

// send writes a download with the headers of ticket attachments: the served type, the safe name,
// nosniff and a sandbox.
func send(c *fiber.Ctx, d *Download) error {
	c.Set(fiber.HeaderContentType, attachments.ServedType(d.ContentType))
	c.Set(fiber.HeaderContentDisposition, attachments.ContentDisposition(d.Name))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set("Content-Security-Policy", "sandbox")
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	return c.SendStream(d.Content, int(d.Size))
}
