package notify

import (
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/i18n"
)

// Template is a mail template as stored and as the API shows it.
type Template struct {
	bun.BaseModel `bun:"table:mail_templates,alias:mt"`

	Key       string            `bun:"key,pk" json:"key"`
	Subject   map[string]string `bun:"subject,type:jsonb" json:"subject"`
	Body      map[string]string `bun:"body,type:jsonb" json:"body"`
	Variables []string          `bun:"-" json:"variables"`
	Version   int64             `bun:"version" json:"version"`
	UpdatedAt time.Time         `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
}

// outboxRow is one mail in the outbox (the mail log).
type outboxRow struct {
	bun.BaseModel `bun:"table:mail_outbox,alias:mo"`

	ID        int64      `bun:"id,pk,autoincrement" json:"id"`
	Template  string     `bun:"template" json:"template"`
	EventKey  string     `bun:"event_key" json:"event_key"`
	ToEmail   string     `bun:"to_email" json:"to_email"`
	ToName    string     `bun:"to_name" json:"to_name"`
	ToUserID  *int64     `bun:"to_user_id" json:"-"`
	Lang      string     `bun:"lang" json:"lang"`
	Subject   string     `bun:"subject" json:"subject"`
	Text      string     `bun:"text" json:"-"`
	HTML      string     `bun:"html" json:"-"`
	MessageID string     `bun:"message_id" json:"message_id"`
	Status    string     `bun:"status" json:"status"`
	Attempts  int        `bun:"attempts" json:"attempts"`
	LastError string     `bun:"last_error" json:"last_error"`
	TicketID  *int64     `bun:"ticket_id" json:"ticket_id"`
	CreatedAt time.Time  `bun:"created_at,nullzero,default:now()" json:"created_at"`
	SentAt    *time.Time `bun:"sent_at" json:"sent_at"`
}

// ticketInfo is what ticket variables are filled from, in both languages.
type ticketInfo struct {
	ID          int64  `bun:"id"`
	Number      int64  `bun:"number"`
	Subject     string `bun:"subject"`
	StatusES    string `bun:"status_es"`
	StatusEN    string `bun:"status_en"`
	PriorityES  string `bun:"priority_es"`
	PriorityEN  string `bun:"priority_en"`
	Assignee    string `bun:"assignee"`
	Requester   string `bun:"requester"`
	StatusGroup string `bun:"status_group"`
}

// ticketInfos reads the ticket variables of tickets in one query.
func ticketInfos(ctx context.Context, db bun.IDB, ids []int64) (map[int64]*ticketInfo, error) {
	out := map[int64]*ticketInfo{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []ticketInfo
	err := db.NewRaw(`SELECT t.id, t.number, t.subject, s.name_es AS status_es, s.name_en AS status_en, s.grp AS status_group,
			p.name_es AS priority_es, p.name_en AS priority_en,
			coalesce(a.name, '') AS assignee, coalesce(r.name, '') AS requester
		FROM tickets t JOIN statuses s ON s.id = t.status_id JOIN priorities p ON p.id = t.priority_id
		LEFT JOIN users a ON a.id = t.assignee_id LEFT JOIN users r ON r.id = t.requester_id
		WHERE t.id IN (?)`, bun.In(ids)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("notify: tickets: %w", err)
	}
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	return out, nil
}

// values are the ticket variables of a ticket in a language.
func (s *Service) ticketValues(t *ticketInfo, l i18n.Locale, out map[string]string) {
	out["ticket.number"] = strconv.FormatInt(t.Number, 10)
	out["ticket.subject"] = t.Subject
	out["ticket.status"], out["ticket.priority"] = t.StatusES, t.PriorityES
	if l == i18n.EN {
		out["ticket.status"], out["ticket.priority"] = t.StatusEN, t.PriorityEN
	}
	out["ticket.assignee"] = t.Assignee
	if t.Assignee == "" {
		out["ticket.assignee"] = i18n.T(l, "mail.unassigned", nil)
	}
	out["ticket.requester"] = t.Requester
	out["ticket.url"] = s.ticketURL(t.ID)
}

// templates reads templates by key.
func templates(ctx context.Context, db bun.IDB, keys []string) (map[string]*Template, error) {
	var ts []Template
	if err := db.NewSelect().Model(&ts).Where("key IN (?)", bun.In(keys)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("notify: templates: %w", err)
	}
	out := make(map[string]*Template, len(ts))
	for i := range ts {
		out[ts[i].Key] = &ts[i]
	}
	return out, nil
}

// QueueTx renders m now (so the mail log shows exactly what is sent), writes one outbox row — at most one
// per (EventKey, To.Email): a second call is a no-op — and enqueues its send job in tx. Without SMTP
// configured the row is kept as "logged" and never sent.
func (s *Service) QueueTx(ctx context.Context, tx bun.Tx, m Mail) error {
	return s.queueMany(ctx, tx, []Mail{m})
}

// QueueMailTx is QueueTx with the mail spelled out, for packages that declare their own mailer interface.
func (s *Service) QueueMailTx(ctx context.Context, tx bun.Tx, template, eventKey string, ticketID *int64, toEmail, toName,
	lang string, vars map[string]any) error {
	return s.QueueTx(ctx, tx, Mail{Template: template, EventKey: eventKey, TicketID: ticketID,
		To: Recipient{Email: toEmail, Name: toName, Lang: lang}, Vars: vars})
}

// queueMany renders and queues mails with one read of their templates, tickets and preferences, one
// insert and one job insert.
func (s *Service) queueMany(ctx context.Context, tx bun.Tx, ms []Mail) error {
	if len(ms) == 0 {
		return nil
	}
	if err := s.digestUsers(ctx, tx, ms); err != nil {
		return err
	}
	keySet, tidSet := map[string]bool{}, map[int64]bool{}
	var keys []string
	var tids, digestUsers []int64
	for _, m := range ms {
		if _, ok := Variables[m.Template]; !ok {
			return fmt.Errorf("notify: unknown template %q", m.Template)
		}
		if m.EventKey == "" {
			return fmt.Errorf("notify: %s mail without an event key", m.Template)
		}
		if !keySet[m.Template] {
			keySet[m.Template] = true
			keys = append(keys, m.Template)
		}
		if m.TicketID != nil && !tidSet[*m.TicketID] {
			tidSet[*m.TicketID] = true
			tids = append(tids, *m.TicketID)
		}
		if m.Template == TemplateTaskDigest && m.To.UserID != nil {
			digestUsers = append(digestUsers, *m.To.UserID)
		}
	}
	tpls, err := templates(ctx, tx, keys)
	if err != nil {
		return err
	}
	infos, err := ticketInfos(ctx, tx, tids)
	if err != nil {
		return err
	}
	// The digest is the one mail other packages send to users on their own; it honours its preference here.
	offDigest, err := s.disabled(ctx, tx, digestUsers, PrefTaskDigest)
	if err != nil {
		return err
	}
	status := StatusLogged
	if s.SMTP != nil {
		status = StatusQueued
	}
	rows := make([]outboxRow, 0, len(ms))
	for _, m := range ms {
		addr, err := mail.ParseAddress(strings.TrimSpace(m.To.Email))
		if err != nil {
			// An address that cannot receive mail is not worth failing the change that caused it.
			s.Log.Warn("mail not queued: bad address", "template", m.Template, "event", m.EventKey, "err", err)
			continue
		}
		if m.Template == TemplateTaskDigest && m.To.UserID != nil && offDigest[*m.To.UserID] {
			continue
		}
		tpl := tpls[m.Template]
		if tpl == nil {
			return fmt.Errorf("notify: template %q missing", m.Template)
		}
		l := lang(m.To.Lang)
		values := map[string]string{"recipient.name": m.To.Name}
		if m.TicketID != nil {
			if ti := infos[*m.TicketID]; ti != nil {
				s.ticketValues(ti, l, values)
			}
		}
		flatten(m.Vars, l, s.TimeZone, values)
		r := render(tpl.Subject[string(l)], tpl.Body[string(l)], values)
		rows = append(rows, outboxRow{Template: m.Template, EventKey: m.EventKey, ToEmail: addr.Address, ToName: m.To.Name,
			ToUserID: m.To.UserID, Lang: string(l), Subject: r.Subject, Text: r.Text, HTML: r.HTML,
			MessageID: s.MessageID(m.EventKey, addr.Address), Status: status, TicketID: m.TicketID})
	}
	if len(rows) == 0 {
		return nil
	}
	// Only the rows inserted come back: a mail already queued for its event and address is not queued again.
	var ids []int64
	if _, err := tx.NewInsert().Model(&rows).On("CONFLICT (event_key, lower(to_email)) DO NOTHING").
		Returning("id").Exec(ctx, &ids); err != nil {
		return fmt.Errorf("notify: outbox: %w", err)
	}
	if s.SMTP == nil {
		return nil
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: SendArgs{OutboxID: id}}
	}
	return s.Jobs.InsertManyTx(ctx, tx, params)
}

// digestUsers names the user of each digest mail addressed by email alone (QueueMailTx), in one query,
// so that the user's choice about digests applies to it.
func (s *Service) digestUsers(ctx context.Context, tx bun.Tx, ms []Mail) error {
	var emails []string
	for _, m := range ms {
		if m.Template == TemplateTaskDigest && m.To.UserID == nil {
			emails = append(emails, strings.ToLower(strings.TrimSpace(m.To.Email)))
		}
	}
	if len(emails) == 0 {
		return nil
	}
	var users []struct {
		ID    int64  `bun:"id"`
		Email string `bun:"email"`
	}
	if err := tx.NewSelect().Table("users").ColumnExpr("id, lower(email) AS email").Where("lower(email) IN (?)", bun.In(emails)).
		Scan(ctx, &users); err != nil {
		return fmt.Errorf("notify: digest users: %w", err)
	}
	byEmail := make(map[string]int64, len(users))
	for _, u := range users {
		byEmail[u.Email] = u.ID
	}
	for i := range ms {
		if ms[i].Template == TemplateTaskDigest && ms[i].To.UserID == nil {
			if id, ok := byEmail[strings.ToLower(strings.TrimSpace(ms[i].To.Email))]; ok {
				ms[i].To.UserID = &id
			}
		}
	}
	return nil
}
