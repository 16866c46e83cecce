package orgmodel

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// EventType says what happened to an object.
type EventType uint8

// The event types. The numbers are stable.
const (
	// EventRegistered: a change set changed the object.
	EventRegistered EventType = iota + 1
	// EventStarted: the object became valid on Event.Day.
	EventStarted
	// EventChanged: the object's attributes changed on Event.Day, by a
	// change registered earlier (a move planned for that day, say).
	EventChanged
	// EventEnded: the object stopped being valid on Event.Day (Day is the
	// first day it is not valid).
	EventEnded
)

var eventNames = [...]string{EventRegistered: "registered", EventStarted: "started", EventChanged: "changed", EventEnded: "ended"}

// String returns the event type's name.
func (t EventType) String() string {
	if t >= EventRegistered && t <= EventEnded {
		return eventNames[t]
	}
	return fmt.Sprintf("EventType(%d)", uint8(t))
}

// Event tells a subscriber that an object changed, or that a validity
// started or ended. It carries ids and no personal data: subscribers
// re-read the state they need. Delivery is at least once, so handling an
// event twice must be harmless.
type Event struct {
	// Seq numbers events from 1 in the order they were made.
	Seq uint64
	// Type is what happened.
	Type EventType
	// Kind and ID name the object.
	Kind Kind
	// ID is the object's id.
	ID uuid.UUID
	// Owner is the person or unit the object belongs to (itself for a
	// person or unit), so a subscriber can re-read one person at a time.
	Owner uuid.UUID
	// OwnerKind is KindPerson or KindUnit.
	OwnerKind Kind
	// Registration is the registration behind the event: the one that
	// made the change, or for a start or end, the latest at the time.
	Registration uint64
	// Day is the day a validity started, changed or ended; 0 for
	// EventRegistered.
	Day timeline.Date
}

// String describes the event.
func (e Event) String() string {
	s := fmt.Sprintf("#%d %s %s %s (owner %s %s)", e.Seq, e.Type, e.Kind, e.ID, e.OwnerKind, e.Owner)
	if e.Type != EventRegistered {
		s += " on " + e.Day.String()
	}
	return s
}

// registeredEvent makes the event for a new version, owned by whoever owns
// the object now (or owned it, if it was deleted or emptied).
func (m *Model) registeredEvent(reg Registration, v Version, old *Object) Event {
	o := v.Object
	if (v.Deleted || o.Timeline.IsEmpty()) && old != nil {
		o = *old
	}
	e := Event{Type: EventRegistered, Kind: o.Kind, ID: o.ID, Registration: reg.Seq}
	e.Owner, e.OwnerKind = objectOwner(o, 0)
	return e
}

// objectOwner returns the owner of o on day d, or, if o is not valid then,
// in its last span.
func objectOwner(o Object, d timeline.Date) (uuid.UUID, Kind) {
	switch o.Kind {
	case KindPerson:
		return o.ID, KindPerson
	case KindUnit:
		return o.ID, KindUnit
	}
	a, ok := o.Timeline.At(d)
	if !ok {
		if o.Timeline.IsEmpty() {
			return uuid.Nil, 0
		}
		a = o.Timeline.Span(o.Timeline.Len() - 1).Value
	}
	return owner(a)
}

// notify wakes subscribers waiting for events. The caller holds the write
// lock.
func (m *Model) notify() {
	close(m.wake)
	m.wake = make(chan struct{})
}
