package orgmodel

import (
	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Info is what every object read from a Graph carries besides its
// attributes.
type Info struct {
	// ID is the object's id.
	ID uuid.UUID
	// UserKey is the object's user key.
	UserKey string
	// Source is the object's provenance ("" for hand-made).
	Source string
	// Span is the interval over which these attributes hold.
	Span timeline.Interval
	// Validity is the unbroken stretch of validity the day is in: Span
	// joined with its neighbours. Its end is when the object ends, as far
	// as the model knows.
	Validity timeline.Interval
}

// Person is a person on one day.
type Person struct {
	Info
	PersonAttrs
}

// Unit is a unit on one day.
type Unit struct {
	Info
	UnitAttrs
}

// Engagement is an engagement on one day.
type Engagement struct {
	Info
	EngagementAttrs
}

// Manager is a manager role on one day.
type Manager struct {
	Info
	ManagerAttrs
}

// Association is an association on one day.
type Association struct {
	Info
	AssociationAttrs
}

// RelatedUnits is a related-units link on one day.
type RelatedUnits struct {
	Info
	RelatedUnitsAttrs
}

// Account is an account on one day.
type Account struct {
	Info
	AccountAttrs
}

// Address is an address on one day.
type Address struct {
	Info
	AddressAttrs
}

// Leave is a leave on one day.
type Leave struct {
	Info
	LeaveAttrs
}

// info returns the Info of o on day d, whose span is index i.
func info(o *Object, d timeline.Date) (Info, Attrs, bool) {
	sp, ok := o.Timeline.SpanAt(d)
	if !ok {
		return Info{}, nil, false
	}
	in := Info{ID: o.ID, UserKey: o.UserKey, Source: o.Source, Span: sp.Interval, Validity: sp.Interval}
	// Widen to the unbroken stretch: spans are few, so walk them.
	n := o.Timeline.Len()
	for i := 0; i < n; i++ {
		if o.Timeline.Span(i).Interval == sp.Interval {
			for j := i - 1; j >= 0 && o.Timeline.Span(j).To == in.Validity.From; j-- {
				in.Validity.From = o.Timeline.Span(j).From
			}
			for j := i + 1; j < n && o.Timeline.Span(j).From == in.Validity.To; j++ {
				in.Validity.To = o.Timeline.Span(j).To
			}
			break
		}
	}
	return in, sp.Value, true
}
