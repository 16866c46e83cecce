package payrollfile

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/internal/shorten"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// openEnd is the conventional "no end" of payroll exports.
const openEnd = "9999-12-31"

// bom is the UTF-8 byte order mark, which some programs put first in a
// file; it is skipped.
var bom = []byte("\xef\xbb\xbf")

// checkEvery is how many rows are read between looks at the context.
const checkEvery = 1024

// parser reads the four files of a delivery into a snapshot.
type parser struct {
	ctx   context.Context
	day   timeline.Date
	probs problems

	units   []connectors.PayrollUnit
	persons []connectors.PayrollPerson
	engs    []connectors.PayrollEngagement
	leaves  []connectors.PayrollLeave
	lines   [4][]int32 // by file, the line of each good row

	// What was refused, so that references to it are not reported
	// again: the keys of rows refused, and files with rows whose keys
	// are unknown (a CSV syntax error, a bad header).
	dropped [4]map[string]bool
	unknown [4]bool
	// overlapped are the rows (by index in the sorted rows) whose
	// overlap is reported.
	overlapped [4]map[int]bool
}

// parse reads a delivery from its four files' contents (units, persons,
// engagements, leaves) and checks it. It returns the snapshot, without a
// Token, its rows sorted by key and then by start; or the joined *Errors;
// or ctx.Err() if the context ended.
func parse(ctx context.Context, day timeline.Date, data *[4][]byte) (*connectors.PayrollSnapshot, error) {
	p := &parser{ctx: ctx, day: day}
	for k := range specs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := p.file(k, data[k]); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := p.sorted()
	p.overlaps(s)
	p.check(s)
	if err := p.probs.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// fileReader reads one file's rows.
type fileReader struct {
	*parser
	k      int
	name   string
	r      *csv.Reader
	rec    []string
	col    []int // by spec column, its index in the record; -1 if absent
	line   int   // the current row's first line
	bad    bool  // the current row has a problem
	latin1 bool  // a byte that is not UTF-8 has been reported
}

// file reads file k's rows. It returns only ctx.Err(); problems are
// collected.
func (p *parser) file(k int, data []byte) error {
	f := &fileReader{parser: p, k: k, name: fileName(k, p.day)}
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		f.fileProblem(1, "", errors.New("the file is UTF-16; save it as UTF-8"))
		return nil
	}
	f.r = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, bom)))
	f.r.ReuseRecord = true
	if !f.header() {
		return nil
	}
	// Most rows are a line: make room for them all at once.
	rows := bytes.Count(data, []byte{'\n'})
	switch k {
	case 0:
		p.units = make([]connectors.PayrollUnit, 0, rows)
	case 1:
		p.persons = make([]connectors.PayrollPerson, 0, rows)
	case 2:
		p.engs = make([]connectors.PayrollEngagement, 0, rows)
	case 3:
		p.leaves = make([]connectors.PayrollLeave, 0, rows)
	}
	p.lines[k] = make([]int32, 0, rows)
	row := [4]func(){f.unit, f.person, f.engagement, f.leave}[k]
	for n := 1; ; n++ {
		if n%checkEvery == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := f.r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				f.fileProblem(0, "", err)
				return nil
			}
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				err = fmt.Errorf("%d fields; the header names %d", len(rec), f.r.FieldsPerRecord)
			} else {
				err = pe.Err
			}
			f.fileProblem(pe.Line, "", err)
			continue
		}
		f.rec, f.bad = rec, false
		f.line, _ = f.r.FieldPos(0)
		row()
	}
}

// fileProblem records a problem that leaves the file's rows unknown.
func (f *fileReader) fileProblem(line int, field string, err error) {
	f.unknown[f.k] = true
	f.probs.add(f.k, f.name, line, field, err)
}

// header reads the header and finds the columns. It reports whether the
// rows can be read.
func (f *fileReader) header() bool {
	s := &specs[f.k]
	rec, err := f.r.Read()
	switch {
	case err == io.EOF:
		f.fileProblem(1, "", errors.New("the file is empty; its first row must name the columns"))
		return false
	case err != nil:
		line := 1
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line, err = pe.Line, pe.Err
		}
		f.fileProblem(line, "", err)
		return false
	}
	f.rec = rec
	f.col = make([]int, len(s.columns))
	for i := range f.col {
		f.col[i] = -1
	}
	ok := true
	for i, name := range rec {
		line, _ := f.r.FieldPos(i)
		if err := checkText(name, len(name)); err != nil {
			f.fileProblem(line, "", fmt.Errorf("column %d: %w", i+1, err))
			ok = false
			continue
		}
		c := slices.Index(s.columns, name)
		switch {
		case name == "":
			f.fileProblem(line, "", fmt.Errorf("column %d has no name", i+1))
			ok = false
		case c < 0:
			f.fileProblem(line, clipField(name), fmt.Errorf("unknown column; the columns of %s are %s", s.name, strings.Join(s.columns, ",")))
			ok = false
		case f.col[c] >= 0:
			f.fileProblem(line, name, fmt.Errorf("column %d repeats column %d", i+1, f.col[c]+1))
			ok = false
		default:
			f.col[c] = i
		}
	}
	for c, i := range f.col {
		if i < 0 && !s.optional[c] {
			f.fileProblem(1, s.columns[c], errors.New("missing: the header must name this column"))
			ok = false
		}
	}
	return ok
}

// clipField makes an unknown column's name fit for Error.Field: masked
// and clipped.
func clipField(name string) string { return shorten.To(redact.NationalIDs(name), 40) }

// fail records a problem with column c of the current row.
func (f *fileReader) fail(c int, err error) {
	line := f.line
	if i := f.col[c]; i >= 0 {
		line, _ = f.r.FieldPos(i)
	}
	f.probs.add(f.k, f.name, line, specs[f.k].columns[c], err)
	f.bad = true
}

// field returns column c of the current row, checked to be text: UTF-8
// without control characters, and not longer than its bound. An absent
// optional column is "".
func (f *fileReader) field(c int) string {
	i := f.col[c]
	if i < 0 {
		return ""
	}
	v := f.rec[i]
	limit := connectors.MaxFieldBytes
	if specs[f.k].keys[c] {
		limit = connectors.MaxKeyBytes
	}
	if err := checkText(v, limit); err != nil {
		if err == errNotUTF8 {
			if f.latin1 {
				f.bad = true // reported once per file
				return v
			}
			f.latin1 = true
		}
		f.fail(c, err)
	}
	return v
}

// checkText checks a value as connectors.CheckText does, and says what a
// byte that is not UTF-8 most likely means in a payroll export.
func checkText(s string, limit int) error {
	err := connectors.CheckText(s, limit)
	if errors.Is(err, connectors.ErrNotUTF8) {
		return errNotUTF8
	}
	return err
}

// errNotUTF8 is the problem of a byte that is not UTF-8.
var errNotUTF8 = errors.New("not UTF-8; is the file Latin-1? Save it as UTF-8 (further bytes that are not UTF-8 in this file are not listed)")

// interval reads the from and to columns: from the first day, to the last
// (inclusive), empty or 9999-12-31 for no end.
func (f *fileReader) interval(from, to int) timeline.Interval {
	fs, ts := f.field(from), f.field(to)
	if f.bad {
		return timeline.Interval{}
	}
	var iv timeline.Interval
	if fs == "" {
		f.fail(from, errors.New("empty; the first day is required"))
	} else if d, err := timeline.ParseDate(fs); err != nil {
		f.fail(from, fmt.Errorf("%s is not a date YYYY-MM-DD", quote(fs)))
	} else {
		iv.From = d
	}
	if ts == "" || ts == openEnd {
		iv.To = timeline.Open
	} else if d, err := timeline.ParseDate(ts); err != nil {
		f.fail(to, fmt.Errorf("%s is not a date YYYY-MM-DD (leave it empty for no end)", quote(ts)))
	} else {
		iv.To = timeline.EndInclusive(d, true)
		if !f.bad && d < iv.From {
			f.fail(to, fmt.Errorf("the last day %s is before the first, %s", d, iv.From))
		}
	}
	return iv
}

// fraction reads a share from 0 to 1, with "." or "," before the decimals.
func (f *fileReader) fraction(c int) float64 {
	s := f.field(c)
	if f.bad {
		return 0
	}
	digits, seps := 0, 0
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			digits++
		case ch == '.' || ch == ',':
			seps++
		default:
			seps = 2
		}
	}
	if digits == 0 || seps > 1 {
		f.fail(c, fmt.Errorf("%s is not a decimal number such as 0.5 or 0,5", quote(s)))
		return 0
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || v > 1 {
		f.fail(c, fmt.Errorf("%s is not a share from 0 to 1 (half time is 0.5, not 50)", quote(s)))
		return 0
	}
	return v
}

// keep adds the current row's line, or if the row is bad remembers its
// key as refused.
func (f *fileReader) keep() bool {
	if f.bad {
		if f.dropped[f.k] == nil {
			f.dropped[f.k] = map[string]bool{}
		}
		f.dropped[f.k][f.rec[f.col[0]]] = true
		return false
	}
	f.lines[f.k] = append(f.lines[f.k], int32(f.line))
	return true
}

func (f *fileReader) unit() {
	u := connectors.PayrollUnit{
		Key:    f.field(uKey),
		Parent: f.field(uParent),
		Name:   f.field(uName),
		Level:  f.field(uLevel),
		Type:   f.field(uType),
	}
	u.Valid = f.interval(uFrom, uTo)
	if f.keep() {
		f.units = append(f.units, u)
	}
}

func (f *fileReader) person() {
	p := connectors.PayrollPerson{
		Key:        f.field(pKey),
		NationalID: connectors.NationalID(f.field(pNationalID)),
		GivenNames: f.field(pGivenNames),
		Surname:    f.field(pSurname),
	}
	p.Valid = f.interval(pFrom, pTo)
	if f.keep() {
		f.persons = append(f.persons, p)
	}
}

func (f *fileReader) engagement() {
	e := connectors.PayrollEngagement{
		Key:         f.field(eKey),
		Person:      f.field(ePerson),
		Unit:        f.field(eUnit),
		JobFunction: f.field(eJobFunction),
		Type:        f.field(eType),
	}
	e.Fraction = f.fraction(eFraction)
	e.Valid = f.interval(eFrom, eTo)
	if f.keep() {
		f.engs = append(f.engs, e)
	}
}

func (f *fileReader) leave() {
	l := connectors.PayrollLeave{
		Key:        f.field(lKey),
		Engagement: f.field(lEngagement),
		Type:       f.field(lType),
	}
	l.Valid = f.interval(lFrom, lTo)
	if f.keep() {
		f.leaves = append(f.leaves, l)
	}
}

// sortRows sorts rows by key and then by start (and, for rows that
// overlap, by line), and their lines with them.
func sortRows[T any](rows []T, lines []int32, kv func(*T) (string, timeline.Date)) ([]T, []int32) {
	perm := make([]int32, len(rows))
	sorted := true
	for i := range perm {
		perm[i] = int32(i)
		if i > 0 && cmpRow(rows, kv, i-1, i) > 0 {
			sorted = false
		}
	}
	if len(rows) == 0 {
		return nil, nil // an empty kind is nil, however much room was made
	}
	if sorted {
		return rows, lines
	}
	slices.SortFunc(perm, func(a, b int32) int { return cmpRow(rows, kv, int(a), int(b)) })
	outRows, outLines := make([]T, len(rows)), make([]int32, len(rows))
	for i, j := range perm {
		outRows[i], outLines[i] = rows[j], lines[j]
	}
	return outRows, outLines
}

func cmpRow[T any](rows []T, kv func(*T) (string, timeline.Date), a, b int) int {
	ka, fa := kv(&rows[a])
	kb, fb := kv(&rows[b])
	return cmp.Or(strings.Compare(ka, kb), cmp.Compare(fa, fb), cmp.Compare(a, b))
}

// sorted returns the good rows as a snapshot, sorted by key and start;
// the lines are sorted with them.
func (p *parser) sorted() *connectors.PayrollSnapshot {
	s := &connectors.PayrollSnapshot{}
	s.Units, p.lines[0] = sortRows(p.units, p.lines[0], func(u *connectors.PayrollUnit) (string, timeline.Date) { return u.Key, u.Valid.From })
	s.Persons, p.lines[1] = sortRows(p.persons, p.lines[1], func(r *connectors.PayrollPerson) (string, timeline.Date) { return r.Key, r.Valid.From })
	s.Engagements, p.lines[2] = sortRows(p.engs, p.lines[2], func(e *connectors.PayrollEngagement) (string, timeline.Date) { return e.Key, e.Valid.From })
	s.Leaves, p.lines[3] = sortRows(p.leaves, p.lines[3], func(l *connectors.PayrollLeave) (string, timeline.Date) { return l.Key, l.Valid.From })
	return s
}
