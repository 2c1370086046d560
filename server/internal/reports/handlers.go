package reports

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/reports/sheet"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Handlers serves the report routes.
type Handlers struct {
	Service *Service
	Subject func(c *fiber.Ctx) (access.Subject, bool)
	// TimeZone is the desk's zone (nil: UTC): the day filters count its days, and an export writes its
	// times in it when the request names no zone.
	TimeZone *time.Location
}

// Register mounts the routes on an authenticated router.
func (h Handlers) Register(r fiber.Router) {
	r.Get("/reports/pivot", h.pivot)
	r.Get("/reports/pivot/export", h.pivotExport)
	r.Get("/reports/history", h.history)
	r.Get("/reports/history/export", h.historyExport)
}

// pivotQuery reads a pivot request, naming every bad parameter.
func pivotQuery(c *fiber.Ctx, zone *time.Location) (PivotQuery, error) {
	q := PivotQuery{Rows: c.Query("rows"), Cols: c.Query("cols"), Measure: c.Query("measure"), Zone: zone}
	bad := errs.New(errs.Invalid, "error.invalid")
	day := func(name string) time.Time {
		v := c.Query(name)
		if v == "" {
			return time.Time{}
		}
		d, err := deskday.Parse(v, zone)
		if err != nil {
			bad.WithField(name, "field.date", nil)
		}
		return d
	}
	q.From, q.To = day("from"), day("to")
	id := func(name string, dst *int64) {
		if v := c.Query(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				bad.WithField(name, "ticket.bad_id", nil)
			}
			*dst = n
		}
	}
	id("queue", &q.QueueID)
	id("category", &q.CategoryID)
	id("channel", &q.ChannelID)
	if len(bad.Fields) > 0 {
		return q, bad
	}
	// The rest (dimensions, measure, period) is checked with everything else the pivot refuses.
	if err := q.Check(time.Now()); err != nil {
		return q, err
	}
	return q, nil
}

func (h Handlers) pivot(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanSeePivot(subj) {
		return errs.New(errs.Forbidden, "report.forbidden")
	}
	q, err := pivotQuery(c, h.TimeZone)
	if err != nil {
		return err
	}
	p, err := h.Service.Pivot(c.UserContext(), subj, q)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h Handlers) pivotExport(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanExportPivot(subj) {
		return errs.New(errs.Forbidden, "report.export_forbidden")
	}
	format, err := sheet.ParseFormat(c.Query("format"))
	if err != nil {
		return err
	}
	q, err := pivotQuery(c, h.TimeZone)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := h.Service.ExportPivot(c.UserContext(), subj, q, format, &buf); err != nil {
		return err
	}
	return tickets.SendFile(c, "pivot", format, buf.Bytes())
}

// historyQuery reads a history request: the records-table parameters choose the tickets; sort, cursor
// and limit are the report's own (its order is by time of change), so they are taken out of the query
// string before the tickets' parameters are read.
func historyQuery(c *fiber.Ctx, subj access.Subject, zone *time.Location) (HistoryQuery, error) {
	q := HistoryQuery{Cursor: c.Query("cursor"), Limit: DefaultHistoryLimit}
	bad := errs.New(errs.Invalid, "error.invalid")
	switch c.Query("sort") {
	case "", "-at":
		q.Desc = true
	case "at":
	default:
		bad.WithField("sort", "report.bad_history_sort", nil)
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxHistoryLimit {
			bad.WithField("limit", "field.between", map[string]any{"min": 1, "max": MaxHistoryLimit})
		}
		q.Limit = n
	}
	cols, err := ParseColumns(c.Query("columns"))
	if err != nil {
		return q, err
	}
	q.Columns = cols
	q.Field = strings.TrimSpace(c.Query("field"))
	if utf8.RuneCountInString(q.Field) > maxFieldName || !utf8.ValidString(q.Field) {
		bad.WithField("field", "field.max", map[string]any{"param": maxFieldName})
	}
	if v := c.Query("actor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			bad.WithField("actor", "ticket.bad_id", nil)
		}
		q.ActorID = n
	}
	day := func(name string) *time.Time {
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
	q.AtFrom = day("at_from")
	if to := day("at_to"); to != nil {
		if q.AtFrom != nil && to.Before(*q.AtFrom) {
			bad.WithField("at_to", "ticket.date_range", nil)
		}
		next := to.AddDate(0, 0, 1) // inclusive: up to the end of that day
		q.AtTo = &next
	}
	args := c.Context().QueryArgs()
	for _, k := range []string{"sort", "cursor", "limit"} {
		args.Del(k)
	}
	lq, err := tickets.ParseListQuery(c, subj, zone)
	if err != nil {
		if e, ok := err.(*errs.Error); ok {
			for f, m := range e.Fields {
				bad.WithField(f, m.Key, m.Args)
			}
		} else {
			return q, err
		}
	}
	q.Tickets = lq
	if len(bad.Fields) > 0 {
		return q, bad
	}
	return q, nil
}

func (h Handlers) history(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanSeeHistoryReport(subj) {
		return errs.New(errs.Forbidden, "report.history_forbidden")
	}
	q, err := historyQuery(c, subj, h.TimeZone)
	if err != nil {
		return err
	}
	p, err := h.Service.History(c.UserContext(), subj, q)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h Handlers) historyExport(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	if !access.CanExportHistory(subj) {
		return errs.New(errs.Forbidden, "report.export_forbidden")
	}
	format, err := sheet.ParseFormat(c.Query("format"))
	if err != nil {
		return err
	}
	loc, err := sheet.ParseZone(c.Query("tz"), h.TimeZone)
	if err != nil {
		return err
	}
	q, err := historyQuery(c, subj, h.TimeZone)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := h.Service.ExportHistory(c.UserContext(), subj, q, format, loc, &buf); err != nil {
		return err
	}
	return tickets.SendFile(c, "history", format, buf.Bytes())
}
