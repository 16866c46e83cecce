package payrollfile

import (
	"errors"
	"fmt"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// span describes a row's days as the file writes them: "2025-01-01 to
// 2025-12-31", "2025-01-01 on" for no end.
func span(iv timeline.Interval) string {
	last, ok := timeline.LastDay(iv.To)
	if !ok {
		return iv.From.String() + " on"
	}
	return iv.From.String() + " to " + last.String()
}

// overlaps reports rows of one key whose days overlap, in the file's
// terms, at the later row; CheckPayroll's report of the same is then
// left out (see check).
func (p *parser) overlaps(s *connectors.PayrollSnapshot) {
	overlapsOf(p, 0, s.Units, func(u *connectors.PayrollUnit) (string, timeline.Interval) { return u.Key, u.Valid })
	overlapsOf(p, 1, s.Persons, func(r *connectors.PayrollPerson) (string, timeline.Interval) { return r.Key, r.Valid })
	overlapsOf(p, 2, s.Engagements, func(e *connectors.PayrollEngagement) (string, timeline.Interval) { return e.Key, e.Valid })
	overlapsOf(p, 3, s.Leaves, func(l *connectors.PayrollLeave) (string, timeline.Interval) { return l.Key, l.Valid })
}

// overlapsOf checks the rows of file k, which are sorted by key and
// start.
func overlapsOf[T any](p *parser, k int, rows []T, kv func(*T) (string, timeline.Interval)) {
	name := fileName(k, p.day)
	var (
		key  string
		last int // the row with the latest end so far among the key's rows
	)
	for i := range rows {
		ki, iv := kv(&rows[i])
		if i == 0 || ki != key {
			key, last = ki, i
			continue
		}
		_, prev := kv(&rows[last])
		if prev.To > iv.From {
			p.probs.add(k, name, int(p.lines[k][i]), "from", fmt.Errorf("the row (%s) overlaps the row on line %d (%s) with the same key", span(iv), p.lines[k][last], span(prev)))
			if p.overlapped[k] == nil {
				p.overlapped[k] = map[int]bool{}
			}
			p.overlapped[k][i], p.overlapped[k][last] = true, true
		}
		if iv.To > prev.To {
			last = i
		}
	}
}

// columnOf names the columns of CheckPayroll's fields.
var columnOf = map[string]string{
	"Key":         "key",
	"Parent":      "parent",
	"Name":        "name",
	"Level":       "level",
	"Type":        "type",
	"NationalID":  "national_id",
	"GivenNames":  "given_names",
	"Surname":     "surname",
	"Person":      "person",
	"Unit":        "unit",
	"JobFunction": "job_function",
	"Fraction":    "fraction",
	"Engagement":  "engagement",
	"Valid":       "from",
}

// check runs connectors.CheckPayroll over the good rows and reports its
// problems at their files' lines, except those already reported: an
// overlap, or a reference to a record whose row was refused.
func (p *parser) check(s *connectors.PayrollSnapshot) {
	err := connectors.CheckPayroll(s)
	if err == nil {
		return
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, err := range errs {
		var re *connectors.RecordError
		if !errors.As(err, &re) || !re.Kind.Valid() {
			p.probs.add(0, "", 0, "", masked{err})
			continue
		}
		k := int(re.Kind) - 1
		if p.known(s, k, re) {
			continue
		}
		line := 0
		if re.Index >= 0 && re.Index < len(p.lines[k]) {
			line = int(p.lines[k][re.Index])
		}
		field, ok := columnOf[re.Field]
		if !ok {
			field = re.Field
		}
		p.probs.add(k, fileName(k, p.day), line, field, masked{re.Err})
	}
}

// known reports whether a problem CheckPayroll found in file k is already
// reported: an overlap, or a reference to a record of which a row was
// refused (or a file with rows that could not be read).
func (p *parser) known(s *connectors.PayrollSnapshot, k int, re *connectors.RecordError) bool {
	if re.Field == "Valid" && p.overlapped[k][re.Index] {
		return true
	}
	if re.Index < 0 || re.Index >= len(p.lines[k]) {
		return false
	}
	target, ref := -1, ""
	switch {
	case k == 0 && re.Field == "Parent":
		target, ref = 0, s.Units[re.Index].Parent
	case k == 2 && re.Field == "Person":
		target, ref = 1, s.Engagements[re.Index].Person
	case k == 2 && re.Field == "Unit":
		target, ref = 0, s.Engagements[re.Index].Unit
	case k == 3 && re.Field == "Engagement":
		target, ref = 2, s.Leaves[re.Index].Engagement
	}
	return target >= 0 && ref != "" && (p.unknown[target] || p.dropped[target][ref])
}
