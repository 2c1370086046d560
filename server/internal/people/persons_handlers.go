package people

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// PersonHandlers serves persons, their contacts and the genealogy.
type PersonHandlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router.
func (h PersonHandlers) Register(r fiber.Router) {
	r.Get("/persons", h.list)
	r.Post("/persons", h.create)
	r.Get("/persons/:personId", h.get)
	r.Patch("/persons/:personId", h.patch)
	r.Get("/persons/:personId/downline", h.downline)
	r.Post("/persons/:personId/contacts", h.addContact)
	r.Patch("/persons/:personId/contacts/:contactId", h.updateContact)
	r.Delete("/persons/:personId/contacts/:contactId", h.deleteContact)
}

func (h PersonHandlers) subject(c *fiber.Ctx) access.Subject { s, _ := h.Subject(c); return s }

// queryLimit reads ?limit= (default ListDefLimit); anything not a number is out of range.
func queryLimit(c *fiber.Ctx) int {
	l := c.Query("limit")
	if l == "" {
		return ListDefLimit
	}
	n, err := strconv.Atoi(l)
	if err != nil {
		return 0
	}
	return n
}

func (h PersonHandlers) list(c *fiber.Ctx) error {
	lq := ListQuery{Q: c.Query("q"), Kind: c.Query("kind"), Cursor: c.Query("cursor"), Limit: queryLimit(c)}
	if v := c.Query("sponsor_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return errs.InvalidField("sponsor_id", "ticket.bad_id", nil)
		}
		lq.SponsorID = n
	}
	out, err := h.Service.List(c.UserContext(), h.subject(c), lq)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h PersonHandlers) get(c *fiber.Ctx) error {
	id, err := httpx.ParamInt64(c, "personId")
	if err != nil {
		return err
	}
	p, err := h.Service.Get(c.UserContext(), h.subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h PersonHandlers) downline(c *fiber.Ctx) error {
	id, err := httpx.ParamInt64(c, "personId")
	if err != nil {
		return err
	}
	out, err := h.Service.Downline(c.UserContext(), h.subject(c), id, c.Query("cursor"), queryLimit(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h PersonHandlers) create(c *fiber.Ctx) error {
	var in PersonCreate
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	p, err := h.Service.Create(c.UserContext(), h.subject(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (h PersonHandlers) patch(c *fiber.Ctx) error {
	id, err := httpx.ParamInt64(c, "personId")
	if err != nil {
		return err
	}
	var in PersonPatch
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	p, err := h.Service.Patch(c.UserContext(), h.subject(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h PersonHandlers) addContact(c *fiber.Ctx) error {
	id, err := httpx.ParamInt64(c, "personId")
	if err != nil {
		return err
	}
	var in ContactCreate
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	ct, err := h.Service.AddContact(c.UserContext(), h.subject(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ct)
}

func (h PersonHandlers) updateContact(c *fiber.Ctx) error {
	id, err := httpx.ParamInt64(c, "personId")
	if err != nil {
		return err
	}
	cid, err := httpx.ParamInt64(c, "contactId")
	if err != nil {
		return err
	}
	var in ContactPatch
	if err := httpx.Decode(c, &in); err != nil {
		return err
	}
	ct, err := h.Service.UpdateContact(c.UserContext(), h.subject(c), id, cid, in)
	if err != nil {
		return err
	}
	return c.JSON(ct)
}

func (h PersonHandlers) deleteContact(c *fiber.Ctx) error {
	id, err := httpx.ParamInt64(c, "personId")
	if err != nil {
		return err
	}
	cid, err := httpx.ParamInt64(c, "contactId")
	if err != nil {
		return err
	}
	if err := h.Service.DeleteContact(c.UserContext(), h.subject(c), id, cid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
