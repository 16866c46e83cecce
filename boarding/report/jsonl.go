package report

import (
	"bufio"
	"encoding/json"
	"io"
)

// WriteJSON writes the rows as JSON lines: one object a row, its keys
// the columns' field names in the columns' order, every value a string
// (dates as YYYY-MM-DD, times as YYYY-MM-DD hh:mm:ss in the table's
// zone, "" for none).
func WriteJSON(w io.Writer, t *Table, rows []Row) error {
	bw := bufio.NewWriter(w)
	names := t.Fields()
	keys := make([][]byte, len(names))
	for i, n := range names {
		keys[i], _ = json.Marshal(n)
	}
	for i := range rows {
		bw.WriteByte('{')
		for j, c := range t.Cells(&rows[i]) {
			if j > 0 {
				bw.WriteByte(',')
			}
			bw.Write(keys[j])
			bw.WriteByte(':')
			v, err := json.Marshal(c.Text())
			if err != nil {
				return err
			}
			bw.Write(v)
		}
		bw.WriteString("}\n")
	}
	return bw.Flush()
}
