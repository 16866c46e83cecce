package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format is an output format.
type Format string

// The formats.
const (
	// CSV is CSV for Excel (WriteCSV).
	CSV Format = "csv"
	// XLSX is an Excel workbook (WriteXLSX).
	XLSX Format = "xlsx"
	// JSON is JSON lines (WriteJSON).
	JSON Format = "json"
)

// ParseFormat returns the format named s (csv, xlsx or json).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case CSV, XLSX, JSON:
		return f, nil
	}
	return "", &QueryError{Field: "format", Problem: fmt.Sprintf("%q: want csv, xlsx or json", clip(s))}
}

// ContentType is the format's media type, for a mail attachment or an
// HTTP response.
func (f Format) ContentType() string {
	switch f {
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case JSON:
		return "application/x-ndjson"
	}
	return "text/csv; charset=utf-8"
}

// Write writes the rows in the format; sheet names an XLSX sheet.
func (f Format) Write(w io.Writer, t *Table, rows []Row, sheet string) error {
	switch f {
	case XLSX:
		return WriteXLSX(w, t, rows, sheet)
	case JSON:
		return WriteJSON(w, t, rows)
	case CSV:
		return WriteCSV(w, t, rows)
	}
	return &QueryError{Field: "format", Problem: fmt.Sprintf("%q: want csv, xlsx or json", clip(string(f)))}
}

// WriteFile writes the rows to the file name in the format, by way of a
// temporary file in the same directory that is renamed into place when
// it is whole: a failed or interrupted run leaves the previous file, or
// none, never half a report. The file is readable by its owner only
// (a report names people).
func WriteFile(name string, f Format, t *Table, rows []Row, sheet string) (err error) {
	dir := filepath.Dir(name)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("report: %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = f.Write(tmp, t, rows, sheet); err != nil {
		return fmt.Errorf("report: writing %s: %w", name, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("report: %s: %w", name, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("report: %s: %w", name, err)
	}
	if err = os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("report: %s: %w", name, err)
	}
	return nil
}
