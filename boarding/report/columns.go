package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Column is one column of a report: a field and its header.
type Column struct {
	// Field names what the column shows (see Fields).
	Field string `yaml:"field" json:"field"`
	// Header is the column's heading; "" for the field's Danish one.
	Header string `yaml:"header" json:"header,omitempty"`
}

// cellType is how a writer types a cell.
type cellType uint8

const (
	textCell cellType = iota
	dateCell
	timeCell
)

// Cell is one value of a row, typed for the writers: a spreadsheet gets
// a date as a date, CSV and JSON as YYYY-MM-DD.
type Cell struct {
	typ  cellType
	text string
	date timeline.Date
	at   time.Time
}

// Text returns the cell as CSV writes it ("" for no date).
func (c Cell) Text() string {
	switch c.typ {
	case dateCell:
		if c.date == 0 || c.date == timeline.Open {
			return ""
		}
		return c.date.String()
	case timeCell:
		if c.at.IsZero() {
			return ""
		}
		return c.at.Format("2006-01-02 15:04:05")
	}
	return c.text
}

func text(s string) Cell        { return Cell{text: s} }
func date(d timeline.Date) Cell { return Cell{typ: dateCell, date: d} }
func lastDay(end timeline.Date) Cell {
	if end == 0 || end == timeline.Open {
		return date(0)
	}
	return date(end - 1)
}

// field is one field's Danish header and value.
type field struct {
	header string
	value  func(r *Row, zone *time.Location) Cell
}

// fields are the fields a column can show, by name.
var fields = map[string]field{
	"kind":              {"Hændelse", func(r *Row, _ *time.Location) Cell { return text(r.Kind.Danish()) }},
	"kind_code":         {"Hændelseskode", func(r *Row, _ *time.Location) Cell { return text(string(r.Kind)) }},
	"timing":            {"Virkning", func(r *Row, _ *time.Location) Cell { return text(r.Timing.Danish()) }},
	"name":              {"Navn", func(r *Row, _ *time.Location) Cell { return text(r.Name) }},
	"given_names":       {"Fornavne", func(r *Row, _ *time.Location) Cell { return text(r.GivenNames) }},
	"surname":           {"Efternavn", func(r *Row, _ *time.Location) Cell { return text(r.Surname) }},
	"cpr":               {"CPR-nummer (maskeret)", func(r *Row, _ *time.Location) Cell { return text(r.CPR) }},
	"username":          {"Brugernavn", func(r *Row, _ *time.Location) Cell { return text(r.Username) }},
	"email":             {"E-mail", func(r *Row, _ *time.Location) Cell { return text(r.Email) }},
	"unit":              {"Enhed", func(r *Row, _ *time.Location) Cell { return text(r.Unit) }},
	"unit_key":          {"Enhedsnummer", func(r *Row, _ *time.Location) Cell { return text(r.UnitKey) }},
	"unit_path":         {"Placering", func(r *Row, _ *time.Location) Cell { return text(r.UnitPath) }},
	"organisation":      {"Organisation", func(r *Row, _ *time.Location) Cell { return text(r.Organisation) }},
	"job_function":      {"Stilling", func(r *Row, _ *time.Location) Cell { return text(r.JobFunction) }},
	"engagement_type":   {"Ansættelsestype", func(r *Row, _ *time.Location) Cell { return text(r.EngagementType) }},
	"employment_number": {"Tjenestenummer", func(r *Row, _ *time.Location) Cell { return text(r.EmploymentNumber) }},
	"engagement_id":     {"Engagement-id", func(r *Row, _ *time.Location) Cell { return text(r.Engagement.String()) }},
	"person_id":         {"Person-id", func(r *Row, _ *time.Location) Cell { return text(r.Person.String()) }},
	"start":             {"Startdato", func(r *Row, _ *time.Location) Cell { return date(r.Start) }},
	"end":               {"Sidste arbejdsdag", func(r *Row, _ *time.Location) Cell { return lastDay(r.End) }},
	"old_start":         {"Tidligere startdato", func(r *Row, _ *time.Location) Cell { return date(r.OldStart) }},
	"old_end":           {"Tidligere sidste arbejdsdag", func(r *Row, _ *time.Location) Cell { return lastDay(r.OldEnd) }},
	"manager":           {"Leder", func(r *Row, _ *time.Location) Cell { return text(r.Manager) }},
	"manager_email":     {"Leders e-mail", func(r *Row, _ *time.Location) Cell { return text(r.ManagerEmail) }},
	"registered_at": {"Registreret", func(r *Row, loc *time.Location) Cell {
		return Cell{typ: timeCell, at: r.Registration.Time.In(loc)}
	}},
	"registered_by": {"Registreret af", func(r *Row, _ *time.Location) Cell { return text(r.Registration.Actor) }},
	"note":          {"Bemærkning", func(r *Row, _ *time.Location) Cell { return text(r.Registration.Note) }},
}

// Fields lists the field names a column can show, sorted.
func Fields() []string {
	out := make([]string, 0, len(fields))
	for n := range fields {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// DefaultColumns are the Danish default columns of a report. The CPR
// column is never among them: it must be asked for by name.
func DefaultColumns(r Report) []Column {
	names := []string{"kind", "timing", "name", "username", "email", "unit", "unit_path", "job_function", "engagement_type",
		"employment_number", "start", "end", "old_start", "old_end", "manager", "manager_email", "registered_at", "registered_by"}
	switch r {
	case Hires:
		names = slices.DeleteFunc(names, func(s string) bool { return s == "old_end" })
	case Terminations:
		names = slices.DeleteFunc(names, func(s string) bool { return s == "old_start" })
	}
	out := make([]Column, len(names))
	for i, n := range names {
		out[i] = Column{Field: n}
	}
	return out
}

// Table is a checked list of columns, ready to write rows with.
type Table struct {
	cols []Column
	fs   []field
	loc  *time.Location
}

// NewTable checks the columns (nil: DefaultColumns of Changes) and
// returns the table, or a *QueryError naming the first unknown field, or
// a header that is not one line or is used twice. Times are shown in zone.
func NewTable(cols []Column, zone timeline.Zone) (*Table, error) {
	if cols == nil {
		cols = DefaultColumns(Changes)
	}
	if len(cols) == 0 {
		return nil, &QueryError{Field: "columns", Problem: "a report needs at least one column"}
	}
	t := &Table{loc: zone.Location()}
	seen := map[string]bool{}
	for i, c := range cols {
		f, ok := fields[c.Field]
		if !ok {
			return nil, &QueryError{Field: fmt.Sprintf("columns[%d]", i), Problem: fmt.Sprintf("%q is not a field (the fields are %s)", clip(c.Field), strings.Join(Fields(), ", "))}
		}
		if c.Header == "" {
			c.Header = f.header
		}
		if strings.ContainsAny(c.Header, "\r\n\x00") || len(c.Header) > 200 {
			return nil, &QueryError{Field: fmt.Sprintf("columns[%d].header", i), Problem: "a header is one line of at most 200 bytes"}
		}
		if seen[c.Header] {
			return nil, &QueryError{Field: fmt.Sprintf("columns[%d].header", i), Problem: fmt.Sprintf("two columns are headed %q: a spreadsheet's filter needs them apart", clip(c.Header))}
		}
		seen[c.Header] = true
		t.cols, t.fs = append(t.cols, c), append(t.fs, f)
	}
	return t, nil
}

// Headers returns the columns' headers.
func (t *Table) Headers() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.Header
	}
	return out
}

// Fields returns the columns' field names.
func (t *Table) Fields() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.Field
	}
	return out
}

// Cells returns a row's cells, one per column.
func (t *Table) Cells(r *Row) []Cell {
	out := make([]Cell, len(t.fs))
	for i, f := range t.fs {
		out[i] = f.value(r, t.loc)
	}
	return out
}
