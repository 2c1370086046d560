package sla

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Handlers serves SLA policies, calendars, a ticket's clocks and the counts widget.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/sla/calendars", h.calendars)
	r.Post("/sla/calendars", h.createCalendar)
	r.Get("/sla/calendars/:calendarId", h.calendar)
	r.Put("/sla/calendars/:calendarId", h.updateCalendar)
	r.Delete("/sla/calendars/:calendarId", h.deleteCalendar)
	r.Get("/sla/policies", h.policies)
	r.Post("/sla/policies", h.createPolicy)
	r.Post("/sla/policies/order", h.reorder) // before /:policyId, which would take "order"
	r.Get("/sla/policies/:policyId", h.policy)
	r.Put("/sla/policies/:policyId", h.updatePolicy)
	r.Delete("/sla/policies/:policyId", h.deletePolicy)
	r.Get("/sla/counts", h.counts)
	r.Get("/tickets/:ticketId/sla", h.ticket)
}

func pathID(c *fiber.Ctx, name, key string) (int64, error) {
	id, err := httpx.ParamInt64(c, name)
	if err != nil {
		return 0, errs.New(errs.NotFound, key)
	}
	return id, nil
}

// version reads the required ?version= of a deletion.
func version(c *fiber.Ctx) (int64, error) {
	raw := c.Query("version")
	if raw == "" {
		return 0, errs.InvalidField("version", "field.required", nil)
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v < 1 {
		return 0, errs.InvalidField("version", "field.gte", map[string]any{"param": 1})
	}
	return v, nil
}

// optionalID reads an optional positive id from the query.
func optionalID(c *fiber.Ctx, name string) (*int64, error) {
	raw := c.Query(name)
	if raw == "" {
		return nil, nil
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v < 1 {
		return nil, errs.InvalidField(name, "field.gte", map[string]any{"param": 1})
	}
	return &v, nil
}

// decodeManaged refuses who may not manage SLA settings before the body is judged, then decodes it.
func (h Handlers) decodeManaged(c *fiber.Ctx, dst any) (access.Subject, error) {
	subj, _ := h.Subject(c)
	if err := authorizeManage(subj); err != nil {
		return subj, err
	}
	return subj, httpx.Decode(c, dst)
}

func (h Handlers) calendars(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	out, err := h.Service.Calendars(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": out})
}

func (h Handlers) calendar(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "calendarId", "sla.calendar_not_found")
	if err != nil {
		return err
	}
	out, err := h.Service.Calendar(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) createCalendar(c *fiber.Ctx) error {
	var in CalendarInput
	subj, err := h.decodeManaged(c, &in)
	if err != nil {
		return err
	}
	out, err := h.Service.CreateCalendar(c.UserContext(), subj, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) updateCalendar(c *fiber.Ctx) error {
	id, err := pathID(c, "calendarId", "sla.calendar_not_found")
	if err != nil {
		return err
	}
	var in CalendarInput
	subj, err := h.decodeManaged(c, &in)
	if err != nil {
		return err
	}
	out, err := h.Service.UpdateCalendar(c.UserContext(), subj, id, in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) deleteCalendar(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if err := authorizeManage(subj); err != nil {
		return err
	}
	id, err := pathID(c, "calendarId", "sla.calendar_not_found")
	if err != nil {
		return err
	}
	v, err := version(c)
	if err != nil {
		return err
	}
	if err := h.Service.DeleteCalendar(c.UserContext(), subj, id, v); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h Handlers) policies(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	out, err := h.Service.Policies(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": out})
}

func (h Handlers) policy(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "policyId", "sla.policy_not_found")
	if err != nil {
		return err
	}
	out, err := h.Service.Policy(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) createPolicy(c *fiber.Ctx) error {
	var in PolicyInput
	subj, err := h.decodeManaged(c, &in)
	if err != nil {
		return err
	}
	out, err := h.Service.CreatePolicy(c.UserContext(), subj, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) updatePolicy(c *fiber.Ctx) error {
	id, err := pathID(c, "policyId", "sla.policy_not_found")
	if err != nil {
		return err
	}
	var in PolicyInput
	subj, err := h.decodeManaged(c, &in)
	if err != nil {
		return err
	}
	out, err := h.Service.UpdatePolicy(c.UserContext(), subj, id, in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) deletePolicy(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if err := authorizeManage(subj); err != nil {
		return err
	}
	id, err := pathID(c, "policyId", "sla.policy_not_found")
	if err != nil {
		return err
	}
	v, err := version(c)
	if err != nil {
		return err
	}
	if err := h.Service.DeletePolicy(c.UserContext(), subj, id, v); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h Handlers) reorder(c *fiber.Ctx) error {
	var req OrderRequest
	subj, err := h.decodeManaged(c, &req)
	if err != nil {
		return err
	}
	out, err := h.Service.ReorderPolicies(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": out})
}

func (h Handlers) counts(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanSeeSLACounts(subj) {
		return errs.New(errs.Forbidden, "sla.counts_forbidden")
	}
	var f CountsFilter
	var err error
	if f.QueueID, err = optionalID(c, "queue_id"); err != nil {
		return err
	}
	if f.CategoryID, err = optionalID(c, "category_id"); err != nil {
		return err
	}
	rows, err := h.Service.Counts(c.UserContext(), subj, f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"rows": rows})
}

func (h Handlers) ticket(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "ticketId", "ticket.not_found")
	if err != nil {
		return err
	}
	out, err := h.Service.ForTicket(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
