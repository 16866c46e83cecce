package notify

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/internal/orgread"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// finding is one thing a trigger saw, before rules, scope and recipients.
type finding struct {
	trigger Trigger
	object  uuid.UUID // the object the key names
	suffix  string    // what else the key needs ("d2027-02-01")
	view    orgmodel.View
	day     timeline.Date
	person  uuid.UUID // uuid.Nil for a unit notice
	unit    uuid.UUID // the unit for scope and recipients
	types   []string  // the engagement types for scope
	data    Data
}

// Event returns the notices the event causes, one per rule that fires and
// whose scope holds it, with recipients resolved. It reads the model as
// of the event's registration, so the same event always makes the same
// notices with the same keys. A notice with no recipient left (every
// address skipped) is returned with its reasons in Skipped, for the
// caller to record.
func (rs *Rules) Event(m *orgmodel.Model, e orgmodel.Event) []Notice {
	var fs []finding
	switch e.Type {
	case orgmodel.EventRegistered:
		fs = rs.registered(m, e)
	case orgmodel.EventEnded, orgmodel.EventChanged:
		fs = rs.onDay(m, e)
	}
	var out []Notice
	for _, f := range fs {
		out = append(out, rs.notices(f)...)
	}
	return out
}

// context describes a registration: when (in the organisation's zone),
// by whom, on which day.
func regContext(m *orgmodel.Model, seq uint64) (orgmodel.Registration, timeline.Date) {
	reg := m.AsOf(seq).Registration()
	reg.Time = reg.Time.In(m.Zone().Location())
	return reg, m.Zone().Date(reg.Time)
}

func baseData(reg orgmodel.Registration, day timeline.Date) Data {
	return Data{Registered: reg.Time, Actor: reg.Actor, Day: day}
}

// registered finds what a registration did to one object.
func (rs *Rules) registered(m *orgmodel.Model, e orgmodel.Event) []finding {
	before, after := m.AsOf(e.Registration-1), m.AsOf(e.Registration)
	reg, today := regContext(m, e.Registration)
	old, hadOld := before.Object(e.ID)
	cur, ok := after.Object(e.ID)
	if !ok || cur.Timeline.IsEmpty() {
		cur = orgmodel.Object{ID: e.ID, Kind: e.Kind}
	}
	var fs []finding
	switch e.Kind {
	case orgmodel.KindEngagement:
		if cur.Timeline.IsEmpty() && !hadOld {
			return nil
		}
		if !hadOld || old.Timeline.IsEmpty() {
			fs = append(fs, rs.hired(after, before, cur, reg, today)...)
		} else {
			fs = append(fs, rs.terminated(after, old, cur, reg, today)...)
		}
	case orgmodel.KindAddress:
		if !hadOld || old.Timeline.IsEmpty() {
			fs = append(fs, rs.emailCreated(after, before, cur, reg, today)...)
		}
	case orgmodel.KindAccount:
		if !hadOld || old.Timeline.IsEmpty() {
			fs = append(fs, rs.accountCreated(after, cur, reg, today)...)
		}
	case orgmodel.KindManager:
		obj := cur
		if obj.Timeline.IsEmpty() {
			obj = old
		}
		fs = append(fs, rs.managerLeft(before, after, false, obj, reg, today, fmt.Sprintf("r%d", e.Registration))...)
	}
	return fs
}

// hired finds PersonCreated and FutureHire for a new engagement.
func (rs *Rules) hired(after, before orgmodel.View, eng orgmodel.Object, reg orgmodel.Registration, today timeline.Date) []finding {
	bounds, _ := eng.Timeline.Bounds()
	day := max(bounds.From, today) // the first day, or today for a hire already begun
	if bounds.To != timeline.Open && bounds.To <= day {
		day = bounds.To - 1 // wholly in the past: describe it on its last day
	}
	a, ok := latest[orgmodel.EngagementAttrs](after, eng.ID, day)
	if !ok {
		return nil
	}
	d := newDescribe(after, day)
	var fs []finding
	if rs.Fires(PersonCreated) && len(before.PointingAt(a.Person, orgmodel.KindEngagement)) == 0 {
		f := finding{trigger: PersonCreated, object: a.Person, view: after, day: day, person: a.Person, unit: a.Unit, data: baseData(reg, day)}
		f.data.Person = d.person(a.Person)
		for _, o := range after.PointingAt(a.Person, orgmodel.KindEngagement) {
			ed := d.engagement(o)
			f.data.Engagements = append(f.data.Engagements, ed)
			if x, ok := latest[orgmodel.EngagementAttrs](after, o.ID, day); ok {
				f.types = append(f.types, x.Type)
			}
		}
		f.data.Engagement = d.primary(a.Person, eng)
		fs = append(fs, f)
	}
	if rs.Fires(FutureHire) && bounds.From > today {
		f := finding{trigger: FutureHire, object: eng.ID, view: after, day: bounds.From, person: a.Person, unit: a.Unit,
			types: []string{a.Type}, data: baseData(reg, bounds.From)}
		f.data.Person, f.data.Engagement = d.person(a.Person), d.engagement(eng)
		fs = append(fs, f)
	}
	return fs
}

// primary describes the person's primary engagement on the describer's
// day, or else eng.
func (d describe) primary(person uuid.UUID, eng orgmodel.Object) EngagementData {
	if p, ok := d.g.PrimaryEngagement(person); ok {
		if o, ok := d.v.Object(p.ID); ok {
			return d.engagement(o)
		}
	}
	return d.engagement(eng)
}

// lastDay returns the last day of an object's validity, and false if it
// has no end (or no validity).
func lastDay(o orgmodel.Object) (timeline.Date, bool) {
	b, ok := o.Timeline.Bounds()
	if !ok || b.To == timeline.Open {
		return 0, false
	}
	return b.To - 1, true
}

// terminated finds TerminationRegistered: the engagement's last day was
// set or moved earlier (or the engagement was deleted).
func (rs *Rules) terminated(after orgmodel.View, old, cur orgmodel.Object, reg orgmodel.Registration, today timeline.Date) []finding {
	if !rs.Fires(TerminationRegistered) {
		return nil
	}
	oldEnd, oldEnds := lastDay(old)
	var end timeline.Date
	if cur.Timeline.IsEmpty() {
		end = today - 1 // deleted: it ends as of now, as far as anyone can act
		if b, ok := old.Timeline.Bounds(); ok && b.From > today {
			return nil // a future hire withdrawn is not a termination
		}
	} else {
		e, ends := lastDay(cur)
		if !ends || (oldEnds && e >= oldEnd) {
			return nil
		}
		end = e
	}
	src := cur
	if cur.Timeline.IsEmpty() {
		src = old // deleted: its attributes are in the old version only
	}
	a, ok := attrsOf[orgmodel.EngagementAttrs](src, end)
	if !ok {
		return nil
	}
	view := after
	d := newDescribe(view, end)
	f := finding{trigger: TerminationRegistered, object: src.ID, view: view, day: end, person: a.Person, unit: a.Unit,
		types: []string{a.Type}, data: baseData(reg, end)}
	f.data.Retroactive = end < today
	f.data.Person = d.person(a.Person)
	f.data.Engagement = d.engagementOf(src, a, end)
	return []finding{f}
}

// attrsOf is orgread.At.
func attrsOf[A orgmodel.Attrs](o orgmodel.Object, day timeline.Date) (A, bool) {
	return orgread.At[A](o, day)
}

// engagementOf describes an engagement from its own object and
// attributes, for one the view may no longer hold.
func (d describe) engagementOf(o orgmodel.Object, a orgmodel.EngagementAttrs, day timeline.Date) EngagementData {
	e := EngagementData{EmploymentNumber: a.EmploymentNumber, JobFunction: a.JobFunction, Type: a.Type, Unit: d.unit(a.Unit)}
	iv := around(o.Validity(), day)
	e.From = iv.From
	if iv.To != timeline.Open {
		e.Until = iv.To - 1
	}
	return e
}

// emailCreated finds EmailCreated: a person's first EMAIL address.
func (rs *Rules) emailCreated(after, before orgmodel.View, addr orgmodel.Object, reg orgmodel.Registration, today timeline.Date) []finding {
	if !rs.Fires(EmailCreated) {
		return nil
	}
	a, ok := attrsOf[orgmodel.AddressAttrs](addr, today)
	if !ok || a.Type != emailType || a.Person == uuid.Nil {
		return nil
	}
	for _, o := range before.PointingAt(a.Person, orgmodel.KindAddress) {
		for sp := range o.Timeline.All() {
			if x, ok := sp.Value.(orgmodel.AddressAttrs); ok && x.Type == emailType && x.Person == a.Person {
				return nil // not the first: OS2mo's one-address check, kept
			}
		}
	}
	return []finding{rs.personFinding(EmailCreated, addr.ID, after, a.Person, reg, today, func(f *finding) { f.data.Email = a.Value })}
}

// accountCreated finds AccountCreated: a new account in the watched
// system for a person.
func (rs *Rules) accountCreated(after orgmodel.View, acc orgmodel.Object, reg orgmodel.Registration, today timeline.Date) []finding {
	if !rs.Fires(AccountCreated) {
		return nil
	}
	a, ok := attrsOf[orgmodel.AccountAttrs](acc, today)
	if !ok || a.System != rs.system || a.Person == uuid.Nil {
		return nil
	}
	return []finding{rs.personFinding(AccountCreated, acc.ID, after, a.Person, reg, today, func(f *finding) {
		f.data.Account = AccountData{System: a.System, Username: a.Username}
		if len(f.data.Person.Emails) > 0 {
			f.data.Account.Email = f.data.Person.Emails[0]
		}
	})}
}

// personFinding makes a finding about a person on a day, placed in the
// unit of their primary engagement then (or their nearest one).
func (rs *Rules) personFinding(t Trigger, object uuid.UUID, v orgmodel.View, person uuid.UUID, reg orgmodel.Registration, day timeline.Date, fill func(*finding)) finding {
	d := newDescribe(v, day)
	f := finding{trigger: t, object: object, view: v, day: day, person: person, data: baseData(reg, day)}
	f.data.Person = d.person(person)
	engs := v.PointingAt(person, orgmodel.KindEngagement)
	if p, ok := d.g.PrimaryEngagement(person); ok {
		f.unit, f.types = p.Unit, []string{p.Type}
		if o, ok := v.Object(p.ID); ok {
			f.data.Engagement = d.engagement(o)
		}
	} else if len(engs) > 0 {
		if a, ok := latest[orgmodel.EngagementAttrs](v, engs[0].ID, day); ok {
			f.unit, f.types = a.Unit, []string{a.Type}
			f.data.Engagement = d.engagement(engs[0])
		}
	}
	fill(&f)
	return f
}

// onDay handles a validity that ended or changed on e.Day: a manager
// leaving a role, an engagement behind a role ending.
func (rs *Rules) onDay(m *orgmodel.Model, e orgmodel.Event) []finding {
	v := m.AsOf(e.Registration)
	reg, _ := regContext(m, e.Registration)
	suffix := fmt.Sprintf("r%d/d%s", e.Registration, e.Day)
	switch e.Kind {
	case orgmodel.KindManager:
		o, ok := v.Object(e.ID)
		if !ok {
			return nil
		}
		return rs.managerLeft(v, v, true, o, reg, e.Day, suffix)
	case orgmodel.KindEngagement:
		if e.Type != orgmodel.EventEnded || !rs.Fires(ManagerEnded) {
			return nil
		}
		return rs.engagementBehindRoleEnded(v, e, reg, suffix)
	}
	return nil
}

// managerLeft compares who held a manager role on day in before (on the
// day before, for an event on the day) with who holds it on day in after:
// a person who held it and no longer does is ManagerEnded; a unit left
// with no role held by a person is UnitWithoutManager.
func (rs *Rules) managerLeft(before, after orgmodel.View, onDay bool, role orgmodel.Object, reg orgmodel.Registration, day timeline.Date, suffix string) []finding {
	prevDay := day
	if onDay {
		prevDay = day - 1
	}
	was, ok := attrsOn[orgmodel.ManagerAttrs](before, role.ID, prevDay)
	if !ok || was.Vacant() {
		return nil
	}
	now, held := attrsOn[orgmodel.ManagerAttrs](after, role.ID, day)
	if held && now.Person == was.Person {
		return nil
	}
	var fs []finding
	if rs.Fires(ManagerEnded) {
		d := newDescribe(after, prevDay)
		f := finding{trigger: ManagerEnded, object: role.ID, suffix: suffix, view: after, day: prevDay, person: was.Person, unit: was.Unit, data: baseData(reg, prevDay)}
		f.data.Person, f.data.Unit = d.person(was.Person), d.unit(was.Unit)
		fs = append(fs, f)
	}
	if rs.Fires(UnitWithoutManager) && len(after.At(day).Managers(was.Unit, orgmodel.ManagerQuery{SkipVacant: true})) == 0 {
		d := newDescribe(after, day)
		f := finding{trigger: UnitWithoutManager, object: was.Unit, suffix: suffix, view: after, day: day, unit: was.Unit, data: baseData(reg, day)}
		f.data.Unit = d.unit(was.Unit)
		fs = append(fs, f)
	}
	return fs
}

// attrsOn returns an object's attributes on exactly day in v.
func attrsOn[A orgmodel.Attrs](v orgmodel.View, id uuid.UUID, day timeline.Date) (A, bool) {
	var zero A
	o, ok := v.Object(id)
	if !ok {
		return zero, false
	}
	x, ok := o.At(day)
	if !ok {
		return zero, false
	}
	a, ok := x.(A)
	return a, ok
}

// engagementBehindRoleEnded finds ManagerEnded for the roles an ending
// engagement gave its person.
func (rs *Rules) engagementBehindRoleEnded(v orgmodel.View, e orgmodel.Event, reg orgmodel.Registration, suffix string) []finding {
	last := e.Day - 1
	ea, ok := attrsOn[orgmodel.EngagementAttrs](v, e.ID, last)
	if !ok {
		return nil
	}
	var fs []finding
	roles := v.PointingAt(ea.Person, orgmodel.KindManager)
	slices.SortFunc(roles, func(a, b orgmodel.Object) int { return compareIDs(a.ID, b.ID) })
	for _, r := range roles {
		ma, ok := attrsOn[orgmodel.ManagerAttrs](v, r.ID, last)
		if !ok || ma.Person != ea.Person {
			continue
		}
		if ma.Engagement != e.ID && (ma.Engagement != uuid.Nil || len(v.At(e.Day).Engagements(ea.Person)) > 0) {
			continue // another engagement gives the role, or may
		}
		if now, ok := attrsOn[orgmodel.ManagerAttrs](v, r.ID, e.Day); ok && now.Person == ea.Person && now.Engagement != e.ID && now.Engagement != uuid.Nil {
			continue // the role moved to another of the person's engagements
		}
		if _, ok := attrsOn[orgmodel.ManagerAttrs](v, r.ID, e.Day); !ok {
			continue // the role ends the same day: its own event reports it
		}
		d := newDescribe(v, last)
		f := finding{trigger: ManagerEnded, object: r.ID, suffix: suffix + "/e" + e.ID.String(), view: v, day: last,
			person: ea.Person, unit: ma.Unit, data: baseData(reg, last)}
		f.data.Person, f.data.Unit = d.person(ea.Person), d.unit(ma.Unit)
		if o, ok := v.Object(e.ID); ok {
			f.data.Engagement = d.engagement(o)
		}
		fs = append(fs, f)
	}
	return fs
}

func compareIDs(a, b uuid.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}
