package opus

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// at is where a record element is: the dump's file and the line.
type at struct {
	file string
	line int
}

func (a at) String() string { return a.file + ":" + strconv.Itoa(a.line) }

// unitRow is a row of a unit, from an <orgUnit> element.
type unitRow struct {
	connectors.PayrollUnit
	at at
}

// empRow is a row of an engagement, from an <employee> element. Its
// Person is resolved when the dump's state is built; until then cpr,
// given and surname are what the element says.
type empRow struct {
	connectors.PayrollEngagement
	cpr, given, surname string
	manager             bool
	level               string
	at                  at
}

// personRow is a row of a person, from a <person> element.
type personRow struct {
	connectors.PayrollPerson
	at at
}

// absenceRow is a row of a leave of absence, from an <absence> element.
type absenceRow struct {
	connectors.PayrollLeave
	at at
}

// dump is a dump read: its rows by kind, each list sorted by key and
// start, with duplicates and malformed elements left out and reported.
type dump struct {
	Dump
	token    connectors.Token
	units    []unitRow
	emps     []empRow
	persons  []personRow
	absences []absenceRow
	// left are the ids of the employees and units that carry
	// action="leave".
	left [nKinds]map[string]bool
	// bad are the ids whose element was malformed (and so skipped): the
	// previous dump's rows of them stay.
	bad     [nKinds]map[string]bool
	skipped []connectors.SkippedRecord
}

// report adds a skipped record.
func (d *dump) report(k elemKind, where at, key string, f field, hasField bool, err error) {
	r := connectors.SkippedRecord{Where: where.String(), Kind: kindNames[k], Key: maskKey(k, key), Problem: redact.NationalIDs(err.Error())}
	if hasField {
		r.Field = fieldNames[f]
	}
	d.skipped = append(d.skipped, r)
}

// maskKey masks a key that may be a national id: a person's.
func maskKey(k elemKind, key string) string {
	if k == personElem {
		return connectors.NationalID(key).String()
	}
	return redact.NationalIDs(key)
}

// parseDump reads a dump's bytes. A dump that is not a whole OPUS
// document gives a *dumpError; an ended context ctx.Err().
func parseDump(ctx context.Context, d Dump, token connectors.Token, data []byte) (*dump, error) {
	out := &dump{Dump: d, token: token}
	for k := range out.left {
		out.left[k], out.bad[k] = map[string]bool{}, map[string]bool{}
	}
	n := len(data) / 900 // about the bytes of an employee
	out.emps = make([]empRow, 0, n)
	err := decodeXML(ctx, data, func(e *element) { out.add(e) })
	if err != nil {
		return nil, err
	}
	out.dedupe()
	return out, nil
}

// add turns a record element into a row, or reports why it cannot.
func (d *dump) add(e *element) {
	where := at{d.Name, e.line}
	fail := func(f field, err error) {
		d.report(e.kind, where, e.id, f, true, err)
		if e.id != "" {
			d.bad[e.kind][e.id] = true
		}
	}
	if e.id == "" {
		d.report(e.kind, where, "", 0, false, errors.New("no id attribute"))
		return
	}
	if e.badMsg != "" {
		fail(e.bad, errors.New(e.badMsg))
		return
	}
	if e.leave {
		d.left[e.kind][e.id] = true
	}
	if e.leave && e.has == [nFields]bool{} {
		return // a bare leave: the rows are the previous dump's
	}
	v := &e.val
	switch e.kind {
	case orgUnitElem:
		r := unitRow{PayrollUnit: connectors.PayrollUnit{Key: e.id, Parent: v[fParent], Name: cmp.Or(v[fLongName], v[fShortName]),
			Level: v[fOrgType], Type: v[fOrgTypeTxt]}, at: where}
		{
			iv, f, err := span(v[fStartDate], v[fEndDate], fStartDate, fEndDate)
			if err != nil {
				fail(f, err)
				return
			}
			if r.Name == "" {
				fail(fLongName, errors.New("the unit has no name (longName or shortName)"))
				return
			}
			r.Valid = iv
		}
		d.units = append(d.units, r)
	case employeeElem:
		r := empRow{PayrollEngagement: connectors.PayrollEngagement{Key: e.id, Unit: v[fOrgUnit], JobFunction: v[fPosition],
			Type: cmp.Or(v[fWorkContractText], v[fWorkContract])}, cpr: v[fCPR], given: v[fFirstName], surname: v[fLastName], at: where}
		{
			iv, f, err := span(v[fEntryDate], v[fLeaveDate], fEntryDate, fLeaveDate)
			if err != nil {
				fail(f, err)
				return
			}
			r.Valid = iv
			if err := checkCPR(r.cpr); err != nil {
				fail(fCPR, err)
				return
			}
			if r.Unit == "" {
				fail(fOrgUnit, errEmpty)
				return
			}
			fr, f, err := fraction(v[fNumerator], v[fDenominator])
			if err != nil {
				fail(f, err)
				return
			}
			r.Fraction = fr
			if r.manager, err = parseBool(v[fIsManager]); err != nil {
				fail(fIsManager, err)
				return
			}
			if r.manager && (v[fSuperiorLevel] != "" || v[fSubordinateLevel] != "") {
				r.level = v[fSuperiorLevel] + "." + v[fSubordinateLevel]
				if err := connectors.CheckText(r.level, connectors.MaxFieldBytes); err != nil {
					fail(fSuperiorLevel, fmt.Errorf("the manager level (superiorLevel.subordinateLevel): %w", err))
					return
				}
			}
		}
		d.emps = append(d.emps, r)
	case personElem:
		iv, f, err := span(v[fStartDate], v[fEndDate], fStartDate, fEndDate)
		if err != nil {
			fail(f, err)
			return
		}
		if err := checkCPR(v[fCPR]); err != nil {
			fail(fCPR, err)
			return
		}
		d.persons = append(d.persons, personRow{PayrollPerson: connectors.PayrollPerson{Key: e.id, NationalID: connectors.NationalID(v[fCPR]),
			GivenNames: v[fFirstName], Surname: v[fLastName], Valid: iv}, at: where})
	case absenceElem:
		iv, f, err := span(v[fStartDate], v[fEndDate], fStartDate, fEndDate)
		if err != nil {
			fail(f, err)
			return
		}
		if e.ref == "" {
			d.report(e.kind, where, e.id, 0, false, errors.New("no employee attribute: the absence names no employee"))
			d.bad[e.kind][e.id] = true
			return
		}
		d.absences = append(d.absences, absenceRow{PayrollLeave: connectors.PayrollLeave{Key: e.id, Engagement: e.ref, Type: v[fType], Valid: iv}, at: where})
	}
}

// dedupe sorts each kind's rows by key and start and leaves out, and
// reports, the rows that overlap an earlier row of their key: a record
// written twice.
func (d *dump) dedupe() {
	d.units = dedupeRows(d, orgUnitElem, d.units, func(r *unitRow) (string, timeline.Interval, at) { return r.Key, r.Valid, r.at })
	d.emps = dedupeRows(d, employeeElem, d.emps, func(r *empRow) (string, timeline.Interval, at) { return r.Key, r.Valid, r.at })
	d.persons = dedupeRows(d, personElem, d.persons, func(r *personRow) (string, timeline.Interval, at) { return r.Key, r.Valid, r.at })
	d.absences = dedupeRows(d, absenceElem, d.absences, func(r *absenceRow) (string, timeline.Interval, at) { return r.Key, r.Valid, r.at })
}

func dedupeRows[T any](d *dump, k elemKind, rows []T, kv func(*T) (string, timeline.Interval, at)) []T {
	slices.SortStableFunc(rows, func(a, b T) int {
		ka, va, _ := kv(&a)
		kb, vb, _ := kv(&b)
		return cmp.Or(cmp.Compare(ka, kb), cmp.Compare(va.From, vb.From))
	})
	out := rows[:0]
	var (
		key   string
		reach timeline.Date // the latest end of the key's rows kept
		line  int           // and the line of that row
	)
	for i := range rows {
		ki, iv, where := kv(&rows[i])
		if i == 0 || ki != key {
			key, reach, line = ki, iv.To, where.line
			out = append(out, rows[i])
			continue
		}
		if iv.From < reach {
			d.report(k, where, ki, 0, false, fmt.Errorf("a duplicate: its days overlap those of the %s on line %d with the same id", kindNames[k], line))
			continue
		}
		out = append(out, rows[i])
		if iv.To > reach {
			reach, line = iv.To, where.line
		}
	}
	return out
}
