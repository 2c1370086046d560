// Package sheet writes the rows of an export as CSV or as an Excel workbook (.xlsx), and is the one
// place that keeps text a user typed from being read as a formula by a spreadsheet (CSV injection).
package sheet

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/atiende/atiende/server/internal/errs"
)

// Format is an export's file format.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat reads the format query parameter: empty means CSV; anything else but csv or xlsx is a
// field error on "format".
func ParseFormat(v string) (Format, error) {
	switch v {
	case "", "csv":
		return CSV, nil
	case "xlsx":
		return XLSX, nil
	}
	return "", errs.InvalidField("format", "export.bad_format", nil)
}

// ParseZone reads the tz query parameter, the IANA time zone an export writes its times in (the browser
// sends its own): empty means def (UTC when nil); "Local" (the server's zone, not the user's) and names
// the time zone database does not hold are a field error on "tz".
func ParseZone(v string, def *time.Location) (*time.Location, error) {
	if v == "" {
		if def == nil {
			return time.UTC, nil
		}
		return def, nil
	}
	loc, err := time.LoadLocation(v)
	if err != nil || v == "Local" {
		return nil, errs.InvalidField("tz", "export.bad_tz", map[string]any{"tz": v})
	}
	return loc, nil
}

// ZoneHeader is the header of a time column: its label and the zone its times are in, since a cell
// holds a wall time without its offset (which a spreadsheet could not read as a date).
func ZoneHeader(label string, loc *time.Location) string { return label + " (" + loc.String() + ")" }

// TimeLayout is how a CSV file writes a time: its wall time in its zone, to the minute, which spreadsheets
// read as a date.
const TimeLayout = "2006-01-02 15:04"

// ContentType is the file's media type.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Ext is the file name's extension, without the dot.
func (f Format) Ext() string { return string(f) }

// Safe keeps a spreadsheet from reading text as a formula: text that starts with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe, which spreadsheets show as text.
func Safe(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}

// Writer takes an export's rows one at a time. A row's values are strings (always neutralised with
// Safe), int, int64 or float64 (written as numbers), time.Time (its wall time in its own location: a date
// cell in a workbook, TimeLayout text in CSV), or nil (an empty cell).
type Writer interface {
	Row(values ...any) error
	// Close finishes the file; nothing is complete before it.
	Close() error
}

// New returns a writer of format f onto w.
func New(f Format, w io.Writer) (Writer, error) {
	if f == XLSX {
		return newXLSX(w)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	// The byte-order mark lets spreadsheets read the file as UTF-8 (accents).
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return nil, err
	}
	return &csvWriter{bw: bw, cw: csv.NewWriter(bw)}, nil
}

type csvWriter struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func (c *csvWriter) Row(values ...any) error {
	rec := make([]string, len(values))
	for i, v := range values {
		switch x := v.(type) {
		case nil:
		case string:
			rec[i] = Safe(x)
		case int:
			rec[i] = strconv.Itoa(x)
		case int64:
			rec[i] = strconv.FormatInt(x, 10)
		case float64:
			rec[i] = strconv.FormatFloat(x, 'f', -1, 64)
		case time.Time:
			rec[i] = x.Format(TimeLayout)
		default:
			return fmt.Errorf("sheet: unsupported value %T", v)
		}
	}
	return c.cw.Write(rec)
}

func (c *csvWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return fmt.Errorf("sheet: csv: %w", err)
	}
	return c.bw.Flush()
}

// xlsxWriter streams one worksheet: rows go to a temporary file as they come, so that a large export
// does not hold every cell in memory.
type xlsxWriter struct {
	w    io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	rows int
	date int // the style of time cells
}

// sheetName is the workbook's only worksheet.
const sheetName = "Sheet1"

func newXLSX(w io.Writer) (*xlsxWriter, error) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("sheet: xlsx: %w", err)
	}
	layout := "yyyy-mm-dd hh:mm"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &layout})
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("sheet: xlsx: %w", err)
	}
	return &xlsxWriter{w: w, f: f, sw: sw, date: date}, nil
}

func (x *xlsxWriter) Row(values ...any) error {
	cells := make([]any, len(values))
	for i, v := range values {
		switch t := v.(type) {
		case nil:
		case string:
			// A plain string value: excelize writes it as text, never as a formula; Safe still marks it
			// for whoever copies it onward into another sheet as text.
			cells[i] = Safe(t)
		case int, int64, float64:
			cells[i] = t
		case time.Time:
			// excelize writes the wall time of t's location as the date's serial number.
			cells[i] = excelize.Cell{StyleID: x.date, Value: t}
		default:
			return fmt.Errorf("sheet: unsupported value %T", v)
		}
	}
	x.rows++
	cell, err := excelize.CoordinatesToCellName(1, x.rows)
	if err != nil {
		return err
	}
	if err := x.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("sheet: xlsx: %w", err)
	}
	return nil
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("sheet: xlsx: %w", err)
	}
	if _, err := x.f.WriteTo(x.w); err != nil {
		return fmt.Errorf("sheet: xlsx: %w", err)
	}
	return nil
}
