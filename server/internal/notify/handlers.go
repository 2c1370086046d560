package notify

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Handlers serves mail templates, the mail log, mail preferences and watchers.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/mail/templates", h.templates)
	r.Put("/mail/templates", h.updateTemplates)
	r.Get("/mail/templates/:key", h.template)
	r.Put("/mail/templates/:key", h.updateTemplate)
	r.Post("/mail/templates/:key/preview", h.preview)
	r.Get("/mail/log", h.log)
	r.Get("/mail/log/:mailId", h.logEntry)
	r.Get("/me/mail-preferences", h.preferences)
	r.Put("/me/mail-preferences", h.setPreferences)
	r.Get("/tickets/:ticketId/watchers", h.watchers)
	r.Post("/tickets/:ticketId/watchers", h.addWatcher)
	r.Delete("/tickets/:ticketId/watchers/:userId", h.removeWatcher)
}

func pathID(c *fiber.Ctx, name, key string) (int64, error) {
	id, err := httpx.ParamInt64(c, name)
	if err != nil {
		return 0, errs.New(errs.NotFound, key)
	}
	return id, nil
}

// decodeManaged refuses who may not manage mail before the body is judged, then decodes it.
func (h Handlers) decodeManaged(c *fiber.Ctx, dst any) (access.Subject, error) {
	subj, _ := h.Subject(c)
	if err := authorizeManage(subj); err != nil {
		return subj, err
	}
	return subj, httpx.Decode(c, dst)
}

func (h Handlers) templates(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	ts, err := h.Service.Templates(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ts})
}

func (h Handlers) updateTemplates(c *fiber.Ctx) error {
	var req TemplatesUpdate
	subj, err := h.decodeManaged(c, &req)
	if err != nil {
		return err
	}
	ts, err := h.Service.UpdateTemplates(c.UserContext(), subj, req, false)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ts})
}

func (h Handlers) template(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	t, err := h.Service.Template(c.UserContext(), subj, c.Params("key"))
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h Handlers) updateTemplate(c *fiber.Ctx) error {
	var req TemplateUpdate
	subj, err := h.decodeManaged(c, &req)
	if err != nil {
		return err
	}
	t, err := h.Service.UpdateTemplate(c.UserContext(), subj, c.Params("key"), req)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h Handlers) preview(c *fiber.Ctx) error {
	var req PreviewRequest
	subj, err := h.decodeManaged(c, &req)
	if err != nil {
		return err
	}
	r, err := h.Service.Preview(c.UserContext(), subj, c.Params("key"), req)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h Handlers) log(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if err := authorizeManage(subj); err != nil {
		return err
	}
	var before int64
	if raw := c.Query("before"); raw != "" {
		v, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || v < 1 {
			return errs.InvalidField("before", "field.gte", map[string]any{"param": 1})
		}
		before = v
	}
	l, err := h.Service.MailLog(c.UserContext(), subj, before, c.Query("status"))
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h Handlers) logEntry(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if err := authorizeManage(subj); err != nil {
		return err
	}
	id, err := pathID(c, "mailId", "mail.not_found")
	if err != nil {
		return err
	}
	d, err := h.Service.MailLogEntry(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h Handlers) preferences(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	p, err := h.Service.Preferences(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h Handlers) setPreferences(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	var req Preferences
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	p, err := h.Service.SetPreferences(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h Handlers) watchers(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "ticketId", "ticket.not_found")
	if err != nil {
		return err
	}
	ws, err := h.Service.Watchers(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ws})
}

func (h Handlers) addWatcher(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "ticketId", "ticket.not_found")
	if err != nil {
		return err
	}
	var req WatchRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	ws, err := h.Service.AddWatcher(c.UserContext(), subj, id, req.UserID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ws})
}

func (h Handlers) removeWatcher(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "ticketId", "ticket.not_found")
	if err != nil {
		return err
	}
	uid, err := pathID(c, "userId", "mail.watcher_not_found")
	if err != nil {
		return err
	}
	ws, err := h.Service.RemoveWatcher(c.UserContext(), subj, id, uid)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ws})
}
