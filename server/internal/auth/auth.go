// Package auth owns sessions: login with a password, the session cookie, CSRF protection and the login
// rate limit. It resolves the acting user for every request and hands it on as an access.Subject.
package auth

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
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

// Cookie names and the CSRF header.
const (
	SessionCookie = "atiende_session"
	CSRFCookie    = "atiende_csrf"
	CSRFHeader    = "X-CSRF-Token"
)

const subjectKey = "atiende.subject"

// Service logs users in and out and resolves sessions.
type Service struct {
	DB         bun.IDB
	People     *people.Store
	Redis      *redis.Client
	KeyPrefix  string        // prefix of Redis keys, shared by all instances of one deployment
	SessionTTL time.Duration // how long a session lasts
	// Login attempts allowed per window, per client address and per email.
	MaxPerIP, MaxPerEmail int
	Window                time.Duration
	// DeskTimeZone is the desk's time zone (nil: UTC), told to the app with the session: its dashboards
	// and reports count that zone's days.
	DeskTimeZone *time.Location
}

type session struct {
	bun.BaseModel `bun:"table:sessions"`

	TokenHash []byte    `bun:"token_hash,pk"`
	UserID    int64     `bun:"user_id"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// Login checks a password and opens a new session, returning its token. Failures are counted against the
// client address and the email; past the limit the answer is RateLimited with the seconds to wait.
func (s *Service) Login(ctx context.Context, ip, email, password string) (string, *people.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if wait, err := s.limited(ctx, ip, email); err != nil {
		return "", nil, err
	} else if wait > 0 {
		e := errs.Newf(errs.RateLimited, "error.rate_limited", map[string]any{"seconds": wait})
		e.RetryAfter = wait
		return "", nil, e
	}
	u, err := s.People.ByEmail(ctx, email)
	if err != nil {
		return "", nil, err
	}
	// A person without a login (password_hash '', created as a requester) cannot log in; the dummy
	// verification keeps the timing of an unknown email.
	if u == nil || u.PasswordHash == "" {
		VerifyPassword(password, dummyHash)
		return "", nil, s.failed(ctx, ip, email)
	}
	if !VerifyPassword(password, u.PasswordHash) {
		return "", nil, s.failed(ctx, ip, email)
	}
	if u.DisabledAt != nil {
		return "", nil, errs.New(errs.Forbidden, "auth.disabled")
	}
	token, err := s.OpenSession(ctx, s.DB, u.ID)
	if err != nil {
		return "", nil, err
	}
	s.Redis.Del(ctx, s.emailKey(email))
	return token, u, nil
}

// OpenSession starts a new session for a user through db (the caller's transaction, so that a session
// opened by setting a password exists only if the password was set) and returns its token.
func (s *Service) OpenSession(ctx context.Context, db bun.IDB, userID int64) (string, error) {
	token, err := tokens.New()
	if err != nil {
		return "", err
	}
	sess := &session{TokenHash: tokens.Hash(token), UserID: userID, ExpiresAt: time.Now().Add(s.SessionTTL)}
	if _, err := db.NewInsert().Model(sess).Exec(ctx); err != nil {
		return "", fmt.Errorf("auth: open session: %w", err)
	}
	return token, nil
}

// DeleteSessions ends every session of a user through db (a disabled user, a password set anew).
func DeleteSessions(ctx context.Context, db bun.IDB, userID int64) error {
	if _, err := db.NewDelete().Model((*session)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("auth: delete sessions: %w", err)
	}
	return nil
}

// ThrottleIP refuses, as login does, a client address that has used up its attempts; public forms other
// than login (setting a password from a link) share the address's budget with it.
func (s *Service) ThrottleIP(ctx context.Context, ip string) error {
	n, err := s.Redis.Get(ctx, s.ipKey(ip)).Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("auth: rate limit: %w", err)
	}
	if n < s.MaxPerIP {
		return nil
	}
	wait := max(int(s.Redis.TTL(ctx, s.ipKey(ip)).Val().Seconds()), 1)
	e := errs.Newf(errs.RateLimited, "error.rate_limited", map[string]any{"seconds": wait})
	e.RetryAfter = wait
	return e
}

// FailIP counts a failed attempt (a wrong link) against a client address.
func (s *Service) FailIP(ctx context.Context, ip string) error {
	pipe := s.Redis.TxPipeline()
	pipe.Incr(ctx, s.ipKey(ip))
	pipe.ExpireNX(ctx, s.ipKey(ip), s.Window)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("auth: count failure: %w", err)
	}
	return nil
}

func (s *Service) ipKey(ip string) string       { return s.KeyPrefix + ":login:ip:" + ip }
func (s *Service) emailKey(email string) string { return s.KeyPrefix + ":login:email:" + email }

// limited returns the seconds to wait when the address or the email has used up its attempts.
func (s *Service) limited(ctx context.Context, ip, email string) (int, error) {
	pipe := s.Redis.Pipeline()
	ipN := pipe.Get(ctx, s.ipKey(ip))
	emN := pipe.Get(ctx, s.emailKey(email))
	ipTTL := pipe.TTL(ctx, s.ipKey(ip))
	emTTL := pipe.TTL(ctx, s.emailKey(email))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("auth: rate limit: %w", err)
	}
	wait := 0
	if n, _ := ipN.Int(); n >= s.MaxPerIP {
		wait = max(wait, int(ipTTL.Val().Seconds()), 1)
	}
	if n, _ := emN.Int(); n >= s.MaxPerEmail {
		wait = max(wait, int(emTTL.Val().Seconds()), 1)
	}
	return wait, nil
}

// failed counts a failed attempt and returns the error to show.
func (s *Service) failed(ctx context.Context, ip, email string) error {
	pipe := s.Redis.TxPipeline()
	for _, k := range []string{s.ipKey(ip), s.emailKey(email)} {
		pipe.Incr(ctx, k)
		pipe.ExpireNX(ctx, k, s.Window)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("auth: count failure: %w", err)
	}
	return errs.New(errs.Unauthorized, "auth.bad_credentials")
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	_, err := s.DB.NewDelete().Model((*session)(nil)).Where("token_hash = ?", tokens.Hash(token)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}

// Resolve returns the enabled user of a live session, or nil.
func (s *Service) Resolve(ctx context.Context, token string) (*people.User, error) {
	if token == "" {
		return nil, nil
	}
	var sess session
	err := s.DB.NewSelect().Model(&sess).Where("token_hash = ?", tokens.Hash(token)).Where("expires_at > now()").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: resolve: %w", err)
	}
	u, err := s.People.ByID(ctx, sess.UserID)
	if err != nil || u == nil || u.DisabledAt != nil {
		return nil, err
	}
	return u, nil
}

// Subject returns the acting user of a request, set by Authenticate.
func Subject(c *fiber.Ctx) (access.Subject, bool) {
	s, ok := c.Locals(subjectKey).(access.Subject)
	return s, ok
}

// Authenticate resolves the session cookie, if any, into the request's subject and locale.
func (s *Service) Authenticate() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if byKey(c) { // an API key decided who acts; a cookie along with it is ignored
			return c.Next()
		}
		u, err := s.Resolve(c.UserContext(), c.Cookies(SessionCookie))
		if err != nil {
			return err
		}
		if u != nil {
			subj, err := s.People.SubjectOf(c.UserContext(), u)
			if err != nil {
				return err
			}
			c.Locals(subjectKey, subj)
			httpx.SetLocale(c, u.Locale)
		}
		return c.Next()
	}
}

// Require refuses a request without a logged-in user.
func Require() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, ok := Subject(c); !ok {
			return errs.New(errs.Unauthorized, "error.unauthorized")
		}
		return c.Next()
	}
}

// CSRF sets the CSRF cookie when missing and, on unsafe methods, requires the header to match it
// (double-submit), on top of SameSite session cookies.
func CSRF() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if byKey(c) { // no cookie acts on this request (see SetKeySubject)
			return c.Next()
		}
		cookie := c.Cookies(CSRFCookie)
		if cookie == "" {
			token, err := tokens.New()
			if err != nil {
				return err
			}
			c.Cookie(&fiber.Cookie{Name: CSRFCookie, Value: token, Path: "/", SameSite: fiber.CookieSameSiteStrictMode,
				Secure: c.Protocol() == "https", MaxAge: 365 * 24 * 3600})
		}
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
			return c.Next()
		}
		header := c.Get(CSRFHeader)
		if cookie == "" || header == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(header)) != 1 {
			return errs.New(errs.Forbidden, "auth.csrf")
		}
		return c.Next()
	}
}
