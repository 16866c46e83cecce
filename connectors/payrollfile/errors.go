package payrollfile

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/internal/shorten"
)

// Error is one problem with a delivery: the file, the line and the column
// it is in, and what is wrong. A delivery's problems are returned
// together, joined with errors.Join inside a *connectors.Error of kind
// Invalid, so that errors.As finds the first and the joined error's
// Unwrap() []error gives them all.
//
// Its text never holds a national id in full: values are quoted masked,
// and Error masks the whole text once more.
type Error struct {
	// File is the file's name in the folder, "units-2026-11-22.csv"; ""
	// for the note that closes a list cut short.
	File string
	// Line is the line in the file, from 1, where the row or field at
	// fault starts; the header is line 1. 0 when there is no line.
	Line int
	// Field is the column at fault as the header names it ("parent",
	// "from"), or "" for the row or file as a whole.
	Field string
	// Err says what is wrong.
	Err error
}

// Error returns e.g. `payrollfile: engagements-2026-11-22.csv:14: unit:
// no such record "U9"`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("payrollfile: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid")
	}
	return redact.NationalIDs(b.String())
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// MaxProblems is the most problems a delivery's error lists; a last
// *Error says how many more there are.
const MaxProblems = 100

// masked is an error from elsewhere whose text may quote a value (a key
// that is a CPR number): its text is masked, and it unwraps to the
// original.
type masked struct{ err error }

func (m masked) Error() string { return redact.NationalIDs(m.err.Error()) }
func (m masked) Unwrap() error { return m.err }

// quote returns outside text fit for a message: national ids masked,
// clipped, and quoted.
func quote(s string) string { return strconv.Quote(shorten.To(redact.NationalIDs(s), 40)) }

// problem is an *Error with the order of its file in a delivery, so that
// a delivery's problems are listed file by file, line by line.
type problem struct {
	file int // 0 units, 1 persons, 2 engagements, 3 leaves
	err  *Error
}

// problems collects a delivery's problems.
type problems []problem

func (p *problems) add(file int, name string, line int, field string, err error) {
	*p = append(*p, problem{file, &Error{File: name, Line: line, Field: field, Err: err}})
}

// err returns the problems sorted by file and line (those of one line in
// the order found: by column, then CheckPayroll's) and joined, at most MaxProblems of them
// and a note of how many more there are; nil if there are none.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	slices.SortStableFunc(p, func(a, b problem) int {
		return cmp.Or(cmp.Compare(a.file, b.file), cmp.Compare(a.err.Line, b.err.Line))
	})
	n := min(len(p), MaxProblems)
	errs := make([]error, 0, n+1)
	for _, q := range p[:n] {
		errs = append(errs, q.err)
	}
	if rest := len(p) - n; rest > 0 {
		errs = append(errs, &Error{Err: fmt.Errorf("%d more problems not listed", rest)})
	}
	return errors.Join(errs...)
}
