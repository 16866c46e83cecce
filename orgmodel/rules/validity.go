package rules

import (
	"bytes"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// validity runs the Validity rule: a role held by a person is not valid on
// the days that person has no engagement in any unit (several engagements
// that overlap or touch count as one). Those days are cut out of the role,
// or the role is vacant on them, by configuration. Vacant days are left
// alone.
func (ru *run) validity() {
	employment := map[uuid.UUID]timeline.Timeline[struct{}]{}
	for _, m := range ru.validityRoles() {
		var want builder[orgmodel.Attrs]
		for sp := range m.Timeline.Clip(ru.w.r).All() {
			x := sp.Value.(orgmodel.ManagerAttrs)
			if x.Vacant() {
				want.set(sp.Interval, x)
				continue
			}
			emp, ok := employment[x.Person]
			if !ok {
				emp = ru.employment(x.Person)
				employment[x.Person] = emp
			}
			for _, seg := range timeline.Split(timeline.Of(sp.Interval, x), emp) {
				switch {
				case !seg.HasA:
				case seg.HasB:
					want.set(seg.Interval, x)
				case ru.cfg.Validity.Action == "vacate":
					want.set(seg.Interval, orgmodel.ManagerAttrs{Unit: x.Unit, Type: x.Type, Level: x.Level, Responsibilities: x.Responsibilities})
				}
			}
		}
		ru.w.write(Validity, m, want.timeline())
	}
}

// validityRoles returns the roles the rule checks, by id: those the rules
// made and those of the adopted sources; for a run scoped to persons, only
// the persons' roles.
func (ru *run) validityRoles() []orgmodel.Object {
	mine := func(o orgmodel.Object) bool {
		return o.Kind == orgmodel.KindManager && (IsRuled(o.Source) || slices.Contains(ru.cfg.Validity.Adopt, o.Source))
	}
	seen := map[uuid.UUID]bool{}
	var out []orgmodel.Object
	add := func(o orgmodel.Object) {
		if !seen[o.ID] && mine(o) {
			seen[o.ID] = true
			if w, ok := ru.w.object(o.ID); ok {
				out = append(out, w)
			}
		}
	}
	if ru.persons == nil {
		for o := range ru.w.v.All(orgmodel.KindManager) {
			add(o)
		}
		for _, id := range ru.w.order {
			if o, ok := ru.w.object(id); ok {
				add(o)
			}
		}
	} else {
		for _, p := range ru.subjectPersons() {
			for _, o := range ru.w.pointing(p, orgmodel.KindManager) {
				add(o)
			}
		}
	}
	slices.SortFunc(out, func(a, b orgmodel.Object) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return out
}

// employment returns the days the person has an engagement in any unit.
func (ru *run) employment(person uuid.UUID) timeline.Timeline[struct{}] {
	var ivs []timeline.Interval
	for _, e := range ru.engagementsOf(person) {
		for sp := range e.Timeline.All() {
			if sp.Value.(orgmodel.EngagementAttrs).Person == person {
				ivs = append(ivs, sp.Interval)
			}
		}
	}
	// Overlapping and touching engagements count as one.
	var merged []timeline.Span[struct{}]
	for _, iv := range mergeIntervals(ivs) {
		merged = append(merged, timeline.Span[struct{}]{Interval: iv})
	}
	return timeline.MustNew(merged...)
}
