package report

import (
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the rows as an Excel workbook of one sheet, streamed
// (excelize's StreamWriter: rows go to a temporary file beyond 16 MB, not
// to memory): a header row, frozen, with an autofilter (the rows are an
// Excel table); dates as date cells (yyyy-mm-dd), registration times as
// date-time cells; text as text, never as a formula. sheet names the
// sheet ("" for "Rapport").
func WriteXLSX(w io.Writer, t *Table, rows []Row, sheet string) error {
	if sheet == "" {
		sheet = "Rapport"
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	n := len(t.cols)
	if err := sw.SetColWidth(1, n, 18); err != nil {
		return err
	}
	head := make([]any, n)
	for i, h := range t.Headers() {
		head[i] = excelize.Cell{StyleID: headStyle, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	vals := make([]any, n)
	for i := range rows {
		for j, c := range t.Cells(&rows[i]) {
			vals[j] = xlsxValue(c, dateStyle, timeStyle)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if len(rows) > 0 {
		last, _ := excelize.CoordinatesToCellName(n, len(rows)+1)
		show := false
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Rapport", StyleName: "TableStyleLight1", ShowRowStripes: &show}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// xlsxValue types a cell for the sheet.
func xlsxValue(c Cell, dateStyle, timeStyle int) any {
	switch c.typ {
	case dateCell:
		if c.Text() == "" {
			return nil
		}
		y, m, d := c.date.YMD()
		return excelize.Cell{StyleID: dateStyle, Value: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	case timeCell:
		if c.at.IsZero() {
			return nil
		}
		// Excel has no zones: the wall-clock time in the table's zone.
		wall := time.Date(c.at.Year(), c.at.Month(), c.at.Day(), c.at.Hour(), c.at.Minute(), c.at.Second(), 0, time.UTC)
		return excelize.Cell{StyleID: timeStyle, Value: wall}
	}
	// A string is written as a shared or inline string, never a formula,
	// whatever it begins with.
	return c.text
}
