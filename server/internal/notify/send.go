package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/riverqueue/river"
	"github.com/uptrace/bun"
)

// DefaultRetryBase is the first retry delay of a refused delivery; each retry doubles it up to MaxRetryDelay.
const (
	DefaultRetryBase = time.Second
	MaxRetryDelay    = 10 * time.Minute
	// sendTimeout bounds one SMTP conversation.
	sendTimeout = 30 * time.Second
)

// SendWorker delivers outbox rows. Register it with jobs.Register before the jobs start.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	Service *Service
}

// NextRetry keeps retries short at first (2 s, 4 s, 8 s … with the default base) so that a server that
// refused for a moment gets the mail soon, and caps them at ten minutes.
func (w *SendWorker) NextRetry(job *river.Job[SendArgs]) time.Time {
	base := w.Service.RetryBase
	if base <= 0 {
		base = DefaultRetryBase
	}
	d := MaxRetryDelay
	if job.Attempt < 20 {
		d = min(base<<job.Attempt, MaxRetryDelay)
	}
	return time.Now().Add(d)
}

// Timeout bounds one attempt: an SMTP conversation and the writes around it.
func (w *SendWorker) Timeout(*river.Job[SendArgs]) time.Duration { return sendTimeout + 10*time.Second }

// Work delivers one mail. The outbox row stays locked while the SMTP server is talked to, so that no other
// instance sends it meanwhile, and it is marked sent in the same transaction once the server accepted it:
// a mail already sent is never sent again. A temporary refusal (4xx) or a network error leaves the row
// retrying and returns the error, so River tries again; a permanent refusal (5xx) marks it failed for good.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	s := w.Service
	if s.SMTP == nil {
		return river.JobCancel(errors.New("notify: SMTP is not configured"))
	}
	var sendErr error
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row := new(outboxRow)
		err := tx.NewSelect().Model(row).Where("id = ?", job.Args.OutboxID).For("UPDATE SKIP LOCKED").Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			// Gone, or being sent by another worker right now: that worker decides.
			return nil
		}
		if err != nil {
			return fmt.Errorf("notify: load outbox: %w", err)
		}
		if row.Status == StatusSent || row.Status == StatusFailed || row.Status == StatusLogged {
			return nil
		}
		sendErr = s.deliver(ctx, row)
		var se *smtp.SMTPError
		switch {
		case sendErr == nil:
			_, err = tx.NewUpdate().Model((*outboxRow)(nil)).Set("status = ?", StatusSent).Set("sent_at = now()").
				Set("attempts = attempts + 1").Set("last_error = ''").
				Where("id = ?", row.ID).Where("status <> ?", StatusSent).Exec(ctx)
		case errors.As(sendErr, &se) && se.Code >= 500:
			err = s.markFailed(ctx, tx, row.ID, sendErr)
			sendErr = river.JobCancel(sendErr)
		case job.Attempt >= job.MaxAttempts:
			err = s.markFailed(ctx, tx, row.ID, sendErr)
		default:
			_, err = tx.NewUpdate().Model((*outboxRow)(nil)).Set("status = ?", StatusRetrying).
				Set("attempts = attempts + 1").Set("last_error = ?", errText(sendErr)).Where("id = ?", row.ID).Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("notify: mark outbox: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return sendErr
}

func (s *Service) markFailed(ctx context.Context, tx bun.Tx, id int64, cause error) error {
	_, err := tx.NewUpdate().Model((*outboxRow)(nil)).Set("status = ?", StatusFailed).Set("attempts = attempts + 1").
		Set("last_error = ?", errText(cause)).Where("id = ?", id).Where("status <> ?", StatusSent).Exec(ctx)
	return err
}

func errText(err error) string {
	t := err.Error()
	if r := []rune(t); len(r) > 500 {
		t = string(r[:500])
	}
	return t
}

// deliver sends one mail over SMTP.
func (s *Service) deliver(ctx context.Context, row *outboxRow) error {
	cfg := s.SMTP
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	tlsCfg := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs}
	var d net.Dialer
	var conn net.Conn
	var err error
	if cfg.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: tlsCfg}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("connect %s: %w", addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	var c *smtp.Client
	if cfg.TLS == TLSStartTLS {
		if c, err = smtp.NewClientStartTLS(conn, tlsCfg); err != nil {
			conn.Close()
			return err
		}
	} else {
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	if cfg.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", cfg.Username, cfg.Password)); err != nil {
			return err
		}
	}
	msg := s.message(row, time.Now())
	if err := c.SendMail(cfg.From.Address, []string{row.ToEmail}, bytes.NewReader(msg)); err != nil {
		return err
	}
	_ = c.Quit()
	return nil
}

// message writes the mail: headers (Subject and names RFC 2047 encoded), and a multipart/alternative body
// with the text part first and the HTML part last, both quoted-printable.
func (s *Service) message(row *outboxRow, now time.Time) []byte {
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", s.SMTP.From.String())
	h("To", (&mail.Address{Name: row.ToName, Address: row.ToEmail}).String())
	h("Subject", mime.QEncoding.Encode("utf-8", row.Subject))
	h("Message-ID", row.MessageID)
	h("Date", now.UTC().Format(time.RFC1123Z))
	if row.TicketID != nil {
		thread := s.threadID(*row.TicketID)
		h("References", thread)
		h("In-Reply-To", thread)
	}
	h("Auto-Submitted", "auto-generated")
	h("MIME-Version", "1.0")
	var rnd [12]byte
	_, _ = rand.Read(rnd[:])
	boundary := "atiende-" + hex.EncodeToString(rnd[:])
	h("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	part := func(ctype, body string) {
		b.WriteString("--" + boundary + "\r\n")
		b.WriteString("Content-Type: " + ctype + "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
		w := quotedprintable.NewWriter(&b)
		_, _ = w.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")))
		_ = w.Close()
		b.WriteString("\r\n")
	}
	part("text/plain", row.Text)
	part("text/html", `<!DOCTYPE html><html><body>`+row.HTML+`</body></html>`)
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes()
}
