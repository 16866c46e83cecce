package rules

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// elevation runs the Elevation rule: on the days a person holds a manager
// role linked to one of their engagements, that engagement is placed in
// the managed unit; on the other days an elevation ends and the
// engagement goes back to the payroll's unit (where Coupling may place it).
// A placement by hand is never changed.
func (ru *run) elevation() {
	for _, p := range ru.subjectPersons() {
		for _, e := range ru.engagementsOf(p) {
			ru.elevate(e)
		}
	}
}

func (ru *run) elevate(e orgmodel.Object) {
	mark := Provenance(Elevation)
	roles := ru.w.pointing(e.ID, orgmodel.KindManager)
	if len(roles) == 0 && !hasPlacement(e, mark) {
		return
	}
	cut := newCuts(ru.w.r)
	cut.add(e.Timeline.Endpoints()...)
	for _, m := range roles {
		cut.add(m.Timeline.Endpoints()...)
		// Which of several roles wins depends on how deep their units
		// are, so a move anywhere above them is a cut.
		for sp := range m.Timeline.Clip(ru.w.r).All() {
			for _, u := range ru.unitsAbove(sp.Value.(orgmodel.ManagerAttrs).Unit) {
				if uo, ok := ru.w.object(u); ok {
					cut.add(uo.Timeline.Endpoints()...)
				}
			}
		}
	}
	var want builder[orgmodel.Attrs]
	for _, iv := range cut.pieces() {
		d := iv.From
		a, ok := e.Timeline.At(d)
		if !ok {
			continue
		}
		x := a.(orgmodel.EngagementAttrs)
		if x.Placed() && x.PlacedBy == "" {
			want.set(iv, x) // by hand
			continue
		}
		var held []orgmodel.Object
		for _, m := range roles {
			if ma, ok := m.Timeline.At(d); ok {
				if r := ma.(orgmodel.ManagerAttrs); r.Engagement == e.ID && r.Person == x.Person && !r.Vacant() {
					held = append(held, m)
				}
			}
		}
		if len(held) == 0 {
			if x.PlacedBy == mark {
				x = unplaced(x)
			}
			want.set(iv, x)
			continue
		}
		depth := func(m orgmodel.Object) int {
			ma, _ := m.Timeline.At(d)
			anc, _ := ru.ancestors(ma.(orgmodel.ManagerAttrs).Unit, d)
			return len(anc)
		}
		slices.SortFunc(held, func(a, b orgmodel.Object) int {
			return cmp.Or(cmp.Compare(depth(b), depth(a)), bytes.Compare(a.ID[:], b.ID[:]))
		})
		ma, _ := held[0].Timeline.At(d)
		unit := ma.(orgmodel.ManagerAttrs).Unit
		if len(held) > 1 && !ru.onOneLine(held, d) {
			ids := make([]uuid.UUID, len(held))
			for i, m := range held {
				ids[i] = m.ID
			}
			ru.conflict(Conflict{Rule: Elevation, Kind: SeveralRoles, Person: x.Person, Objects: ids, When: iv,
				Detail: fmt.Sprintf("engagement %s of %s gives %d manager roles at once; it is placed in the deepest managed unit, %s", e.UserKey, ru.personName(x.Person, d), len(held), ru.unitName(unit, d))})
		}
		x.SourceUnit, x.Unit, x.PlacedBy = x.SourcePlacement(), unit, mark
		want.set(iv, x)
	}
	ru.w.write(Elevation, e, want.timeline())
}

// hasPlacement reports whether a rule placed the engagement on some day.
func hasPlacement(e orgmodel.Object, mark string) bool {
	for sp := range e.Timeline.All() {
		if sp.Value.(orgmodel.EngagementAttrs).PlacedBy == mark {
			return true
		}
	}
	return false
}

// unplaced returns the engagement back in the payroll's unit.
func unplaced(x orgmodel.EngagementAttrs) orgmodel.EngagementAttrs {
	x.Unit, x.SourceUnit, x.PlacedBy = x.SourcePlacement(), uuid.Nil, ""
	return x
}

// onOneLine reports whether the roles' units all lie above the first's
// (the deepest): a `led-adm` manager's two roles, say. The deepest unit is
// then the obvious place for the engagement, and not worth a conflict.
func (ru *run) onOneLine(roles []orgmodel.Object, d timeline.Date) bool {
	unit := func(m orgmodel.Object) uuid.UUID {
		a, _ := m.Timeline.At(d)
		return a.(orgmodel.ManagerAttrs).Unit
	}
	above, _ := ru.ancestors(unit(roles[0]), d)
	for _, m := range roles[1:] {
		if u := unit(m); u != unit(roles[0]) && !slices.Contains(above, u) {
			return false
		}
	}
	return true
}
