// Package webform is the public web form and its tracking links: an anonymous visitor opens a ticket
// with name, email, typification, order number, description and files, and follows it (status, public
// conversation, replies) through a link mailed to them, which expires and which staff may revoke.
package webform

import (
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/notify"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// The form's limits.
const (
	// MaxFiles is the most files the form or one reply carries.
	MaxFiles = 5
	// LinkTTL is how long a tracking link works.
	LinkTTL = 30 * 24 * time.Hour
	// channelKey is the catalog key of the channel the form's tickets come from.
	channelKey = "web_form"
	// subjectRunes bounds the subject taken from the description's first line.
	subjectRunes = 120
	maxName      = 120
	maxEmail     = 254
	maxBody      = tickets.MaxCommentBody
)

// Mailer queues an email inside a transaction (notify.Service does).
type Mailer interface {
	QueueMailTx(ctx context.Context, tx bun.Tx, template, eventKey string, ticketID *int64, toEmail, toName, lang string,
		vars map[string]any) error
}

// Service runs the web form and the tracking links.
type Service struct {
	DB           *bun.DB
	Tickets      *tickets.Service
	People       *people.Store
	Catalog      *catalog.Store
	Files        attachments.Store
	MaxFileBytes int64
	Mailer       Mailer
	// PublicURL is the desk's address for links in mail; empty, the request's origin is used.
	PublicURL string
	TimeZone  *time.Location
	Redis     *redis.Client
	KeyPrefix string
}

// FormCategory is a category offered on the form with its subcategories.
type FormCategory struct {
	ID            int64             `json:"id"`
	NameES        string            `json:"name_es"`
	NameEN        string            `json:"name_en"`
	Subcategories []FormSubcategory `json:"subcategories"`
}

// FormSubcategory is a subcategory offered on the form.
type FormSubcategory struct {
	ID     int64  `json:"id"`
	NameES string `json:"name_es"`
	NameEN string `json:"name_en"`
}

// FormInfo is what the form needs to render.
type FormInfo struct {
	Categories []FormCategory `json:"categories"`
	MaxFiles   int            `json:"max_files"`
	MaxBytes   int64          `json:"max_file_bytes"`
}

// Form lists the active categories, each with its active subcategories, in display order, in one query.
func (s *Service) Form(ctx context.Context) (*FormInfo, error) {
	var cats []catalog.Category
	if err := s.DB.NewSelect().Model(&cats).Where("active").OrderExpr("parent_id NULLS FIRST, position, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("webform: categories: %w", err)
	}
	out := &FormInfo{Categories: []FormCategory{}, MaxFiles: MaxFiles, MaxBytes: s.MaxFileBytes}
	index := map[int64]int{}
	for _, c := range cats {
		if c.ParentID == nil {
			index[c.ID] = len(out.Categories)
			out.Categories = append(out.Categories, FormCategory{ID: c.ID, NameES: c.NameES, NameEN: c.NameEN,
				Subcategories: []FormSubcategory{}})
			continue
		}
		// A subcategory of an inactive category is not offered: its parent is not.
		if i, ok := index[*c.ParentID]; ok {
			out.Categories[i].Subcategories = append(out.Categories[i].Subcategories,
				FormSubcategory{ID: c.ID, NameES: c.NameES, NameEN: c.NameEN})
		}
	}
	return out, nil
}

// Submission is the form as sent: its text fields (as typed) and its files.
type Submission struct {
	Name          string
	Email         string
	CategoryID    string
	SubcategoryID string
	OrderNumber   string
	Description   string
	Lang          string
	Files         []*attachments.Upload
}

// checked is a submission whose fields are well formed.
type checked struct {
	name, email, description string
	categoryID               int64
	subcategoryID            *int64
	orderNumber              *string
	lang                     i18n.Locale
}

// check validates what can be told without the database, every field at once.
func (in Submission) check() (*checked, error) {
	bad := errs.New(errs.Invalid, "error.invalid")
	out := &checked{lang: localeOf(in.Lang)}
	out.name = strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(out.name); {
	case n == 0:
		bad.WithField("name", "field.required", nil)
	case n > maxName:
		bad.WithField("name", "field.max", map[string]any{"param": maxName})
	}
	out.email = strings.TrimSpace(in.Email)
	if out.email == "" {
		bad.WithField("email", "field.required", nil)
	} else if a, err := mail.ParseAddress(out.email); err != nil || a.Address != out.email || len(out.email) > maxEmail ||
		!strings.Contains(out.email[strings.LastIndexByte(out.email, '@')+1:], ".") {
		bad.WithField("email", "field.email", nil)
	}
	if strings.TrimSpace(in.CategoryID) == "" {
		bad.WithField("category_id", "field.required", nil)
	} else if id, err := strconv.ParseInt(strings.TrimSpace(in.CategoryID), 10, 64); err != nil || id < 1 {
		bad.WithField("category_id", "field.invalid", nil)
	} else {
		out.categoryID = id
	}
	if v := strings.TrimSpace(in.SubcategoryID); v != "" {
		if id, err := strconv.ParseInt(v, 10, 64); err != nil || id < 1 {
			bad.WithField("subcategory_id", "field.invalid", nil)
		} else {
			out.subcategoryID = &id
		}
	}
	if v := strings.TrimSpace(in.OrderNumber); v != "" {
		out.orderNumber = &v
	}
	out.description = strings.ReplaceAll(strings.TrimSpace(in.Description), "\x00", "\uFFFD")
	switch n := utf8.RuneCountInString(out.description); {
	case n == 0:
		bad.WithField("description", "field.required", nil)
	case n > maxBody:
		bad.WithField("description", "field.max", map[string]any{"param": maxBody})
	}
	if len(in.Files) > MaxFiles {
		bad.WithField("files", "webform.files_max", map[string]any{"max": MaxFiles})
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	return out, nil
}

// subjectOf is a ticket subject from a description: its first line, cut to a readable length.
func subjectOf(description string) string {
	line, _, _ := strings.Cut(description, "\n")
	line = strings.Join(strings.Fields(line), " ")
	if utf8.RuneCountInString(line) <= subjectRunes {
		return line
	}
	r := []rune(line)
	return strings.TrimSpace(string(r[:subjectRunes-1])) + "…"
}

// Created is the answer to a submission.
type Created struct {
	Number int64 `json:"number"`
}

// Submit opens a ticket from the form, in one transaction: the requester found or created by email, the
// ticket (through the tickets rules, as the visitor: access.WebFormSubject), the files on a public reply
// of the requester so that they show in the conversation, and a tracking link whose mail is queued.
// Any refusal writes nothing.
func (s *Service) Submit(ctx context.Context, in Submission, origin string) (*Created, error) {
	c, err := in.check()
	if err != nil {
		return nil, err
	}
	if err := s.putFiles(ctx, in.Files); err != nil {
		return nil, err
	}
	var out Created
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		person, err := s.People.FindOrCreate(ctx, tx, c.name, c.email)
		if err != nil {
			return err
		}
		subj := access.WebFormSubject(person.ID, c.name, person.Email, c.lang)
		ch, err := s.Catalog.LookupRefByKey(ctx, tx, catalog.RefChannels, channelKey)
		if err != nil {
			return err
		}
		req := tickets.NewTicketRequest{Subject: subjectOf(c.description), Description: c.description,
			CategoryID: c.categoryID, SubcategoryID: c.subcategoryID, OrderNumber: c.orderNumber,
			Requester: &tickets.NewPerson{Name: c.name, Email: person.Email}}
		if ch != nil && ch.Active {
			req.ChannelID = &ch.ID
		}
		d, err := s.Tickets.CreateTx(ctx, tx, subj, req, "")
		if err != nil {
			return err
		}
		t, err := s.Tickets.Load(ctx, tx, d.ID, true)
		if err != nil {
			return err
		}
		if t == nil {
			return fmt.Errorf("webform: the new ticket %d is missing", d.ID)
		}
		out.Number = t.Number
		if len(in.Files) > 0 {
			body := i18n.T(c.lang, "webform.files_reply", map[string]any{"count": len(in.Files)})
			if err := s.replyTx(ctx, tx, subj, t, body, in.Files); err != nil {
				return err
			}
		}
		_, err = s.sendLinkTx(ctx, tx, subj, t, person, c.email, string(c.lang), origin, "created")
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// replyTx writes a public reply of subj on t carrying received files (their bytes already stored).
func (s *Service) replyTx(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, body string, ups []*attachments.Upload) error {
	ids := make([]int64, 0, len(ups))
	for _, up := range ups {
		a, err := s.Tickets.AttachTx(ctx, tx, subj, t, up)
		if err != nil {
			return err
		}
		ids = append(ids, a.ID)
	}
	_, err := s.Tickets.WriteComment(ctx, tx, subj, t, tickets.NewComment{Body: body, Public: true, AttachmentIDs: ids})
	return err
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

func (s *Service) origin(request string) string {
	if s.PublicURL != "" {
		return strings.TrimSuffix(s.PublicURL, "/")
	}
	return strings.TrimSuffix(request, "/")
}

func (s *Service) zone() *time.Location {
	if s.TimeZone == nil {
		return time.UTC
	}
	return s.TimeZone
}

// localeOf is the form's language, Spanish unless English is asked for.
func localeOf(lang string) i18n.Locale {
	if l, ok := i18n.Parse(lang); ok {
		return l
	}
	return i18n.Default
}

// honeypotNumber is what a filled honeypot is answered with: a plausible next case number, so that a
// robot cannot tell it was caught. Nothing is written.
func (s *Service) honeypotNumber(ctx context.Context) (int64, error) {
	var n int64
	if err := s.DB.NewRaw("SELECT coalesce(max(number), 0) + 1 FROM tickets").Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("webform: honeypot: %w", err)
	}
	return n, nil
}

var _ Mailer = (*notify.Service)(nil)
