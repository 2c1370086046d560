package webform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/notify"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
	"github.com/atiende/atiende/server/internal/tokens"
)

// The states of a link as staff see them.
const (
	StateActive  = "active"
	StateExpired = "expired"
	StateRevoked = "revoked"
)

// historyField is the ticket history field of tracking-link events.
const historyField = "tracking_link"

type linkRow struct {
	bun.BaseModel `bun:"table:ticket_tracking_links,alias:tl"`

	ID          int64      `bun:"id,pk,autoincrement"`
	TicketID    int64      `bun:"ticket_id"`
	PersonID    int64      `bun:"person_id"`
	Email       string     `bun:"email"`
	Lang        string     `bun:"lang"`
	TokenSHA256 []byte     `bun:"token_sha256"`
	ExpiresAt   time.Time  `bun:"expires_at"`
	RevokedAt   *time.Time `bun:"revoked_at"`
	RevokedBy   *int64     `bun:"revoked_by"`
	CreatedBy   *int64     `bun:"created_by"`
	CreatedAt   time.Time  `bun:"created_at,nullzero,default:now()"`
}

func (l *linkRow) state(now time.Time) string {
	switch {
	case l.RevokedAt != nil:
		return StateRevoked
	case !l.ExpiresAt.After(now):
		return StateExpired
	}
	return StateActive
}

// Link is a tracking link as staff see it (never its token).
type Link struct {
	ID        int64       `json:"id"`
	Email     string      `json:"email"`
	Lang      string      `json:"lang"`
	State     string      `json:"state"`
	ExpiresAt time.Time   `json:"expires_at"`
	RevokedAt *time.Time  `json:"revoked_at"`
	RevokedBy *people.Ref `json:"revoked_by"`
	CreatedBy *people.Ref `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
}

// sendLinkTx writes a new link for person on t and queues its mail, recording the step on the ticket.
// by is who sends it: the visitor on the form, staff afterwards.
func (s *Service) sendLinkTx(ctx context.Context, tx bun.Tx, by access.Subject, t *tickets.Ticket, person *people.User,
	email, lang, origin, event string) (*linkRow, error) {
	token, sum, err := tokens.NewHashed()
	if err != nil {
		return nil, err
	}
	if lang != "en" {
		lang = "es"
	}
	row := &linkRow{TicketID: t.ID, PersonID: person.ID, Email: email, Lang: lang, TokenSHA256: sum,
		ExpiresAt: time.Now().Add(LinkTTL).Truncate(time.Microsecond)}
	if by.UserID != 0 && by.UserID != person.ID {
		row.CreatedBy = &by.UserID
	}
	if _, err := tx.NewInsert().Model(row).Returning("id, created_at").Exec(ctx); err != nil {
		return nil, fmt.Errorf("webform: link: %w", err)
	}
	if err := s.Tickets.RecordTx(ctx, tx, by, t.ID, historyField, nil,
		map[string]any{"event": event, "id": row.ID, "email": row.Email, "expires_at": row.ExpiresAt.UTC()}); err != nil {
		return nil, err
	}
	if s.Mailer == nil {
		return row, nil
	}
	vars := map[string]any{
		"link":       s.origin(origin) + "/t/" + token,
		"expires_at": row.ExpiresAt.In(s.zone()).Format("2006-01-02 15:04"),
	}
	key := "ticket_tracking:" + strconv.FormatInt(row.ID, 10)
	return row, s.Mailer.QueueMailTx(ctx, tx, notify.TemplateTicketTracking, key, &t.ID, row.Email, person.Name, lang, vars)
}

// byToken finds the link of a token (nil when unknown).
func byToken(ctx context.Context, db bun.IDB, token string, forUpdate bool) (*linkRow, error) {
	if !tokens.WellFormed(token) {
		return nil, nil
	}
	row := new(linkRow)
	q := db.NewSelect().Model(row).Where("token_sha256 = ?", tokens.Hash(token))
	if forUpdate {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("webform: link by token: %w", err)
	}
	return row, nil
}

// staffTicket loads a ticket subj may see (else not found) and may manage the links of (else forbidden).
func (s *Service) staffTicket(ctx context.Context, db bun.IDB, subj access.Subject, id int64, forUpdate bool) (*tickets.Ticket, error) {
	t, err := s.Tickets.Load(ctx, db, id, forUpdate)
	if err != nil {
		return nil, err
	}
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, errs.New(errs.NotFound, "ticket.not_found")
	}
	if !access.CanManageTrackingLinks(subj, t.Vis()) {
		return nil, errs.New(errs.Forbidden, "webform.links_forbidden")
	}
	return t, nil
}

// LinkList is a ticket's links, newest first, and whether its requester has no login (the page offers
// links then even before there is one).
type LinkList struct {
	Items                 []Link `json:"items"`
	RequesterWithoutLogin bool   `json:"requester_without_login"`
}

// Links lists a ticket's tracking links for those who may manage them.
func (s *Service) Links(ctx context.Context, subj access.Subject, ticketID int64) (*LinkList, error) {
	t, err := s.staffTicket(ctx, s.DB, subj, ticketID, false)
	if err != nil {
		return nil, err
	}
	var rows []linkRow
	if err := s.DB.NewSelect().Model(&rows).Where("ticket_id = ?", t.ID).OrderExpr("id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("webform: links: %w", err)
	}
	out := &LinkList{}
	if out.Items, err = s.apiLinks(ctx, s.DB, rows); err != nil {
		return nil, err
	}
	if t.RequesterID != nil {
		var hasLogin bool
		if err := s.DB.NewRaw("SELECT password_hash <> '' FROM users WHERE id = ?", *t.RequesterID).Scan(ctx, &hasLogin); err != nil {
			return nil, fmt.Errorf("webform: requester: %w", err)
		}
		out.RequesterWithoutLogin = !hasLogin
	}
	return out, nil
}

// apiLinks names the people of links with one query.
func (s *Service) apiLinks(ctx context.Context, db bun.IDB, rows []linkRow) ([]Link, error) {
	var ids []int64
	for _, r := range rows {
		for _, id := range []*int64{r.RevokedBy, r.CreatedBy} {
			if id != nil {
				ids = append(ids, *id)
			}
		}
	}
	names, err := s.People.Names(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	ref := func(id *int64) *people.Ref {
		if id == nil {
			return nil
		}
		return &people.Ref{ID: *id, Name: names[*id]}
	}
	now := time.Now()
	out := make([]Link, len(rows))
	for i, r := range rows {
		out[i] = Link{ID: r.ID, Email: r.Email, Lang: r.Lang, State: r.state(now), ExpiresAt: r.ExpiresAt.UTC(),
			RevokedBy: ref(r.RevokedBy), CreatedBy: ref(r.CreatedBy), CreatedAt: r.CreatedAt.UTC()}
		if r.RevokedAt != nil {
			at := r.RevokedAt.UTC()
			out[i].RevokedAt = &at
		}
	}
	return out, nil
}

// SendLink mails the ticket's requester a new tracking link (earlier links keep working until they
// expire or are revoked).
func (s *Service) SendLink(ctx context.Context, subj access.Subject, ticketID int64, origin string) (*Link, error) {
	var row *linkRow
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.staffTicket(ctx, tx, subj, ticketID, true)
		if err != nil {
			return err
		}
		if t.RequesterID == nil {
			return errs.New(errs.Invalid, "webform.no_requester")
		}
		person, err := s.People.ByIDIn(ctx, tx, *t.RequesterID)
		if err != nil {
			return err
		}
		if person == nil || person.Email == "" {
			return errs.New(errs.Invalid, "webform.no_requester")
		}
		row, err = s.sendLinkTx(ctx, tx, subj, t, person, person.Email, string(person.Locale), origin, "sent")
		return err
	})
	if err != nil {
		return nil, err
	}
	out, err := s.apiLinks(ctx, s.DB, []linkRow{*row})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// RevokeLink stops a link from working; revoking a revoked link changes nothing.
func (s *Service) RevokeLink(ctx context.Context, subj access.Subject, ticketID, linkID int64) (*Link, error) {
	row := new(linkRow)
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.staffTicket(ctx, tx, subj, ticketID, false)
		if err != nil {
			return err
		}
		err = tx.NewSelect().Model(row).Where("id = ? AND ticket_id = ?", linkID, t.ID).For("UPDATE").Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "webform.link_not_found")
		}
		if err != nil {
			return fmt.Errorf("webform: link: %w", err)
		}
		if row.RevokedAt != nil {
			return nil
		}
		now := time.Now()
		row.RevokedAt, row.RevokedBy = &now, &subj.UserID
		if _, err := tx.NewUpdate().Model(row).Column("revoked_at", "revoked_by").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("webform: revoke: %w", err)
		}
		return s.Tickets.RecordTx(ctx, tx, subj, t.ID, historyField, nil,
			map[string]any{"event": "revoked", "id": row.ID, "email": row.Email})
	})
	if err != nil {
		return nil, err
	}
	out, err := s.apiLinks(ctx, s.DB, []linkRow{*row})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}
