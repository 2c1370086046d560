package tickets

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/attachments"
)

// AttachTx records a received file, whose bytes the caller already stored, on t inside the caller's
// transaction as subj's upload not yet on any comment, with its "attachment" history row: a comment
// written by subj in the same transaction claims it (WriteComment's AttachmentIDs). It checks no
// permission; callers that write for someone who is not signed in (the public web form) decide
// through access first. AddAttachment is the signed-in path, with its own transaction.
func (s *Service) AttachTx(ctx context.Context, tx bun.Tx, subj access.Subject, t *Ticket, up *attachments.Upload) (*Attachment, error) {
	row := &attachmentRow{TicketID: t.ID, Filename: up.Filename, ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256}
	if subj.UserID != 0 {
		row.UploaderID = &subj.UserID
	}
	if _, err := tx.NewInsert().Model(row).Returning("id, created_at").Exec(ctx); err != nil {
		return nil, fmt.Errorf("tickets: attachment: %w", err)
	}
	out := row.api()
	return &out, s.record(ctx, tx, t.ID, subj, []change{{"attachment", nil,
		map[string]any{"id": row.ID, "filename": row.Filename, "content_type": row.ContentType, "size": row.Size}}})
}
