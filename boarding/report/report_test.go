package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/orgsync/orgsync/boarding/report"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// hires is a world where Åse (with an account, in the school) and Bo
// (without, in Ældreplejen, hourly paid) are hired in January 2027.
func hires(t *testing.T) *world {
	w := newWorld(t)
	w.person(t, "aase", "Åse", "Ørsted", at(t, "2020-01-02"))
	w.person(t, "bo", "Bo", "=HYPERLINK(\"x\")", at(t, "2020-01-02"))
	var cs om.ChangeSet
	w.op(t, &cs, strings.Fields("hire e1 aase 300 2027-02-01"))
	w.op(t, &cs, strings.Fields("hire e2 bo 400 2027-02-01 type Timeløn"))
	w.op(t, &cs, strings.Fields("account aase aaor"))
	w.apply(t, &cs, at(t, "2027-01-10 09:30"), "sd")
	return w
}

func run(t *testing.T, w *world, q report.Query) []report.Row {
	t.Helper()
	if q.Report == "" {
		q.Report = report.Hires
	}
	if q.From.IsZero() {
		q.From, q.To = at(t, "2027-01-01"), at(t, "2027-02-01")
	}
	res, err := report.Run(w.m, q)
	require.NoError(t, err)
	return res.Rows
}

func names(rows []report.Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return out
}

func TestRowsDescribeThePersonUnitAndManager(t *testing.T) {
	w := hires(t)
	rows := run(t, w, report.Query{})
	require.Len(t, rows, 2)
	r := rows[0]
	assert.Equal(t, "Åse Ørsted", r.Name)
	assert.Equal(t, "aaor", r.Username)
	assert.Equal(t, "Skolen ved Søen", r.Unit)
	assert.Equal(t, "300", r.UnitKey)
	assert.Equal(t, "Sjølund Kommune / Børn og Unge / Skolen ved Søen", r.UnitPath)
	assert.Equal(t, "Sjølund Kommune", r.Organisation)
	assert.Equal(t, "Dorte Ærø", r.Manager, "inherited from the top unit")
	assert.Equal(t, "dorte@sjolund.test", r.ManagerEmail)
	assert.Equal(t, "010180-xxxx", r.CPR, "masked")
	assert.Equal(t, "sd", r.Registration.Actor)
}

func TestFilters(t *testing.T) {
	w := hires(t)
	assert.Equal(t, []string{"Åse Ørsted"}, names(run(t, w, report.Query{Filter: report.Filter{Units: []string{"200"}}})), "the subtree of Børn og Unge, by number")
	assert.Equal(t, []string{"Bo =HYPERLINK(\"x\")"}, names(run(t, w, report.Query{Filter: report.Filter{Units: []string{w.units["400"].String()}}})), "by id")
	assert.Equal(t, []string{"Bo =HYPERLINK(\"x\")"}, names(run(t, w, report.Query{Filter: report.Filter{EngagementTypes: []string{"Timeløn"}}})))
	assert.Equal(t, []string{"Åse Ørsted"}, names(run(t, w, report.Query{Filter: report.Filter{Accounts: "with"}})))
	assert.Equal(t, []string{"Bo =HYPERLINK(\"x\")"}, names(run(t, w, report.Query{Filter: report.Filter{Accounts: "without"}})))
	assert.Len(t, run(t, w, report.Query{Filter: report.Filter{Tree: "payroll", Units: []string{"100"}}}), 2, "payroll placement is the unit when no rule placed it elsewhere")
	assert.Empty(t, run(t, w, report.Query{Filter: report.Filter{Accounts: "with", System: "OPUS"}}))
}

func TestBadQueriesAreRefusedBeforeAnyWork(t *testing.T) {
	w := hires(t)
	for name, q := range map[string]report.Query{
		"to before from": {Report: report.Hires, From: at(t, "2027-02-01"), To: at(t, "2027-01-01")},
		"no window":      {Report: report.Hires},
		"unknown report": {Report: "fired", From: at(t, "2027-01-01"), To: at(t, "2027-02-01")},
		"unknown unit":   {Report: report.Hires, From: at(t, "2027-01-01"), To: at(t, "2027-02-01"), Filter: report.Filter{Units: []string{"999"}}},
		"bad tree":       {Report: report.Hires, From: at(t, "2027-01-01"), To: at(t, "2027-02-01"), Filter: report.Filter{Tree: "løn"}},
		"bad accounts":   {Report: report.Hires, From: at(t, "2027-01-01"), To: at(t, "2027-02-01"), Filter: report.Filter{Accounts: "some"}},
	} {
		_, err := report.Run(w.m, q)
		var qe *report.QueryError
		assert.True(t, errors.As(err, &qe), "%s: %v", name, err)
	}
	_, err := report.NewTable([]report.Column{{Field: "name"}, {Field: "salary"}}, zone)
	var qe *report.QueryError
	require.ErrorAs(t, err, &qe)
	assert.Equal(t, "columns[1]", qe.Field)
	assert.Contains(t, qe.Error(), `"salary" is not a field`)
	_, err = report.NewTable([]report.Column{{Field: "name", Header: "Navn"}, {Field: "surname", Header: "Navn"}}, zone)
	assert.ErrorAs(t, err, &qe, "two columns with one header")
	_, err = report.NewTable([]report.Column{}, zone)
	assert.ErrorAs(t, err, &qe)
}

func table(t *testing.T, cols ...report.Column) *report.Table {
	t.Helper()
	tb, err := report.NewTable(cols, zone)
	require.NoError(t, err)
	return tb
}

func TestCSVForExcel(t *testing.T) {
	w := hires(t)
	rows := run(t, w, report.Query{})
	var b bytes.Buffer
	require.NoError(t, report.WriteCSV(&b, table(t, report.Column{Field: "name"}, report.Column{Field: "start", Header: "Første dag"}, report.Column{Field: "end"}, report.Column{Field: "registered_at"}), rows))
	raw := b.String()
	require.True(t, strings.HasPrefix(raw, "\ufeff"), "a byte-order mark")
	assert.Contains(t, raw, "\r\n")
	assert.NotContains(t, strings.ReplaceAll(raw, "\r\n", ""), "\n", "CRLF only")
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff")))
	r.Comma, r.FieldsPerRecord = ';', 4
	recs, err := r.ReadAll()
	require.NoError(t, err)
	assert.Equal(t, [][]string{
		{"Navn", "Første dag", "Sidste arbejdsdag", "Registreret"},
		{"Åse Ørsted", "2027-02-01", "", "2027-01-10 09:30:00"},
		{"Bo =HYPERLINK(\"x\")", "2027-02-01", "", "2027-01-10 09:30:00"},
	}, recs)
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	w := newWorld(t)
	for i, s := range []string{"=1+1", "+45 1234", "-2", "@SUM(A1)", "=cmd|' /C calc'!A0"} {
		w.person(t, "p"+string(rune('a'+i)), s, "X", at(t, "2020-01-02"))
	}
	var cs om.ChangeSet
	for i := range 5 {
		k := "p" + string(rune('a'+i))
		w.op(t, &cs, strings.Fields("hire e"+k+" "+k+" 300 2027-02-01"))
	}
	w.apply(t, &cs, at(t, "2027-01-10 09:30"), "sd")
	var b bytes.Buffer
	require.NoError(t, report.WriteCSV(&b, table(t, report.Column{Field: "given_names"}), run(t, w, report.Query{})))
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	require.NoError(t, err)
	for _, rec := range recs[1:] {
		assert.True(t, strings.HasPrefix(rec[0], "'"), "%q is defused", rec[0])
	}
}

func TestXLSXReadBackCellByCell(t *testing.T) {
	w := hires(t)
	rows := run(t, w, report.Query{})
	cols := []report.Column{{Field: "name"}, {Field: "username"}, {Field: "start"}, {Field: "end"}, {Field: "registered_at"}, {Field: "kind"}}
	var b bytes.Buffer
	require.NoError(t, report.WriteXLSX(&b, table(t, cols...), rows, "Ansættelser"))
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	defer f.Close()
	got, err := f.GetRows("Ansættelser")
	require.NoError(t, err)
	assert.Equal(t, [][]string{
		{"Navn", "Brugernavn", "Startdato", "Sidste arbejdsdag", "Registreret", "Hændelse"},
		{"Åse Ørsted", "aaor", "2027-02-01", "", "2027-01-10 09:30:00", "Ansættelse"},
		{"Bo =HYPERLINK(\"x\")", "", "2027-02-01", "", "2027-01-10 09:30:00", "Ansættelse"},
	}, got)
	typ, err := f.GetCellType("Ansættelser", "C2")
	require.NoError(t, err)
	assert.NotEqual(t, excelize.CellTypeSharedString, typ, "a date is a number with a date format, not text")
	raw, err := f.GetCellValue("Ansættelser", "C2", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, "46419", raw, "2027-02-01 as Excel's serial day")
	formula, err := f.GetCellFormula("Ansættelser", "A3")
	require.NoError(t, err)
	assert.Empty(t, formula, "a name that looks like a formula is text")
	panes, err := f.GetPanes("Ansættelser")
	require.NoError(t, err)
	assert.True(t, panes.Freeze)
	assert.Equal(t, 1, panes.YSplit, "the header row is frozen")
	tables, err := f.GetTables("Ansættelser")
	require.NoError(t, err)
	require.Len(t, tables, 1, "the rows are a table, with its autofilter")
	assert.Equal(t, "A1:F3", tables[0].Range)
}

func TestJSONLines(t *testing.T) {
	w := hires(t)
	var b bytes.Buffer
	require.NoError(t, report.WriteJSON(&b, table(t, report.Column{Field: "kind_code"}, report.Column{Field: "name"}, report.Column{Field: "start"}), run(t, w, report.Query{})))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, `{"kind_code":"hire","name":"Åse Ørsted","start":"2027-02-01"}`, lines[0])
	var v map[string]string
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &v))
	assert.Equal(t, `Bo =HYPERLINK("x")`, v["name"])
}

func TestWriteFileLeavesNoHalfWrittenFile(t *testing.T) {
	w := hires(t)
	rows := run(t, w, report.Query{})
	dir := t.TempDir()
	name := filepath.Join(dir, "rapport.xlsx")
	require.NoError(t, report.WriteFile(name, report.XLSX, table(t), rows, ""))
	st, err := os.Stat(name)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "a report names people: the owner's only")

	err = report.WriteFile(filepath.Join(dir, "no-such-dir", "r.csv"), report.CSV, table(t), rows, "")
	assert.Error(t, err)
	err = report.WriteFile(filepath.Join(dir, "r.txt"), "txt", table(t), rows, "")
	assert.Error(t, err)
	left, _ := os.ReadDir(dir)
	require.Len(t, left, 1, "only the finished report: %v", left)
}

// TestAdjacentWindowsListEachRegistrationOnce: a random history of hires,
// moves and terminations, cut at random points: every row of the whole
// period is in exactly one of two windows that meet.
func TestAdjacentWindowsListEachRegistrationOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		w := newWorld(t)
		for i := range 8 {
			w.person(t, "p"+string(rune('a'+i)), "P"+string(rune('a'+i)), "X", at(t, "2020-01-02"))
		}
		when := at(t, "2027-01-01 08:00")
		var live []string
		for i := range 40 {
			var cs om.ChangeSet
			switch k := r.IntN(4); {
			case k == 0 || len(live) == 0:
				e := "e" + string(rune('a'+i%26)) + string(rune('a'+i/26))
				p := "p" + string(rune('a'+r.IntN(8)))
				w.op(t, &cs, []string{"hire", e, p, []string{"300", "400"}[r.IntN(2)], zone.Date(when).AddDays(r.IntN(60) - 20).String()})
				live = append(live, e)
			case k == 1:
				e := live[r.IntN(len(live))]
				o, _ := w.m.Latest().Object(w.engs[e])
				b, _ := o.Timeline.Bounds()
				span := 90
				if b.To != timeline.Open {
					span = int(b.To-b.From) - 1
				}
				if span <= 0 {
					w.op(t, &cs, []string{"withdraw", e})
					break
				}
				w.op(t, &cs, []string{"end", e, b.From.AddDays(r.IntN(span)).String()})
			case k == 2:
				e := live[r.IntN(len(live))]
				o, _ := w.m.Latest().Object(w.engs[e])
				b, _ := o.Timeline.Bounds()
				w.op(t, &cs, []string{"move", e, "400", b.From.String()})
			default:
				i := r.IntN(len(live))
				w.op(t, &cs, []string{"cancel", live[i]})
				live = append(live[:i], live[i+1:]...)
			}
			w.apply(t, &cs, when, "sd")
			when = when.Add(time.Duration(1+r.IntN(48)) * time.Hour)
		}
		from, to := at(t, "2027-01-01"), when.Add(time.Hour)
		cut := from.Add(time.Duration(r.Int64N(int64(to.Sub(from)))))
		all := linesOf(t, w, from, to)
		require.NotEmpty(t, all)
		a, b := linesOf(t, w, from, cut), linesOf(t, w, cut, to)
		assert.Equal(t, all, append(a, b...), "round %d, cut at %s", round, cut)
	}
}

func linesOf(t *testing.T, w *world, from, to time.Time) []string {
	t.Helper()
	res, err := report.Run(w.m, report.Query{Report: report.Changes, From: from, To: to})
	require.NoError(t, err)
	out := []string{}
	for _, r := range res.Rows {
		out = append(out, line(r)+" #"+r.Registration.Time.String())
	}
	return out
}
