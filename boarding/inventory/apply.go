package inventory

import (
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Change is one action on an asset, with what it needs.
type Change struct {
	// Action is what to do.
	Action Action
	// At is when; By who acts. Both are needed.
	At time.Time
	// By is who acts.
	By string
	// Note is the actor's note; a Break needs it as its reason.
	Note string
	// Holder is the person a HandOut gives the asset to (needed).
	Holder uuid.UUID
	// Unit is the holder's unit, for a HandOut.
	Unit uuid.UUID
	// Order is the boarding order of a HandOut, if any.
	Order uuid.UUID
	// ExpectedReturn is the day a HandOut's asset is due back, or
	// timeline.Open for none.
	ExpectedReturn timeline.Date
}

// Apply makes the change to a and returns the entry its history keeps.
// A change its status does not allow, a hand-out without a holder and a
// break without a reason are *TransitionError; bad text or times are
// *InvalidError; either way a is unchanged. A hand-out records the
// holder, unit, order, time and expected return; a return or a break
// clears them. A note given becomes the asset's Note. Each change counts
// one Version.
func (a *Asset) Apply(c Change) (Entry, error) {
	if err := checkChange(&c); err != nil {
		return Entry{}, err
	}
	to, err := Next(a.Status, c.Action)
	if err != nil {
		err.(*TransitionError).Asset = a.ID
		return Entry{}, err
	}
	refuse := func(reason string) error {
		return &TransitionError{Asset: a.ID, From: a.Status, Action: c.Action, Reason: reason}
	}
	switch {
	case c.Action == HandOut && c.Holder == uuid.Nil:
		return Entry{}, refuse("a hand-out needs the person it is handed to")
	case c.Action == Break && blank(c.Note):
		return Entry{}, refuse("an asset is marked undeployable with a reason")
	}
	at := c.At.UTC()
	e := Entry{Asset: a.ID, At: at, By: c.By, Action: c.Action, From: a.Status, To: to, Holder: a.Holder, Order: a.Order, Note: c.Note}
	if to == Deployed {
		e.Holder, e.Order = c.Holder, c.Order
		a.Holder, a.Unit, a.Order, a.HandedOut, a.ExpectedReturn = c.Holder, c.Unit, c.Order, at, c.ExpectedReturn
	} else {
		a.Holder, a.Unit, a.Order, a.HandedOut, a.ExpectedReturn = uuid.Nil, uuid.Nil, uuid.Nil, time.Time{}, 0
	}
	a.Status = to
	if c.Note != "" {
		a.Note = c.Note
	}
	a.Version++
	return e, nil
}
