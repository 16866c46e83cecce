package report

import (
	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/internal/orgread"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// bounds returns a version's days from its first to the end of its last,
// and false for a deletion or an empty timeline.
func bounds(v *orgmodel.Version) (timeline.Interval, bool) {
	if v == nil || v.Deleted {
		return timeline.Interval{}, false
	}
	return v.Object.Timeline.Bounds()
}

// classify returns the rows of one registration of an engagement: what
// changed about its start and end from the version before (prev, nil for
// the first) to this one.
func classify(m *orgmodel.Model, prev, cur *orgmodel.Version) []Row {
	was, had := bounds(prev)
	is, has := bounds(cur)
	reg := cur.Registration
	regDay := m.Zone().Date(reg.Time)
	base := Row{Registration: reg, Engagement: cur.Object.ID}
	src := cur
	if !has {
		src = prev
	}
	if src == nil {
		return nil
	}
	base.EmploymentNumber = src.Object.UserKey
	var out []Row
	add := func(k Kind, effective timeline.Date, day timeline.Date) {
		r := base
		r.Kind, r.Timing = k, timing(effective, regDay)
		r.on = day
		r.attrs, _ = orgread.At[orgmodel.EngagementAttrs](src.Object, day)
		r.Person = r.attrs.Person
		if r.attrs.EmploymentNumber != "" {
			r.EmploymentNumber = r.attrs.EmploymentNumber
		}
		out = append(out, r)
	}
	switch {
	case !had && !has:
		return nil
	case !had:
		base.Start, base.End = is.From, is.To
		person := firstPerson(cur)
		add(newKind(m, reg.Seq, cur.Object.ID, person, is.From), is.From, is.From)
		if is.To != timeline.Open {
			add(Termination, is.To, is.To-1)
		}
	case !has:
		base.Start, base.End, base.OldStart, base.OldEnd = was.From, was.To, was.From, was.To
		add(Cancelled, was.From, was.From)
		out[len(out)-1].startedBefore = was.From <= regDay
	default:
		base.Start, base.End = is.From, is.To
		if is.From != was.From {
			base.OldStart = was.From
			add(StartMoved, is.From, is.From)
			base.OldStart = 0
		}
		if is.To != was.To {
			base.OldEnd = was.To
			switch {
			case was.To == timeline.Open:
				add(Termination, is.To, is.To-1)
			case is.To == timeline.Open:
				add(TerminationWithdrawn, was.To, was.To-1)
			default:
				add(EndMoved, is.To, is.To-1)
			}
		}
	}
	return out
}

// timing places the day a fact takes effect against the day it was
// registered.
func timing(effective, regDay timeline.Date) Timing {
	switch {
	case effective > regDay:
		return Future
	case effective == regDay:
		return Today
	}
	return Retroactive
}

// firstPerson returns the person of an engagement version's first span.
func firstPerson(v *orgmodel.Version) uuid.UUID {
	if v.Object.Timeline.IsEmpty() {
		return uuid.Nil
	}
	a, _ := v.Object.Timeline.Span(0).Value.(orgmodel.EngagementAttrs)
	return a.Person
}

// newKind tells a hire from a rehire and a transfer by the person's other
// engagements as registration seq knew them: one ending the day this one
// starts makes a transfer; one ending earlier, with none running over the
// day before the start, a rehire; anything else (none, or one running on)
// a hire.
func newKind(m *orgmodel.Model, seq uint64, eng, person uuid.UUID, start timeline.Date) Kind {
	if person == uuid.Nil {
		return Hire
	}
	var before, adjacent, running bool
	for _, o := range m.AsOf(seq).PointingAt(person, orgmodel.KindEngagement) {
		if o.ID == eng {
			continue
		}
		for sp := range o.Timeline.All() {
			if a, ok := sp.Value.(orgmodel.EngagementAttrs); !ok || a.Person != person {
				continue
			}
			iv := sp.Interval
			switch {
			case iv.Contains(start):
				running = true
			case iv.To == start:
				adjacent = true
			case iv.To < start:
				before = true
			}
		}
	}
	switch {
	case running:
		return Hire
	case adjacent:
		return Transfer
	case before:
		return Rehire
	}
	return Hire
}
