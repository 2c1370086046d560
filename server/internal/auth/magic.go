package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tokens"
)

// MagicLinkTTL is how long an emailed sign-in link works.
const MagicLinkTTL = 15 * time.Minute

// templateMagicLink is the mail template of a sign-in link (notify.TemplateMagicLink; auth does not
// import notify, which sits above it).
const templateMagicLink = "magic_link"

// Mailer queues a mail inside the caller's transaction; notify.Service implements it.
type Mailer interface {
	QueueMailTx(ctx context.Context, tx bun.Tx, template, eventKey string, ticketID *int64, toEmail, toName, lang string,
		vars map[string]any) error
}

// MagicLinks signs customers and consultants in with a one-time link sent to their email, instead of
// a password. Only the SHA-256 of a link's token is stored (table magic_links); a link works once, for
// MagicLinkTTL.
type MagicLinks struct {
	Auth   *Service
	Mailer Mailer
	// PublicURL is the origin links in mails point to (no trailing slash).
	PublicURL string
	// TimeZone is the zone the mail writes the expiry in (nil: UTC).
	TimeZone *time.Location
}

// Request sends a sign-in link to email when it names an enabled customer or consultant, and does
// nothing otherwise, with the same answer either way so that nobody learns who has an account. Every
// request counts against the client address and the email, as failed logins do, so that the desk cannot
// be made to flood a mailbox.
func (m *MagicLinks) Request(ctx context.Context, ip, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if wait, err := m.limited(ctx, ip, email); err != nil {
		return err
	} else if wait > 0 {
		e := errs.Newf(errs.RateLimited, "error.rate_limited", map[string]any{"seconds": wait})
		e.RetryAfter = wait
		return e
	}
	if err := m.count(ctx, ip, email); err != nil {
		return err
	}
	u, err := m.Auth.People.ByEmail(ctx, email)
	if err != nil {
		return err
	}
	if u == nil || u.DisabledAt != nil || !access.PortalRole(u.Role) {
		return nil
	}
	return m.Auth.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		token, err := tokens.New()
		if err != nil {
			return err
		}
		expires := time.Now().Add(MagicLinkTTL).UTC().Truncate(time.Microsecond)
		if _, err := tx.ExecContext(ctx, "INSERT INTO magic_links (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
			tokens.Hash(token), u.ID, expires); err != nil {
			return fmt.Errorf("auth: magic link: %w", err)
		}
		zone := m.TimeZone
		if zone == nil {
			zone = time.UTC
		}
		vars := map[string]any{
			"link":       strings.TrimSuffix(m.PublicURL, "/") + "/login/magic?token=" + token,
			"expires_at": expires.In(zone).Format("2006-01-02 15:04 MST"),
		}
		// The token's hash names the mail, so that each link is its own mail and a retry of the queueing
		// is recognised.
		key := "magic_link:" + strconv.FormatInt(u.ID, 10) + ":" + fmt.Sprintf("%x", tokens.Hash(token))[:16]
		if m.Mailer == nil {
			return nil
		}
		return m.Mailer.QueueMailTx(ctx, tx, templateMagicLink, key, nil, u.Email, u.Name, string(u.Locale), vars)
	})
}

// Redeem spends a sign-in link and opens a session, returning its token and user: an unknown token is
// not found (and counts as a failed attempt of the address), a used or expired one is gone. A refused
// link writes nothing.
func (m *MagicLinks) Redeem(ctx context.Context, ip, token string) (string, *people.User, error) {
	if err := m.Auth.ThrottleIP(ctx, ip); err != nil {
		return "", nil, err
	}
	var session string
	var user *people.User
	err := m.Auth.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var row struct {
			UserID int64     `bun:"user_id"`
			Usable bool      `bun:"usable"`
			Expiry time.Time `bun:"expires_at"`
		}
		// The row is locked so that two redemptions of one link cannot both open a session.
		err := tx.NewRaw(`SELECT user_id, used_at IS NULL AND expires_at > now() AS usable, expires_at
			FROM magic_links WHERE token_hash = ? FOR UPDATE`, tokens.Hash(token)).Scan(ctx, &row)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "auth.magic_unknown")
		}
		if err != nil {
			return fmt.Errorf("auth: redeem magic link: %w", err)
		}
		if !row.Usable {
			return errs.New(errs.Gone, "auth.magic_gone")
		}
		u, err := m.Auth.People.ByID(ctx, row.UserID)
		if err != nil {
			return err
		}
		// The person may have been disabled or made staff since the link was sent.
		if u == nil || u.DisabledAt != nil || !access.PortalRole(u.Role) {
			return errs.New(errs.Gone, "auth.magic_gone")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE magic_links SET used_at = now() WHERE token_hash = ?", tokens.Hash(token)); err != nil {
			return fmt.Errorf("auth: redeem magic link: %w", err)
		}
		if session, err = m.Auth.OpenSession(ctx, tx, u.ID); err != nil {
			return err
		}
		user = u
		return nil
	})
	if e, ok := errs.As(err); ok && e.Code == errs.NotFound {
		if ferr := m.Auth.FailIP(ctx, ip); ferr != nil {
			return "", nil, ferr
		}
	}
	if err != nil {
		return "", nil, err
	}
	return session, user, nil
}

func (m *MagicLinks) ipKey(ip string) string       { return m.Auth.KeyPrefix + ":magic:ip:" + ip }
func (m *MagicLinks) emailKey(email string) string { return m.Auth.KeyPrefix + ":magic:email:" + email }

// limited returns the seconds to wait when the address or the email has asked for too many links, or
// the address has used up its login attempts.
func (m *MagicLinks) limited(ctx context.Context, ip, email string) (int, error) {
	if err := m.Auth.ThrottleIP(ctx, ip); err != nil {
		if e, ok := errs.As(err); ok {
			return e.RetryAfter, nil
		}
		return 0, err
	}
	r := m.Auth.Redis
	pipe := r.Pipeline()
	ipN, emN := pipe.Get(ctx, m.ipKey(ip)), pipe.Get(ctx, m.emailKey(email))
	ipTTL, emTTL := pipe.TTL(ctx, m.ipKey(ip)), pipe.TTL(ctx, m.emailKey(email))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("auth: magic link rate limit: %w", err)
	}
	wait := 0
	if n, _ := ipN.Int(); n >= m.Auth.MaxPerIP {
		wait = max(wait, int(ipTTL.Val().Seconds()), 1)
	}
	if n, _ := emN.Int(); n >= m.Auth.MaxPerEmail {
		wait = max(wait, int(emTTL.Val().Seconds()), 1)
	}
	return wait, nil
}

// count counts one request against the address and the email for the login window.
func (m *MagicLinks) count(ctx context.Context, ip, email string) error {
	pipe := m.Auth.Redis.TxPipeline()
	for _, k := range []string{m.ipKey(ip), m.emailKey(email)} {
		pipe.Incr(ctx, k)
		pipe.ExpireNX(ctx, k, m.Auth.Window)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("auth: magic link rate limit: %w", err)
	}
	return nil
}

// MagicHandlers serves the sign-in link routes; they need no session.
type MagicHandlers struct{ Links *MagicLinks }

// Register mounts the routes.
func (h MagicHandlers) Register(r fiber.Router) {
	r.Post("/auth/magic-link", h.request)
	r.Post("/auth/magic-link/redeem", h.redeem)
}

type magicRequest struct {
	Email string `json:"email" validate:"required,email,max=254"`
}

type magicRedeem struct {
	Token string `json:"token" validate:"required,max=200"`
}

func (h MagicHandlers) request(c *fiber.Ctx) error {
	var req magicRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	if err := h.Links.Request(c.UserContext(), c.IP(), req.Email); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusAccepted)
}

func (h MagicHandlers) redeem(c *fiber.Ctx) error {
	var req magicRedeem
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	token, u, err := h.Links.Redeem(c.UserContext(), c.IP(), req.Token)
	if err != nil {
		return err
	}
	return h.Links.Auth.Welcome(c, token, u)
}
