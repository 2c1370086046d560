package accounts

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// The page sizes of the users list.
const (
	DefaultLimit = 50
	MaxLimit     = 100
	maxQueryLen  = 200
)

// Handlers serves the accounts API.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
	// PublicURL is the origin of the links made; empty: the request's.
	PublicURL string
}

// RegisterPublic mounts the routes that need no session: the set-password page's.
func (h Handlers) RegisterPublic(r fiber.Router) {
	r.Get("/auth/invite", h.link)
	r.Post("/auth/set-password", h.setPassword)
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/permissions", h.permissions)
	r.Get("/roles", h.roles)
	r.Post("/roles", h.createRole)
	r.Patch("/roles/:roleId", h.updateRole)
	r.Delete("/roles/:roleId", h.deleteRole)
	r.Get("/admin/users", h.users)
	r.Post("/admin/users", h.invite)
	r.Patch("/admin/users/:userId", h.updateUser)
	r.Post("/admin/users/:userId/invite", h.newLink)
}

func (h Handlers) origin(c *fiber.Ctx) string {
	if h.PublicURL != "" {
		return h.PublicURL
	}
	return c.BaseURL()
}

func (h Handlers) permissions(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanManageUsers(subj) {
		return forbidden()
	}
	return c.JSON(fiber.Map{"items": Permissions()})
}

func (h Handlers) roles(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	rs, err := h.Service.Roles(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rs})
}

func (h Handlers) createRole(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanManageUsers(subj) {
		return forbidden()
	}
	var req NewRole
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	r, err := h.Service.CreateRole(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (h Handlers) updateRole(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanManageUsers(subj) {
		return forbidden()
	}
	id, err := httpx.ParamInt64(c, "roleId")
	if err != nil {
		return err
	}
	var req RolePatch
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	r, err := h.Service.UpdateRole(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h Handlers) deleteRole(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "roleId")
	if err != nil {
		return err
	}
	if err := h.Service.DeleteRole(c.UserContext(), subj, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h Handlers) users(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanManageUsers(subj) {
		return forbidden()
	}
	bad := invalid()
	q := UserQuery{Text: strings.TrimSpace(c.Query("q")), Role: c.Query("role"), Status: c.Query("status"),
		Limit: DefaultLimit, Cursor: c.Query("cursor")}
	if len([]rune(q.Text)) > maxQueryLen {
		bad.WithField("q", "field.max", map[string]any{"param": maxQueryLen})
	}
	if q.Role != "" {
		checkRole("role", q.Role, bad)
	}
	if _, ok := statusSQL[q.Status]; q.Status != "" && !ok {
		bad.WithField("status", "field.oneof", map[string]any{"param": strings.Join(Statuses, " ")})
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxLimit {
			bad.WithField("limit", "field.between", map[string]any{"min": 1, "max": MaxLimit})
		}
		q.Limit = n
	}
	if err := check(bad); err != nil {
		return err
	}
	l, err := h.Service.Users(c.UserContext(), subj, q)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h Handlers) invite(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanManageUsers(subj) {
		return forbidden()
	}
	var req NewUser
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.Service.Invite(c.UserContext(), subj, h.origin(c), req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) updateUser(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanManageUsers(subj) {
		return forbidden()
	}
	id, err := httpx.ParamInt64(c, "userId")
	if err != nil {
		return err
	}
	var req UserPatch
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	u, err := h.Service.UpdateUser(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (h Handlers) newLink(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "userId")
	if err != nil {
		return err
	}
	out, err := h.Service.NewLink(c.UserContext(), subj, h.origin(c), id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// throttled counts a wrong link against the client's address, as a failed login is.
func (h Handlers) throttled(c *fiber.Ctx, err error) error {
	if e, ok := errs.As(err); ok && e.Msg.Key == "accounts.link_gone" {
		if ferr := h.Service.Auth.FailIP(c.UserContext(), c.IP()); ferr != nil {
			return ferr
		}
	}
	return err
}

func (h Handlers) link(c *fiber.Ctx) error {
	if err := h.Service.Auth.ThrottleIP(c.UserContext(), c.IP()); err != nil {
		return err
	}
	l, err := h.Service.Link(c.UserContext(), c.Query("token"))
	if err != nil {
		return h.throttled(c, err)
	}
	return c.JSON(l)
}

func (h Handlers) setPassword(c *fiber.Ctx) error {
	if err := h.Service.Auth.ThrottleIP(c.UserContext(), c.IP()); err != nil {
		return err
	}
	var req SetPassword
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	token, u, err := h.Service.SetPassword(c.UserContext(), req)
	if err != nil {
		return h.throttled(c, err)
	}
	return h.Service.Auth.Welcome(c, token, u)
}
