package tasks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
	"github.com/atiende/atiende/server/internal/tokens"
)

// The stored statuses of a request; "expired" is shown for an open one past its expiry.
const (
	StatusOpen     = "open"
	StatusAnswered = "answered"
	StatusAccepted = "accepted"
	StatusRevoked  = "revoked"
	StatusExpired  = "expired"
)

// MaxAnswerFiles is the most files one answer carries.
const MaxAnswerFiles = 5

// InfoRequest is an information request as the API shows it.
type InfoRequest struct {
	ID        int64       `json:"id"`
	TicketID  int64       `json:"ticket_id"`
	To        Recipient   `json:"to"`
	Lang      string      `json:"lang"`
	Question  string      `json:"question"`
	Status    string      `json:"status"`
	ExpiresAt time.Time   `json:"expires_at"`
	Messages  []Message   `json:"messages"`
	CreatedBy *people.Ref `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
	Version   int64       `json:"version"`
	// TicketNumber and TicketSubject name the ticket to a recipient who may not see it.
	TicketNumber  int64  `json:"ticket_number"`
	TicketSubject string `json:"ticket_subject"`
}

// Recipient is whom a request is addressed to: a user in the app, or an outsider by email.
type Recipient struct {
	User  *people.Ref `json:"user"`
	Email string      `json:"email"`
	Name  string      `json:"name"`
}

// Message is one step of a request's thread: an answer of the recipient, or the requester sending it back.
type Message struct {
	ID        int64     `json:"id"`
	Author    string    `json:"author"` // requester or recipient
	Name      string    `json:"name"`
	Body      string    `json:"body"`
	Files     []File    `json:"files"`
	CreatedAt time.Time `json:"created_at"`
}

type requestRow struct {
	bun.BaseModel `bun:"table:info_requests,alias:ir"`

	ID        int64      `bun:"id,pk,autoincrement"`
	TicketID  int64      `bun:"ticket_id"`
	ToUserID  *int64     `bun:"to_user_id"`
	ToEmail   string     `bun:"to_email"`
	ToName    string     `bun:"to_name"`
	Lang      string     `bun:"lang"`
	Question  string     `bun:"question"`
	Status    string     `bun:"status"`
	Round     int        `bun:"round"`
	ExpiresAt time.Time  `bun:"expires_at"`
	RevokedAt *time.Time `bun:"revoked_at"`
	CreatedBy *int64     `bun:"created_by"`
	CreatedAt time.Time  `bun:"created_at,nullzero,default:now()"`
	UpdatedAt time.Time  `bun:"updated_at,nullzero,default:now()"`
	Version   int64      `bun:"version,nullzero,default:1"`
}

// state is the status shown: an open request past its expiry is expired.
func (r *requestRow) state(now time.Time) string {
	if r.Status == StatusOpen && !r.ExpiresAt.After(now) {
		return StatusExpired
	}
	return r.Status
}

// gone reports whether the request's link no longer works: revoked, or past its expiry.
func (r *requestRow) gone(now time.Time) bool {
	return r.Status == StatusRevoked || !r.ExpiresAt.After(now)
}

type requestView struct {
	requestRow    `bun:",extend"`
	ToUserName    *string `bun:"to_user_name"`
	CreatorName   *string `bun:"creator_name"`
	TicketNumber  int64   `bun:"ticket_number"`
	TicketSubject string  `bun:"ticket_subject"`
}

type messageRow struct {
	bun.BaseModel `bun:"table:info_request_messages,alias:im"`

	ID           int64     `bun:"id,pk,autoincrement"`
	RequestID    int64     `bun:"request_id"`
	Author       string    `bun:"author"`
	AuthorUserID *int64    `bun:"author_user_id"`
	Name         string    `bun:"name"`
	Body         string    `bun:"body"`
	CreatedAt    time.Time `bun:"created_at,nullzero,default:now()"`
}

type requestFileRow struct {
	bun.BaseModel `bun:"table:info_request_files,alias:irf"`

	ID          int64     `bun:"id,pk,autoincrement"`
	RequestID   int64     `bun:"request_id"`
	MessageID   int64     `bun:"message_id"`
	Filename    string    `bun:"filename"`
	ContentType string    `bun:"content_type"`
	Size        int64     `bun:"size"`
	SHA256      string    `bun:"sha256"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
}

func (f *requestFileRow) api(withURL bool) File {
	out := File{ID: f.ID, Name: f.Filename, ContentType: f.ContentType, Size: f.Size, CreatedAt: f.CreatedAt.UTC()}
	if withURL {
		out.URL = "/api/v1/info-request-files/" + strconv.FormatInt(f.ID, 10)
	}
	return out
}

type linkRow struct {
	bun.BaseModel `bun:"table:info_request_links"`

	TokenSHA256 []byte `bun:"token_sha256,pk"`
	RequestID   int64  `bun:"request_id"`
	Round       int    `bun:"round"`
}

func requestQuery(db bun.IDB, dst any) *bun.SelectQuery {
	return db.NewSelect().Model(dst).ColumnExpr("ir.*").
		ColumnExpr("uu.name AS to_user_name").ColumnExpr("uc.name AS creator_name").
		ColumnExpr("t.number AS ticket_number, t.subject AS ticket_subject").
		Join("JOIN tickets AS t ON t.id = ir.ticket_id").
		Join("LEFT JOIN users AS uu ON uu.id = ir.to_user_id").
		Join("LEFT JOIN users AS uc ON uc.id = ir.created_by")
}

// threads reads the requests' messages and files, in two queries however many requests.
func threads(ctx context.Context, db bun.IDB, ids []int64, withURL bool) (map[int64][]Message, error) {
	out := map[int64][]Message{}
	if len(ids) == 0 {
		return out, nil
	}
	var msgs []messageRow
	if err := db.NewSelect().Model(&msgs).Where("request_id IN (?)", bun.In(ids)).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: request messages: %w", err)
	}
	var files []requestFileRow
	if err := db.NewSelect().Model(&files).Where("request_id IN (?)", bun.In(ids)).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: request files: %w", err)
	}
	byMsg := map[int64][]File{}
	for i := range files {
		byMsg[files[i].MessageID] = append(byMsg[files[i].MessageID], files[i].api(withURL))
	}
	for _, m := range msgs {
		fs := byMsg[m.ID]
		if fs == nil {
			fs = []File{}
		}
		out[m.RequestID] = append(out[m.RequestID], Message{ID: m.ID, Author: m.Author, Name: m.Name, Body: m.Body,
			Files: fs, CreatedAt: m.CreatedAt.UTC()})
	}
	return out, nil
}

// apiRequests turns rows into their API form with their threads.
func apiRequests(ctx context.Context, db bun.IDB, rows []requestView) ([]InfoRequest, error) {
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	th, err := threads(ctx, db, ids, true)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]InfoRequest, len(rows))
	for i := range rows {
		r := &rows[i]
		msgs := th[r.ID]
		if msgs == nil {
			msgs = []Message{}
		}
		out[i] = InfoRequest{ID: r.ID, TicketID: r.TicketID, Lang: r.Lang, Question: r.Question, Status: r.state(now),
			ExpiresAt: r.ExpiresAt.UTC(), Messages: msgs, CreatedBy: ref(r.CreatedBy, r.CreatorName),
			CreatedAt: r.CreatedAt.UTC(), Version: r.Version, TicketNumber: r.TicketNumber, TicketSubject: r.TicketSubject,
			To: Recipient{User: ref(r.ToUserID, r.ToUserName), Email: r.ToEmail, Name: r.ToName}}
		if r.ToUserID != nil && r.ToUserName != nil {
			out[i].To.Name = *r.ToUserName
		}
	}
	return out, nil
}

func (s *Service) requestByID(ctx context.Context, db bun.IDB, id int64) (*InfoRequest, error) {
	var rows []requestView
	if err := requestQuery(db, &rows).Where("ir.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: request: %w", err)
	}
	out, err := apiRequests(ctx, db, rows)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}

// Requests lists a ticket's information requests, oldest first, for those who see them.
func (s *Service) Requests(ctx context.Context, subj access.Subject, ticketID int64) ([]InfoRequest, error) {
	t, err := s.visibleTicket(ctx, s.DB, subj, ticketID)
	if err != nil {
		return nil, err
	}
	if !access.CanSeeInfoRequests(subj, t.Vis()) {
		return nil, errs.New(errs.Forbidden, "info_request.forbidden")
	}
	var rows []requestView
	if err := requestQuery(s.DB, &rows).Where("ir.ticket_id = ?", t.ID).OrderExpr("ir.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: requests: %w", err)
	}
	return apiRequests(ctx, s.DB, rows)
}

// MinePageRequests is how many requests one page of GET /me/info-requests holds.
const MinePageRequests = 50

// RequestPage is one page of requests, newest first; Next is the cursor (a request id) of the next page.
type RequestPage struct {
	Items []InfoRequest `json:"items"`
	Next  string        `json:"next"`
}

// MyRequests lists the requests addressed to subj in the app, newest first; with open only those
// waiting for an answer.
func (s *Service) MyRequests(ctx context.Context, subj access.Subject, open bool, before int64) (*RequestPage, error) {
	var rows []requestView
	q := requestQuery(s.DB, &rows).Where("ir.to_user_id = ?", subj.UserID).OrderExpr("ir.id DESC").Limit(MinePageRequests + 1)
	if open {
		q = q.Where("ir.status = ? AND ir.expires_at > now()", StatusOpen)
	}
	if before > 0 {
		q = q.Where("ir.id < ?", before)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: my requests: %w", err)
	}
	page := &RequestPage{}
	if len(rows) > MinePageRequests {
		rows = rows[:MinePageRequests]
		page.Next = strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	var err error
	page.Items, err = apiRequests(ctx, s.DB, rows)
	return page, err
}

// NewInfoRequest is the body of POST /tickets/{id}/info-requests: to a user (to_user_id) or to an
// outsider (to_email, to_name, lang), the question, and how many days the request stays open.
type NewInfoRequest struct {
	ToUserID      *int64 `json:"to_user_id" validate:"omitempty,gte=1"`
	ToEmail       string `json:"to_email" validate:"omitempty,email,max=254"`
	ToName        string `json:"to_name" validate:"max=200"`
	Lang          string `json:"lang" validate:"omitempty,oneof=es en"`
	Question      string `json:"question"`
	ExpiresInDays *int   `json:"expires_in_days" validate:"omitempty,gte=1,lte=30"`
}

// DefaultExpiryDays is how long a request stays open unless said otherwise.
const DefaultExpiryDays = 7

// CreateRequest asks for information on a ticket: a notification for a user, an email with a link for an
// outsider (origin is the request's, used when the desk has no public URL).
func (s *Service) CreateRequest(ctx context.Context, subj access.Subject, ticketID int64, in NewInfoRequest, origin string) (*InfoRequest, error) {
	question, err := cleanText("question", in.Question, 10000, true)
	if err != nil {
		return nil, err
	}
	email := strings.TrimSpace(in.ToEmail)
	if (in.ToUserID == nil) == (email == "") {
		return nil, errs.InvalidField("to", "info_request.recipient_choice", nil)
	}
	name := strings.TrimSpace(in.ToName)
	if email != "" && name == "" {
		return nil, errs.InvalidField("to_name", "field.required", nil)
	}
	days := DefaultExpiryDays
	if in.ExpiresInDays != nil {
		days = *in.ExpiresInDays
	}
	var id int64
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.visibleTicket(ctx, tx, subj, ticketID)
		if err != nil {
			return err
		}
		if !access.CanRequestInfo(subj, t.Vis()) {
			return errs.New(errs.Forbidden, "info_request.forbidden")
		}
		row := &requestRow{TicketID: t.ID, Question: question, Status: StatusOpen, Round: 1, CreatedBy: &subj.UserID,
			ExpiresAt: time.Now().Add(time.Duration(days) * 24 * time.Hour), Lang: in.Lang}
		if in.ToUserID != nil {
			var u people.User
			err := tx.NewSelect().Model(&u).Where("id = ? AND disabled_at IS NULL AND password_hash <> ''", *in.ToUserID).Scan(ctx)
			if errors.Is(err, sql.ErrNoRows) {
				return errs.InvalidField("to_user_id", "info_request.recipient_invalid", nil)
			}
			if err != nil {
				return fmt.Errorf("tasks: request recipient: %w", err)
			}
			row.ToUserID, row.Lang = &u.ID, string(u.Locale)
		} else {
			row.ToEmail, row.ToName = email, name
		}
		if row.Lang != "en" {
			row.Lang = "es"
		}
		if _, err := tx.NewInsert().Model(row).Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("tasks: create request: %w", err)
		}
		id = row.ID
		if err := s.Tickets.RecordTx(ctx, tx, subj, t.ID, fieldInfoRequest, nil, requestEvent("created", row)); err != nil {
			return err
		}
		return s.tellRecipient(ctx, tx, subj, t, row, origin, "", "info_request.notify_new")
	})
	if err != nil {
		return nil, err
	}
	return s.requestByID(ctx, s.DB, id)
}

func requestEvent(event string, r *requestRow) map[string]any {
	m := map[string]any{"event": event, "id": r.ID, "round": r.Round}
	if r.ToUserID != nil {
		m["to_user_id"] = *r.ToUserID
	} else {
		m["to_email"], m["to_name"] = r.ToEmail, r.ToName
	}
	return m
}

// tellRecipient tells the recipient of a new round: an in-app user by a notification, an outsider by an
// email carrying a fresh link to the request (every link of a request works while it does).
func (s *Service) tellRecipient(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, row *requestRow, origin, message, notifyKey string) error {
	if row.ToUserID != nil {
		if s.Notifier == nil {
			return nil
		}
		about, err := aboutTicket(ctx, tx, t, *row.ToUserID)
		if err != nil {
			return err
		}
		return s.Notifier.NotifyUsers(ctx, tx, about, []int64{*row.ToUserID}, KindInfoRequest,
			titles(notifyKey, map[string]any{"number": t.Number, "name": subj.Name}))
	}
	token, sum, err := tokens.NewHashed()
	if err != nil {
		return err
	}
	if _, err := tx.NewInsert().Model(&linkRow{TokenSHA256: sum, RequestID: row.ID, Round: row.Round}).Exec(ctx); err != nil {
		return fmt.Errorf("tasks: request link: %w", err)
	}
	if s.Mailer == nil {
		return nil
	}
	vars := map[string]any{
		"link":       s.origin(origin) + "/r/" + token,
		"question":   row.Question,
		"expires_at": row.ExpiresAt.In(s.zone()).Format("2006-01-02 15:04"),
		"requester":  subj.Name,
		"message":    message,
		"round":      row.Round,
	}
	key := "info_request:" + strconv.FormatInt(row.ID, 10) + ":round:" + strconv.Itoa(row.Round)
	return s.Mailer.QueueMailTx(ctx, tx, "info_request", key, &t.ID, row.ToEmail, row.ToName, row.Lang, vars)
}

// lockManaged loads a request for update for a requester action: not found unless subj sees the ticket,
// forbidden unless subj may request information on it.
func (s *Service) lockManaged(ctx context.Context, tx bun.Tx, subj access.Subject, id int64) (*requestRow, *tickets.Ticket, error) {
	row := new(requestRow)
	err := tx.NewSelect().Model(row).Where("ir.id = ?", id).For("UPDATE").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.New(errs.NotFound, "info_request.not_found")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("tasks: request: %w", err)
	}
	t, err := s.ticketFor(ctx, tx, row.TicketID)
	if err != nil {
		return nil, nil, err
	}
	if !access.CanSeeInfoRequests(subj, t.Vis()) {
		return nil, nil, errs.New(errs.NotFound, "info_request.not_found")
	}
	if !access.CanRequestInfo(subj, t.Vis()) {
		return nil, nil, errs.New(errs.Forbidden, "info_request.forbidden")
	}
	return row, t, nil
}

// notAnswered refuses accepting or sending back a request that has no answer waiting for review.
func notAnswered() error { return errs.New(errs.Conflict, "info_request.not_answered") }

// Accept accepts the answer of a request waiting for review.
func (s *Service) Accept(ctx context.Context, subj access.Subject, id int64) (*InfoRequest, error) {
	return s.requesterAction(ctx, subj, id, func(ctx context.Context, tx bun.Tx, row *requestRow, t *tickets.Ticket) error {
		if row.Status != StatusAnswered {
			return notAnswered()
		}
		row.Status = StatusAccepted
		return s.saveState(ctx, tx, subj, t, row, "accepted", "")
	})
}

// ReturnRequest is the body of POST /info-requests/{id}/return: what is still missing.
type ReturnRequest struct {
	Body string `json:"body"`
}

// Return sends an answer back with what is missing: the request is open again for a new round (at least
// as long as it was first given, and never less than a day), and the recipient is told again.
func (s *Service) Return(ctx context.Context, subj access.Subject, id int64, in ReturnRequest, origin string) (*InfoRequest, error) {
	body, err := cleanText("body", in.Body, 10000, true)
	if err != nil {
		return nil, err
	}
	return s.requesterAction(ctx, subj, id, func(ctx context.Context, tx bun.Tx, row *requestRow, t *tickets.Ticket) error {
		if row.Status != StatusAnswered {
			return notAnswered()
		}
		msg := &messageRow{RequestID: row.ID, Author: "requester", AuthorUserID: &subj.UserID, Name: subj.Name, Body: body}
		if _, err := tx.NewInsert().Model(msg).Exec(ctx); err != nil {
			return fmt.Errorf("tasks: return: %w", err)
		}
		if err := tx.NewRaw("SELECT greatest(expires_at, now() + greatest(expires_at - created_at, interval '1 day')) FROM info_requests WHERE id = ?",
			row.ID).Scan(ctx, &row.ExpiresAt); err != nil {
			return fmt.Errorf("tasks: return: %w", err)
		}
		row.Status = StatusOpen
		row.Round++
		if err := s.saveState(ctx, tx, subj, t, row, "returned", body); err != nil {
			return err
		}
		return s.tellRecipient(ctx, tx, subj, t, row, origin, body, "info_request.notify_returned")
	})
}

// Revoke withdraws a request that is open or waiting for review: its links stop working.
func (s *Service) Revoke(ctx context.Context, subj access.Subject, id int64) (*InfoRequest, error) {
	return s.requesterAction(ctx, subj, id, func(ctx context.Context, tx bun.Tx, row *requestRow, t *tickets.Ticket) error {
		if row.Status != StatusOpen && row.Status != StatusAnswered {
			return errs.New(errs.Conflict, "info_request.closed")
		}
		now := time.Now()
		row.Status, row.RevokedAt = StatusRevoked, &now
		return s.saveState(ctx, tx, subj, t, row, "revoked", "")
	})
}

func (s *Service) requesterAction(ctx context.Context, subj access.Subject, id int64,
	f func(ctx context.Context, tx bun.Tx, row *requestRow, t *tickets.Ticket) error) (*InfoRequest, error) {
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row, t, err := s.lockManaged(ctx, tx, subj, id)
		if err != nil {
			return err
		}
		return f(ctx, tx, row, t)
	})
	if err != nil {
		return nil, err
	}
	return s.requestByID(ctx, s.DB, id)
}

// saveState writes a request's new status and records the step on the ticket.
func (s *Service) saveState(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, row *requestRow, event, message string) error {
	row.Version++
	if _, err := tx.NewUpdate().Model(row).Column("status", "round", "expires_at", "revoked_at", "version").
		Set("updated_at = now()").WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("tasks: request %s: %w", event, err)
	}
	ev := requestEvent(event, row)
	if message != "" {
		ev["message"] = message
	}
	return s.Tickets.RecordTx(ctx, tx, subj, t.ID, fieldInfoRequest, nil, ev)
}

// Answer is an answer to a request: its text and its received files.
type Answer struct {
	Body  string
	Files []*attachments.Upload
}

func checkAnswer(a Answer) (string, error) {
	if len(a.Files) > MaxAnswerFiles {
		return "", errs.InvalidField("files", "info_request.files_max", map[string]any{"max": MaxAnswerFiles})
	}
	return cleanText("body", a.Body, 10000, true)
}

// AnswerAsUser answers a request addressed to subj in the app.
func (s *Service) AnswerAsUser(ctx context.Context, subj access.Subject, id int64, a Answer) (*InfoRequest, error) {
	body, err := checkAnswer(a)
	if err != nil {
		return nil, err
	}
	if err := s.putFiles(ctx, a.Files); err != nil {
		return nil, err
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row := new(requestRow)
		err := tx.NewSelect().Model(row).Where("ir.id = ?", id).For("UPDATE").Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (row.ToUserID == nil || !access.CanAnswerInfoRequest(subj, *row.ToUserID))) {
			return errs.New(errs.NotFound, "info_request.not_found")
		}
		if err != nil {
			return fmt.Errorf("tasks: request: %w", err)
		}
		return s.answerTx(ctx, tx, subj, row, subj.Name, body, a.Files)
	})
	if err != nil {
		return nil, err
	}
	return s.requestByID(ctx, s.DB, id)
}

// answerTx writes an answer on a locked request: refused when gone or not open; else the message and its
// files, the status answered, the step recorded on the ticket with an internal note carrying the text and
// naming the files, and the requester and the ticket's assignee told.
func (s *Service) answerTx(ctx context.Context, tx bun.Tx, subj access.Subject, row *requestRow, name, body string, ups []*attachments.Upload) error {
	now := time.Now()
	if row.gone(now) {
		return errs.New(errs.Gone, "info_request.gone")
	}
	if row.Status != StatusOpen {
		return errs.New(errs.Conflict, "info_request.under_review")
	}
	t, err := s.ticketFor(ctx, tx, row.TicketID)
	if err != nil {
		return err
	}
	msg := &messageRow{RequestID: row.ID, Author: "recipient", Name: name, Body: body}
	if subj.UserID != 0 {
		msg.AuthorUserID = &subj.UserID
	}
	if _, err := tx.NewInsert().Model(msg).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("tasks: answer: %w", err)
	}
	names := make([]string, len(ups))
	if len(ups) > 0 {
		files := make([]requestFileRow, len(ups))
		for i, up := range ups {
			files[i] = requestFileRow{RequestID: row.ID, MessageID: msg.ID, Filename: up.Filename, ContentType: up.ContentType,
				Size: up.Size, SHA256: up.SHA256}
			names[i] = up.Filename
		}
		if _, err := tx.NewInsert().Model(&files).Exec(ctx); err != nil {
			return fmt.Errorf("tasks: answer files: %w", err)
		}
	}
	row.Status = StatusAnswered
	row.Version++
	if _, err := tx.NewUpdate().Model(row).Column("status", "version").Set("updated_at = now()").WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("tasks: answer: %w", err)
	}
	ev := requestEvent("answered", row)
	ev["files"] = names
	if err := s.Tickets.RecordTx(ctx, tx, subj, t.ID, fieldInfoRequest, nil, ev); err != nil {
		return err
	}
	note := i18n.T(i18n.Default, "info_request.note", map[string]any{"name": name, "question": row.Question, "body": body})
	if len(names) > 0 {
		note += "\n\n" + i18n.T(i18n.Default, "info_request.note_files", map[string]any{"files": strings.Join(names, ", ")})
	}
	if err := s.Tickets.NoteTx(ctx, tx, subj, t, note); err != nil {
		return err
	}
	if s.Notifier == nil {
		return nil
	}
	var tell []int64
	for _, id := range []*int64{row.CreatedBy, t.AssigneeID} {
		if id != nil && *id != subj.UserID && (len(tell) == 0 || tell[0] != *id) {
			tell = append(tell, *id)
		}
	}
	return s.Notifier.NotifyUsers(ctx, tx, &t.ID, tell, KindInfoRequest,
		titles("info_request.notify_answered", map[string]any{"number": t.Number, "name": name}))
}

// PublicRequest is what the outsider's page shows.
type PublicRequest struct {
	TicketNumber  int64     `json:"ticket_number"`
	TicketSubject string    `json:"ticket_subject"`
	Question      string    `json:"question"`
	Thread        []Message `json:"thread"`
	Status        string    `json:"status"`
	ExpiresAt     time.Time `json:"expires_at"`
	Lang          string    `json:"lang"`
	RecipientName string    `json:"recipient_name"`
}

// byToken finds the request of a link token (nil when unknown).
func byToken(ctx context.Context, db bun.IDB, token string, forUpdate bool) (*requestRow, error) {
	if !tokens.WellFormed(token) {
		return nil, nil
	}
	row := new(requestRow)
	q := db.NewSelect().Model(row).Where("ir.id = (SELECT request_id FROM info_request_links WHERE token_sha256 = ?)", tokens.Hash(token))
	if forUpdate {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tasks: request by link: %w", err)
	}
	return row, nil
}

// PublicView is the outsider's page of a link: unknown links are not found, revoked or expired ones
// gone. It returns the request's language (for the error's too) with it.
func (s *Service) PublicView(ctx context.Context, token string) (*PublicRequest, string, error) {
	row, err := byToken(ctx, s.DB, token, false)
	if err != nil {
		return nil, "", err
	}
	if row == nil {
		return nil, "", errs.New(errs.NotFound, "info_request.link_not_found")
	}
	if row.gone(time.Now()) {
		return nil, row.Lang, errs.New(errs.Gone, "info_request.gone")
	}
	t, err := s.ticketFor(ctx, s.DB, row.TicketID)
	if err != nil {
		return nil, row.Lang, err
	}
	th, err := threads(ctx, s.DB, []int64{row.ID}, false)
	if err != nil {
		return nil, row.Lang, err
	}
	msgs := th[row.ID]
	if msgs == nil {
		msgs = []Message{}
	}
	return &PublicRequest{TicketNumber: t.Number, TicketSubject: t.Subject, Question: row.Question, Thread: msgs,
		Status: row.state(time.Now()), ExpiresAt: row.ExpiresAt.UTC(), Lang: row.Lang, RecipientName: row.ToName}, row.Lang, nil
}

// CheckPublic refuses, before files are read, a link that cannot take an answer now.
func (s *Service) CheckPublic(ctx context.Context, token string) (string, error) {
	row, err := byToken(ctx, s.DB, token, false)
	if err != nil {
		return "", err
	}
	if row == nil {
		return "", errs.New(errs.NotFound, "info_request.link_not_found")
	}
	if row.gone(time.Now()) {
		return row.Lang, errs.New(errs.Gone, "info_request.gone")
	}
	if row.Status != StatusOpen {
		return row.Lang, errs.New(errs.Conflict, "info_request.under_review")
	}
	return row.Lang, nil
}

// AnswerPublic answers a request through its link, as the outsider it was sent to.
func (s *Service) AnswerPublic(ctx context.Context, token string, a Answer) (*PublicRequest, error) {
	body, err := checkAnswer(a)
	if err != nil {
		return nil, err
	}
	if err := s.putFiles(ctx, a.Files); err != nil {
		return nil, err
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row, err := byToken(ctx, tx, token, true)
		if err != nil {
			return err
		}
		if row == nil {
			return errs.New(errs.NotFound, "info_request.link_not_found")
		}
		return s.answerTx(ctx, tx, access.Subject{}, row, row.ToName, body, a.Files)
	})
	if err != nil {
		return nil, err
	}
	out, _, err := s.PublicView(ctx, token)
	return out, err
}

// OpenRequestFile opens a file of an answer, for those who see the ticket's requests and for the
// request's in-app recipient; any other is not found.
func (s *Service) OpenRequestFile(ctx context.Context, subj access.Subject, id int64) (*Download, error) {
	f := new(requestFileRow)
	err := s.DB.NewSelect().Model(f).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "attachment.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("tasks: request file: %w", err)
	}
	row := new(requestRow)
	if err := s.DB.NewSelect().Model(row).Where("ir.id = ?", f.RequestID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks: request file: %w", err)
	}
	t, err := s.ticketFor(ctx, s.DB, row.TicketID)
	if err != nil {
		return nil, err
	}
	recipient := row.ToUserID != nil && access.CanAnswerInfoRequest(subj, *row.ToUserID)
	if !recipient && !access.CanSeeInfoRequests(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "attachment.not_found")
	}
	return s.open(ctx, f.api(true), f.SHA256)
}

// localeOf is an i18n locale from a request's language.
func localeOf(lang string) i18n.Locale {
	if l, ok := i18n.Parse(lang); ok {
		return l
	}
	return i18n.Default
}
