package tickets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/errs"
)

// Attachment is a file attached to a ticket, as the API shows it. CommentID is nil until a comment
// claims it.
type Attachment struct {
	ID          int64     `json:"id"`
	TicketID    int64     `json:"ticket_id"`
	CommentID   *int64    `json:"comment_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
}

type attachmentRow struct {
	bun.BaseModel `bun:"table:attachments,alias:att"`

	ID          int64     `bun:"id,pk,autoincrement"`
	TicketID    int64     `bun:"ticket_id"`
	CommentID   *int64    `bun:"comment_id"`
	UploaderID  *int64    `bun:"uploader_id"`
	Filename    string    `bun:"filename"`
	ContentType string    `bun:"content_type"`
	Size        int64     `bun:"size"`
	SHA256      string    `bun:"sha256"`
	OnTicket    bool      `bun:"on_ticket"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
}

func (a *attachmentRow) api() Attachment {
	return Attachment{ID: a.ID, TicketID: a.TicketID, CommentID: a.CommentID, Filename: a.Filename, ContentType: a.ContentType,
		Size: a.Size, CreatedAt: a.CreatedAt.UTC(), URL: "/api/v1/attachments/" + strconv.FormatInt(a.ID, 10)}
}

// attachmentWithNote is an attachment with the visibility of the comment that claimed it.
type attachmentWithNote struct {
	attachmentRow `bun:",extend"`
	Public        *bool `bun:"public"` // nil while no comment claims it
}

func (a *attachmentWithNote) vis() access.AttachmentVis {
	v := access.AttachmentVis{OnComment: a.CommentID != nil, OnTicket: a.OnTicket, Internal: a.Public != nil && !*a.Public}
	if a.UploaderID != nil {
		v.UploaderID = *a.UploaderID
	}
	return v
}

func (s *Service) attachmentsQuery(db bun.IDB, dst any) *bun.SelectQuery {
	return db.NewSelect().Model(dst).ColumnExpr("att.*").ColumnExpr("tc.public").
		Join("LEFT JOIN ticket_comments AS tc ON tc.id = att.comment_id")
}

// CheckAttach refuses, before a file is read, an upload to a ticket the subject may not attach to.
func (s *Service) CheckAttach(ctx context.Context, subj access.Subject, ticketID int64) error {
	t, err := s.visible(ctx, s.DB, subj, ticketID)
	if err != nil {
		return err
	}
	if !access.CanAttach(subj, t.Vis()) {
		return errs.New(errs.Forbidden, "attachment.forbidden")
	}
	return nil
}

// AddAttachment stores a received file's bytes (once per content) and records it on the ticket, not
// yet on any comment, with an "attachment" history row.
// With onTicket the file belongs to the ticket itself (the new-ticket dialog's files) and whoever sees
// the ticket sees it; otherwise it waits for a reply or note of its uploader to carry it.
func (s *Service) AddAttachment(ctx context.Context, subj access.Subject, ticketID int64, store attachments.Store, up *attachments.Upload, onTicket bool) (*Attachment, error) {
	if err := s.CheckAttach(ctx, subj, ticketID); err != nil {
		return nil, err
	}
	content, err := up.Content()
	if err != nil {
		return nil, err
	}
	// The bytes go first: a failed transaction leaves at worst unreferenced content, never a row
	// without its bytes.
	if err := store.Put(ctx, up.SHA256, content, up.Size); err != nil {
		return nil, err
	}
	var out Attachment
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.visible(ctx, tx, subj, ticketID)
		if err != nil {
			return err
		}
		if !access.CanAttach(subj, t.Vis()) {
			return errs.New(errs.Forbidden, "attachment.forbidden")
		}
		row := &attachmentRow{TicketID: t.ID, Filename: up.Filename, ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256, OnTicket: onTicket}
		if subj.UserID != 0 {
			row.UploaderID = &subj.UserID
		}
		if _, err := tx.NewInsert().Model(row).Returning("id, created_at").Exec(ctx); err != nil {
			return fmt.Errorf("tickets: attachment: %w", err)
		}
		out = row.api()
		return s.record(ctx, tx, t.ID, subj, []change{{"attachment", nil,
			map[string]any{"id": row.ID, "filename": row.Filename, "content_type": row.ContentType, "size": row.Size}}})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Attachments lists the files of a ticket the subject may see, oldest first.
func (s *Service) Attachments(ctx context.Context, subj access.Subject, ticketID int64) ([]Attachment, error) {
	t, err := s.visible(ctx, s.DB, subj, ticketID)
	if err != nil {
		return nil, err
	}
	var rows []attachmentWithNote
	if err := s.attachmentsQuery(s.DB, &rows).Where("att.ticket_id = ?", t.ID).OrderExpr("att.created_at, att.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tickets: attachments: %w", err)
	}
	out := make([]Attachment, 0, len(rows))
	for _, r := range rows {
		if access.CanSeeAttachment(subj, t.Vis(), r.vis()) {
			out = append(out, r.api())
		}
	}
	return out, nil
}

// AttachmentFile is one attachment ready to download.
type AttachmentFile struct {
	Attachment
	Content io.ReadCloser
}

// OpenAttachment opens an attachment the subject may see; any other is not found.
func (s *Service) OpenAttachment(ctx context.Context, subj access.Subject, store attachments.Store, id int64) (*AttachmentFile, error) {
	row := new(attachmentWithNote)
	err := s.attachmentsQuery(s.DB, row).Where("att.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "attachment.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("tickets: attachment: %w", err)
	}
	t, err := s.load(ctx, s.DB, row.TicketID, false)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeAttachment(subj, t.Vis(), row.vis()) {
		return nil, errs.New(errs.NotFound, "attachment.not_found")
	}
	rc, err := store.Open(ctx, row.SHA256)
	if err != nil {
		return nil, fmt.Errorf("tickets: attachment %d: %w", id, err)
	}
	return &AttachmentFile{Attachment: row.api(), Content: rc}, nil
}
