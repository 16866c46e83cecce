package opus

import (
	"cmp"
	"errors"
	"slices"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// state is what the connector delivers for a dump: its rows, with the
// previous dump's merged in (see mergeRows), filtered to the configured
// subtrees and checked. It is shared by the cache and never handed out:
// callers get copies.
type state struct {
	token    connectors.Token
	cacheKey string                     // the tokens of the dump and the one before it
	snap     connectors.PayrollSnapshot // without Token and Skipped
	managers []Manager
	skipped  []connectors.SkippedRecord
	filtered int // engagement rows outside the configured subtrees
}

// build returns the state of dump cur, whose previous complete dump is
// prev (nil if there is none), for the units roots (all if empty).
func build(cur, prev *dump, roots []string) *state {
	if prev == nil {
		prev = &dump{}
	}
	day := cur.Day()
	units, _ := mergeRows(cur.units, prev.units, day, cur.left[orgUnitElem], cur.bad[orgUnitElem],
		func(r *unitRow) (string, *timeline.Interval) { return r.Key, &r.Valid })
	emps, endedEmps := mergeRows(cur.emps, prev.emps, day, cur.left[employeeElem], cur.bad[employeeElem],
		func(r *empRow) (string, *timeline.Interval) { return r.Key, &r.Valid })
	absences, _ := mergeRows(cur.absences, prev.absences, day, nil, cur.bad[absenceElem],
		func(r *absenceRow) (string, *timeline.Interval) { return r.Key, &r.Valid })
	// A leave of absence from an engagement that ended ends with it.
	absences = slices.DeleteFunc(absences, func(r absenceRow) bool {
		return endedEmps[r.Engagement] && r.Valid.From >= day
	})
	for i := range absences {
		if endedEmps[absences[i].Engagement] {
			absences[i].Valid.To = min(absences[i].Valid.To, day)
		}
	}
	s := &state{token: cur.token, skipped: slices.Clone(cur.skipped)}
	if len(roots) > 0 {
		units, emps, absences, s.filtered = filter(units, emps, absences, roots)
	}
	var persons []personRow
	derived := len(cur.persons) == 0 && len(cur.bad[personElem]) == 0
	if !derived {
		persons, _ = mergeRows(cur.persons, prev.persons, day, nil, cur.bad[personElem],
			func(r *personRow) (string, *timeline.Interval) { return r.Key, &r.Valid })
		emps = s.resolve(persons, emps)
		if len(roots) > 0 {
			used := map[string]bool{}
			for _, e := range emps {
				used[e.Person] = true
			}
			persons = slices.DeleteFunc(persons, func(p personRow) bool { return !used[p.Key] })
		}
	}
	s.check(units, persons, emps, absences, derived)
	return s
}

// resolve sets each engagement's Person to the key of the <person> with
// its CPR number, and leaves out and reports the engagements whose CPR
// no person has.
func (s *state) resolve(persons []personRow, emps []empRow) []empRow {
	byCPR := make(map[string]string, len(persons))
	for _, p := range persons {
		if _, ok := byCPR[string(p.NationalID)]; !ok {
			byCPR[string(p.NationalID)] = p.Key
		}
	}
	gone := map[string]bool{}
	for i := range emps {
		key, ok := byCPR[emps[i].cpr]
		if !ok {
			if !gone[emps[i].Key] {
				s.skip(employeeElem, emps[i].at, emps[i].Key, "cpr", errors.New("no <person> element has this CPR number"))
			}
			gone[emps[i].Key] = true
		}
		emps[i].Person = key
	}
	return slices.DeleteFunc(emps, func(e empRow) bool { return gone[e.Key] })
}

// derive returns the persons of a dump without <person> elements: one a
// CPR number, its key the number, valid from the first day of its first
// engagement to the end of its last, named as its latest engagement
// (by start) names it.
func derive(emps []empRow) []personRow {
	byCPR := make(map[string]int, len(emps))
	var out []personRow
	for i := range emps {
		e := &emps[i]
		e.Person = e.cpr
		j, ok := byCPR[e.cpr]
		if !ok {
			byCPR[e.cpr] = len(out)
			out = append(out, personRow{PayrollPerson: connectors.PayrollPerson{Key: e.cpr, NationalID: connectors.NationalID(e.cpr),
				GivenNames: e.given, Surname: e.surname, Valid: e.Valid}, at: e.at})
			continue
		}
		p := &out[j]
		p.Valid.From = min(p.Valid.From, e.Valid.From)
		p.Valid.To = max(p.Valid.To, e.Valid.To)
	}
	// Names from the engagement row that starts last.
	last := make(map[string]timeline.Date, len(out))
	for i := range emps {
		e := &emps[i]
		if d, ok := last[e.cpr]; ok && e.Valid.From < d {
			continue
		}
		last[e.cpr] = e.Valid.From
		p := &out[byCPR[e.cpr]]
		p.GivenNames, p.Surname, p.at = e.given, e.surname, e.at
	}
	slices.SortFunc(out, func(a, b personRow) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// filter keeps the units in the subtrees of roots, by each unit's parent
// on its latest row, and the engagement rows and leaves in them. A row
// whose parent is outside the subtrees (a root's, or a unit's before it
// moved in) has no parent. It returns how many engagement rows it left
// out.
func filter(units []unitRow, emps []empRow, absences []absenceRow, roots []string) ([]unitRow, []empRow, []absenceRow, int) {
	latest := map[string]string{} // unit → parent on its latest row
	for _, u := range units {
		latest[u.Key] = u.Parent // rows are sorted by start
	}
	children := map[string][]string{}
	for u, p := range latest {
		children[p] = append(children[p], u)
	}
	keep := map[string]bool{}
	queue := slices.Clone(roots)
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if keep[u] {
			continue
		}
		keep[u] = true
		queue = append(queue, children[u]...)
	}
	isRoot := map[string]bool{}
	for _, r := range roots {
		isRoot[r] = true
	}
	units = slices.DeleteFunc(units, func(u unitRow) bool { return !keep[u.Key] })
	for i := range units {
		if isRoot[units[i].Key] || !keep[units[i].Parent] {
			units[i].Parent = ""
		}
	}
	n := len(emps)
	emps = slices.DeleteFunc(emps, func(e empRow) bool { return !keep[e.Unit] })
	kept := map[string]bool{}
	for _, e := range emps {
		kept[e.Key] = true
	}
	absences = slices.DeleteFunc(absences, func(a absenceRow) bool { return !kept[a.Engagement] })
	return units, emps, absences, n - len(emps)
}

// skip reports a record left out of the state.
func (s *state) skip(k elemKind, where at, key, field string, err error) {
	s.skipped = append(s.skipped, connectors.SkippedRecord{Where: where.String(), Kind: kindNames[k], Key: maskKey(k, key), Field: field,
		Problem: maskedText(err)})
}
