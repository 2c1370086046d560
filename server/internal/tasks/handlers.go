package tasks

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Limiter throttles the public endpoints per client address, sharing login's budget.
type Limiter interface {
	ThrottleIP(ctx context.Context, ip string) error
	FailIP(ctx context.Context, ip string) error
}

// Handlers serves tasks and information requests.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
	Limiter Limiter
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/tickets/:ticketId/tasks", h.list)
	r.Post("/tickets/:ticketId/tasks", h.create)
	r.Patch("/tasks/:taskId", h.update)
	r.Delete("/tasks/:taskId", h.delete)
	r.Get("/tasks/:taskId/comments", h.comments)
	r.Post("/tasks/:taskId/comments", h.addComment)
	r.Get("/tasks/:taskId/files", h.files)
	r.Post("/tasks/:taskId/files", h.upload)
	r.Get("/task-files/:fileId", h.download)
	r.Get("/me/tasks", h.mine)
	h.registerRequests(r)
}

func pathID(c *fiber.Ctx, name, key string) (int64, error) {
	id, err := httpx.ParamInt64(c, name)
	if err != nil {
		return 0, errs.New(errs.NotFound, key)
	}
	return id, nil
}

// boolQuery reads an optional true/false query parameter.
func boolQuery(c *fiber.Ctx, name string) (bool, error) {
	raw := c.Query(name)
	if raw == "" {
		return false, nil
	}
	v, err := strconv.ParseBool(raw)
	if err != nil {
		return false, errs.InvalidField(name, "field.type", map[string]any{"type": "boolean"})
	}
	return v, nil
}

func (h Handlers) list(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "ticketId", "ticket.not_found")
	if err != nil {
		return err
	}
	items, err := h.Service.List(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (h Handlers) create(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "ticketId", "ticket.not_found")
	if err != nil {
		return err
	}
	var req NewTask
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.Service.Create(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) update(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "taskId", "task.not_found")
	if err != nil {
		return err
	}
	var req TaskPatch
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.Service.Update(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) delete(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "taskId", "task.not_found")
	if err != nil {
		return err
	}
	var version int64
	if raw := c.Query("version"); raw != "" {
		if version, err = strconv.ParseInt(raw, 10, 64); err != nil || version < 1 {
			return errs.InvalidField("version", "field.gte", map[string]any{"param": 1})
		}
	}
	if err := h.Service.Delete(c.UserContext(), subj, id, version); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h Handlers) comments(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "taskId", "task.not_found")
	if err != nil {
		return err
	}
	items, err := h.Service.Comments(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (h Handlers) addComment(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "taskId", "task.not_found")
	if err != nil {
		return err
	}
	var req NewComment
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.Service.AddComment(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) files(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "taskId", "task.not_found")
	if err != nil {
		return err
	}
	items, err := h.Service.FilesOf(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// upload receives one file in the multipart field "file".
func (h Handlers) upload(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "taskId", "task.not_found")
	if err != nil {
		return err
	}
	if err := h.Service.CheckWork(c.UserContext(), subj, id); err != nil {
		return err
	}
	f, err := attachments.ReadForm(c.Body(), c.Get(fiber.HeaderContentType), "file", 1, h.Service.MaxFileBytes, "attachment.one_file")
	if err != nil {
		return err
	}
	defer f.Close()
	if len(f.Files) == 0 {
		return errs.InvalidField("file", "field.required", nil)
	}
	out, err := h.Service.AddFile(c.UserContext(), subj, id, f.Files[0])
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) download(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := pathID(c, "fileId", "attachment.not_found")
	if err != nil {
		return err
	}
	d, err := h.Service.OpenTaskFile(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return send(c, d)
}

func (h Handlers) mine(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	open, err := boolQuery(c, "open")
	if err != nil {
		return err
	}
	page, err := h.Service.Mine(c.UserContext(), subj, open, c.Query("after"))
	if err != nil {
		return err
	}
	return c.JSON(page)
}
