package portal

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// Handlers serves /portal.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes (behind a session).
func (h Handlers) Register(r fiber.Router) {
	r.Get("/portal/orders", h.orders)
	r.Get("/portal/orders/:number", h.order)
}

func (h Handlers) orders(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	var bad *errs.Error
	var cursor int64
	if v := c.Query("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			bad = errs.InvalidField("cursor", "board.bad_cursor", nil)
		}
		cursor = n
	}
	limit := DefaultLimit
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			e := errs.InvalidField("limit", "field.between", map[string]any{"min": 1, "max": MaxLimit})
			if bad != nil {
				e = bad.WithField("limit", "field.between", map[string]any{"min": 1, "max": MaxLimit})
			}
			bad = e
		}
		limit = n
	}
	if bad != nil {
		return bad
	}
	out, err := h.Service.Orders(c.UserContext(), subj, cursor, limit)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) order(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	out, err := h.Service.Order(c.UserContext(), subj, c.Params("number"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}
