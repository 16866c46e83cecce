package sdtest

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// leaveType is the Type the connector gives the leaves it makes of
// status 3 (sdloen.LeaveType).
const leaveType = "Orlov"

// FromPayroll renders a payroll snapshot as SD would hold it, for a
// conformance test: a unit's rows are GetDepartment's rows and its
// parents GetOrganization's windows (one per span of days in which no
// unit changes); a person is their NationalID as CPR number, with the
// name of their row that holds today (or their last row); an engagement
// is an employment whose parts follow its rows, in status 1 on its days
// and 3 on the days of a leave from it. What SD cannot hold (unit and
// engagement types, a person's key and name history, a leave's key and
// type) is lost: [Held] says what is left.
func FromPayroll(s *connectors.PayrollSnapshot, today timeline.Date) *Data {
	d := &Data{}
	units := byKey(s.Units, func(u connectors.PayrollUnit) string { return u.Key })
	var days []timeline.Date
	for _, u := range s.Units {
		d.Departments = append(d.Departments, Department{ID: u.Key, Level: u.Level, Name: u.Name, From: u.Valid.From.String(), To: lastDay(u.Valid.To)})
		days = append(days, u.Valid.From, u.Valid.To)
	}
	slices.Sort(days)
	days = slices.Compact(days)
	rowAt := func(key string, day timeline.Date) (connectors.PayrollUnit, bool) {
		for _, u := range units[key] {
			if u.Valid.Contains(day) {
				return u, true
			}
		}
		return connectors.PayrollUnit{}, false
	}
	for i := 0; i+1 < len(days); i++ {
		w := Window{From: days[i].String(), To: lastDay(days[i+1])}
		for _, key := range sortedKeys(units) {
			u, ok := rowAt(key, days[i])
			if !ok || u.Parent == "" {
				continue
			}
			branch := []string{key}
			for p := u.Parent; p != "" && len(branch) <= len(units); {
				branch = append(branch, p)
				pu, ok := rowAt(p, days[i])
				if !ok {
					break
				}
				p = pu.Parent
			}
			w.Branches = append(w.Branches, branch)
		}
		if len(w.Branches) > 0 {
			d.Organization = append(d.Organization, w)
		}
	}

	engs := byKey(s.Engagements, func(e connectors.PayrollEngagement) string { return e.Key })
	leaves := byKey(s.Leaves, func(l connectors.PayrollLeave) string { return l.Engagement })
	persons := byKey(s.Persons, func(p connectors.PayrollPerson) string { return p.Key })
	for _, key := range sortedKeys(persons) {
		rows := persons[key]
		name := nameOn(rows, today)
		p := Person{CPR: string(rows[0].NationalID), GivenName: name.GivenNames, Surname: name.Surname}
		for _, id := range sortedKeys(engs) {
			if engs[id][0].Person != key {
				continue
			}
			e := Employment{ID: id}
			for _, sg := range segments(engs[id], leaves[id]) {
				from, to := sg.iv.From.String(), lastDay(sg.iv.To)
				status := "1"
				if sg.leave {
					status = "3"
				}
				e.Departments = append(e.Departments, Part{From: from, To: to, Value: sg.e.Unit})
				e.Professions = append(e.Professions, Part{From: from, To: to, Value: sg.e.JobFunction})
				e.Statuses = append(e.Statuses, Part{From: from, To: to, Value: status})
				e.WorkingTimes = append(e.WorkingTimes, Part{From: from, To: to, Value: strconv.FormatFloat(sg.e.Fraction, 'f', -1, 64)})
			}
			p.Employments = append(p.Employments, e)
		}
		d.Persons = append(d.Persons, p)
	}
	return d
}

// Held returns what the connector reads back of s rendered by
// [FromPayroll] (with MonthlyHourlyDivide 0): units without Type;
// persons keyed by NationalID, one row from their first engagement's
// first day on with the name of today, and only those with an
// engagement; engagements without Type, their job function trimmed;
// leaves the runs of days of leave from an engagement, keyed
// "<engagement>/<first day>" and of Type "Orlov"; adjacent rows that
// are then the same, joined; no manager roles (SD has no manager
// records: its managers come from "_leder" units through the org
// rules). s is changed and returned.
func Held(s *connectors.PayrollSnapshot, today timeline.Date) *connectors.PayrollSnapshot {
	for i := range s.Units {
		u := &s.Units[i]
		u.Type, u.Name, u.Level = "", strings.TrimSpace(u.Name), strings.TrimSpace(u.Level)
	}
	s.Units = joined(s.Units, func(u connectors.PayrollUnit) string { return u.Key },
		func(u *connectors.PayrollUnit) *timeline.Interval { return &u.Valid })

	persons := byKey(s.Persons, func(p connectors.PayrollPerson) string { return p.Key })
	engs := byKey(s.Engagements, func(e connectors.PayrollEngagement) string { return e.Key })
	leaves := byKey(s.Leaves, func(l connectors.PayrollLeave) string { return l.Engagement })
	first := map[string]timeline.Date{}
	var outE []connectors.PayrollEngagement
	var outL []connectors.PayrollLeave
	for _, id := range sortedKeys(engs) {
		rows := engs[id]
		person := persons[rows[0].Person]
		if len(person) == 0 {
			continue
		}
		cpr := string(person[0].NationalID)
		run := -1 // the index in outL of the leave that runs on
		for _, sg := range segments(rows, leaves[id]) {
			e := sg.e
			e.Person, e.Type, e.JobFunction, e.Valid = cpr, "", strings.TrimSpace(e.JobFunction), sg.iv
			outE = append(outE, e)
			if f, ok := first[cpr]; !ok || e.Valid.From < f {
				first[cpr] = e.Valid.From
			}
			switch {
			case !sg.leave:
				run = -1
			case run >= 0 && outL[run].Valid.To == sg.iv.From:
				outL[run].Valid.To = sg.iv.To
			default:
				outL = append(outL, connectors.PayrollLeave{Engagement: id, Type: leaveType, Valid: sg.iv})
				run = len(outL) - 1
			}
		}
	}
	for i := range outL {
		outL[i].Key = outL[i].Engagement + "/" + outL[i].Valid.From.String()
	}
	s.Engagements = joined(outE, func(e connectors.PayrollEngagement) string { return e.Key },
		func(e *connectors.PayrollEngagement) *timeline.Interval { return &e.Valid })
	s.Leaves = outL

	var outP []connectors.PayrollPerson
	for _, key := range sortedKeys(persons) {
		rows := persons[key]
		cpr := string(rows[0].NationalID)
		from, ok := first[cpr]
		if !ok {
			continue
		}
		name := nameOn(rows, today)
		outP = append(outP, connectors.PayrollPerson{Key: cpr, NationalID: rows[0].NationalID,
			GivenNames: strings.TrimSpace(name.GivenNames), Surname: strings.TrimSpace(name.Surname), Valid: timeline.Since(from)})
	}
	s.Persons = outP
	s.Managers = nil
	return s
}

// segment is a span of days of an engagement in which neither its row
// nor whether it is on leave changes.
type segment struct {
	iv    timeline.Interval
	e     connectors.PayrollEngagement
	leave bool
}

// segments cuts an engagement's rows where a leave starts or ends.
func segments(rows []connectors.PayrollEngagement, leaves []connectors.PayrollLeave) []segment {
	var out []segment
	for _, r := range rows {
		days := []timeline.Date{r.Valid.From, r.Valid.To}
		for _, l := range leaves {
			for _, d := range []timeline.Date{l.Valid.From, l.Valid.To} {
				if r.Valid.Contains(d) {
					days = append(days, d)
				}
			}
		}
		slices.Sort(days)
		days = slices.Compact(days)
		for i := 0; i+1 < len(days); i++ {
			iv := timeline.Between(days[i], days[i+1])
			on := slices.ContainsFunc(leaves, func(l connectors.PayrollLeave) bool { return l.Valid.Contains(iv.From) })
			out = append(out, segment{iv, r, on})
		}
	}
	return out
}

// nameOn returns the row of a person that holds day, or their last.
func nameOn(rows []connectors.PayrollPerson, day timeline.Date) connectors.PayrollPerson {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, func(a, b connectors.PayrollPerson) int { return cmp.Compare(a.Valid.From, b.Valid.From) })
	for _, r := range rows {
		if r.Valid.Contains(day) {
			return r
		}
	}
	return rows[len(rows)-1]
}

// lastDay writes the end of a half-open interval as SD's inclusive last
// day.
func lastDay(end timeline.Date) string {
	last, ok := timeline.LastDay(end)
	if !ok {
		return "9999-12-31"
	}
	return last.String()
}

// byKey groups rows by key, each group in the order of rows.
func byKey[T any](rows []T, key func(T) string) map[string][]T {
	m := map[string][]T{}
	for _, r := range rows {
		m[key(r)] = append(m[key(r)], r)
	}
	return m
}

func sortedKeys[T any](m map[string][]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// joined sorts rows by key and first day and joins each row to the one
// before it when they are the same but for days that meet.
func joined[T comparable](rows []T, key func(T) string, valid func(*T) *timeline.Interval) []T {
	slices.SortFunc(rows, func(a, b T) int {
		return cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(valid(&a).From, valid(&b).From))
	})
	var out []T
	for _, r := range rows {
		if n := len(out); n > 0 {
			prev, cur := out[n-1], r
			pv, cv := valid(&prev), valid(&cur)
			if pv.To == cv.From {
				*pv, *cv = timeline.Interval{}, timeline.Interval{}
				if prev == cur {
					valid(&out[n-1]).To = valid(&r).To
					continue
				}
			}
		}
		out = append(out, r)
	}
	return out
}
