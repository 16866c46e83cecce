package intake

import (
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// PayrollOptions configure Payroll.
type PayrollOptions struct {
	// CPR says which national ids persons may have. Set AllowFictive only
	// if the model's orgmodel.Options.CPR does too, or Model.Apply refuses
	// what Payroll let through.
	CPR orgmodel.CPROptions
}

// Payroll turns a payroll snapshot into the org-model snapshot of the
// source: a unit, person, engagement, leave or manager role per key, each with a span
// per row, ids by orgmodel.SourceID(source, kind, key) and the key as user
// key. The package doc gives the mapping field by field.
//
// It checks the snapshot with connectors.CheckPayroll, and beyond that what
// the org model would refuse: national ids that orgmodel.ParseCPR refuses
// under opts.CPR, names of nothing but white space, persons with
// different keys but the same national id, and manager roles through
// another person's engagement. A snapshot with any problem
// gives no snapshot: the error joins every problem found, each a
// *connectors.RecordError naming the row (kind, index, key, field). No
// error text holds a national id in full.
func Payroll(source string, s *connectors.PayrollSnapshot, opts PayrollOptions) (orgmodel.Snapshot, error) {
	if err := checkSource(source); err != nil {
		return orgmodel.Snapshot{}, err
	}
	if s == nil {
		return orgmodel.Snapshot{}, errors.New("intake: no payroll snapshot")
	}
	cprs, ours := checkPayroll(s, opts)
	var errs []error
	if err := connectors.CheckPayroll(s); err != nil {
		// One flat list: CheckPayroll's problems, then those only the
		// model has, each field of a row once.
		errs = []error{err}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			errs = slices.Clone(joined.Unwrap())
		}
	}
	type at struct {
		kind  connectors.PayrollKind
		index int
		field string
	}
	reported := make(map[at]bool, len(errs))
	for _, e := range errs {
		if re, ok := e.(*connectors.RecordError); ok {
			reported[at{re.Kind, re.Index, re.Field}] = true
		}
	}
	for _, e := range ours {
		if re := e.(*connectors.RecordError); !reported[at{re.Kind, re.Index, re.Field}] {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return orgmodel.Snapshot{}, errors.Join(errs...)
	}

	p := payrollMap{source: source, units: make(map[string]uuid.UUID, len(s.Units)), people: make(map[string]uuid.UUID, len(s.Persons))}
	objs := make([]orgmodel.Object, 0, len(s.Units)+len(s.Persons)+len(s.Engagements)+len(s.Leaves)+len(s.Managers))
	objs, err := records(objs, &p, orgmodel.KindUnit, s.Units, func(u connectors.PayrollUnit) (string, timeline.Interval) { return u.Key, u.Valid },
		func(_ int, u connectors.PayrollUnit) orgmodel.Attrs {
			a := orgmodel.UnitAttrs{Name: u.Name, Type: u.Type, Level: u.Level}
			if u.Parent != "" {
				a.Parent = p.id(orgmodel.KindUnit, u.Parent)
			}
			return a
		})
	if err != nil {
		return orgmodel.Snapshot{}, err
	}
	objs, err = records(objs, &p, orgmodel.KindPerson, s.Persons, func(r connectors.PayrollPerson) (string, timeline.Interval) { return r.Key, r.Valid },
		func(i int, r connectors.PayrollPerson) orgmodel.Attrs {
			return orgmodel.PersonAttrs{GivenNames: r.GivenNames, Surname: r.Surname, NationalID: cprs[i]}
		})
	if err != nil {
		return orgmodel.Snapshot{}, err
	}
	objs, err = records(objs, &p, orgmodel.KindEngagement, s.Engagements, func(e connectors.PayrollEngagement) (string, timeline.Interval) { return e.Key, e.Valid },
		func(_ int, e connectors.PayrollEngagement) orgmodel.Attrs {
			return orgmodel.EngagementAttrs{
				Person:           p.id(orgmodel.KindPerson, e.Person),
				Unit:             p.id(orgmodel.KindUnit, e.Unit),
				EmploymentNumber: e.Key,
				JobFunction:      e.JobFunction,
				Type:             e.Type,
				Fraction:         e.Fraction,
			}
		})
	if err != nil {
		return orgmodel.Snapshot{}, err
	}
	if len(s.Leaves) > 0 {
		if objs, err = leaves(objs, &p, s); err != nil {
			return orgmodel.Snapshot{}, err
		}
	}
	objs, err = records(objs, &p, orgmodel.KindManager, s.Managers, func(m connectors.PayrollManager) (string, timeline.Interval) { return m.Key, m.Valid },
		func(_ int, m connectors.PayrollManager) orgmodel.Attrs {
			a := orgmodel.ManagerAttrs{Unit: p.id(orgmodel.KindUnit, m.Unit), Person: p.id(orgmodel.KindPerson, m.Person), Type: m.Type, Level: m.Level}
			if m.Engagement != "" {
				a.Engagement = p.id(orgmodel.KindEngagement, m.Engagement)
			}
			return a
		})
	if err != nil {
		return orgmodel.Snapshot{}, err
	}
	return orgmodel.Snapshot{Source: source, Objects: objs}, nil
}

// checkPayroll finds what connectors.CheckPayroll lets through and the
// model refuses. It returns the persons' parsed national ids by row.
func checkPayroll(s *connectors.PayrollSnapshot, opts PayrollOptions) ([]orgmodel.CPR, []error) {
	var errs []error
	for i, u := range s.Units {
		if u.Name != "" && blank(u.Name) {
			errs = append(errs, recordError(connectors.PayrollUnitKind, i, u.Key, "Name", errors.New("is only white space")))
		}
	}
	cprs := make([]orgmodel.CPR, len(s.Persons))
	holder := make(map[orgmodel.CPR]string, len(s.Persons))
	for i, r := range s.Persons {
		k := connectors.PayrollPersonKind
		if (r.GivenNames != "" || r.Surname != "") && blank(r.GivenNames) && blank(r.Surname) {
			errs = append(errs, recordError(k, i, r.Key, "Surname", errors.New("the person's names are only white space")))
		}
		if r.NationalID == "" {
			continue // CheckPayroll reports it
		}
		c, err := orgmodel.ParseCPR(string(r.NationalID), opts.CPR)
		if err != nil {
			// The CPRError names positions and the date part, never the
			// serial.
			errs = append(errs, recordError(k, i, r.Key, "NationalID", err))
			continue
		}
		cprs[i] = c
		if other, ok := holder[c]; ok && other != r.Key {
			errs = append(errs, recordError(k, i, r.Key, "NationalID", fmt.Errorf("%w (%s, the person %q)", ErrDuplicateNationalID, c, clip(other))))
			continue
		}
		holder[c] = r.Key
	}
	if len(s.Managers) > 0 {
		errs = append(errs, checkManagers(s)...)
	}
	return cprs, errs
}

// checkManagers finds the manager rows whose engagement is another
// person's on a day of the row: the model links a role to an engagement
// of the person who holds it. An engagement that does not exist on the
// row's days is CheckPayroll's to report.
func checkManagers(s *connectors.PayrollSnapshot) []error {
	engs := make(map[string][]int, len(s.Engagements))
	for i, e := range s.Engagements {
		engs[e.Key] = append(engs[e.Key], i)
	}
	var errs []error
	for i, m := range s.Managers {
		if m.Engagement == "" {
			continue
		}
		for _, j := range engs[m.Engagement] {
			e := s.Engagements[j]
			if iv, ok := e.Valid.Intersect(m.Valid); ok && e.Person != m.Person {
				errs = append(errs, recordError(connectors.PayrollManagerKind, i, m.Key, "Engagement",
					fmt.Errorf("%w on %s: %q is the engagement of %q, not of %q", ErrOthersEngagement, iv, clip(m.Engagement), clip(e.Person), clip(m.Person))))
				break
			}
		}
	}
	return errs
}

// payrollMap is one run of Payroll: the source, and the ids of the units
// and persons, which other records refer to.
type payrollMap struct {
	source string
	units  map[string]uuid.UUID
	people map[string]uuid.UUID
}

// id returns the id of the source's record of kind k with the key. The
// ids of units and persons are remembered, as SourceID costs a hash and
// they are asked for often (a unit by every engagement in it); the others
// are asked for about once.
func (p *payrollMap) id(k orgmodel.Kind, key string) uuid.UUID {
	var ids map[string]uuid.UUID
	switch k {
	case orgmodel.KindUnit:
		ids = p.units
	case orgmodel.KindPerson:
		ids = p.people
	default:
		return orgmodel.SourceID(p.source, k, key)
	}
	id, ok := ids[key]
	if !ok {
		id = orgmodel.SourceID(p.source, k, key)
		ids[key] = id
	}
	return id
}

// records appends an object per key of rows, each row a span, in the
// order the keys first appear.
func records[R any](objs []orgmodel.Object, p *payrollMap, k orgmodel.Kind, rows []R, kv func(R) (string, timeline.Interval), attrs func(int, R) orgmodel.Attrs) ([]orgmodel.Object, error) {
	at := make(map[string]int, len(rows)) // key → index in objs
	var extra map[int][]timeline.Span[orgmodel.Attrs]
	for i, r := range rows {
		key, iv := kv(r)
		sp := timeline.Span[orgmodel.Attrs]{Interval: iv, Value: attrs(i, r)}
		j, ok := at[key]
		if !ok {
			at[key] = len(objs)
			objs = append(objs, orgmodel.Object{ID: p.id(k, key), Kind: k, UserKey: key, Source: p.source, Timeline: timeline.Of(iv, sp.Value)})
			continue
		}
		// A key's further rows wait until every row has been seen: most
		// keys have one, and they cost nothing more.
		if extra == nil {
			extra = make(map[int][]timeline.Span[orgmodel.Attrs])
		}
		if _, ok := extra[j]; !ok {
			extra[j] = []timeline.Span[orgmodel.Attrs]{objs[j].Timeline.Span(0)}
		}
		extra[j] = append(extra[j], sp)
	}
	for j, spans := range extra {
		tl, err := timeline.New(spans...)
		if err != nil { // CheckPayroll has ruled overlaps out; keep the error anyway
			return nil, fmt.Errorf("intake: %s %q: %w", k, clip(objs[j].UserKey), err)
		}
		objs[j].Timeline = tl
	}
	return objs, nil
}

// leaves appends the leaves. A leave's person is its engagement's on each
// day, so a leave row over engagement rows of different persons (which
// the contract allows) becomes a span per person.
func leaves(objs []orgmodel.Object, p *payrollMap, s *connectors.PayrollSnapshot) ([]orgmodel.Object, error) {
	type engRow struct {
		person string
		valid  timeline.Interval
	}
	engs := make(map[string][]engRow, len(s.Engagements))
	for _, e := range s.Engagements {
		engs[e.Key] = append(engs[e.Key], engRow{e.Person, e.Valid})
	}
	for _, rows := range engs {
		slices.SortFunc(rows, func(a, b engRow) int { return int(a.valid.From) - int(b.valid.From) })
	}
	byKey := make(map[string][]timeline.Span[orgmodel.Attrs], len(s.Leaves))
	var order []string
	for _, l := range s.Leaves {
		if _, ok := byKey[l.Key]; !ok {
			order = append(order, l.Key)
		}
		eng := p.id(orgmodel.KindEngagement, l.Engagement)
		for _, e := range engs[l.Engagement] {
			iv, ok := e.valid.Intersect(l.Valid)
			if !ok {
				continue
			}
			a := orgmodel.LeaveAttrs{Person: p.id(orgmodel.KindPerson, e.person), Engagement: eng, Type: l.Type}
			byKey[l.Key] = append(byKey[l.Key], timeline.Span[orgmodel.Attrs]{Interval: iv, Value: a})
		}
	}
	for _, key := range order {
		tl, err := timeline.New(byKey[key]...)
		if err != nil {
			return nil, fmt.Errorf("intake: leave %q: %w", clip(key), err)
		}
		objs = append(objs, orgmodel.Object{ID: p.id(orgmodel.KindLeave, key), Kind: orgmodel.KindLeave, UserKey: key, Source: p.source, Timeline: tl})
	}
	return objs, nil
}
