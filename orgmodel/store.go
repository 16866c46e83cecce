package orgmodel

import (
	"context"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Store keeps what a Model registers, so the model survives a restart.
// It is a log: the model appends one Commit per registration (and per run
// of the scheduler) and replays them at Open (through [StateLoader], if the
// store has it). The model does all the
// validation and indexing; a store only has to be durable and atomic,
// which is what a SQL store (a table per record type, one transaction per
// commit) does well.
//
// The text a store gets outside objects (a registration's actor and note,
// subscriber names) is what the model has checked: valid UTF-8 without
// control characters. Objects' attributes are to be kept byte for byte.
//
// Implementations must be safe for concurrent use. The conformance kit
// is orgmodel/storetest.
type Store interface {
	// Load calls fn with every commit, oldest first. It stops at the first
	// error fn returns, and returns it.
	Load(ctx context.Context, fn func(Commit) error) error
	// Commit stores c durably and atomically: after a crash, either all of
	// it or none of it is there.
	Commit(ctx context.Context, c Commit) error
	// Events returns up to limit events with Seq greater than after, in
	// order.
	Events(ctx context.Context, after uint64, limit int) ([]Event, error)
	// Cursor returns the position a subscriber acknowledged last (0 if
	// none).
	Cursor(ctx context.Context, name string) (uint64, error)
	// SetCursor records a subscriber's acknowledged position. A position
	// below the stored one is ignored: acknowledgements may arrive out of
	// order, and an event must never be skipped.
	SetCursor(ctx context.Context, name string, pos uint64) error
	// Close releases the store.
	Close() error
}

// StateLoader is an optional interface of a Store that keeps checkpoints:
// a compacted copy of the registrations, without the events, which Open
// reads instead of the whole log. A model needs every registration (it is
// bitemporal), but not the events once they are delivered, nor one read
// per commit, which is what makes a long history slow to load.
type StateLoader interface {
	// LoadState calls fn with every commit that holds a registration,
	// oldest first; the commits may carry no events. It returns the Seq of
	// the last event stored and the last day the scheduler fired (the
	// largest Commit.Scheduled stored), which is all of the rest that Open
	// needs.
	LoadState(ctx context.Context, fn func(Commit) error) (lastEvent uint64, scheduled timeline.Date, err error)
}

// Commit is one atomic write to a Store.
type Commit struct {
	// Registration is the registration the versions belong to; nil for a
	// commit of scheduled events only.
	Registration *Registration
	// Versions are the objects as the registration left them.
	Versions []Version
	// Events are the events the commit gives rise to, in Seq order.
	Events []Event
	// Scheduled is the last day the scheduler has fired events for, if
	// the commit moves it (0 otherwise).
	Scheduled timeline.Date
}
