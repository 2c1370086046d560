package webform

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
	"github.com/atiende/atiende/server/internal/live"
)

// Limiter throttles lookups of links per client address, sharing login's budget: a link that is
// unknown or gone counts as a failed login does, so that links cannot be guessed.
type Limiter interface {
	ThrottleIP(ctx context.Context, ip string) error
	FailIP(ctx context.Context, ip string) error
}

// Handlers serves the public form, the tracking page and the staff's tracking links.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
	Limiter Limiter
}

// RegisterPublic mounts the routes that need no session (the CSRF cookie a page's GET sets still guards
// its POST).
func (h Handlers) RegisterPublic(r fiber.Router) {
	r.Get("/public/form", h.form)
	r.Post("/public/tickets", h.submit)
	r.Get("/public/track/:token", h.track)
	r.Post("/public/track/:token/replies", h.reply)
	r.Get("/public/track/:token/attachments/:attachmentId", h.file)
}

// Register mounts the staff's routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/tickets/:ticketId/tracking-links", h.links)
	r.Post("/tickets/:ticketId/tracking-links", h.sendLink)
	r.Delete("/tickets/:ticketId/tracking-links/:linkId", h.revokeLink)
}

func (h Handlers) form(c *fiber.Ctx) error {
	out, err := h.Service.Form(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// readForm reads a multipart form with up to MaxFiles files in "files" and the named text fields.
func (h Handlers) readForm(c *fiber.Ctx, fields ...string) (*attachments.Form, error) {
	return attachments.ReadForm(c.Body(), c.Get(fiber.HeaderContentType), "files", MaxFiles, h.Service.MaxFileBytes,
		"webform.files_max", fields...)
}

func (h Handlers) submit(c *fiber.Ctx) error {
	ctx, ip := c.UserContext(), c.IP()
	if err := h.Service.throttle(ctx, submitBudget, ip); err != nil {
		return err
	}
	f, err := h.readForm(c, "name", "email", "category_id", "subcategory_id", "order_number", "description", "lang", "website")
	if err != nil {
		return err
	}
	defer f.Close()
	v := f.Values
	if v["lang"] != "" {
		httpx.SetLocale(c, localeOf(v["lang"]))
	}
	// A robot fills the field people do not see: it is answered as a person is, and nothing is written.
	if strings.TrimSpace(v["website"]) != "" {
		if err := h.Service.spend(ctx, submitBudget, ip); err != nil {
			return err
		}
		n, err := h.Service.honeypotNumber(ctx)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(Created{Number: n})
	}
	out, err := h.Service.Submit(ctx, Submission{Name: v["name"], Email: v["email"], CategoryID: v["category_id"],
		SubcategoryID: v["subcategory_id"], OrderNumber: v["order_number"], Description: v["description"], Lang: v["lang"],
		Files: f.Files}, c.BaseURL())
	if err != nil {
		return err
	}
	if err := h.Service.spend(ctx, submitBudget, ip); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// public runs a link endpoint under the client address's budget: a link that is unknown or gone counts
// against the address. The answer speaks the link's language unless the page asks for another.
func (h Handlers) public(c *fiber.Ctx, f func() (string, error)) error {
	if h.Limiter != nil {
		if err := h.Limiter.ThrottleIP(c.UserContext(), c.IP()); err != nil {
			return err
		}
	}
	lang, err := f()
	if lang != "" {
		httpx.SetLocale(c, localeOf(lang))
	}
	if e, ok := errs.As(err); ok && h.Limiter != nil && (e.Code == errs.NotFound || e.Code == errs.Gone) {
		if ferr := h.Limiter.FailIP(c.UserContext(), c.IP()); ferr != nil {
			return ferr
		}
	}
	return err
}

func (h Handlers) track(c *fiber.Ctx) error {
	return h.public(c, func() (string, error) {
		out, lang, err := h.Service.View(c.UserContext(), c.Params("token"))
		if err != nil {
			return lang, err
		}
		return lang, c.JSON(out)
	})
}

// TrackTarget resolves the tracking page's live socket, throttled and answered in the link's language
// as the tracking page is.
func (h Handlers) TrackTarget(c *fiber.Ctx) (*live.TrackTarget, error) {
	var t *live.TrackTarget
	err := h.public(c, func() (string, error) {
		out, lang, err := h.Service.Target(c.UserContext(), c.Params("token"))
		t = out
		return lang, err
	})
	return t, err
}

func (h Handlers) reply(c *fiber.Ctx) error {
	return h.public(c, func() (string, error) {
		ctx, token := c.UserContext(), c.Params("token")
		lang, err := h.Service.Check(ctx, token)
		if err != nil {
			return lang, err
		}
		if err := h.Service.throttle(ctx, replyBudget, c.IP()); err != nil {
			return lang, err
		}
		f, err := h.readForm(c, "body")
		if err != nil {
			return lang, err
		}
		defer f.Close()
		out, lang, err := h.Service.Reply(ctx, token, f.Values["body"], f.Files)
		if err != nil {
			return lang, err
		}
		if err := h.Service.spend(ctx, replyBudget, c.IP()); err != nil {
			return lang, err
		}
		return lang, c.Status(fiber.StatusCreated).JSON(out)
	})
}

func (h Handlers) file(c *fiber.Ctx) error {
	return h.public(c, func() (string, error) {
		id, err := httpx.ParamInt64(c, "attachmentId")
		if err != nil {
			return "", errs.New(errs.NotFound, "attachment.not_found")
		}
		f, lang, err := h.Service.OpenFile(c.UserContext(), c.Params("token"), id)
		if err != nil {
			return lang, err
		}
		c.Set(fiber.HeaderContentType, attachments.ServedType(f.ContentType))
		c.Set(fiber.HeaderContentDisposition, attachments.ContentDisposition(f.Filename))
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set("Content-Security-Policy", "sandbox")
		c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
		return lang, c.SendStream(f.Content, int(f.Size))
	})
}

func ticketParam(c *fiber.Ctx) (int64, error) {
	id, err := httpx.ParamInt64(c, "ticketId")
	if err != nil {
		return 0, errs.New(errs.NotFound, "ticket.not_found")
	}
	return id, nil
}

func (h Handlers) links(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketParam(c)
	if err != nil {
		return err
	}
	out, err := h.Service.Links(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) sendLink(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketParam(c)
	if err != nil {
		return err
	}
	out, err := h.Service.SendLink(c.UserContext(), subj, id, c.BaseURL())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) revokeLink(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketParam(c)
	if err != nil {
		return err
	}
	linkID, err := httpx.ParamInt64(c, "linkId")
	if err != nil {
		return errs.New(errs.NotFound, "webform.link_not_found")
	}
	out, err := h.Service.RevokeLink(c.UserContext(), subj, id, linkID)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
