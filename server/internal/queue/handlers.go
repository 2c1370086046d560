package queue

import (
	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Handlers serves the queue routes.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Post("/tickets/:ticketId/queue-ops", h.op)
	r.Get("/queues/work", h.work)
	r.Get("/default-managers", h.managers)
	r.Put("/default-managers", h.replaceManagers)
}

func (h Handlers) op(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "ticketId")
	if err != nil {
		return errs.New(errs.NotFound, "ticket.not_found")
	}
	var req OpRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	d, err := h.Service.Do(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h Handlers) work(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	w, err := h.Service.Work(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (h Handlers) managers(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	l, err := h.Service.Managers(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h Handlers) replaceManagers(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	var req ReplaceManagersRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	l, err := h.Service.ReplaceManagers(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.JSON(l)
}
