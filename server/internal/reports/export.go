package reports

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/atiende/atiende/server/internal/access"
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
	title := i18n.T(l, "report.measure."+p.Measure, nil) + " · " + p.From + " – " + p.To
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
// columns, headers in the subject's language, times in UTC (ISO 8601), values as their JSON text.
func (s *Service) ExportHistory(ctx context.Context, subj access.Subject, q HistoryQuery, format sheet.Format, w io.Writer) error {
	if !access.CanExportHistory(subj) {
		return errs.New(errs.Forbidden, "report.export_forbidden")
	}
	q.Limit, q.Cursor = MaxHistoryLimit, ""
	page, err := s.History(ctx, subj, q)
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
	}
	if err := out.Row(head...); err != nil {
		return err
	}
	written := 0
	for {
		for _, r := range page.Items {
			if written == tickets.MaxExport {
				break
			}
			if err := out.Row(historyLine(page.Columns, r)...); err != nil {
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

func historyLine(columns []string, r HistoryRow) []any {
	line := make([]any, len(columns))
	for i, c := range columns {
		switch c {
		case "at":
			line[i] = r.At.Format(time.RFC3339)
		case "number":
			line[i] = *r.Number
		case "subject":
			line[i] = *r.Subject
		case "field":
			line[i] = *r.Field
		case "before":
			line[i] = jsonText(r.Before)
		case "after":
			line[i] = jsonText(r.After)
		case "actor":
			line[i] = r.Actor.Name
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
