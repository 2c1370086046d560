package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
)

// The limits of a template's texts.
const (
	MaxSubject = 250
	MaxBody    = 20000
)

// Texts is a text in both languages.
type Texts struct {
	ES string `json:"es" validate:"required,max=20000"`
	EN string `json:"en" validate:"required,max=20000"`
}

// TemplateUpdate is the body of PUT /mail/templates/{key}: both texts in both languages and the version
// edited.
type TemplateUpdate struct {
	Subject Texts `json:"subject" validate:"required"`
	Body    Texts `json:"body" validate:"required"`
	Version int64 `json:"version" validate:"required,gte=1"`
}

// TemplateItem is one template of PUT /mail/templates.
type TemplateItem struct {
	Key string `json:"key" validate:"required"`
	TemplateUpdate
}

// TemplatesUpdate is the body of PUT /mail/templates: several templates saved together, or none.
type TemplatesUpdate struct {
	Items []TemplateItem `json:"items" validate:"required,min=1,max=6,dive"`
}

// PreviewRequest is the body of POST /mail/templates/{key}/preview: a draft rendered with sample values
// or those of a ticket the caller may see.
type PreviewRequest struct {
	Lang     string `json:"lang" validate:"required,oneof=es en"`
	Subject  string `json:"subject" validate:"max=250"`
	Body     string `json:"body" validate:"max=20000"`
	TicketID *int64 `json:"ticket_id" validate:"omitempty,gte=1"`
}

func authorizeManage(subj access.Subject) error {
	if !access.CanManageMail(subj) {
		return errs.New(errs.Forbidden, "mail.forbidden")
	}
	return nil
}

func knownTemplate(key string) error {
	if _, ok := Variables[key]; !ok {
		return errs.New(errs.NotFound, "mail.template_not_found")
	}
	return nil
}

// Templates lists every template with its variables.
func (s *Service) Templates(ctx context.Context, subj access.Subject) ([]Template, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	tpls, err := templates(ctx, s.DB, TemplateKeys)
	if err != nil {
		return nil, err
	}
	out := make([]Template, 0, len(TemplateKeys))
	for _, k := range TemplateKeys {
		if t := tpls[k]; t != nil {
			t.Variables = Variables[k]
			t.UpdatedAt = t.UpdatedAt.UTC()
			out = append(out, *t)
		}
	}
	return out, nil
}

// Template returns one template with its variables.
func (s *Service) Template(ctx context.Context, subj access.Subject, key string) (*Template, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	if err := knownTemplate(key); err != nil {
		return nil, err
	}
	return s.template(ctx, s.DB, key, false)
}

func (s *Service) template(ctx context.Context, db bun.IDB, key string, forUpdate bool) (*Template, error) {
	t := new(Template)
	q := db.NewSelect().Model(t).Where("key = ?", key)
	if forUpdate {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "mail.template_not_found")
	} else if err != nil {
		return nil, fmt.Errorf("notify: template: %w", err)
	}
	t.Variables = Variables[key]
	t.UpdatedAt = t.UpdatedAt.UTC()
	return t, nil
}

// checkTexts refuses texts that are blank or use variables the template does not have, naming them.
func checkTexts(key, prefix string, in TemplateUpdate, bad *errs.Error) {
	for _, f := range []struct {
		field, text string
		max         int
	}{{"subject.es", in.Subject.ES, MaxSubject}, {"subject.en", in.Subject.EN, MaxSubject},
		{"body.es", in.Body.ES, MaxBody}, {"body.en", in.Body.EN, MaxBody}} {
		switch {
		case strings.TrimSpace(f.text) == "":
			bad.WithField(prefix+f.field, "field.required", nil)
		case len([]rune(f.text)) > f.max:
			bad.WithField(prefix+f.field, "field.max", map[string]any{"param": f.max})
		case strings.HasPrefix(f.field, "subject") && strings.ContainsAny(f.text, "\r\n"):
			bad.WithField(prefix+f.field, "mail.subject_one_line", nil)
		default:
			if unknown := unknownVariables(key, f.text); len(unknown) > 0 {
				bad.WithField(prefix+f.field, "mail.unknown_variables", map[string]any{"names": strings.Join(unknown, ", "),
					"known": strings.Join(Variables[key], ", ")})
			}
		}
	}
}

// UpdateTemplate saves a template's texts; a stale version is a conflict, an unknown variable a field
// error naming it, and nothing is written then.
func (s *Service) UpdateTemplate(ctx context.Context, subj access.Subject, key string, in TemplateUpdate) (*Template, error) {
	out, err := s.UpdateTemplates(ctx, subj, TemplatesUpdate{Items: []TemplateItem{{Key: key, TemplateUpdate: in}}}, true)
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// UpdateTemplates saves several templates in one transaction: all of them, or none when any is refused.
// single says the errors name the fields of one template (PUT /mail/templates/{key}) rather than items.N.
func (s *Service) UpdateTemplates(ctx context.Context, subj access.Subject, in TemplatesUpdate, single bool) ([]Template, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	bad := errs.New(errs.Invalid, "error.invalid")
	seen := map[string]bool{}
	for i, it := range in.Items {
		prefix := fmt.Sprintf("items.%d.", i)
		if single {
			prefix = ""
			if err := knownTemplate(it.Key); err != nil {
				return nil, err
			}
		} else if _, ok := Variables[it.Key]; !ok || seen[it.Key] {
			bad.WithField(prefix+"key", "mail.template_key", nil)
			continue
		}
		seen[it.Key] = true
		checkTexts(it.Key, prefix, it.TemplateUpdate, bad)
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	var out []Template
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, it := range in.Items {
			cur, err := s.template(ctx, tx, it.Key, true)
			if err != nil {
				return err
			}
			if cur.Version != it.Version {
				e := errs.New(errs.Conflict, "error.conflict")
				e.Current = cur
				return e
			}
			cur.Subject = map[string]string{"es": it.Subject.ES, "en": it.Subject.EN}
			cur.Body = map[string]string{"es": it.Body.ES, "en": it.Body.EN}
			if _, err := tx.NewUpdate().Model(cur).Column("subject", "body").Set("version = version + 1").
				Set("updated_at = now()").WherePK().Returning("version, updated_at").Exec(ctx); err != nil {
				return fmt.Errorf("notify: save template: %w", err)
			}
			cur.UpdatedAt = cur.UpdatedAt.UTC()
			out = append(out, *cur)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sampleTime is the date previews show.
var sampleTime = time.Date(2026, 12, 11, 17, 0, 0, 0, time.UTC)

// sampleValues fill a preview without a ticket.
func (s *Service) sampleValues(l i18n.Locale) map[string]string {
	v := map[string]string{"ticket.number": "1042", "ticket.url": s.ticketURL(1042), "tasks.url": s.origin() + "/work",
		"link": s.origin() + "/r/sample", "tasks.count": "2", "expires_at": formatTime(sampleTime, l, s.TimeZone), "sla.due_at": formatTime(sampleTime, l, s.TimeZone)}
	for _, k := range []string{"ticket.subject", "ticket.status", "ticket.priority", "ticket.assignee", "ticket.requester",
		"recipient.name", "actor.name", "change.summary", "reply.text", "tasks.list", "question", "requester", "sla.event", "sla.clock"} {
		v[k] = i18n.T(l, "mail.sample."+k, nil)
	}
	return v
}

// Preview renders a draft of a template in a language with sample values, or with the values of a ticket
// subj may see (a hidden ticket is not found).
func (s *Service) Preview(ctx context.Context, subj access.Subject, key string, in PreviewRequest) (*Rendered, error) {
	if err := authorizeManage(subj); err != nil {
		return nil, err
	}
	if err := knownTemplate(key); err != nil {
		return nil, err
	}
	bad := errs.New(errs.Invalid, "error.invalid")
	for _, f := range []struct{ field, text string }{{"subject", in.Subject}, {"body", in.Body}} {
		if unknown := unknownVariables(key, f.text); len(unknown) > 0 {
			bad.WithField(f.field, "mail.unknown_variables", map[string]any{"names": strings.Join(unknown, ", "),
				"known": strings.Join(Variables[key], ", ")})
		}
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	l := lang(in.Lang)
	values := s.sampleValues(l)
	if in.TicketID != nil {
		t, err := s.visibleTicket(ctx, s.DB, subj, *in.TicketID)
		if err != nil {
			return nil, err
		}
		infos, err := ticketInfos(ctx, s.DB, []int64{t.ID})
		if err != nil {
			return nil, err
		}
		if ti := infos[t.ID]; ti != nil {
			s.ticketValues(ti, l, values)
		}
	}
	r := render(in.Subject, in.Body, values)
	return &r, nil
}
