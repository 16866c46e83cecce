package payrollfile

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Write writes s as the delivery of day into folder dir, in the format of
// this package: each of the four files under a temporary name beginning
// with ".", synced, then renamed into place (units, persons, engagements,
// leaves, in that order, so that the delivery is complete when the last
// lands), and then the folder synced. The files are readable by their
// owner only (0600). A delivery of the same day already there is
// replaced.
//
// It refuses a snapshot that connectors.CheckPayroll refuses, with an
// Invalid error and before writing anything. Rows are written sorted by
// key and then by start, ends inclusive, national ids in full: the files
// are the payroll's own data. s.Token is not written. Reading the
// delivery back gives s with its rows in that order, except that a row
// whose last day is 9998-12-31, the last day a date can hold, reads back
// open-ended (see timeline.EndInclusive), and that the format has no
// manager roles: s.Managers is not written.
func Write(dir string, day timeline.Date, s *connectors.PayrollSnapshot) error {
	const op = "write"
	if !day.Valid() {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Object: dir, Err: fmt.Errorf("%s is not a day", day)}
	}
	if s == nil {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Object: dir, Err: errors.New("no snapshot")}
	}
	if err := connectors.CheckPayroll(s); err != nil {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Object: dir, Err: err}
	}
	fail := func(err error) error {
		kind := connectors.Other
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			kind = connectors.Configuration
		}
		return &connectors.Error{Kind: kind, Op: op, Object: dir, Err: err}
	}
	var temps [4]string
	defer func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}()
	for k := range specs {
		f, err := os.CreateTemp(dir, "."+fileName(k, day)+".*.tmp")
		if err != nil {
			return fail(err)
		}
		temps[k] = f.Name()
		w := bufio.NewWriterSize(f, 1<<16)
		err = encode(w, k, s)
		if err == nil {
			err = w.Flush()
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fail(err)
		}
	}
	for k := range specs {
		if err := os.Rename(temps[k], filepath.Join(dir, fileName(k, day))); err != nil {
			return fail(err)
		}
		temps[k] = ""
	}
	if err := syncDir(dir); err != nil {
		return fail(err)
	}
	return nil
}

// syncDir makes the renames in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, os.ErrInvalid) { // a file system that cannot sync folders
		return nil
	}
	return err
}

// encode writes file k of a delivery of s: its header, then its rows
// sorted by key and start.
func encode(w io.Writer, k int, s *connectors.PayrollSnapshot) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(specs[k].columns); err != nil {
		return err
	}
	rec := make([]string, len(specs[k].columns))
	var err error
	switch k {
	case 0:
		err = writeRows(cw, rec, s.Units, func(u *connectors.PayrollUnit) (string, timeline.Date) { return u.Key, u.Valid.From },
			func(u *connectors.PayrollUnit) {
				rec[uKey], rec[uParent], rec[uName], rec[uLevel], rec[uType] = u.Key, u.Parent, u.Name, u.Level, u.Type
				rec[uFrom], rec[uTo] = dates(u.Valid)
			})
	case 1:
		err = writeRows(cw, rec, s.Persons, func(p *connectors.PayrollPerson) (string, timeline.Date) { return p.Key, p.Valid.From },
			func(p *connectors.PayrollPerson) {
				rec[pKey], rec[pNationalID], rec[pGivenNames], rec[pSurname] = p.Key, string(p.NationalID), p.GivenNames, p.Surname
				rec[pFrom], rec[pTo] = dates(p.Valid)
			})
	case 2:
		err = writeRows(cw, rec, s.Engagements, func(e *connectors.PayrollEngagement) (string, timeline.Date) { return e.Key, e.Valid.From },
			func(e *connectors.PayrollEngagement) {
				rec[eKey], rec[ePerson], rec[eUnit], rec[eJobFunction], rec[eType] = e.Key, e.Person, e.Unit, e.JobFunction, e.Type
				rec[eFraction] = fraction(e.Fraction)
				rec[eFrom], rec[eTo] = dates(e.Valid)
			})
	case 3:
		err = writeRows(cw, rec, s.Leaves, func(l *connectors.PayrollLeave) (string, timeline.Date) { return l.Key, l.Valid.From },
			func(l *connectors.PayrollLeave) {
				rec[lKey], rec[lEngagement], rec[lType] = l.Key, l.Engagement, l.Type
				rec[lFrom], rec[lTo] = dates(l.Valid)
			})
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// writeRows writes rows sorted by key and start, each filled into rec by
// fill.
func writeRows[T any](cw *csv.Writer, rec []string, rows []T, kv func(*T) (string, timeline.Date), fill func(*T)) error {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ka, fa := kv(&rows[a])
		kb, fb := kv(&rows[b])
		return cmp.Or(strings.Compare(ka, kb), cmp.Compare(fa, fb))
	})
	for _, i := range order {
		fill(&rows[i])
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return nil
}

// dates returns the from and to columns of an interval: the first and the
// last day, and "" for no end.
func dates(iv timeline.Interval) (from, to string) {
	if last, ok := timeline.LastDay(iv.To); ok && last.Valid() {
		return iv.From.String(), last.String()
	}
	return iv.From.String(), ""
}

// fraction formats a share as the shortest decimal that reads back as the
// same number, never with an exponent, and -0 as 0.
func fraction(f float64) string {
	if f == 0 {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
