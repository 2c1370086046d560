package auth

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
	"github.com/atiende/atiende/server/internal/people"
)

// Handlers serves /auth.
type Handlers struct{ Service *Service }

// Register mounts the routes; they need no session.
func (h Handlers) Register(r fiber.Router) {
	r.Post("/auth/login", h.login)
	r.Post("/auth/logout", h.logout)
	r.Get("/auth/me", h.me)
}

type loginRequest struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"password" validate:"required,max=200"`
}

// SessionBody is the wire shape of the current user.
type SessionBody struct {
	User UserBody `json:"user"`
	// DeskTimeZone is the IANA zone whose days the dashboards, reports and day filters count.
	DeskTimeZone string `json:"desk_time_zone"`
}

// UserBody is a user as the API shows them.
type UserBody struct {
	ID     int64  `json:"id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Locale string `json:"locale"`
	// RoleIDs are every role the user holds (the primary one and custom ones); Permissions what they grant.
	RoleIDs     []int64  `json:"role_ids"`
	Permissions []string `json:"permissions"`
}

func sessionBody(u *people.User, s access.Subject, zone *time.Location) SessionBody {
	roleIDs := s.RoleIDs
	if roleIDs == nil {
		roleIDs = []int64{}
	}
	return SessionBody{User: UserBody{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Locale: string(u.Locale),
		RoleIDs: roleIDs, Permissions: s.PermKeys()}, DeskTimeZone: deskday.Zone(zone).String()}
}

func (h Handlers) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	token, u, err := h.Service.Login(c.UserContext(), c.IP(), req.Email, req.Password)
	if err != nil {
		return err
	}
	return h.Service.Welcome(c, token, u)
}

// Welcome answers a request that opened a session: it sets the session cookie and sends the session
// body, as login does.
func (s *Service) Welcome(c *fiber.Ctx, token string, u *people.User) error {
	c.Cookie(&fiber.Cookie{
		Name: SessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: c.Protocol() == "https", Expires: time.Now().Add(s.SessionTTL),
	})
	httpx.SetLocale(c, u.Locale)
	subj, err := s.People.SubjectOf(c.UserContext(), u)
	if err != nil {
		return err
	}
	return c.JSON(sessionBody(u, subj, s.DeskTimeZone))
}

func (h Handlers) logout(c *fiber.Ctx) error {
	if token := c.Cookies(SessionCookie); token != "" {
		if err := h.Service.Logout(c.UserContext(), token); err != nil {
			return err
		}
	}
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true, Expires: time.Unix(0, 0), MaxAge: -1})
	return c.SendStatus(fiber.StatusNoContent)
}

func (h Handlers) me(c *fiber.Ctx) error {
	s, ok := Subject(c)
	if !ok {
		return errs.New(errs.Unauthorized, "error.unauthorized")
	}
	u, err := h.Service.People.ByID(c.UserContext(), s.UserID)
	if err != nil {
		return err
	}
	if u == nil {
		return errs.New(errs.Unauthorized, "error.unauthorized")
	}
	return c.JSON(sessionBody(u, s, h.Service.DeskTimeZone))
}
