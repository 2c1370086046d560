package apikeys

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Handlers serves the admin's API-key routes.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/admin/api-keys", h.list)
	r.Post("/admin/api-keys", h.create)
	r.Delete("/admin/api-keys/:keyId", h.revoke)
}

func (h Handlers) list(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	var cursor int64
	if raw := c.Query("cursor"); raw != "" {
		v, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || v < 1 {
			return errs.InvalidField("cursor", "board.bad_cursor", nil)
		}
		cursor = v
	}
	limit := 0
	if raw := c.Query("limit"); raw != "" {
		v, err := strconv.Atoi(raw)
		if err != nil || v < 1 || v > maxLimit {
			return errs.InvalidField("limit", "field.between", map[string]any{"min": 1, "max": maxLimit})
		}
		limit = v
	}
	page, err := h.Service.List(c.UserContext(), subj, cursor, limit)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (h Handlers) create(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanManageAPIKeys(subj) { // before reading the body: a refusal says nothing about it
		return errs.New(errs.Forbidden, "apikey.forbidden")
	}
	var req NewKeyRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.Service.Create(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) revoke(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "keyId")
	if err != nil {
		return errs.New(errs.NotFound, "apikey.not_found")
	}
	k, err := h.Service.Revoke(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(k)
}

// The routes keys may call, matched on the lower-cased path (routing ignores case and a trailing slash).
var (
	createTicketPath = regexp.MustCompile(`^/api/v1/tickets/?$`)
	ticketPath       = regexp.MustCompile(`^/api/v1/tickets/[0-9]+/?$`)
	commentsPath     = regexp.MustCompile(`^/api/v1/tickets/[0-9]+/comments/?$`)
)

func routeOf(method, path string) access.KeyRoute {
	path = strings.ToLower(path)
	switch {
	case method == fiber.MethodPost && createTicketPath.MatchString(path):
		return access.KeyRouteCreateTicket
	case method == fiber.MethodPost && commentsPath.MatchString(path):
		return access.KeyRouteAddComment
	case method == fiber.MethodGet && ticketPath.MatchString(path):
		return access.KeyRouteReadTicket
	}
	return access.KeyRouteNone
}

// Authenticate resolves "Authorization: Bearer <secret>" into the key's subject. A request with a bearer
// token is decided by it alone: an unknown, revoked or expired key is refused (401) whatever cookies
// come along, and a live key may call only the routes its scopes open (403 elsewhere). Requests without
// a bearer token go on to the session cookie.
func (s *Service) Authenticate() fiber.Handler {
	return func(c *fiber.Ctx) error {
		scheme, token, _ := strings.Cut(strings.TrimSpace(c.Get(fiber.HeaderAuthorization)), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return c.Next()
		}
		subj, ok, err := s.Resolve(c.UserContext(), strings.TrimSpace(token))
		if err != nil {
			return err
		}
		if !ok {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="atiende"`)
			return errs.New(errs.Unauthorized, "apikey.invalid")
		}
		if !access.KeyMayCall(subj.Key, routeOf(c.Method(), c.Path())) {
			return errs.New(errs.Forbidden, "apikey.route_forbidden")
		}
		auth.SetKeySubject(c, subj)
		return c.Next()
	}
}
