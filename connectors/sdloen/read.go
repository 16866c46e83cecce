package sdloen

import (
	"cmp"
	"context"
	"errors"
	"net/url"
	"slices"
	"sync"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// answers are the four answers a full read asks for.
type answers struct {
	org  organizationAnswer
	dep  departmentAnswer
	per  personAnswer
	empl employmentAnswer
}

// fetchAll asks SD for the whole payroll as of today, the four calls at
// once. The first error wins.
func (c *Connector) fetchAll(ctx context.Context, today timeline.Date) (*answers, error) {
	from, yes, no := requestDate(c.s.historyFrom), "true", "false"
	a := &answers{}
	calls := []struct {
		op     string
		params url.Values
		v      any
	}{
		{opOrganization, url.Values{"ActivationDate": {from}, "DeactivationDate": {openEnd}, "UUIDIndicator": {yes}}, &a.org},
		{opDepartment, url.Values{"ActivationDate": {from}, "DeactivationDate": {openEnd},
			"ContactInformationIndicator": {no}, "DepartmentNameIndicator": {yes}, "EmploymentDepartmentIndicator": {no},
			"PostalAddressIndicator": {no}, "ProductionUnitIndicator": {no}, "UUIDIndicator": {yes}}, &a.dep},
		{opPerson, url.Values{"EffectiveDate": {requestDate(today)}, "StatusActiveIndicator": {yes}, "StatusPassiveIndicator": {yes},
			"ContactInformationIndicator": {no}, "PostalAddressIndicator": {no}}, &a.per},
		{opEmployment, employmentParams(url.Values{"EffectiveDate": {requestDate(today)}}), &a.empl},
	}
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() { errs[i] = c.client.get(ctx, call.op, call.params, call.v) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return a, nil
}

// employmentParams adds to p what GetEmployment and
// GetEmploymentChangedAtDate are asked for: active and passive
// employments, with their department, status, profession and working
// time, and no salary data.
func employmentParams(p url.Values) url.Values {
	for k, v := range map[string]string{
		"StatusActiveIndicator": "true", "StatusPassiveIndicator": "true",
		"DepartmentIndicator": "true", "EmploymentStatusIndicator": "true", "ProfessionIndicator": "true",
		"WorkingTimeIndicator": "true", "UUIDIndicator": "true",
		"SalaryAgreementIndicator": "false", "SalaryCodeGroupIndicator": "false",
	} {
		p.Set(k, v)
	}
	return p
}

// state is the payroll as read, with the employments SD says are
// deleted.
type state struct {
	snap    *connectors.PayrollSnapshot
	deleted []string
}

// build turns the answers into a snapshot: malformed records are left
// out and listed in Skipped, with what depends on them.
func (c *Connector) build(a *answers) *state {
	cv := &converter{s: c.s}
	units := cv.units(&a.org, &a.dep)
	emps, deleted := cv.employments(opEmployment, &a.empl)

	unitOK := map[string]bool{}
	for _, u := range units {
		unitOK[u.Key] = true
	}
	snap := &connectors.PayrollSnapshot{Units: units}
	first := map[string]timeline.Date{}
	ids := make([]string, 0, len(emps))
	for id, e := range emps {
		if e != nil && !e.deleted && len(e.engagements) > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	left := map[string]bool{}
	for _, id := range ids {
		e := emps[id]
		if i := slices.IndexFunc(e.engagements, func(g connectors.PayrollEngagement) bool { return !unitOK[g.Unit] }); i >= 0 {
			cv.skip(opEmployment, "employment", id, "EmploymentDepartment", "no such department %q", clip(e.engagements[i].Unit))
			left[id] = true
			continue
		}
		if f, ok := first[e.person]; !ok || e.engagements[0].Valid.From < f {
			first[e.person] = e.engagements[0].Valid.From
		}
	}
	snap.Persons = cv.persons(&a.per, first)
	personOK := map[string]bool{}
	for _, p := range snap.Persons {
		personOK[p.Key] = true
	}
	for _, id := range ids {
		e := emps[id]
		if left[id] {
			continue
		}
		if !personOK[e.person] {
			cv.skip(opEmployment, "employment", id, "PersonCivilRegistrationIdentifier", "the person %s is not in %s", connectors.NationalID(e.person), opPerson)
			continue
		}
		snap.Engagements = append(snap.Engagements, e.engagements...)
		snap.Leaves = append(snap.Leaves, e.leaves...)
	}
	c.checked(snap, cv)
	sortSnapshot(snap)
	snap.Skipped = connectors.CapSkipped(cv.skipped)
	return &state{snap: snap, deleted: deleted}
}

// checked runs connectors.CheckPayroll over the rows and leaves out
// every record it finds at fault (a name too long, a unit in a cycle),
// with the records that refer to it, reporting each.
func (c *Connector) checked(s *connectors.PayrollSnapshot, cv *converter) {
	for range 4 {
		err := connectors.CheckPayroll(s)
		if err == nil {
			return
		}
		drop := map[connectors.PayrollRef]bool{}
		var errs []error
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		} else {
			errs = []error{err}
		}
		for _, e := range errs {
			var re *connectors.RecordError
			if !errors.As(e, &re) || re.Index < 0 {
				continue
			}
			key := rowKey(s, re.Kind, re.Index)
			ref := connectors.PayrollRef{Kind: re.Kind, Key: key}
			if key == "" || drop[ref] {
				continue
			}
			drop[ref] = true
			cv.skip(whereOf[re.Kind], sdKind[re.Kind], key, re.Field, "%v", masked{re.Err})
		}
		if len(drop) == 0 {
			return
		}
		removeDropped(s, drop)
	}
}

// whereOf and sdKind name, in SD's terms, where a kind of record comes
// from and what it is.
var (
	whereOf = map[connectors.PayrollKind]string{connectors.PayrollUnitKind: opDepartment, connectors.PayrollPersonKind: opPerson,
		connectors.PayrollEngagementKind: opEmployment, connectors.PayrollLeaveKind: opEmployment}
	sdKind = map[connectors.PayrollKind]string{connectors.PayrollUnitKind: "department", connectors.PayrollPersonKind: "person",
		connectors.PayrollEngagementKind: "employment", connectors.PayrollLeaveKind: "leave"}
)

func rowKey(s *connectors.PayrollSnapshot, k connectors.PayrollKind, i int) string {
	switch {
	case k == connectors.PayrollUnitKind && i < len(s.Units):
		return s.Units[i].Key
	case k == connectors.PayrollPersonKind && i < len(s.Persons):
		return s.Persons[i].Key
	case k == connectors.PayrollEngagementKind && i < len(s.Engagements):
		return s.Engagements[i].Key
	case k == connectors.PayrollLeaveKind && i < len(s.Leaves):
		return s.Leaves[i].Key
	}
	return ""
}

// removeDropped removes the dropped records' rows; what then refers to
// a record that is gone is found by the next check.
func removeDropped(s *connectors.PayrollSnapshot, drop map[connectors.PayrollRef]bool) {
	s.Units = slices.DeleteFunc(s.Units, func(u connectors.PayrollUnit) bool {
		return drop[connectors.PayrollRef{Kind: connectors.PayrollUnitKind, Key: u.Key}]
	})
	s.Persons = slices.DeleteFunc(s.Persons, func(p connectors.PayrollPerson) bool {
		return drop[connectors.PayrollRef{Kind: connectors.PayrollPersonKind, Key: p.Key}]
	})
	s.Engagements = slices.DeleteFunc(s.Engagements, func(e connectors.PayrollEngagement) bool {
		return drop[connectors.PayrollRef{Kind: connectors.PayrollEngagementKind, Key: e.Key}]
	})
	s.Leaves = slices.DeleteFunc(s.Leaves, func(l connectors.PayrollLeave) bool {
		return drop[connectors.PayrollRef{Kind: connectors.PayrollLeaveKind, Key: l.Key}]
	})
}

// sortSnapshot sorts every list by key and then by first day.
func sortSnapshot(s *connectors.PayrollSnapshot) {
	slices.SortFunc(s.Units, func(a, b connectors.PayrollUnit) int { return byRow(a.Key, a.Valid, b.Key, b.Valid) })
	slices.SortFunc(s.Persons, func(a, b connectors.PayrollPerson) int { return byRow(a.Key, a.Valid, b.Key, b.Valid) })
	slices.SortFunc(s.Engagements, func(a, b connectors.PayrollEngagement) int { return byRow(a.Key, a.Valid, b.Key, b.Valid) })
	slices.SortFunc(s.Leaves, func(a, b connectors.PayrollLeave) int { return byRow(a.Key, a.Valid, b.Key, b.Valid) })
}

func byRow(ka string, va timeline.Interval, kb string, vb timeline.Interval) int {
	return cmp.Or(cmp.Compare(ka, kb), cmp.Compare(va.From, vb.From))
}
