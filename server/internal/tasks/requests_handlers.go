package tasks

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

func (h Handlers) registerRequests(r fiber.Router) {
	r.Get("/tickets/:ticketId/info-requests", h.requests)
	r.Post("/tickets/:ticketId/info-requests", h.createRequest)
	r.Post("/info-requests/:requestId/accept", h.accept)
	r.Post("/info-requests/:requestId/return", h.returnRequest)
	r.Post("/info-requests/:requestId/revoke", h.revoke)
	r.Post("/info-requests/:requestId/answer", h.answer)
	r.Get("/info-request-files/:fileId", h.requestFile)
	r.Get("/me/info-requests", h.myRequests)
}

// RegisterPublic mounts the outsider's page routes, which need no session (the CSRF cookie the page's
// GET sets still guards its POST).
func (h Handlers) RegisterPublic(r fiber.Router) {
	r.Get("/public/info-requests/:token", h.publicView)
	r.Post("/public/info-requests/:token/answer", h.publicAnswer)
}

// origin is the request's origin, for links when the desk has no public URL.
func origin(c *fiber.Ctx) string { return c.BaseURL() }

func (h Handlers) requests(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "ticketId", "ticket.not_found")
	if err != nil {
		return err
	}
	items, err := h.Service.Requests(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (h Handlers) createRequest(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "ticketId", "ticket.not_found")
	if err != nil {
		return err
	}
	var req NewInfoRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.Service.CreateRequest(c.UserContext(), subj, id, req, origin(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) accept(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "requestId", "info_request.not_found")
	if err != nil {
		return err
	}
	out, err := h.Service.Accept(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) returnRequest(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "requestId", "info_request.not_found")
	if err != nil {
		return err
	}
	var req ReturnRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.Service.Return(c.UserContext(), subj, id, req, origin(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) revoke(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "requestId", "info_request.not_found")
	if err != nil {
		return err
	}
	out, err := h.Service.Revoke(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// readAnswer reads an answer: JSON {body}, or a multipart form with body and up to MaxAnswerFiles files.
// The caller closes the returned form when not nil.
func (h Handlers) readAnswer(c *fiber.Ctx) (Answer, *attachments.Form, error) {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
		var req struct {
			Body string `json:"body"`
		}
		if err := httpx.Decode(c, &req); err != nil {
			return Answer{}, nil, err
		}
		return Answer{Body: req.Body}, nil, nil
	}
	f, err := attachments.ReadForm(c.Body(), c.Get(fiber.HeaderContentType), "files", MaxAnswerFiles, h.Service.MaxFileBytes,
		"info_request.files_max", "body")
	if err != nil {
		return Answer{}, nil, err
	}
	return Answer{Body: f.Values["body"], Files: f.Files}, f, nil
}

func (h Handlers) answer(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "requestId", "info_request.not_found")
	if err != nil {
		return err
	}
	a, f, err := h.readAnswer(c)
	if err != nil {
		return err
	}
	if f != nil {
		defer f.Close()
	}
	out, err := h.Service.AnswerAsUser(c.UserContext(), subj, id, a)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) requestFile(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "fileId", "attachment.not_found")
	if err != nil {
		return err
	}
	d, err := h.Service.OpenRequestFile(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return send(c, d)
}

func (h Handlers) myRequests(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	open, err := boolQuery(c, "open")
	if err != nil {
		return err
	}
	var before int64
	if raw := c.Query("before"); raw != "" {
		if before, err = strconv.ParseInt(raw, 10, 64); err != nil || before < 1 {
			return errs.InvalidField("before", "field.gte", map[string]any{"param": 1})
		}
	}
	page, err := h.Service.MyRequests(c.UserContext(), subj, open, before)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

// public runs a public endpoint under the client address's rate limit: a link that is unknown or gone
// counts against the address as a failed login does, so links cannot be guessed. The page speaks the
// request's language unless the browser asks for one.
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

func (h Handlers) publicView(c *fiber.Ctx) error {
	return h.public(c, func() (string, error) {
		out, lang, err := h.Service.PublicView(c.UserContext(), c.Params("token"))
		if err != nil {
			return lang, err
		}
		return lang, c.JSON(out)
	})
}

func (h Handlers) publicAnswer(c *fiber.Ctx) error {
	return h.public(c, func() (string, error) {
		token := c.Params("token")
		lang, err := h.Service.CheckPublic(c.UserContext(), token)
		if err != nil {
			return lang, err
		}
		a, f, err := h.readAnswer(c)
		if err != nil {
			return lang, err
		}
		if f != nil {
			defer f.Close()
		}
		out, err := h.Service.AnswerPublic(c.UserContext(), token, a)
		if err != nil {
			return lang, err
		}
		return lang, c.JSON(out)
	})
}
