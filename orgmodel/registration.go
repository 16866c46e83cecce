package orgmodel

import "time"

// Registration records one applied change set: the second time axis of the
// bitemporal model. Validity says when something is true; registration
// says when the model learned it, from whom and why.
type Registration struct {
	// Seq numbers registrations from 1, in the order applied.
	Seq uint64
	// Time is when the change was registered, from the caller's clock. It
	// never goes backwards.
	Time time.Time
	// Actor is who or what made the change ("sd-import", "jane@kommune.dk").
	Actor string
	// Note says why, if the actor said.
	Note string
}

// Version is an object as one registration left it.
type Version struct {
	// Registration is the registration that wrote this version.
	Registration Registration
	// Deleted reports whether the registration deleted the object.
	Deleted bool
	// Object is the object as registered; zero if Deleted.
	Object Object
}
