package webform

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/tickets"
)

// TrackStatus is a ticket's status on the tracking page.
type TrackStatus struct {
	LabelES string `json:"label_es"`
	LabelEN string `json:"label_en"`
	Group   string `json:"group"`
	Color   string `json:"color"`
}

// TrackFile is a public file of the ticket, downloadable through the link.
type TrackFile struct {
	ID          int64     `json:"id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
}

// TrackComment is a public reply on the tracking page; Mine marks the visitor's own.
type TrackComment struct {
	ID          int64       `json:"id"`
	AuthorName  string      `json:"author_name"`
	Mine        bool        `json:"mine"`
	BodyHTML    string      `json:"body_html"`
	Attachments []TrackFile `json:"attachments"`
	CreatedAt   time.Time   `json:"created_at"`
}

// Track is what the tracking page shows: the ticket as its requester may see it, public parts only.
type Track struct {
	Number       int64          `json:"number"`
	Subject      string         `json:"subject"`
	Description  string         `json:"description"`
	Status       TrackStatus    `json:"status"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
	ExpiresAt    time.Time      `json:"expires_at"`
	Lang         string         `json:"lang"`
	Conversation []TrackComment `json:"conversation"`
	// Attachments are the files on the ticket itself, outside any reply.
	Attachments []TrackFile `json:"attachments"`
}

// opened is a working link with the ticket and the subject it acts as.
type opened struct {
	link   *linkRow
	ticket *tickets.Ticket
	subj   access.Subject
}

// open resolves a token: unknown is not found; revoked, expired, or no longer the person's ticket is
// gone. The language returned is the link's (for errors too).
func (s *Service) open(ctx context.Context, db bun.IDB, token string, forUpdate bool) (*opened, string, error) {
	link, err := byToken(ctx, db, token, forUpdate)
	if err != nil {
		return nil, "", err
	}
	if link == nil {
		return nil, "", errs.New(errs.NotFound, "webform.link_not_found")
	}
	if link.state(time.Now()) != StateActive {
		return nil, link.Lang, errs.New(errs.Gone, "webform.link_gone")
	}
	person, err := s.People.ByIDIn(ctx, db, link.PersonID)
	if err != nil {
		return nil, link.Lang, err
	}
	t, err := s.Tickets.Load(ctx, db, link.TicketID, false)
	if err != nil {
		return nil, link.Lang, err
	}
	subj := access.TrackingSubject(link.PersonID, person.Name, person.Email, localeOf(link.Lang))
	if t == nil || !access.CanSeeTicket(subj, t.Vis()) {
		return nil, link.Lang, errs.New(errs.Gone, "webform.link_gone")
	}
	return &opened{link: link, ticket: t, subj: subj}, link.Lang, nil
}

func fileURL(token string, id int64) string {
	return "/api/v1/public/track/" + token + "/attachments/" + strconv.FormatInt(id, 10)
}

func trackFile(token string, a tickets.Attachment) TrackFile {
	return TrackFile{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, CreatedAt: a.CreatedAt,
		URL: fileURL(token, a.ID)}
}

// View is the tracking page of a link.
func (s *Service) View(ctx context.Context, token string) (*Track, string, error) {
	o, lang, err := s.open(ctx, s.DB, token, false)
	if err != nil {
		return nil, lang, err
	}
	t := o.ticket
	st := new(catalog.Status)
	if err := s.DB.NewSelect().Model(st).Where("id = ?", t.StatusID).Scan(ctx); err != nil {
		return nil, lang, fmt.Errorf("webform: status: %w", err)
	}
	// The requester's own view: public replies only, files of public replies and of the ticket.
	comments, err := s.Tickets.Comments(ctx, o.subj, t.ID)
	if err != nil {
		return nil, lang, err
	}
	files, err := s.Tickets.Attachments(ctx, o.subj, t.ID)
	if err != nil {
		return nil, lang, err
	}
	out := &Track{Number: t.Number, Subject: t.Subject, Description: t.Description, CreatedAt: t.CreatedAt.UTC(),
		UpdatedAt: t.UpdatedAt.UTC(), ExpiresAt: o.link.ExpiresAt.UTC(), Lang: o.link.Lang,
		Status:       TrackStatus{LabelES: st.NameES, LabelEN: st.NameEN, Group: string(st.Group), Color: st.Color},
		Conversation: make([]TrackComment, 0, len(comments)), Attachments: []TrackFile{}}
	for _, c := range comments {
		if !c.Public {
			continue
		}
		tc := TrackComment{ID: c.ID, BodyHTML: c.BodyHTML, CreatedAt: c.CreatedAt, Attachments: make([]TrackFile, 0, len(c.Attachments))}
		if c.Author != nil {
			tc.AuthorName, tc.Mine = c.Author.Name, c.Author.ID == o.link.PersonID
		}
		for _, a := range c.Attachments {
			tc.Attachments = append(tc.Attachments, trackFile(token, a))
		}
		out.Conversation = append(out.Conversation, tc)
	}
	for _, a := range files {
		if a.CommentID == nil {
			out.Attachments = append(out.Attachments, trackFile(token, a))
		}
	}
	return out, lang, nil
}

// Target is what a working link opens for the tracking page's live socket: its ticket, its person and
// its expiry.
func (s *Service) Target(ctx context.Context, token string) (*live.TrackTarget, string, error) {
	o, lang, err := s.open(ctx, s.DB, token, false)
	if err != nil {
		return nil, lang, err
	}
	return &live.TrackTarget{TicketID: o.ticket.ID, Subject: o.subj, Expires: o.link.ExpiresAt}, lang, nil
}

// Check refuses, before files are read, a link that cannot take a reply now.
func (s *Service) Check(ctx context.Context, token string) (string, error) {
	_, lang, err := s.open(ctx, s.DB, token, false)
	return lang, err
}

// Reply writes a public reply by the link's person on its ticket, with files.
func (s *Service) Reply(ctx context.Context, token, body string, ups []*attachments.Upload) (*Track, string, error) {
	body = strings.ReplaceAll(strings.TrimSpace(body), "\x00", "\uFFFD")
	bad := errs.New(errs.Invalid, "error.invalid")
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		bad.WithField("body", "field.required", nil)
	case n > maxBody:
		bad.WithField("body", "field.max", map[string]any{"param": maxBody})
	}
	if len(ups) > MaxFiles {
		bad.WithField("files", "webform.files_max", map[string]any{"max": MaxFiles})
	}
	if len(bad.Fields) > 0 {
		return nil, "", bad
	}
	if err := s.putFiles(ctx, ups); err != nil {
		return nil, "", err
	}
	var lang string
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		o, l, err := s.open(ctx, tx, token, true)
		lang = l
		if err != nil {
			return err
		}
		t, err := s.Tickets.Load(ctx, tx, o.ticket.ID, true)
		if err != nil {
			return err
		}
		if t == nil || !access.CanComment(o.subj, t.Vis(), true) {
			return errs.New(errs.Gone, "webform.link_gone")
		}
		return s.replyTx(ctx, tx, o.subj, t, body, ups)
	})
	if err != nil {
		return nil, lang, err
	}
	return s.View(ctx, token)
}

// OpenFile opens a public file of the link's own ticket; any other is not found.
func (s *Service) OpenFile(ctx context.Context, token string, id int64) (*tickets.AttachmentFile, string, error) {
	o, lang, err := s.open(ctx, s.DB, token, false)
	if err != nil {
		return nil, lang, err
	}
	f, err := s.Tickets.OpenAttachment(ctx, o.subj, s.Files, id)
	if err != nil {
		return nil, lang, err
	}
	// The requester may see files of their other tickets; the link opens its own ticket's only.
	if f.TicketID != o.ticket.ID {
		f.Content.Close()
		return nil, lang, errs.New(errs.NotFound, "attachment.not_found")
	}
	return f, lang, err
}
