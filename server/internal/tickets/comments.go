package tickets

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/markdown"
	"github.com/atiende/atiende/server/internal/people"
)

// The conversation's limits.
const (
	MaxCommentBody        = 50000
	MaxCommentAttachments = 10
)

// Comment is a public reply or an internal note on a ticket, as the API shows it.
type Comment struct {
	ID          int64        `json:"id"`
	TicketID    int64        `json:"ticket_id"`
	Author      *people.Ref  `json:"author"`
	Public      bool         `json:"public"`
	Body        string       `json:"body"`
	BodyHTML    string       `json:"body_html"`
	Attachments []Attachment `json:"attachments"`
	CreatedAt   time.Time    `json:"created_at"`
}

type commentRow struct {
	bun.BaseModel `bun:"table:ticket_comments,alias:tc"`

	ID        int64     `bun:"id,pk,autoincrement"`
	TicketID  int64     `bun:"ticket_id"`
	AuthorID  *int64    `bun:"author_id"`
	Public    bool      `bun:"public"`
	Body      string    `bun:"body"`
	BodyHTML  string    `bun:"body_html"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
}

// NewCommentRequest is the body of POST /tickets/{id}/comments.
type NewCommentRequest struct {
	Body          string  `json:"body" validate:"required,max=50000"`
	Public        *bool   `json:"public" validate:"required"`
	AttachmentIDs []int64 `json:"attachment_ids" validate:"omitempty,dive,gte=1"`
	// FromRequester: the words are the ticket's requester's, relayed by a bot from its channel (a chat).
	// The message is written as the requester's, so they are not mailed their own words; API keys only.
	FromRequester bool `json:"from_requester"`
}

// check refuses what the tags cannot say: a body of only white space, too many or repeated files.
func (r *NewCommentRequest) check() error {
	if strings.TrimSpace(r.Body) == "" {
		return errs.InvalidField("body", "field.required", nil)
	}
	if len(r.AttachmentIDs) > MaxCommentAttachments {
		return errs.InvalidField("attachment_ids", "comment.attachments_max", map[string]any{"max": MaxCommentAttachments})
	}
	seen := make(map[int64]bool, len(r.AttachmentIDs))
	for _, id := range r.AttachmentIDs {
		if seen[id] {
			return errs.InvalidField("attachment_ids", "comment.attachments_unavailable", nil)
		}
		seen[id] = true
	}
	return nil
}

// visible loads a ticket the subject may see, or answers not found.
func (s *Service) visible(ctx context.Context, db bun.IDB, subj access.Subject, id int64) (*Ticket, error) {
	t, err := s.load(ctx, db, id, false)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	return t, nil
}

// Comments lists a ticket's conversation oldest first: public replies, and internal notes for those
// who may read them.
func (s *Service) Comments(ctx context.Context, subj access.Subject, ticketID int64) ([]Comment, error) {
	t, err := s.visible(ctx, s.DB, subj, ticketID)
	if err != nil {
		return nil, err
	}
	var rows []commentRow
	q := s.DB.NewSelect().Model(&rows).Where("tc.ticket_id = ?", t.ID).OrderExpr("tc.created_at, tc.id")
	if !access.CanSeeInternal(subj) {
		q = q.Where("tc.public")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("tickets: comments: %w", err)
	}
	return s.comments(ctx, s.DB, rows)
}

// comments turns rows into comments with their authors and attachments, in two queries.
func (s *Service) comments(ctx context.Context, db bun.IDB, rows []commentRow) ([]Comment, error) {
	out := make([]Comment, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	var authors []int64
	for i, r := range rows {
		ids[i] = r.ID
		if r.AuthorID != nil {
			authors = append(authors, *r.AuthorID)
		}
	}
	names, err := s.People.Names(ctx, db, authors)
	if err != nil {
		return nil, err
	}
	var files []attachmentRow
	if err := db.NewSelect().Model(&files).Where("att.comment_id IN (?)", bun.In(ids)).OrderExpr("att.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tickets: comment attachments: %w", err)
	}
	byComment := make(map[int64][]Attachment, len(rows))
	for _, f := range files {
		byComment[*f.CommentID] = append(byComment[*f.CommentID], f.api())
	}
	for i, r := range rows {
		out[i] = Comment{ID: r.ID, TicketID: r.TicketID, Public: r.Public, Body: r.Body, BodyHTML: r.BodyHTML,
			Attachments: byComment[r.ID], CreatedAt: r.CreatedAt.UTC()}
		if out[i].Attachments == nil {
			out[i].Attachments = []Attachment{}
		}
		if r.AuthorID != nil {
			out[i].Author = &people.Ref{ID: *r.AuthorID, Name: names[*r.AuthorID]}
		}
	}
	return out, nil
}

// AddComment adds a public reply or an internal note to a ticket, with the files it claims, in one
// transaction with its live event. The ticket itself (and its version) does not change.
func (s *Service) AddComment(ctx context.Context, subj access.Subject, ticketID int64, req NewCommentRequest) (*Comment, error) {
	res, err := s.AddCommentOnce(ctx, subj, ticketID, req, "")
	if err != nil {
		return nil, err
	}
	var out Comment
	if err := json.Unmarshal(res.Body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// commentIdempotency namespaces the Idempotency-Keys of comments apart from those of creations, so that
// a client numbering its requests may reuse one counter for both.
const commentIdempotency = "comment:"

// AddCommentOnce is AddComment made safe to retry with an Idempotency-Key (as CreateTicket is): the same
// key with the same ticket and body within IdempotencyTTL gets the first answer again, the same key with
// another ticket or body is refused and writes nothing. Whether the subject may comment is decided
// before the replay, so that a retry never shows a comment to someone who no longer sees the ticket.
func (s *Service) AddCommentOnce(ctx context.Context, subj access.Subject, ticketID int64, req NewCommentRequest, idemKey string) (*Created, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	if idemKey != "" {
		idemKey = commentIdempotency + idemKey
	}
	request := struct {
		TicketID int64 `json:"ticket_id"`
		NewCommentRequest
	}{ticketID, req}
	var out *Created
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.visible(ctx, tx, subj, ticketID)
		if err != nil {
			return err
		}
		if !access.CanComment(subj, t.Vis(), *req.Public) {
			if !*req.Public && access.CanComment(subj, t.Vis(), true) {
				return errs.InvalidField("public", "comment.internal_forbidden", nil)
			}
			return errs.New(errs.Forbidden, "comment.forbidden")
		}
		var author int64
		if req.FromRequester {
			switch {
			case !access.CanRelayForRequester(subj):
				return errs.InvalidField("from_requester", "comment.relay_keys_only", nil)
			case !*req.Public:
				return errs.InvalidField("public", "comment.relay_public", nil)
			case t.RequesterID == nil:
				return errs.InvalidField("from_requester", "comment.relay_no_requester", nil)
			}
			author = *t.RequesterID
		}
		out, err = idempotent(ctx, tx, subj.UserID, idemKey, request, "comment.idempotency_mismatch", func() (int, any, error) {
			c, err := s.WriteComment(ctx, tx, subj, t, NewComment{Body: req.Body, Public: *req.Public, AttachmentIDs: req.AttachmentIDs, AuthorID: author})
			return http.StatusCreated, c, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// NewComment is a comment to write.
type NewComment struct {
	Body          string
	Public        bool
	AttachmentIDs []int64   // files uploaded to the ticket by subj and not yet on a comment
	At            time.Time // zero: now (the demo seed spreads conversations over past weeks)
	// AuthorID, when set, is whose words these are, written by subj on their behalf (a bot relaying the
	// requester's chat messages): the comment is theirs, and they are its actor for the live event and the
	// mails. Zero: subj's own.
	AuthorID int64
}

// WriteComment writes a comment on t in the caller's transaction: the row with its rendered HTML, the
// files it claims and the ticket.commented event. It checks no permission (AddComment does; a merge
// writes its internal notes through it directly). A file that is not the author's unclaimed upload to
// this ticket is a field error on attachment_ids.
func (s *Service) WriteComment(ctx context.Context, tx bun.Tx, subj access.Subject, t *Ticket, n NewComment) (*Comment, error) {
	// PostgreSQL text cannot hold NUL; CommonMark reads it as U+FFFD, so store what is shown.
	body := strings.ReplaceAll(n.Body, "\x00", "\uFFFD")
	row := &commentRow{TicketID: t.ID, Public: n.Public, Body: body, BodyHTML: markdown.Render(body), CreatedAt: n.At}
	author := subj // whose words: the hooks and the live event see them as the actor
	if n.AuthorID != 0 {
		author = access.Subject{UserID: n.AuthorID}
	}
	if author.UserID != 0 {
		row.AuthorID = &author.UserID
	}
	if _, err := tx.NewInsert().Model(row).Returning("id, created_at").Exec(ctx); err != nil {
		return nil, fmt.Errorf("tickets: comment: %w", err)
	}
	if len(n.AttachmentIDs) > 0 {
		res, err := tx.NewUpdate().Table("attachments").Set("comment_id = ?", row.ID).
			Where("id IN (?)", bun.In(n.AttachmentIDs)).Where("ticket_id = ?", t.ID).
			Where("uploader_id = ?", subj.UserID).Where("comment_id IS NULL").Where("NOT on_ticket").Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("tickets: claim attachments: %w", err)
		}
		if got, _ := res.RowsAffected(); got != int64(len(n.AttachmentIDs)) {
			return nil, errs.InvalidField("attachment_ids", "comment.attachments_unavailable", nil)
		}
	}
	// The first public answer by staff is the ticket's first response, for response-time reports.
	if n.Public && access.CountsFirstResponse(author, t.Vis()) {
		if _, err := tx.NewUpdate().Table("tickets").Set("first_response_at = ?", row.CreatedAt).
			Where("id = ?", t.ID).Where("first_response_at IS NULL").Exec(ctx); err != nil {
			return nil, fmt.Errorf("tickets: first response: %w", err)
		}
	}
	cs, err := s.comments(ctx, tx, []commentRow{*row})
	if err != nil {
		return nil, err
	}
	c := &cs[0]
	if c.Author != nil && c.Author.Name == "" {
		c.Author.Name = author.Name
	}
	if c.Author != nil {
		author.Name = c.Author.Name
	}
	card, err := s.card(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	var actor *live.Actor
	if author.UserID != 0 {
		actor = &live.Actor{ID: author.UserID, Name: author.Name}
	}
	if err := live.Append(ctx, tx, live.Event{Name: live.TicketCommented, TicketID: t.ID, Ticket: card, Comment: c,
		Internal: !n.Public, Actor: actor, Vis: t.Vis()}); err != nil {
		return nil, err
	}
	for _, h := range s.CommentHooks {
		if err := h(ctx, tx, author, t, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// RenderCannedRequest is the body of POST /tickets/{id}/canned-responses/{cannedId}/render.
type RenderCannedRequest struct {
	Locale string `json:"locale" validate:"omitempty,oneof=es en"`
}

// RenderCanned fills a canned response for a ticket: its body in the asked locale (else the
// requester's, else the agent's) with the placeholders filled from the ticket, its requester and the
// acting agent.
func (s *Service) RenderCanned(ctx context.Context, subj access.Subject, ticketID, cannedID int64, req RenderCannedRequest) (string, error) {
	t, err := s.visible(ctx, s.DB, subj, ticketID)
	if err != nil {
		return "", err
	}
	if !access.CanUseCannedResponses(subj) {
		return "", errs.New(errs.Forbidden, "canned.forbidden")
	}
	cr, err := s.Catalog.CannedBody(ctx, cannedID)
	if err != nil {
		return "", err
	}
	if cr == nil || !cr.Active {
		return "", errs.New(errs.NotFound, "canned.not_found")
	}
	return s.fillReply(ctx, subj, t, i18n.Locale(req.Locale), cr.BodyES, cr.BodyEN)
}

// FillReply fills a reply written in both languages for t, as a canned response is (a macro's reply):
// the body in the requester's locale (else the agent's) with the placeholders filled from the ticket,
// its requester and the acting agent.
func (s *Service) FillReply(ctx context.Context, subj access.Subject, t *Ticket, bodyES, bodyEN string) (string, error) {
	return s.fillReply(ctx, subj, t, "", bodyES, bodyEN)
}

func (s *Service) fillReply(ctx context.Context, subj access.Subject, t *Ticket, locale i18n.Locale, bodyES, bodyEN string) (string, error) {
	var requester *people.User
	if t.RequesterID != nil {
		var err error
		if requester, err = s.People.ByID(ctx, *t.RequesterID); err != nil {
			return "", err
		}
	}
	switch {
	case locale != "":
	case requester != nil && requester.Locale != "":
		locale = requester.Locale
	case subj.Locale != "":
		locale = subj.Locale
	default:
		locale = i18n.Default
	}
	values := map[string]string{
		"ticket.number":  strconv.FormatInt(t.Number, 10),
		"ticket.subject": t.Subject,
		"agent.name":     subj.Name,
		"agent.email":    subj.Email,
	}
	if requester != nil {
		values["requester.name"], values["requester.email"] = requester.Name, requester.Email
	} else {
		values["requester.name"], values["requester.email"] = "", ""
	}
	body := bodyES
	if locale == i18n.EN {
		body = bodyEN
	}
	return fillPlaceholders(body, values), nil
}

// placeholder is {{ name.field }}, white space inside the braces tolerated.
var placeholder = regexp.MustCompile(`\{\{\s*([a-z]+\.[a-z]+)\s*\}\}`)

// fillPlaceholders replaces the known placeholders of a body with their values and leaves any other
// text, unknown placeholders included, as written.
func fillPlaceholders(body string, values map[string]string) string {
	return placeholder.ReplaceAllStringFunc(body, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if v, ok := values[name]; ok {
			return v
		}
		return m
	})
}
