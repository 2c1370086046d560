package tickets

import (
	"bytes"
	"context"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/reports/sheet"
)

// MaxExport bounds the rows of one export; the file says so in its last line when there were more.
const MaxExport = 100000

// exportPage is how many tickets one read of an export takes.
const exportPage = 1000

// exportColumns are the export's columns: header message key and how to read a card.
var exportColumns = []string{"number", "subject", "status", "priority", "category", "subcategory", "channel",
	"queue", "assignee", "requester", "requester_email", "created_at", "updated_at"}

// Export writes the tickets of a records-table query that subj sees as CSV (UTF-8 with a byte-order
// mark, so that spreadsheets read accents) or as an Excel workbook, in the query's order, labels in the
// subject's language, times in loc (named in their headers). It checks the query before writing
// anything, so a bad query is an error, not a broken file.
func (s *Service) Export(ctx context.Context, subj access.Subject, lq ListQuery, format sheet.Format, loc *time.Location, w io.Writer) error {
	if !access.CanExportTickets(subj) {
		return errs.New(errs.Forbidden, "ticket.export_forbidden")
	}
	lq.Limit = exportPage
	lq.Cursor = ""
	first, err := s.List(ctx, subj, lq)
	if err != nil {
		return err
	}
	cats, err := s.Catalog.All(ctx, subj)
	if err != nil {
		return err
	}
	label := CatalogLabels(cats, subj.Locale)
	out, err := sheet.New(format, w)
	if err != nil {
		return err
	}
	head := make([]any, len(exportColumns))
	for i, c := range exportColumns {
		head[i] = i18n.T(subj.Locale, "export."+c, nil)
		if c == "created_at" || c == "updated_at" {
			head[i] = sheet.ZoneHeader(head[i].(string), loc)
		}
	}
	if err := out.Row(head...); err != nil {
		return err
	}
	written := 0
	page := first
	for {
		for _, c := range page.Items {
			if written == MaxExport {
				break
			}
			if err := out.Row(exportRow(c, label, loc)...); err != nil {
				return err
			}
			written++
		}
		if page.NextCursor == nil || written == MaxExport {
			break
		}
		lq.Cursor = *page.NextCursor
		lq.noCount = true
		if page, err = s.List(ctx, subj, lq); err != nil {
			return err
		}
	}
	if written == MaxExport && page.NextCursor != nil {
		if err := out.Row(i18n.T(subj.Locale, "export.truncated", map[string]any{"max": MaxExport})); err != nil {
			return err
		}
	}
	return out.Close()
}

// export answers GET /tickets/export?format=csv|xlsx&tz=… (and the older /tickets/export.csv): the
// records table's query as a file of every ticket the user sees under it, times in the zone asked (the
// desk's by default).
func (h Handlers) export(c *fiber.Ctx) error {
	subj, _ := h.Subject(c)
	format, err := sheet.ParseFormat(c.Query("format"))
	if err != nil {
		return err
	}
	loc, err := sheet.ParseZone(c.Query("tz"), h.TimeZone)
	if err != nil {
		return err
	}
	lq, err := listQuery(c, subj, h.TimeZone)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := h.Service.Export(c.UserContext(), subj, lq, format, loc, &buf); err != nil {
		return err
	}
	return SendFile(c, "tickets", format, buf.Bytes())
}

// SendFile answers with an export's bytes as a download named name-<today>.<ext>.
func SendFile(c *fiber.Ctx, name string, format sheet.Format, body []byte) error {
	file := name + "-" + time.Now().UTC().Format("2006-01-02") + "." + format.Ext()
	c.Set(fiber.HeaderContentType, format.ContentType())
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+file+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}

// ParseListQuery reads a records-table query from the request as GET /tickets does, for the reports
// that filter tickets the same way.
func ParseListQuery(c *fiber.Ctx, subj access.Subject, zone *time.Location) (ListQuery, error) {
	return listQuery(c, subj, zone)
}

// FilterTickets restricts a query over tickets aliased t to those a records-table query finds and subj
// sees (its filters and text, not its sort or cursor), so that a report's rows are the table's tickets.
func (s *Service) FilterTickets(ctx context.Context, q *bun.SelectQuery, subj access.Subject, lq ListQuery) (*bun.SelectQuery, error) {
	var ts *searchText
	if lq.Text != "" {
		st := parseText(lq.Text)
		if st.number == 0 {
			var err error
			if st.words, err = s.unaccent(ctx, st.words); err != nil {
				return nil, err
			}
			if tsquery(st.words) == "" {
				st.words = nil
			}
		}
		ts = &st
	}
	return lq.filter(s, q, subj, ts, ""), nil
}

// CatalogLabels returns a function naming a catalog entry (kind status, priority, category, channel or
// queue, and id) in a language: "" for no id or an id the catalogs do not hold.
func CatalogLabels(c *catalog.Catalogs, l i18n.Locale) func(kind string, id *int64) string {
	names := map[string]map[int64]string{}
	add := func(kind string, id int64, es, en string) {
		if names[kind] == nil {
			names[kind] = map[int64]string{}
		}
		if l == i18n.EN {
			names[kind][id] = en
		} else {
			names[kind][id] = es
		}
	}
	for _, x := range c.Statuses {
		add("status", x.ID, x.NameES, x.NameEN)
	}
	for _, x := range c.Priorities {
		add("priority", x.ID, x.NameES, x.NameEN)
	}
	for _, x := range c.Categories {
		add("category", x.ID, x.NameES, x.NameEN)
	}
	for _, x := range c.Channels {
		add("channel", x.ID, x.NameES, x.NameEN)
	}
	for _, x := range c.Queues {
		add("queue", x.ID, x.NameES, x.NameEN)
	}
	return func(kind string, id *int64) string {
		if id == nil {
			return ""
		}
		return names[kind][*id]
	}
}

func exportRow(c Card, label func(string, *int64) string, loc *time.Location) []any {
	assignee, requester, email := "", "", ""
	if c.Assignee != nil {
		assignee = c.Assignee.Name
	}
	if c.Requester != nil {
		requester, email = c.Requester.Name, c.Requester.Email
	}
	return []any{c.Number, c.Subject, label("status", &c.StatusID),
		label("priority", &c.PriorityID), label("category", c.CategoryID), label("category", c.SubcategoryID),
		label("channel", c.ChannelID), label("queue", c.QueueID), assignee, requester, email,
		c.CreatedAt.In(loc), c.UpdatedAt.In(loc)}
}
