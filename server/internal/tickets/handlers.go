package tickets

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Handlers serves the board and ticket routes.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
	// TimeZone is the desk's zone (nil: UTC): the day filters count its days, and an export writes its
	// times in it when the request names no zone.
	TimeZone *time.Location
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/board", h.board)
	r.Get("/board/columns/:statusId/cards", h.columnPage)
	r.Get("/tickets", h.list)
	r.Get("/tickets/export.csv", h.export)
	r.Get("/tickets/export", h.export)
	r.Post("/tickets", h.create)
	r.Get("/tickets/:ticketId", h.get)
	r.Patch("/tickets/:ticketId", h.update)
	r.Post("/tickets/:ticketId/move", h.move)
	r.Get("/tickets/:ticketId/history", h.history)
	r.Post("/tickets/:ticketId/links", h.link)
	r.Delete("/tickets/:ticketId/links/:otherId", h.unlink)
	r.Post("/tickets/:ticketId/merge", h.merge)
	ViewHandlers{Views: &Views{DB: h.Service.DB}, Subject: h.Subject}.Register(r)
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
	if w := c.Query("workflow_id"); w != "" {
		id, err := strconv.ParseInt(w, 10, 64)
		if err != nil || id <= 0 {
			bad.WithField("workflow_id", "field.type", map[string]any{"type": "integer"})
		}
		f.WorkflowID = id
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
	d, err := h.Service.Detail(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(d)
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

func ticketID(c *fiber.Ctx) (int64, error) {
	id, err := httpx.ParamInt64(c, "ticketId")
	if err != nil {
		return 0, errs.New(errs.NotFound, "ticket.not_found")
	}
	return id, nil
}

// IdempotencyHeader is the request header that makes a creation safe to retry.
const IdempotencyHeader = "Idempotency-Key"

func (h Handlers) create(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	var req NewTicketRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	res, err := h.Service.CreateTicket(c.UserContext(), subj, req, key)
	if err != nil {
		return err
	}
	return sendCreated(c, res)
}

// idempotencyKey reads the optional Idempotency-Key header of a creation.
func idempotencyKey(c *fiber.Ctx) (string, error) {
	key := c.Get(IdempotencyHeader)
	if utf8.RuneCountInString(key) > MaxIdempotencyKey || !utf8.ValidString(key) {
		return "", errs.InvalidField(IdempotencyHeader, "field.max", map[string]any{"param": MaxIdempotencyKey})
	}
	return key, nil
}

// sendCreated answers a creation with its stored status and body, marking a replay of an earlier one.
func sendCreated(c *fiber.Ctx, res *Created) error {
	if res.Replay {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(res.Status).Send(res.Body)
}

func (h Handlers) update(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var p TicketPatch
	if err := httpx.Decode(c, &p); err != nil {
		return err
	}
	d, err := h.Service.Update(c.UserContext(), subj, id, p)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h Handlers) history(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	hist, err := h.Service.History(c.UserContext(), subj, id)
	if err != nil {
		return err
	}
	return c.JSON(hist)
}

func (h Handlers) link(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var req LinkRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	d, err := h.Service.Link(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (h Handlers) unlink(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	other, err := httpx.ParamInt64(c, "otherId")
	if err != nil {
		return errs.New(errs.NotFound, "ticket.link_not_found")
	}
	d, err := h.Service.Unlink(c.UserContext(), subj, id, other)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h Handlers) merge(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var req MergeRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	d, err := h.Service.Merge(c.UserContext(), subj, id, req)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// slaStates are the values of sla_state: the states a running clock shows.
var slaStates = map[string]bool{"on_track": true, "at_risk": true, "breached": true}

// listQuery reads the records table's query string, naming every parameter it cannot use.
func listQuery(c *fiber.Ctx, subj access.Subject, zone *time.Location) (ListQuery, error) {
	lq := ListQuery{Limit: defaultLimit, Sort: DefaultSort}
	bad := errs.New(errs.Invalid, "error.invalid")
	id := func(name string, dst *int64) {
		v := c.Query(name)
		if v == "" {
			return
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			bad.WithField(name, "ticket.bad_id", nil)
			return
		}
		*dst = n
	}
	id("status", &lq.StatusID)
	id("priority", &lq.PriorityID)
	// queue, category and subcategory also take "none": the tickets without one.
	idOrNone := func(name string, dst *int64, none *bool) {
		if c.Query(name) == "none" {
			*none = true
			return
		}
		id(name, dst)
	}
	idOrNone("queue", &lq.QueueID, &lq.NoQueue)
	id("channel", &lq.ChannelID)
	idOrNone("category", &lq.CategoryID, &lq.NoCategory)
	idOrNone("subcategory", &lq.SubcategoryID, &lq.NoSubcategory)
	id("requester", &lq.RequesterID)
	switch a := c.Query("assignee"); a {
	case "":
	case "me":
		lq.AssigneeID = subj.UserID
	case "none":
		lq.Unassigned = true
	default:
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n <= 0 {
			bad.WithField("assignee", "board.bad_assignee", nil)
		}
		lq.AssigneeID = n
	}
	date := func(name string) *time.Time {
		v := c.Query(name)
		if v == "" {
			return nil
		}
		d, err := deskday.Parse(v, zone)
		if err != nil {
			bad.WithField(name, "field.date", nil)
			return nil
		}
		return &d
	}
	// days reads a pair of inclusive days of the desk into [from, to): midnights in the desk's zone.
	days := func(fromName, toName string, from, to **time.Time) {
		*from = date(fromName)
		if t := date(toName); t != nil {
			if *from != nil && t.Before(**from) {
				bad.WithField(toName, "ticket.date_range", nil)
			}
			next := t.AddDate(0, 0, 1) // inclusive: up to the end of that day
			*to = &next
		}
	}
	days("created_from", "created_to", &lq.CreatedFrom, &lq.CreatedTo)
	days("resolved_from", "resolved_to", &lq.ResolvedFrom, &lq.ResolvedTo)
	days("responded_from", "responded_to", &lq.RespondedFrom, &lq.RespondedTo)
	switch o := c.Query("open"); o {
	case "":
	case "true":
		lq.Open = true
	default:
		bad.WithField("open", "ticket.bad_open", nil)
	}
	if st := c.Query("sla_state"); st != "" {
		if !slaStates[st] {
			bad.WithField("sla_state", "ticket.bad_sla_state", nil)
		}
		lq.SLAState = st
	}
	lq.SLAClock, lq.SLAResult = c.Query("sla_clock"), c.Query("sla_result")
	days("sla_from", "sla_to", &lq.SLAFrom, &lq.SLATo)
	switch {
	case lq.SLAClock == "" && lq.SLAResult == "":
		if lq.SLAFrom != nil || lq.SLATo != nil {
			bad.WithField("sla_clock", "ticket.bad_sla_clock", nil)
		}
	case lq.SLAClock != "first_response" && lq.SLAClock != "resolution":
		bad.WithField("sla_clock", "ticket.bad_sla_clock", nil)
	case lq.SLAResult != "met" && lq.SLAResult != "breached":
		bad.WithField("sla_result", "ticket.bad_sla_result", nil)
	}
	lq.Text = strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(lq.Text) > maxText || !utf8.ValidString(lq.Text) {
		bad.WithField("q", "field.max", map[string]any{"param": maxText})
	}
	if s := c.Query("sort"); s != "" {
		if !ValidSort(s) {
			bad.WithField("sort", "ticket.bad_sort", nil)
		}
		lq.Sort = s
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxLimit {
			bad.WithField("limit", "field.between", map[string]any{"min": 1, "max": maxLimit})
		}
		lq.Limit = n
	}
	lq.Cursor = c.Query("cursor")
	if len(bad.Fields) > 0 {
		return lq, bad
	}
	return lq, nil
}

func (h Handlers) list(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	lq, err := listQuery(c, subj, h.TimeZone)
	if err != nil {
		return err
	}
	l, err := h.Service.List(c.UserContext(), subj, lq)
	if err != nil {
		return err
	}
	return c.JSON(l)
}
