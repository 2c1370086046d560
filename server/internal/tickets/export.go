package tickets

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
)

// MaxExport bounds the rows of one export; the file says so in its last line when there were more.
const MaxExport = 100000

// exportPage is how many tickets one read of an export takes.
const exportPage = 1000

// exportColumns are the export's columns: header message key and how to read a card.
var exportColumns = []string{"number", "subject", "status", "priority", "category", "subcategory", "channel",
	"queue", "assignee", "requester", "requester_email", "created_at", "updated_at"}

// Export writes the tickets of a records-table query that subj sees as CSV (UTF-8 with a byte-order
// mark, so that spreadsheets read accents), in the query's order, labels in the subject's language. It
// checks the query before writing anything, so a bad query is an error, not a broken file.
func (s *Service) Export(ctx context.Context, subj access.Subject, lq ListQuery, w io.Writer) error {
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
	label := labels(cats, subj.Locale)
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	head := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		head[i] = i18n.T(subj.Locale, "export."+c, nil)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	written := 0
	page := first
	for {
		for _, c := range page.Items {
			if written == MaxExport {
				break
			}
			if err := cw.Write(exportRow(c, label)); err != nil {
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
		if err := cw.Write([]string{i18n.T(subj.Locale, "export.truncated", map[string]any{"max": MaxExport})}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("tickets: export: %w", err)
	}
	return bw.Flush()
}

// labels returns a function naming a catalog entry (by kind and id) in a language.
func labels(c *catalog.Catalogs, l i18n.Locale) func(kind string, id *int64) string {
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

func exportRow(c Card, label func(string, *int64) string) []string {
	assignee, requester, email := "", "", ""
	if c.Assignee != nil {
		assignee = c.Assignee.Name
	}
	if c.Requester != nil {
		requester, email = c.Requester.Name, c.Requester.Email
	}
	return []string{strconv.FormatInt(c.Number, 10), safeCell(c.Subject), label("status", &c.StatusID),
		label("priority", &c.PriorityID), label("category", c.CategoryID), label("category", c.SubcategoryID),
		label("channel", c.ChannelID), label("queue", c.QueueID), safeCell(assignee), safeCell(requester), safeCell(email),
		c.CreatedAt.UTC().Format(time.RFC3339), c.UpdatedAt.UTC().Format(time.RFC3339)}
}

// safeCell keeps a spreadsheet from reading text a customer typed as a formula (CSV injection).
func safeCell(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
