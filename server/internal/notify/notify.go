// Package notify sends the desk's email: templates per event in Spanish and English that admins edit, an
// outbox that renders each mail when its event happens (the mail log shows exactly what is sent) and
// holds it at most once per (event, recipient), a River job that delivers it over SMTP until the server
// accepts it, what each user chooses to receive, and the watchers of tickets.
package notify

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/jobs"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

// TLSMode is how the connection to the SMTP server is protected.
type TLSMode string

// The SMTP_TLS values.
const (
	TLSStartTLS TLSMode = "starttls" // plain connection upgraded with STARTTLS (port 587)
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (port 465)
	TLSNone     TLSMode = "none"     // no encryption (a local relay, tests)
)

// SMTPConfig is the SMTP server mail goes through.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     *mail.Address
	TLS      TLSMode
	// RootCAs are the certificate authorities trusted for the server's certificate; nil: the system's.
	// No setting fills it: tests trust their own server's certificate with it.
	RootCAs *x509.CertPool
}

// Mail is one email about an event to one recipient.
type Mail struct {
	Template string // template key: ticket_created, ticket_updated, ticket_closed, task_digest, info_request, sla_escalation
	EventKey string // unique per event, e.g. "ticket:42:created", "comment:991", "digest:2026-12-04:user:7"
	TicketID *int64
	To       Recipient
	Vars     map[string]any // template variables beyond the ticket ones (ticket.* filled by notify when TicketID set)
}

// Recipient is who a mail goes to; Lang is "es" or "en" ("" is Spanish).
type Recipient struct {
	UserID *int64
	Email  string
	Name   string
	Lang   string
}

// Service renders, queues and sends mail, and keeps preferences and watchers.
type Service struct {
	DB      *bun.DB
	Jobs    *jobs.Jobs
	Tickets *tickets.Service
	Catalog *catalog.Store
	People  *people.Store
	// SMTP is nil when no server is configured: mails are then only logged.
	SMTP *SMTPConfig
	// PublicURL is the origin links in mails point to (no trailing slash).
	PublicURL string
	Log       *slog.Logger
	// RetryBase is the first retry delay of a refused delivery (0: DefaultRetryBase); it doubles each attempt.
	RetryBase time.Duration
	// TimeZone is the desk's zone, which mails write their times in (nil: UTC).
	TimeZone *time.Location
}

// The outbox statuses.
const (
	StatusLogged   = "logged"
	StatusQueued   = "queued"
	StatusSent     = "sent"
	StatusRetrying = "retrying"
	StatusFailed   = "failed"
)

// lang turns a recipient's language into a locale, Spanish unless English.
func lang(l string) i18n.Locale {
	if i18n.Locale(l) == i18n.EN {
		return i18n.EN
	}
	return i18n.ES
}

// host is the domain of the desk's mail: the sender's when SMTP is configured, else the public URL's.
func (s *Service) host() string {
	if s.SMTP != nil && s.SMTP.From != nil {
		if _, d, ok := strings.Cut(s.SMTP.From.Address, "@"); ok && d != "" {
			return d
		}
	}
	if u, err := url.Parse(s.PublicURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "atiende.local"
}

// MessageID is the deterministic Message-ID of the mail of an event to an address: the same event and
// recipient always give the same id, so a receiving server can tell a repeat.
func (s *Service) MessageID(eventKey, email string) string {
	sum := sha256.Sum256([]byte(eventKey + "|" + strings.ToLower(strings.TrimSpace(email))))
	return "<" + hex.EncodeToString(sum[:])[:32] + "@" + s.host() + ">"
}

// threadID is the id every mail of a ticket refers to, so that mail clients show them as one thread.
func (s *Service) threadID(ticketID int64) string {
	return fmt.Sprintf("<ticket-%d@%s>", ticketID, s.host())
}

// ticketURL is the SPA page of a ticket; customers and agents share it.
func (s *Service) ticketURL(id int64) string {
	return fmt.Sprintf("%s/tickets/%d", s.origin(), id)
}

func (s *Service) origin() string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	return "http://localhost:8080"
}

// SendArgs is the job that delivers one outbox row.
type SendArgs struct {
	OutboxID int64 `json:"outbox_id"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "mail_send" }

// MaxSendAttempts is how many times a refused delivery is tried before the mail is marked failed.
const MaxSendAttempts = 25

// InsertOpts puts send jobs on the mail queue.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueMail, MaxAttempts: MaxSendAttempts}
}
