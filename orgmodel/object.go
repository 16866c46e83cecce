package orgmodel

import (
	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Object is one thing in the model with its whole validity history: a
// stable id, a user key, the source that owns it, and a timeline of its
// attributes. Days on which the timeline has no value are days on which the
// object is not valid.
//
// Objects read from the model are values: the timeline is immutable, so
// nothing a caller does to an Object changes the model.
type Object struct {
	// ID is the object's stable id; it never changes and is never reused.
	ID uuid.UUID
	// Kind is the object's kind; every value in Timeline is of this kind.
	Kind Kind
	// UserKey is the key people and sources know the object by (a unit
	// number, an employment number); it need not be unique.
	UserKey string
	// Source is the provenance: the source that created the object and
	// owns it (a payroll system, Omada, a rule), or "" for objects made by
	// hand. Source import only ever changes objects of its own source.
	Source string
	// Timeline holds the attributes over time.
	Timeline timeline.Timeline[Attrs]
}

// Validity returns the days on which the object is valid.
func (o Object) Validity() timeline.Timeline[struct{}] { return o.Timeline.Coverage() }

// At returns the object's attributes on day d, and false if it is not
// valid then.
func (o Object) At(d timeline.Date) (Attrs, bool) { return o.Timeline.At(d) }

// NewObject returns an object that holds attrs over iv, with a new random
// id. It panics if iv is invalid; validate intervals from outside first.
func NewObject(userKey, source string, iv timeline.Interval, attrs Attrs) Object {
	return Object{
		ID:       uuid.New(),
		Kind:     attrs.Kind(),
		UserKey:  userKey,
		Source:   source,
		Timeline: timeline.Of[Attrs](iv, normalise(attrs)),
	}
}

// normalise returns the canonical form of attrs, so that equal meaning
// means equal values.
func normalise(a Attrs) Attrs {
	if r, ok := a.(RelatedUnitsAttrs); ok {
		return r.normalised()
	}
	return a
}
