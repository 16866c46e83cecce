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

// The two roles a `_leder` unit can imply, as the suffix of their ids'
// keys: over the parent, and over the grandparent under a `led-adm`
// parent.
const (
	slotParent      = "/parent"
	slotGrandparent = "/grandparent"
)

// LederRoleID returns the id of the manager role the `_leder` unit implies
// over its parent (grandparent false) or its grandparent: the same on
// every run, so a second run finds its own roles.
func LederRoleID(lederUnit uuid.UUID, grandparent bool) uuid.UUID {
	slot := slotParent
	if grandparent {
		slot = slotGrandparent
	}
	return orgmodel.SourceID(Provenance(Leder), orgmodel.KindManager, lederUnit.String()+slot)
}

// leder runs the Leder rule over the `_leder` units in scope.
func (ru *run) leder() {
	for _, l := range ru.lederUnits() {
		ru.lederUnit(l)
	}
}

// lederUnits returns the `_leder` units to decide, by id: every unit that
// is one on some day of the range, or, for a run scoped to persons, those
// the persons are members of or whose parents they work in.
func (ru *run) lederUnits() []uuid.UUID {
	var cands []orgmodel.Object
	if ru.persons == nil {
		for o := range ru.w.v.All(orgmodel.KindUnit) {
			cands = append(cands, o)
		}
	} else {
		seen := map[uuid.UUID]bool{}
		addUnit := func(id uuid.UUID) {
			if !seen[id] {
				seen[id] = true
				if o, ok := ru.w.object(id); ok {
					cands = append(cands, o)
				}
			}
		}
		for p := range ru.persons {
			for _, a := range ru.w.pointing(p, orgmodel.KindAssociation) {
				for sp := range a.Timeline.All() {
					addUnit(sp.Value.(orgmodel.AssociationAttrs).Unit)
				}
			}
			for _, e := range ru.engagementsOf(p) {
				for sp := range e.Timeline.All() {
					for _, child := range ru.w.pointing(sp.Value.(orgmodel.EngagementAttrs).SourcePlacement(), orgmodel.KindUnit) {
						addUnit(child.ID)
					}
				}
			}
		}
	}
	var out []uuid.UUID
	for _, o := range cands {
		if o.Kind != orgmodel.KindUnit {
			continue
		}
		// The whole history, not only the range: a unit that stopped
		// being a `_leder` unit before the range still has a role of
		// the rule's to end.
		for sp := range o.Timeline.All() {
			if ru.names.isLeder(sp.Value.(orgmodel.UnitAttrs).Name) {
				out = append(out, o.ID)
				break
			}
		}
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return out
}

// candidate is a member of a `_leder` unit with an engagement in its
// parent on some day.
type candidate struct {
	person uuid.UUID
	eng    uuid.UUID
	start  timeline.Date // of the engagement's placement in the parent
	number string
}

// lederUnit decides the roles one `_leder` unit implies over the range.
func (ru *run) lederUnit(l uuid.UUID) {
	lo, ok := ru.w.object(l)
	if !ok {
		return
	}
	cfg := ru.cfg.Leder
	cut := newCuts(ru.w.r)
	cut.add(lo.Timeline.Endpoints()...)

	// The members, and their engagements.
	members := map[uuid.UUID][]timeline.Interval{}
	for _, a := range ru.w.pointing(l, orgmodel.KindAssociation) {
		for sp := range a.Timeline.All() {
			x := sp.Value.(orgmodel.AssociationAttrs)
			if x.Unit == l && (cfg.AssociationType == "" || x.Type == cfg.AssociationType) {
				members[x.Person] = append(members[x.Person], sp.Interval)
				cut.add(sp.From, sp.To)
			}
		}
	}
	engs := map[uuid.UUID][]orgmodel.Object{}
	for p := range members {
		engs[p] = ru.engagementsOf(p)
		for _, e := range engs[p] {
			cut.add(e.Timeline.Endpoints()...)
		}
	}
	// The units managed, over time: their names (led-adm), parents and
	// levels change the decision, and so do others' roles over them.
	managed := map[uuid.UUID]bool{}
	for _, p := range ru.parentsOf(l) {
		managed[p] = true
		for _, g := range ru.parentsOf(p) {
			managed[g] = true
		}
	}
	for u := range managed {
		if uo, ok := ru.w.object(u); ok {
			cut.add(uo.Timeline.Endpoints()...)
		}
	}
	others := map[uuid.UUID][]orgmodel.Object{}
	for u := range managed {
		for _, m := range ru.w.pointing(u, orgmodel.KindManager) {
			if m.Source != Provenance(Leder) {
				others[u] = append(others[u], m)
				cut.add(m.Timeline.Endpoints()...)
			}
		}
	}

	parentRole := ru.ownRole(l, false)
	grandRole := ru.ownRole(l, true)
	var parentWant, grandWant builder[orgmodel.Attrs]
	adopted := map[uuid.UUID]*builder[bool]{} // adopted role → days to end it
	for _, iv := range cut.pieces() {
		d := iv.From
		ua, ok := lo.Timeline.At(d)
		if !ok {
			continue
		}
		u := ua.(orgmodel.UnitAttrs)
		if !ru.names.isLeder(u.Name) {
			continue
		}
		if u.Parent == uuid.Nil {
			ru.conflict(Conflict{Rule: Leder, Kind: NoParent, Unit: l, When: iv,
				Detail: fmt.Sprintf("the _leder unit %s has no parent unit to manage", ru.unitName(l, d))})
			continue
		}
		p := u.Parent
		pa, _ := ru.w.unitAt(p, d)
		var g uuid.UUID
		if ru.names.isAdmin(pa.Name) {
			g = pa.Parent
		}

		winner, tie := ru.chooseManager(l, p, d, iv, members, engs)
		if tie {
			keepOwn(&parentWant, parentRole, iv)
			keepOwn(&grandWant, grandRole, iv)
			continue
		}
		// With no one to hold it and vacant roles ended, the rule wants no
		// role here; an adopted one still ends.
		want := winner.person != uuid.Nil || cfg.Vacant == "keep"
		levelUnit := p
		if g != uuid.Nil {
			levelUnit = g
		}
		role := orgmodel.ManagerAttrs{Unit: p, Person: winner.person, Engagement: winner.eng,
			Type: cfg.ManagerType, Level: ru.managerLevel(l, levelUnit, d, iv), Responsibilities: orgmodel.NewKeys(cfg.Responsibilities...)}
		ru.placeRole(&parentWant, want, role, others[p], iv, d, adopted)
		if g != uuid.Nil {
			role.Unit = g
			ru.placeRole(&grandWant, want, role, others[g], iv, d, adopted)
		}
	}
	ru.writeRole(parentRole, l, false, parentWant.timeline())
	ru.writeRole(grandRole, l, true, grandWant.timeline())
	for id, b := range adopted {
		o, _ := ru.w.object(id)
		want := o.Timeline
		for sp := range b.timeline().All() {
			want = want.Clear(sp.Interval)
		}
		ru.w.write(Leder, o, want)
	}
}

// parentsOf returns the units that are the unit's parent on some day of
// the range.
func (ru *run) parentsOf(unit uuid.UUID) []uuid.UUID {
	var out []uuid.UUID
	if o, ok := ru.w.object(unit); ok {
		for sp := range o.Timeline.Clip(ru.w.r).All() {
			if p := sp.Value.(orgmodel.UnitAttrs).Parent; p != uuid.Nil && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// ownRole returns the rule's role for the slot as it is now, or an empty
// one with its id.
func (ru *run) ownRole(l uuid.UUID, grandparent bool) orgmodel.Object {
	id := LederRoleID(l, grandparent)
	if o, ok := ru.w.object(id); ok {
		return o
	}
	return orgmodel.Object{ID: id, Kind: orgmodel.KindManager, Source: Provenance(Leder)}
}

// keepOwn keeps the role's present values on the days of iv.
func keepOwn(b *builder[orgmodel.Attrs], role orgmodel.Object, iv timeline.Interval) {
	for sp := range role.Timeline.Clip(iv).All() {
		b.set(sp.Interval, sp.Value)
	}
}

// writeRole writes the rule's role for a slot.
func (ru *run) writeRole(role orgmodel.Object, l uuid.UUID, grandparent bool, want timeline.Timeline[orgmodel.Attrs]) {
	if role.UserKey == "" {
		if lo, ok := ru.w.object(l); ok && lo.UserKey != "" {
			role.UserKey = lo.UserKey + map[bool]string{false: slotParent, true: slotGrandparent}[grandparent]
		}
	}
	ru.w.write(Leder, role, want)
}

// placeRole adds the decided role for the days of iv (if want) unless
// another owner's role over the unit already says the same; an adopted
// role that disagrees is ended on those days, any other one is reported.
func (ru *run) placeRole(b *builder[orgmodel.Attrs], want bool, role orgmodel.ManagerAttrs, others []orgmodel.Object, iv timeline.Interval, d timeline.Date, adopted map[uuid.UUID]*builder[bool]) {
	add := want
	for _, o := range others {
		a, ok := o.Timeline.At(d)
		if !ok {
			continue
		}
		m := a.(orgmodel.ManagerAttrs)
		if m.Unit != role.Unit {
			continue
		}
		if slices.Contains(ru.cfg.Leder.Adopt, o.Source) {
			if m.Person != role.Person || role.Person == uuid.Nil {
				if adopted[o.ID] == nil {
					adopted[o.ID] = &builder[bool]{}
				}
				adopted[o.ID].set(iv, true)
				continue
			}
		}
		switch {
		case m.Person == role.Person:
			add = false // it is already so
		case role.Person == uuid.Nil:
			add = false // a vacant role next to someone's adds nothing
		case m.Person != uuid.Nil:
			ru.conflict(Conflict{Rule: Leder, Kind: OtherManager, Unit: role.Unit, Person: m.Person, Objects: []uuid.UUID{o.ID}, When: iv,
				Detail: fmt.Sprintf("%s also has %s as manager (%s role %s), not only %s", ru.unitName(role.Unit, d), ru.personName(m.Person, d), sourceName(o.Source), o.ID, ru.personName(role.Person, d))})
		}
	}
	if add {
		b.set(iv, role)
	}
}

func sourceName(s string) string {
	if s == "" {
		return "hand-made"
	}
	return s
}

// managerLevel maps the level of the unit to a manager level.
func (ru *run) managerLevel(l, unit uuid.UUID, d timeline.Date, iv timeline.Interval) string {
	levels := ru.cfg.Leder.Levels
	if len(levels) == 0 {
		return ""
	}
	u, _ := ru.w.unitAt(unit, d)
	lv, ok := levels[u.Level]
	if !ok {
		ru.conflict(Conflict{Rule: Leder, Kind: UnknownLevel, Unit: unit, When: iv,
			Detail: fmt.Sprintf("no manager level is configured for the level %q of %s (the _leder unit %s); the role has none", u.Level, ru.unitName(unit, d), ru.unitName(l, d))})
	}
	return lv
}

// chooseManager picks the member who manages the parent p on day d: the
// best-ranked of the members with an engagement placed in p by the
// payroll. The zero candidate means no one qualifies; tie reports a Tie
// conflict (recorded here).
func (ru *run) chooseManager(l, p uuid.UUID, d timeline.Date, iv timeline.Interval, members map[uuid.UUID][]timeline.Interval, engs map[uuid.UUID][]orgmodel.Object) (candidate, bool) {
	var cands []candidate
	for person, ivs := range members {
		if !slices.ContainsFunc(ivs, func(x timeline.Interval) bool { return x.Contains(d) }) {
			continue
		}
		var best *candidate
		for _, e := range engs[person] {
			a, ok := e.Timeline.At(d)
			if !ok {
				continue
			}
			x := a.(orgmodel.EngagementAttrs)
			if x.Person != person || x.SourcePlacement() != p {
				continue
			}
			c := candidate{person: person, eng: e.ID, start: placedSince(e, d, p), number: x.EmploymentNumber}
			if best == nil || cmp.Or(ru.rank(c, *best), bytes.Compare(c.eng[:], best.eng[:])) < 0 {
				best = &c
			}
		}
		if best != nil {
			cands = append(cands, *best)
		}
	}
	if len(cands) == 0 {
		return candidate{}, false
	}
	slices.SortFunc(cands, func(a, b candidate) int { return cmp.Or(ru.rank(a, b), bytes.Compare(a.person[:], b.person[:])) })
	var tied []candidate
	for _, c := range cands[1:] {
		if ru.rank(c, cands[0]) == 0 {
			tied = append(tied, c)
		}
	}
	if len(tied) == 0 {
		return cands[0], false
	}
	tied = append([]candidate{cands[0]}, tied...)
	objs := make([]uuid.UUID, len(tied))
	names := make([]string, len(tied))
	for i, c := range tied {
		objs[i], names[i] = c.eng, ru.personName(c.person, d)
	}
	ru.conflict(Conflict{Rule: Leder, Kind: Tie, Unit: l, Objects: objs, When: iv,
		Detail: fmt.Sprintf("%v rank equally (by %v) as manager of %s; the role is left as it was", names, ru.cfg.Leder.Choose, ru.unitName(p, d))})
	return candidate{}, true
}

// rank orders candidates by the configured criteria, best first.
func (ru *run) rank(a, b candidate) int {
	for _, c := range ru.cfg.Leder.Choose {
		var r int
		switch c {
		case chooseLatestStart:
			r = cmp.Compare(b.start, a.start)
		case chooseEarliestStart:
			r = cmp.Compare(a.start, b.start)
		case chooseLowestNumber:
			r = orgmodel.CompareEmploymentNumbers(a.number, b.number)
		}
		if r != 0 {
			return r
		}
	}
	return 0
}

// placedSince returns the first day of the unbroken stretch, up to day d,
// in which the payroll places the engagement in unit p.
func placedSince(e orgmodel.Object, d timeline.Date, p uuid.UUID) timeline.Date {
	spans := e.Timeline.Spans()
	i, ok := slices.BinarySearchFunc(spans, d, func(sp timeline.Span[orgmodel.Attrs], d timeline.Date) int {
		switch {
		case sp.To <= d:
			return -1
		case sp.From > d:
			return 1
		}
		return 0
	})
	if !ok {
		return d
	}
	for i > 0 && spans[i-1].To == spans[i].From && spans[i-1].Value.(orgmodel.EngagementAttrs).SourcePlacement() == p {
		i--
	}
	return spans[i].From
}
