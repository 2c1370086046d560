package tickets

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Handlers serves the board and ticket routes.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/board", h.board)
	r.Get("/board/columns/:statusId/cards", h.columnPage)
	r.Get("/tickets/:ticketId", h.get)
	r.Post("/tickets/:ticketId/move", h.move)
}

const (
	defaultLimit = 50
	maxLimit     = 200
	maxText      = 200
)

// filter reads the board filter from the query string, refusing what it cannot use.
func filter(c *fiber.Ctx, subj access.Subject) (BoardFilter, error) {
	f := BoardFilter{Limit: defaultLimit}
	bad := errs.New(errs.Invalid, "error.invalid")
	switch a := c.Query("assignee"); a {
	case "":
	case "me":
		f.AssigneeID = subj.UserID
	case "none":
		f.Unassigned = true
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			bad.WithField("assignee", "board.bad_assignee", nil)
		}
		f.AssigneeID = id
	}
	if p := c.Query("priority"); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			bad.WithField("priority", "field.type", map[string]any{"type": "integer"})
		}
		f.PriorityID = id
	}
	f.Text = strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(f.Text) > maxText || !utf8.ValidString(f.Text) {
		bad.WithField("q", "field.max", map[string]any{"param": maxText})
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxLimit {
			bad.WithField("limit", "field.lte", map[string]any{"param": maxLimit})
		}
		f.Limit = n
	}
	if len(bad.Fields) > 0 {
		return f, bad
	}
	return f, nil
}

func (h Handlers) board(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	f, err := filter(c, subj)
	if err != nil {
		return err
	}
	b, err := h.Service.Board(c.UserContext(), subj, f)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (h Handlers) columnPage(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	statusID, err := httpx.ParamInt64(c, "statusId")
	if err != nil {
		return err
	}
	f, err := filter(c, subj)
	if err != nil {
		return err
	}
	cursor := c.Query("cursor")
	if cursor == "" {
		return errs.InvalidField("cursor", "field.required", nil)
	}
	cards, next, err := h.Service.Page(c.UserContext(), subj, statusID, cursor, f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"cards": cards, "next_cursor": next})
}

func (h Handlers) get(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "ticketId")
	if err != nil {
		return errs.New(errs.NotFound, "ticket.not_found")
	}
	card, err := h.Service.Get(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(card)
}

func (h Handlers) move(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := httpx.ParamInt64(c, "ticketId")
	if err != nil {
		return errs.New(errs.NotFound, "ticket.not_found")
	}
	var req MoveRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	card, err := h.Service.Move(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(card)
}
