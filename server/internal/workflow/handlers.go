package workflow

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
	"github.com/atiende/atiende/server/internal/i18n"
)

// Handlers serves the workflow routes.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
	// TimeZone is the desk's zone, whose days the metrics' period counts (nil: UTC).
	TimeZone *time.Location
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/workflows", h.list)
	r.Post("/workflows", h.create)
	r.Get("/workflows/:workflowId", h.get)
	r.Put("/workflows/:workflowId", h.update)
	r.Put("/workflows/:workflowId/categories", h.categories)
	r.Get("/workflows/:workflowId/metrics", h.metrics)
	r.Get("/workflow-versions/:versionId", h.version)
	r.Get("/tickets/:ticketId/transitions", h.options)
	r.Post("/tickets/:ticketId/transitions", h.transition)
	r.Post("/credit-requests", h.credit)
}

func (h Handlers) list(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	ws, err := h.Service.List(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ws})
}

func (h Handlers) get(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "workflowId")
	if err != nil {
		return err
	}
	w, err := h.Service.Get(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (h Handlers) create(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanManageCatalogs(subj) {
		return errs.New(errs.Forbidden, "workflow.manage_forbidden")
	}
	var req NewWorkflow
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	w, err := h.Service.Create(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(w)
}

func (h Handlers) update(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "workflowId")
	if err != nil {
		return err
	}
	if !access.CanManageCatalogs(subj) {
		return errs.New(errs.Forbidden, "workflow.manage_forbidden")
	}
	var req WorkflowUpdate
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	w, err := h.Service.Update(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (h Handlers) categories(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "workflowId")
	if err != nil {
		return err
	}
	if !access.CanManageCatalogs(subj) {
		return errs.New(errs.Forbidden, "workflow.manage_forbidden")
	}
	var req CategoryMapping
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	w, err := h.Service.SetCategories(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (h Handlers) metrics(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "workflowId")
	if err != nil {
		return err
	}
	to := deskday.Today(h.TimeZone)
	from := to.AddDate(0, 0, -29)
	bad := errs.New(errs.Invalid, "error.invalid")
	if v := c.Query("from"); v != "" {
		if from, err = deskday.Parse(v, h.TimeZone); err != nil {
			bad.WithField("from", "workflow.date_invalid", nil)
		}
	}
	if v := c.Query("to"); v != "" {
		if to, err = deskday.Parse(v, h.TimeZone); err != nil {
			bad.WithField("to", "workflow.date_invalid", nil)
		}
	}
	if len(bad.Fields) == 0 && to.Before(from) {
		bad.WithField("to", "workflow.date_order", nil)
	}
	if len(bad.Fields) == 0 && deskday.Between(from, to) > 366 {
		bad.WithField("from", "workflow.date_range", nil)
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	m, err := h.Service.Metrics(c.UserContext(), subj, id, from, to)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (h Handlers) version(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "versionId")
	if err != nil {
		return err
	}
	v, err := h.Service.VersionOf(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h Handlers) options(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "ticketId")
	if err != nil {
		return err
	}
	opts, err := h.Service.Options(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	l := httpx.Locale(c)
	for i := range opts {
		o := &opts[i]
		o.Name = o.NameES
		if l == i18n.EN {
			o.Name = o.NameEN
		}
		if o.Reason != nil {
			s := i18n.T(l, o.Reason.Key, o.Reason.Args)
			o.ReasonText = &s
		}
	}
	return c.JSON(fiber.Map{"items": opts})
}

func (h Handlers) transition(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "ticketId")
	if err != nil {
		return err
	}
	var req TransitionRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	d, err := h.Service.Transition(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h Handlers) credit(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	var req CreditRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	d, err := h.Service.RequestCredit(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}
