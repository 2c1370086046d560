package reports

import (
	"cmp"
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/reports/sheet"
	"github.com/atiende/atiende/server/internal/tickets"
)

// ExportPivot writes a pivot as a file: a header row (the rows' dimension, each column, the total), a row
// per member with its row total, and the columns' totals last. Empty cells are those without value.
func (s *Service) ExportPivot(ctx context.Context, subj access.Subject, q PivotQuery, format sheet.Format, w io.Writer) error {
	if !access.CanExportPivot(subj) {
		return errs.New(errs.Forbidden, "report.export_forbidden")
	}
	p, err := s.Pivot(ctx, subj, q)
	if err != nil {
		return err
	}
	out, err := sheet.New(format, w)
	if err != nil {
		return err
	}
	l := subj.Locale
	title := i18n.T(l, "report.pivot_title", map[string]any{"measure": i18n.T(l, "report.measure."+p.Measure, nil), "from": p.From, "to": p.To,
		"zone": deskday.Zone(q.Zone).String()})
	if err := out.Row(title); err != nil {
		return err
	}
	total := i18n.T(l, "report.total", nil)
	head := []any{i18n.T(l, "report.dim."+p.RowsDim, nil)}
	for _, c := range p.Cols {
		head = append(head, c.Label)
	}
	if err := out.Row(append(head, total)...); err != nil {
		return err
	}
	cells := map[[2]string]Cell{}
	for _, c := range p.Cells {
		cells[[2]string{*c.Row, *c.Col}] = c
	}
	rowTotals := map[string]Cell{}
	for _, c := range p.RowTotals {
		rowTotals[*c.Row] = c
	}
	for _, r := range p.Rows {
		line := []any{r.Label}
		for _, c := range p.Cols {
			line = append(line, cellValue(p.Measure, cells[[2]string{r.ID, c.ID}]))
		}
		if err := out.Row(append(line, cellValue(p.Measure, rowTotals[r.ID]))...); err != nil {
			return err
		}
	}
	line := []any{total}
	colTotals := map[string]Cell{}
	for _, c := range p.ColTotals {
		colTotals[*c.Col] = c
	}
	for _, c := range p.Cols {
		line = append(line, cellValue(p.Measure, colTotals[c.ID]))
	}
	if err := out.Row(append(line, cellValue(p.Measure, p.Total))...); err != nil {
		return err
	}
	return out.Close()
}

// cellValue is what a pivot file shows for a number: the count, or the measure (nothing when none).
func cellValue(measure string, c Cell) any {
	if measure == "count" {
		return c.Count
	}
	if c.Value == nil {
		return nil
	}
	return *c.Value
}

// ExportHistory writes every change the history query finds (up to tickets.MaxExport rows) with its
// columns, headers and values in the subject's language (ids named, as on the ticket page), times in loc
// (named in the time column's header).
func (s *Service) ExportHistory(ctx context.Context, subj access.Subject, q HistoryQuery, format sheet.Format, loc *time.Location, w io.Writer) error {
	if !access.CanExportHistory(subj) {
		return errs.New(errs.Forbidden, "report.export_forbidden")
	}
	q.Limit, q.Cursor = MaxHistoryLimit, ""
	page, err := s.History(ctx, subj, q)
	if err != nil {
		return err
	}
	words, err := s.changeWords(ctx, subj, loc)
	if err != nil {
		return err
	}
	out, err := sheet.New(format, w)
	if err != nil {
		return err
	}
	head := make([]any, len(page.Columns))
	for i, c := range page.Columns {
		head[i] = i18n.T(subj.Locale, "report.col."+c, nil)
		if c == "at" {
			head[i] = sheet.ZoneHeader(head[i].(string), loc)
		}
	}
	if err := out.Row(head...); err != nil {
		return err
	}
	written := 0
	for {
		words.addPeople(page.People)
		for _, r := range page.Items {
			if written == tickets.MaxExport {
				break
			}
			if err := out.Row(words.line(page.Columns, r)...); err != nil {
				return err
			}
			written++
		}
		if page.NextCursor == nil || written == tickets.MaxExport {
			break
		}
		q.Cursor = *page.NextCursor
		if page, err = s.History(ctx, subj, q); err != nil {
			return err
		}
	}
	if written == tickets.MaxExport && page.NextCursor != nil {
		if err := out.Row(i18n.T(subj.Locale, "report.history_truncated", map[string]any{"max": tickets.MaxExport})); err != nil {
			return err
		}
	}
	return out.Close()
}

// line is a history row's cells.
func (w *changeWords) line(columns []string, r HistoryRow) []any {
	line := make([]any, len(columns))
	for i, c := range columns {
		switch c {
		case "at":
			line[i] = r.At.In(w.loc)
		case "number":
			line[i] = *r.Number
		case "subject":
			line[i] = *r.Subject
		case "field":
			line[i] = w.field(*r.Field)
		case "before":
			line[i] = w.value(*r.Field, r.Before, false)
		case "after":
			line[i] = w.value(*r.Field, r.After, true)
		case "actor":
			line[i] = cmp.Or(r.Actor.Name, i18n.T(w.l, "report.system", nil))
		}
	}
	return line
}

// jsonText shows a stored value: a string without its quotes, anything else as JSON, null as nothing.
func jsonText(v []byte) string {
	s := string(v)
	switch {
	case s == "null" || s == "":
		return ""
	case len(s) >= 2 && s[0] == '"':
		var out string
		if err := json.Unmarshal(v, &out); err == nil {
			return out
		}
	}
	return s
}
