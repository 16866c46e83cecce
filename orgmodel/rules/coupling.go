package rules

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// coupled is what Coupling decides for a payroll unit on some days.
type coupled struct {
	status coupling
	unit   uuid.UUID // the administrative unit, for related
}

type coupling uint8

const (
	notPayroll coupling = iota + 1 // outside the payroll tree: not coupled
	related                        // placed in unit
	unrelated                      // in the payroll tree, with no relation
)

// coupling runs the Coupling rule: an engagement the payroll places in a
// payroll unit is placed in the administrative unit that unit is related
// to (or, recursively, its nearest ancestor with a relation), for the days
// of the relation; with no relation, in the unknown unit if one is
// configured, else in the payroll unit. Placements by hand and by
// Elevation are left alone.
func (ru *run) coupling() {
	cache := map[uuid.UUID]timeline.Timeline[coupled]{}
	gaps := map[uuid.UUID][]timeline.Interval{}
	for _, p := range ru.subjectPersons() {
		for _, e := range ru.engagementsOf(p) {
			ru.couple(e, cache, gaps)
		}
	}
	units := slices.SortedFunc(maps.Keys(gaps), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	for _, u := range units {
		ivs := mergeIntervals(gaps[u])
		name := ""
		if ua, ok := ru.w.unitAt(u, ivs[0].From); ok {
			name = ua.Name
		}
		ru.res.Unrelated = append(ru.res.Unrelated, Unrelated{Unit: u, Name: name, When: ivs})
	}
}

func (ru *run) couple(e orgmodel.Object, cache map[uuid.UUID]timeline.Timeline[coupled], gaps map[uuid.UUID][]timeline.Interval) {
	mark := Provenance(Coupling)
	cut := newCuts(ru.w.r)
	cut.add(e.Timeline.Endpoints()...)
	inRange := e.Timeline.Clip(ru.w.r)
	for sp := range inRange.All() {
		s := sp.Value.(orgmodel.EngagementAttrs).SourcePlacement()
		tl, ok := cache[s]
		if !ok {
			tl = ru.couplingOf(s)
			cache[s] = tl
		}
		cut.add(tl.Endpoints()...)
	}
	if ru.unknown != uuid.Nil {
		if uo, ok := ru.w.object(ru.unknown); ok {
			cut.add(uo.Timeline.Endpoints()...)
		}
	}
	var want builder[orgmodel.Attrs]
	for _, iv := range cut.pieces() {
		d := iv.From
		a, ok := inRange.At(d)
		if !ok {
			continue
		}
		x := a.(orgmodel.EngagementAttrs)
		if x.Placed() && x.PlacedBy != mark {
			want.set(iv, x) // by hand or by Elevation
			continue
		}
		s := x.SourcePlacement()
		c, _ := cache[s].At(d)
		switch c.status {
		case related:
			x.Unit, x.SourceUnit, x.PlacedBy = c.unit, s, mark
		case unrelated:
			gaps[s] = append(gaps[s], iv)
			x = unplaced(x)
			if ru.unknown != uuid.Nil {
				if _, ok := ru.w.unitAt(ru.unknown, d); ok {
					x.Unit, x.SourceUnit, x.PlacedBy = ru.unknown, s, mark
				} else {
					ru.conflict(Conflict{Rule: Coupling, Kind: NotValid, Unit: ru.unknown, When: iv,
						Detail: fmt.Sprintf("the unknown unit %s does not exist on these days; engagements stay in their payroll units", ru.unknown)})
				}
			}
		default:
			x = unplaced(x)
		}
		want.set(iv, x)
	}
	ru.w.write(Coupling, e, want.timeline())
}

// couplingOf decides a payroll unit's coupling over the range: whether it
// is in the payroll tree, and the administrative unit it is related to.
func (ru *run) couplingOf(s uuid.UUID) timeline.Timeline[coupled] {
	cut := newCuts(ru.w.r)
	for _, u := range ru.unitsAbove(s) {
		if uo, ok := ru.w.object(u); ok {
			cut.add(uo.Timeline.Endpoints()...)
		}
		if u == s || ru.cfg.Coupling.Recursive {
			for _, r := range ru.w.pointing(u, orgmodel.KindRelatedUnits) {
				cut.add(r.Timeline.Endpoints()...)
				// Whether the other unit is an administrative one
				// depends on where it hangs.
				for sp := range r.Timeline.Clip(ru.w.r).All() {
					for _, other := range sp.Value.(orgmodel.RelatedUnitsAttrs).Units {
						if other == u {
							continue
						}
						for _, a := range ru.unitsAbove(other) {
							if ao, ok := ru.w.object(a); ok {
								cut.add(ao.Timeline.Endpoints()...)
							}
						}
					}
				}
			}
		}
	}
	var b builder[coupled]
	for _, iv := range cut.pieces() {
		d := iv.From
		if _, ok := ru.w.unitAt(s, d); !ok {
			continue
		}
		anc, ok := ru.ancestors(s, d)
		if !ok {
			ru.conflict(Conflict{Rule: Coupling, Kind: Cycle, Unit: s, When: iv,
				Detail: fmt.Sprintf("%s is its own ancestor; its engagements are not coupled", ru.unitName(s, d))})
			b.set(iv, coupled{status: notPayroll})
			continue
		}
		if s != ru.payroll && !slices.Contains(anc, ru.payroll) {
			b.set(iv, coupled{status: notPayroll})
			continue
		}
		c := coupled{status: unrelated}
		for _, u := range append([]uuid.UUID{s}, anc...) {
			if admin := ru.relatedAdmin(u, d, iv); admin != uuid.Nil {
				c = coupled{status: related, unit: admin}
				break
			}
			if !ru.cfg.Coupling.Recursive || u == ru.payroll {
				break
			}
		}
		b.set(iv, c)
	}
	return b.timeline()
}

// relatedAdmin returns the administrative unit u is related to on day d:
// a related unit outside the payroll tree. Several are a conflict, and the
// first by id is used.
func (ru *run) relatedAdmin(u uuid.UUID, d timeline.Date, iv timeline.Interval) uuid.UUID {
	var found []uuid.UUID
	var rels []uuid.UUID
	for _, r := range ru.w.pointing(u, orgmodel.KindRelatedUnits) {
		a, ok := r.Timeline.At(d)
		if !ok {
			continue
		}
		pair := a.(orgmodel.RelatedUnitsAttrs).Units
		other := pair[0]
		if other == u {
			other = pair[1]
		}
		if anc, ok := ru.ancestors(other, d); ok && other != ru.payroll && !slices.Contains(anc, ru.payroll) && !slices.Contains(found, other) {
			found = append(found, other)
			rels = append(rels, r.ID)
		}
	}
	if len(found) == 0 {
		return uuid.Nil
	}
	if len(found) > 1 {
		first := slices.MinFunc(found, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
		ru.conflict(Conflict{Rule: Coupling, Kind: SeveralRelations, Unit: u, Objects: rels, When: iv,
			Detail: fmt.Sprintf("%s is related to %d administrative units at once; its engagements go to %s", ru.unitName(u, d), len(found), ru.unitName(first, d))})
		return first
	}
	return found[0]
}

// mergeIntervals sorts intervals and merges those that overlap or touch.
func mergeIntervals(ivs []timeline.Interval) []timeline.Interval {
	slices.SortFunc(ivs, func(a, b timeline.Interval) int { return cmp.Compare(a.From, b.From) })
	var out []timeline.Interval
	for _, iv := range ivs {
		if n := len(out); n > 0 && iv.From <= out[n-1].To {
			out[n-1].To = max(out[n-1].To, iv.To)
			continue
		}
		out = append(out, iv)
	}
	return out
}
