package automation

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Handlers serves automation rules, macros and notifications.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/automation-rules", h.rules)
	r.Post("/automation-rules", h.createRule)
	r.Put("/automation-rules/order", h.reorderRules) // before /:ruleId, which would take "order"
	r.Put("/automation-rules/:ruleId", h.updateRule)
	r.Delete("/automation-rules/:ruleId", h.deleteRule)
	r.Get("/macros", h.macros)
	r.Post("/macros", h.createMacro)
	r.Put("/macros/:macroId", h.updateMacro)
	r.Delete("/macros/:macroId", h.deleteMacro)
	r.Post("/macros/:macroId/apply", h.applyMacro)
	r.Get("/notifications", h.notifications)
	r.Post("/notifications/read", h.read)
}

// pathID reads a positive id from the path; anything else is the not-found of key.
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

// decodeManaged refuses who may not manage automation before the body is judged, then decodes it.
func (h Handlers) decodeManaged(c *fiber.Ctx, dst any) (access.Subject, error) {
	subj, _ := h.Subject(c)
	if err := authorizeManage(subj); err != nil {
		return subj, err
	}
	return subj, httpx.Decode(c, dst)
}

func (h Handlers) rules(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	rs, err := h.Service.Rules(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rs})
}

func (h Handlers) createRule(c *fiber.Ctx) error {
	var req RuleInput
	subj, err := h.decodeManaged(c, &req)
	if err != nil {
		return err
	}
	r, err := h.Service.CreateRule(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (h Handlers) updateRule(c *fiber.Ctx) error {
	id, err := pathID(c, "ruleId", "automation.rule_not_found")
	if err != nil {
		return err
	}
	var req RuleUpdate
	subj, err := h.decodeManaged(c, &req)
	if err != nil {
		return err
	}
	r, err := h.Service.UpdateRule(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h Handlers) deleteRule(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if err := authorizeManage(subj); err != nil {
		return err
	}
	id, err := pathID(c, "ruleId", "automation.rule_not_found")
	if err != nil {
		return err
	}
	v, err := version(c)
	if err != nil {
		return err
	}
	if err := h.Service.DeleteRule(c.UserContext(), subj, id, v); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h Handlers) reorderRules(c *fiber.Ctx) error {
	var req ReorderRequest
	subj, err := h.decodeManaged(c, &req)
	if err != nil {
		return err
	}
	rs, err := h.Service.ReorderRules(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rs})
}

func (h Handlers) macros(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	ms, err := h.Service.Macros(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ms})
}

func (h Handlers) createMacro(c *fiber.Ctx) error {
	var req MacroInput
	subj, err := h.decodeManaged(c, &req)
	if err != nil {
		return err
	}
	m, err := h.Service.CreateMacro(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (h Handlers) updateMacro(c *fiber.Ctx) error {
	id, err := pathID(c, "macroId", "automation.macro_not_found")
	if err != nil {
		return err
	}
	var req MacroUpdate
	subj, err := h.decodeManaged(c, &req)
	if err != nil {
		return err
	}
	m, err := h.Service.UpdateMacro(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (h Handlers) deleteMacro(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if err := authorizeManage(subj); err != nil {
		return err
	}
	id, err := pathID(c, "macroId", "automation.macro_not_found")
	if err != nil {
		return err
	}
	v, err := version(c)
	if err != nil {
		return err
	}
	if err := h.Service.DeleteMacro(c.UserContext(), subj, id, v); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h Handlers) applyMacro(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanUseMacros(subj) {
		return errs.New(errs.Forbidden, "automation.macro_forbidden")
	}
	id, err := pathID(c, "macroId", "automation.macro_not_found")
	if err != nil {
		return err
	}
	var req ApplyRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	res, err := h.Service.ApplyMacro(c.UserContext(), subj, id, req, httpx.Locale(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"results": res})
}

func (h Handlers) notifications(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	var before int64
	if raw := c.Query("before"); raw != "" {
		v, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || v < 1 {
			return errs.InvalidField("before", "field.gte", map[string]any{"param": 1})
		}
		before = v
	}
	list, err := h.Service.Notifications(c.UserContext(), subj, before)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (h Handlers) read(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	var req ReadRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	n, err := h.Service.MarkRead(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"unread": n})
}
