package dashboard

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Handlers serves the dashboard's widgets and layout.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/dashboard/layout", h.layout)
	r.Put("/dashboard/layout", h.saveLayout)
	r.Get("/dashboard/widgets/:key", h.widget)
}

// defaultDays is the period when none is asked for: the last 30 days up to today.
const defaultDays = 30

// maxDays bounds a period (two years).
const maxDays = 731

// ParseFilter reads a widget's filters from the query string, naming every bad one; today is the desk's
// day the default period ends on, as its midnight in the desk's zone (the zone the days are read in).
func ParseFilter(q func(string) string, today time.Time) (Filter, error) {
	bad := errs.New(errs.Invalid, "error.invalid")
	f := Filter{To: today, From: today.AddDate(0, 0, 1-defaultDays)}
	date := func(name string, dst *time.Time) bool {
		v := q(name)
		if v == "" {
			return false
		}
		d, err := deskday.Parse(v, today.Location())
		if err != nil {
			bad.WithField(name, "field.date", nil)
			return false
		}
		*dst = d
		return true
	}
	hasFrom, hasTo := date("from", &f.From), date("to", &f.To)
	if hasTo && !hasFrom {
		f.From = f.To.AddDate(0, 0, 1-defaultDays)
	}
	if f.To.Before(f.From) {
		bad.WithField("to", "ticket.date_range", nil)
	} else if deskday.Between(f.From, f.To) > maxDays {
		bad.WithField("from", "dashboard.period_too_long", nil)
	}
	id := func(name string, dst *int64) {
		v := q(name)
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
	id("queue", &f.QueueID)
	id("category", &f.CategoryID)
	id("channel", &f.ChannelID)
	if len(bad.Fields) > 0 {
		return f, bad
	}
	return f, nil
}

func (h Handlers) widget(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	key := c.Params("key")
	// Who may not see the widget learns it before their filters are judged.
	if !access.IsWidget(key) {
		return errs.New(errs.NotFound, "dashboard.widget_not_found")
	}
	if !access.CanSeeWidget(subj, key) {
		return errs.New(errs.Forbidden, "dashboard.widget_forbidden")
	}
	f, err := ParseFilter(func(k string) string { return c.Query(k) }, deskday.Today(h.Service.Zone))
	if err != nil {
		return err
	}
	w, err := h.Service.Get(c.UserContext(), subj, key, f)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (h Handlers) layout(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	l, err := h.Service.Layout(c.UserContext(), subj)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h Handlers) saveLayout(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	var req LayoutRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	l, err := h.Service.SaveLayout(c.UserContext(), subj, req)
	if err != nil {
		return err
	}
	return c.JSON(l)
}
