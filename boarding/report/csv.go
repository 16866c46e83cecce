package report

import (
	"encoding/csv"
	"io"
	"strings"
)

// bom starts a CSV file, so that Excel reads it as UTF-8.
const bom = "\ufeff"

// WriteCSV writes the rows as CSV for Excel: UTF-8 with a byte-order
// mark, ';' between fields (Excel's separator where the decimal point is
// a comma, as in Denmark and Sweden), CRLF line ends, a header row. A
// cell that begins with '=', '+', '-', '@', a tab or a carriage return
// gets a leading apostrophe, so that a name like "=HYPERLINK(…)" is shown
// as text and never run as a formula.
func WriteCSV(w io.Writer, t *Table, rows []Row) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write(neutralise(t.Headers())); err != nil {
		return err
	}
	rec := make([]string, len(t.cols))
	for i := range rows {
		for j, c := range t.Cells(&rows[i]) {
			rec[j] = c.Text()
		}
		if err := cw.Write(neutralise(rec)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// neutralise defuses cells a spreadsheet would read as formulas, in
// place.
func neutralise(rec []string) []string {
	for i, s := range rec {
		rec[i] = defuse(s)
	}
	return rec
}

// defuse returns s with an apostrophe before it if a spreadsheet would
// take it for a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
