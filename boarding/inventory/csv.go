package inventory

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// CSVHeader is the header row WriteCSV writes. The columns are stable:
// scripts read them by name.
var CSVHeader = []string{"unit", "kind", "serial", "asset", "holder", "order", "handed_out", "expected_return", "overdue", "days_overdue"}

// WriteCSV writes the report as CSV for Excel, as package report's files
// are: UTF-8 with a byte-order mark, ';' between fields, CRLF line ends,
// the CSVHeader row, then a row per line. Ids are UUIDs ("" for none),
// handed_out is RFC 3339 in UTC, expected_return a date ("" for none),
// overdue "true" or "false". No personal data goes in beyond the
// holder's id. A cell that a spreadsheet would take for a formula (a
// serial "=cmd|…") gets a leading apostrophe.
func WriteCSV(w io.Writer, r *Report) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, u := range r.Units {
		for _, l := range u.Lines {
			a := &l.Asset
			due := ""
			if a.ExpectedReturn.Valid() {
				due = a.ExpectedReturn.String()
			}
			rec := []string{id(u.Unit), defuse(a.Kind), defuse(a.Serial), id(a.ID), id(a.Holder), id(a.Order),
				a.HandedOut.UTC().Format(time.RFC3339), due, strconv.FormatBool(l.Overdue), strconv.Itoa(l.DaysOverdue)}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// id writes a UUID, or "" for none.
func id(u uuid.UUID) string {
	if u == uuid.Nil {
		return ""
	}
	return u.String()
}

// defuse returns s with an apostrophe before it if a spreadsheet would
// take it for a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
