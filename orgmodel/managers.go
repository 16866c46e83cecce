package orgmodel

import (
	"cmp"
	"slices"

	"github.com/google/uuid"
)

// ManagerQuery says which managers Graph.Managers returns.
type ManagerQuery struct {
	// Inherit walks up the tree when a unit has no managers (after
	// Exclude and SkipVacant), returning the nearest ancestor's, as
	// OS2mo's managers(inherit: true) does.
	Inherit bool
	// Exclude leaves out the roles this person holds: a manager asking
	// for their own manager finds the one above them.
	Exclude uuid.UUID
	// SkipVacant leaves out vacant roles, so inheritance goes on past a
	// unit whose only role is vacant. Without it a vacant role counts, as
	// in OS2mo.
	SkipVacant bool
}

// Managers returns the manager roles of the unit on the day, as q says, by
// user key. The cost is the number of units walked times their roles.
func (g Graph) Managers(unit uuid.UUID, q ManagerQuery) []Manager {
	defer g.rlock()()
	return g.managers(unit, q)
}

func (g Graph) managers(unit uuid.UUID, q ManagerQuery) []Manager {
	rec := g.v.m.records[unit]
	// Guard the walk by the model's size: a cycle cannot be registered,
	// but a bug must not hang a reader.
	for steps := 0; rec != nil && steps <= len(g.v.m.records); steps++ {
		n := g.node(rec)
		if !n.valid {
			return nil
		}
		var out []Manager
		for _, m := range n.managers {
			if (q.SkipVacant && m.Vacant()) || (q.Exclude != uuid.Nil && m.Person == q.Exclude) {
				continue
			}
			out = append(out, m)
		}
		if len(out) > 0 || !q.Inherit {
			return out
		}
		rec = n.parent
	}
	return nil
}

// PersonManagers returns the managers of the person on the day: those of
// the unit of the person's primary engagement, inherited up the tree,
// without vacant roles and without the person's own roles — so a manager's
// manager is found above them. Nil if the person has no engagement then.
func (g Graph) PersonManagers(person uuid.UUID) []Manager {
	defer g.rlock()()
	e, ok := g.primaryEngagement(person)
	if !ok {
		return nil
	}
	return g.managers(e.Unit, ManagerQuery{Inherit: true, Exclude: person, SkipVacant: true})
}

// Engagements returns the person's engagements on the day, primary first
// (see PrimaryEngagement for the order).
func (g Graph) Engagements(person uuid.UUID) []Engagement {
	defer g.rlock()()
	return g.engagements(person)
}

func (g Graph) engagements(person uuid.UUID) []Engagement {
	out := pointing(g, person, KindEngagement, func(a EngagementAttrs) bool { return a.Person == person }, mkEngagement)
	slices.SortFunc(out, comparePrimary)
	return out
}

// comparePrimary orders engagements most primary first: the primary flag,
// then the highest fraction, then the lowest employment number (numbers
// compared as numbers), then the id. The order is total, so the primary
// engagement is the same on every run.
func comparePrimary(a, b Engagement) int {
	if a.Primary != b.Primary {
		if a.Primary {
			return -1
		}
		return 1
	}
	return cmp.Or(
		cmp.Compare(b.Fraction, a.Fraction),
		CompareEmploymentNumbers(a.EmploymentNumber, b.EmploymentNumber),
		compareUUID(a.ID, b.ID),
	)
}

// CompareEmploymentNumbers orders employment numbers as payroll systems
// mean them: strings of digits as numbers ("00012" = "12" < "100"), other
// strings after them, as strings. The org rules break ties with it.
func CompareEmploymentNumbers(a, b string) int {
	na, nb := isDigits(a), isDigits(b)
	switch {
	case na && nb:
		a, b = trimZeros(a), trimZeros(b)
		return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b))
	case na:
		return -1
	case nb:
		return 1
	}
	return cmp.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

// PrimaryEngagement returns the person's primary engagement on the day:
// the one flagged primary (if several are, the first of them in the order
// below); otherwise the one with the highest fraction, then the lowest
// employment number.
func (g Graph) PrimaryEngagement(person uuid.UUID) (Engagement, bool) {
	defer g.rlock()()
	return g.primaryEngagement(person)
}

func (g Graph) primaryEngagement(person uuid.UUID) (Engagement, bool) {
	var best *record
	var bestA EngagementAttrs
	for _, r := range g.v.m.records[person].referrers(KindEngagement) {
		a, ok := g.attrs(r, KindEngagement)
		if !ok || a.(EngagementAttrs).Person != person {
			continue
		}
		ea := a.(EngagementAttrs)
		if best == nil || comparePrimary(Engagement{Info{ID: r.id}, ea}, Engagement{Info{ID: best.id}, bestA}) < 0 {
			best, bestA = r, ea
		}
	}
	if best == nil {
		return Engagement{}, false
	}
	in, _, _ := g.getRec(best, KindEngagement)
	return Engagement{in, bestA}, true
}

// UnitEngagements returns the engagements in the unit on the day, by
// employment number.
func (g Graph) UnitEngagements(unit uuid.UUID) []Engagement {
	defer g.rlock()()
	out := pointing(g, unit, KindEngagement, func(a EngagementAttrs) bool { return a.Unit == unit }, mkEngagement)
	slices.SortFunc(out, func(a, b Engagement) int {
		return cmp.Or(CompareEmploymentNumbers(a.EmploymentNumber, b.EmploymentNumber), compareUUID(a.ID, b.ID))
	})
	return out
}
