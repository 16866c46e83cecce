package sdloen

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/shorten"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// converter turns SD's answers into the contract's rows, leaving out what
// is malformed and saying where it was.
type converter struct {
	s       *settings
	skipped []connectors.SkippedRecord
}

func (c *converter) skip(where, kind, key, field, format string, args ...any) {
	c.skipped = append(c.skipped, connectors.SkippedRecord{Where: where, Kind: kind, Key: key, Field: field, Problem: fmt.Sprintf(format, args...)})
}

// span is a value over an interval.
type span[V any] struct {
	iv timeline.Interval
	v  V
}

// at returns the value of the span that holds d.
func at[V any](spans []span[V], d timeline.Date) (V, bool) {
	for _, s := range spans {
		if s.iv.Contains(d) {
			return s.v, true
		}
	}
	var zero V
	return zero, false
}

// overlapping reports whether two spans share a day.
func overlapping[V any](spans []span[V]) bool {
	s := slices.Clone(spans)
	slices.SortFunc(s, func(a, b span[V]) int { return cmp.Compare(a.iv.From, b.iv.From) })
	for i := 1; i < len(s); i++ {
		if s[i-1].iv.To > s[i].iv.From {
			return true
		}
	}
	return false
}

// bounds returns the sorted, distinct days on which any span starts or
// ends.
func bounds(ivs ...[]timeline.Interval) []timeline.Date {
	var ds []timeline.Date
	for _, l := range ivs {
		for _, iv := range l {
			ds = append(ds, iv.From, iv.To)
		}
	}
	slices.Sort(ds)
	return slices.Compact(ds)
}

func ivsOf[V any](spans []span[V]) []timeline.Interval {
	out := make([]timeline.Interval, len(spans))
	for i, s := range spans {
		out[i] = s.iv
	}
	return out
}

// units joins GetDepartment's names and levels with GetOrganization's
// parents, splitting a unit's rows where its parent changes. A unit
// whose rows overlap, or that lacks an id, a name or good dates, is left
// out and reported. A unit no branch of GetOrganization names (SD lists
// only branches that end in an Afdelings-niveau) has no parent.
func (c *converter) units(org *organizationAnswer, deps *departmentAnswer) []connectors.PayrollUnit {
	parents := c.parents(org)
	type row struct {
		name, level string
	}
	rows := map[string][]span[row]{}
	bad := map[string]bool{}
	var order []string
	for _, d := range deps.Departments {
		id := strings.TrimSpace(d.ID)
		if id == "" {
			c.skip(opDepartment, "department", "", "DepartmentIdentifier", "empty")
			continue
		}
		if bad[id] {
			continue
		}
		iv, field, err := d.interval()
		if err == nil && strings.TrimSpace(d.Name) == "" {
			field, err = "DepartmentName", fmt.Errorf("empty")
		}
		if err != nil {
			c.skip(opDepartment, "department", id, field, "%v", err)
			bad[id] = true
			delete(rows, id)
			continue
		}
		r := row{strings.TrimSpace(d.Name), strings.TrimSpace(d.Level)}
		if _, seen := rows[id]; !seen {
			order = append(order, id)
		}
		dup := slices.ContainsFunc(rows[id], func(s span[row]) bool { return s.iv == iv && s.v == r })
		if dup {
			c.skip(opDepartment, "department", id, "", "the same row (%s) twice; the second is left out", iv)
			continue
		}
		rows[id] = append(rows[id], span[row]{iv, r})
	}
	var out []connectors.PayrollUnit
	for _, id := range order {
		spans, ok := rows[id]
		if !ok {
			continue
		}
		if overlapping(spans) {
			c.skip(opDepartment, "department", id, "ActivationDate", "rows of the unit overlap")
			continue
		}
		ps := parents[id]
		for _, sp := range spans {
			ds := bounds([]timeline.Interval{sp.iv}, ivsOf(ps))
			for i := 0; i+1 < len(ds); i++ {
				seg := timeline.Between(ds[i], ds[i+1])
				if !sp.iv.Covers(seg) {
					continue
				}
				parent, _ := at(ps, seg.From)
				u := connectors.PayrollUnit{Key: id, Parent: parent, Name: sp.v.name, Level: sp.v.level, Valid: seg}
				if n := len(out); n > 0 && sameUnit(out[n-1], u) && out[n-1].Valid.To == seg.From {
					out[n-1].Valid.To = seg.To
					continue
				}
				out = append(out, u)
			}
		}
	}
	return out
}

func sameUnit(a, b connectors.PayrollUnit) bool {
	return a.Key == b.Key && a.Parent == b.Parent && a.Name == b.Name && a.Level == b.Level && a.Type == b.Type
}

// parents reads GetOrganization's branches: for each unit, its parent in
// each window. A window with bad dates is reported and left out.
func (c *converter) parents(org *organizationAnswer) map[string][]span[string] {
	out := map[string][]span[string]{}
	for i, o := range org.Organizations {
		iv, field, err := o.interval()
		if err != nil {
			c.skip(opOrganization, "organization", "Organization "+strconv.Itoa(i+1), field, "%v", err)
			continue
		}
		for _, b := range o.Branches {
			for n := &b; n != nil; n = n.Parent {
				id := strings.TrimSpace(n.ID)
				if id == "" {
					break
				}
				parent := ""
				if n.Parent != nil {
					parent = strings.TrimSpace(n.Parent.ID)
				}
				if slices.ContainsFunc(out[id], func(s span[string]) bool { return s.iv.Overlaps(iv) }) {
					continue // named already by another branch of this window
				}
				out[id] = append(out[id], span[string]{iv, parent})
			}
		}
	}
	return out
}

// The employment status codes (EmploymentStatusCode).
const (
	statusHired   = "0" // AnsatUdenLoen: hired, not yet paid
	statusActive  = "1" // AnsatMedLoen
	statusLeave   = "3" // Orlov
	statusDeleted = "S" // Slettet
)

// employed reports whether a status is one in which the employment is
// an engagement: 0, 1 and 3. 7 (Migreret), 8 (Ophørt) and 9 (Død) are
// gone.
func employed(code string) bool {
	return code == statusHired || code == statusActive || code == statusLeave
}

func knownStatus(code string) bool {
	switch code {
	case "0", "1", "3", "7", "8", "9", "S":
		return true
	}
	return false
}

// LeaveType is the Type of the leaves the connector makes of status 3.
const LeaveType = "Orlov"

// employed is an employment turned into rows.
type converted struct {
	person      string
	engagements []connectors.PayrollEngagement
	leaves      []connectors.PayrollLeave
	deleted     bool // the status is S (Slettet)
}

// employments turns GetEmployment's answer into engagements and leaves,
// keyed by employment id. Its second result are the employments SD says
// are deleted (status S).
func (c *converter) employments(where string, ans *employmentAnswer) (map[string]*converted, []string) {
	out := map[string]*converted{}
	var order []string
	for _, p := range ans.Persons {
		cpr := strings.TrimSpace(p.CPR)
		for _, e := range p.Employments {
			id := strings.TrimSpace(e.ID)
			if id == "" {
				c.skip(where, "employment", "", "EmploymentIdentifier", "empty (of person %s)", connectors.NationalID(cpr))
				continue
			}
			if cpr == "" {
				c.skip(where, "employment", id, "PersonCivilRegistrationIdentifier", "the person has no CPR number")
				continue
			}
			if prev, dup := out[id]; dup {
				if prev != nil {
					c.skip(where, "employment", id, "EmploymentIdentifier", "the employment is there twice; both are left out")
					out[id] = nil
				}
				continue
			}
			conv, field, err := c.employment(id, cpr, e)
			if err != nil {
				c.skip(where, "employment", id, field, "%v", err)
				out[id] = nil
				continue
			}
			out[id] = conv
			order = append(order, id)
		}
	}
	var deleted []string
	for _, id := range order {
		if cv := out[id]; cv != nil && cv.deleted {
			deleted = append(deleted, id)
		}
	}
	return out, deleted
}

// employment converts one employment, or says which field is at fault.
func (c *converter) employment(id, cpr string, e employment) (*converted, string, error) {
	var (
		depts  []span[string]
		jobs   []span[string]
		status []span[string]
		rates  []span[float64]
	)
	for _, d := range e.Departments {
		iv, f, err := d.interval()
		if err != nil {
			return nil, "EmploymentDepartment." + f, err
		}
		depts = append(depts, span[string]{iv, strings.TrimSpace(d.ID)})
	}
	for _, p := range e.Professions {
		iv, f, err := p.interval()
		if err != nil {
			return nil, "Profession." + f, err
		}
		job := strings.TrimSpace(p.Name)
		if c.s.jobFromPos {
			job = strings.TrimSpace(p.JobPosition)
		}
		jobs = append(jobs, span[string]{iv, job})
	}
	for _, s := range e.Statuses {
		iv, f, err := s.interval()
		if err != nil {
			return nil, "EmploymentStatus." + f, err
		}
		code := strings.TrimSpace(s.Code)
		if !knownStatus(code) {
			return nil, "EmploymentStatus.EmploymentStatusCode", fmt.Errorf("unknown status %q", clip(code))
		}
		status = append(status, span[string]{iv, code})
	}
	for _, w := range e.WorkingTimes {
		iv, f, err := w.interval()
		if err != nil {
			return nil, "WorkingTime." + f, err
		}
		r, err := rate(w.OccupationRate)
		if err != nil {
			return nil, "WorkingTime.OccupationRate", err
		}
		rates = append(rates, span[float64]{iv, r})
	}
	for _, o := range []struct {
		name string
		ivs  []timeline.Interval
	}{{"EmploymentDepartment", ivsOf(depts)}, {"Profession", ivsOf(jobs)}, {"EmploymentStatus", ivsOf(status)}, {"WorkingTime", ivsOf(rates)}} {
		if overlapping(spansOf(o.ivs)) {
			return nil, o.name, fmt.Errorf("windows overlap")
		}
	}
	cv := &converted{person: cpr}
	if slices.ContainsFunc(status, func(s span[string]) bool { return s.v == statusDeleted }) {
		cv.deleted = true
		return cv, "", nil
	}
	typ := c.engagementType(id)
	ds := bounds(ivsOf(depts), ivsOf(jobs), ivsOf(status), ivsOf(rates))
	for i := 0; i+1 < len(ds); i++ {
		seg := timeline.Between(ds[i], ds[i+1])
		code, _ := at(status, seg.From)
		if !employed(code) {
			continue
		}
		unit, ok := at(depts, seg.From)
		if !ok || unit == "" {
			return nil, "EmploymentDepartment", fmt.Errorf("no department on %s, a day the employment is in status %s", seg.From, code)
		}
		job, _ := at(jobs, seg.From)
		fr, _ := at(rates, seg.From)
		eng := connectors.PayrollEngagement{Key: id, Person: cpr, Unit: unit, JobFunction: job, Type: typ, Fraction: fr, Valid: seg}
		if n := len(cv.engagements); n > 0 && sameEngagement(cv.engagements[n-1], eng) && cv.engagements[n-1].Valid.To == seg.From {
			cv.engagements[n-1].Valid.To = seg.To
		} else {
			cv.engagements = append(cv.engagements, eng)
		}
		if code == statusLeave {
			if n := len(cv.leaves); n > 0 && cv.leaves[n-1].Valid.To == seg.From {
				cv.leaves[n-1].Valid.To = seg.To
			} else {
				cv.leaves = append(cv.leaves, connectors.PayrollLeave{Engagement: id, Type: LeaveType, Valid: seg})
			}
		}
	}
	for i := range cv.leaves {
		cv.leaves[i].Key = leaveKey(id, cv.leaves[i].Valid.From)
	}
	return cv, "", nil
}

// leaveKey names the leave of employment id that starts on from:
// "12345/2026-03-01".
func leaveKey(id string, from timeline.Date) string { return id + "/" + from.String() }

func spansOf(ivs []timeline.Interval) []span[struct{}] {
	out := make([]span[struct{}], len(ivs))
	for i, iv := range ivs {
		out[i].iv = iv
	}
	return out
}

func sameEngagement(a, b connectors.PayrollEngagement) bool {
	return a.Key == b.Key && a.Person == b.Person && a.Unit == b.Unit && a.JobFunction == b.JobFunction && a.Type == b.Type && a.Fraction == b.Fraction
}

// engagementType types an employment by its id, as MonthlyHourlyDivide
// says.
func (c *converter) engagementType(id string) string {
	if c.s.divide == 0 {
		return ""
	}
	n, err := strconv.Atoi(id)
	switch {
	case err != nil:
		return "Ulønnet"
	case n < c.s.divide:
		return "Månedsløn"
	}
	return "Timeløn"
}

// rate reads an OccupationRate, a share of full time from 0 to 1
// ("0.8108", or "0,8108"); empty is 0.
func rate(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || f < 0 || f > 1 {
		return 0, fmt.Errorf("%q is not a share of full time from 0 to 1", clip(s))
	}
	return f, nil
}

// persons returns the persons of GetPerson's answer that have an
// engagement, each valid from the first day of their first engagement
// on (SD keeps no history of a person's name).
func (c *converter) persons(ans *personAnswer, first map[string]timeline.Date) []connectors.PayrollPerson {
	seen := map[string]int{}
	var out []connectors.PayrollPerson
	for _, p := range ans.Persons {
		cpr := strings.TrimSpace(p.CPR)
		if cpr == "" {
			c.skip(opPerson, "person", "", "PersonCivilRegistrationIdentifier", "empty")
			continue
		}
		if i, dup := seen[cpr]; dup {
			if i >= 0 {
				c.skip(opPerson, "person", cpr, "PersonCivilRegistrationIdentifier", "the person is there twice; both are left out")
				out[i].Key = ""
				seen[cpr] = -1
			}
			continue
		}
		given, sur := strings.TrimSpace(p.GivenName), strings.TrimSpace(p.Surname)
		if given == "" && sur == "" {
			c.skip(opPerson, "person", cpr, "PersonSurnameName", "no name")
			seen[cpr] = -1
			continue
		}
		from, ok := first[cpr]
		if !ok {
			continue // no engagement: not one of the payroll's persons
		}
		seen[cpr] = len(out)
		out = append(out, connectors.PayrollPerson{Key: cpr, NationalID: connectors.NationalID(cpr), GivenNames: given, Surname: sur, Valid: timeline.Since(from)})
	}
	return slices.DeleteFunc(out, func(p connectors.PayrollPerson) bool { return p.Key == "" })
}

// clip shortens outside text for a message.
func clip(s string) string { return shorten.To(s, 40) }
