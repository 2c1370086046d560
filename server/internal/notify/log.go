package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// LogPage is how many mails one page of the mail log holds.
const LogPage = 50

// LogDetail is one mail with what it says.
type LogDetail struct {
	outboxRow
	Text string `json:"text"`
	HTML string `json:"html"`
}

// LogList is one page of the mail log, newest first.
type LogList struct {
	Items   []outboxRow `json:"items"`
	HasMore bool        `json:"has_more"`
}

var statuses = []string{StatusLogged, StatusQueued, StatusSent, StatusRetrying, StatusFailed}

// MailLog lists mails newest first, before the mail id before (0: the newest), of one status when given.
func (s *Service) MailLog(ctx context.Context, subj access.Subject, before int64, status string) (*LogList, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	if status != "" && !slices.Contains(statuses, status) {
		return nil, errs.InvalidField("status", "field.oneof", map[string]any{"param": "logged queued sent retrying failed"})
	}
	out := &LogList{Items: []outboxRow{}}
	q := s.DB.NewSelect().Model(&out.Items).ExcludeColumn("text", "html").OrderExpr("id DESC").Limit(LogPage + 1)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("notify: mail log: %w", err)
	}
	if len(out.Items) > LogPage {
		out.Items, out.HasMore = out.Items[:LogPage], true
	}
	for i := range out.Items {
		utc(&out.Items[i])
	}
	return out, nil
}

func utc(r *outboxRow) {
	r.CreatedAt = r.CreatedAt.UTC()
	if r.SentAt != nil {
		t := r.SentAt.UTC()
		r.SentAt = &t
	}
}

// MailLogEntry returns one mail of the log with its text and HTML.
func (s *Service) MailLogEntry(ctx context.Context, subj access.Subject, id int64) (*LogDetail, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	r := new(outboxRow)
	if err := s.DB.NewSelect().Model(r).Where("id = ?", id).Scan(ctx); errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "mail.not_found")
	} else if err != nil {
		return nil, fmt.Errorf("notify: mail: %w", err)
	}
	utc(r)
	return &LogDetail{outboxRow: *r, Text: r.Text, HTML: r.HTML}, nil
}
