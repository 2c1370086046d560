package tickets

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Files is where attachments' bytes go and how large one may be.
type Files struct {
	Store    attachments.Store
	MaxBytes int64
}

// conversation serves a ticket's comments, canned responses and attachments.
type conversation struct {
	Handlers
	files Files
}

// RegisterConversation mounts the conversation and attachment routes on an authenticated router.
func (h Handlers) RegisterConversation(r fiber.Router, files Files) {
	cv := conversation{Handlers: h, files: files}
	r.Get("/tickets/:ticketId/comments", cv.listComments)
	r.Post("/tickets/:ticketId/comments", cv.addComment)
	r.Post("/tickets/:ticketId/canned-responses/:cannedId/render", cv.renderCanned)
	r.Get("/tickets/:ticketId/attachments", cv.listAttachments)
	r.Post("/tickets/:ticketId/attachments", cv.upload)
	r.Get("/attachments/:attachmentId", cv.download)
}

func ticketParam(c *fiber.Ctx) (int64, error) {
	id, err := httpx.ParamInt64(c, "ticketId")
	if err != nil {
		return 0, errs.New(errs.NotFound, "ticket.not_found")
	}
	return id, nil
}

func (h conversation) listComments(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketParam(c)
	if err != nil {
		return err
	}
	items, err := h.Service.Comments(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (h conversation) addComment(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketParam(c)
	if err != nil {
		return err
	}
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	var req NewCommentRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	res, err := h.Service.AddCommentOnce(c.UserContext(), subj, id, req, key)
	if err != nil {
		return err
	}
	return sendCreated(c, res)
}

func (h conversation) renderCanned(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketParam(c)
	if err != nil {
		return err
	}
	cannedID, err := httpx.ParamInt64(c, "cannedId")
	if err != nil {
		return errs.New(errs.NotFound, "canned.not_found")
	}
	var req RenderCannedRequest
	if len(bytes.TrimSpace(c.Body())) > 0 { // the body is optional
		if err := httpx.Decode(c, &req); err != nil {
			return err
		}
	}
	body, err := h.Service.RenderCanned(c.UserContext(), subj, id, cannedID, req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"body": body})
}

func (h conversation) listAttachments(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketParam(c)
	if err != nil {
		return err
	}
	items, err := h.Service.Attachments(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// upload receives one file in the multipart field "file". The body is already in memory (the server
// reads it whole, up to the attachment limit); it is parsed as a stream into a temporary file, so the
// file is never held in memory a second time.
func (h conversation) upload(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketParam(c)
	if err != nil {
		return err
	}
	if err := h.Service.CheckAttach(c.UserContext(), subj, id); err != nil {
		return err
	}
	mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEMultipartForm || params["boundary"] == "" {
		return errs.New(errs.Invalid, "attachment.multipart")
	}
	mr := multipart.NewReader(bytes.NewReader(c.Body()), params["boundary"])
	var up *attachments.Upload
	onTicket := false
	defer func() {
		if up != nil {
			up.Close()
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return errs.New(errs.Invalid, "attachment.multipart")
		}
		if part.FormName() == "attach_to" {
			v, err := io.ReadAll(io.LimitReader(part, 16))
			if err != nil {
				return errs.New(errs.Invalid, "attachment.multipart")
			}
			switch string(v) {
			case "reply":
			case "ticket":
				onTicket = true
			default:
				return errs.InvalidField("attach_to", "field.oneof", map[string]any{"param": "reply ticket"})
			}
			continue
		}
		if part.FormName() != "file" {
			continue
		}
		if up != nil {
			return errs.InvalidField("file", "attachment.one_file", nil)
		}
		if up, err = attachments.Receive(bodyReader{part}, part.FileName(), h.files.MaxBytes); err != nil {
			return err
		}
	}
	if up == nil {
		return errs.InvalidField("file", "field.required", nil)
	}
	out, err := h.Service.AddAttachment(c.UserContext(), subj, id, h.files.Store, up, onTicket)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// bodyReader reads a part of the request body: failing to read it means the body is not the
// multipart form it claims to be.
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, errs.New(errs.Invalid, "attachment.multipart")
	}
	return n, err
}

func (h conversation) download(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "attachmentId")
	if err != nil {
		return errs.New(errs.NotFound, "attachment.not_found")
	}
	f, err := h.Service.OpenAttachment(c.UserContext(), subj, h.files.Store, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, attachments.ServedType(f.ContentType))
	c.Set(fiber.HeaderContentDisposition, attachments.ContentDisposition(f.Filename))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set("Content-Security-Policy", "sandbox")
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	return c.SendStream(f.Content, int(f.Size))
}
