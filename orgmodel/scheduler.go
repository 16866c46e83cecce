package orgmodel

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Clock is the time source of the scheduler. Nothing in orgsync reads the
// wall clock directly, so tests of future-dated behaviour run with a fake
// clock in milliseconds.
type Clock interface {
	// Now returns the current instant.
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Tick emits the events of every validity that started, changed or ended
// on a day after the last one fired, up to and including the day now falls
// on in the model's zone: a termination registered today for next month
// fires on that day. The first Tick of a model fires the day of now only;
// registration events already told subscribers about everything before.
//
// The events and the new high-water day are committed together, so a
// crash between two ticks neither loses nor repeats a day. It returns the
// number of events emitted.
func (m *Model) Tick(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	today := m.opts.Zone.Date(now)
	m.mu.Lock()
	defer m.mu.Unlock()
	from := m.scheduled + 1
	if m.scheduled == 0 {
		from = today
	}
	if from > today {
		return 0, nil
	}
	latest := uint64(len(m.regs))
	var events []Event
	for d := from; d <= today; d++ {
		ids := slices.Clone(m.idx.boundaries[d])
		slices.SortFunc(ids, compareUUID)
		for _, id := range ids {
			if e, ok := m.boundaryEvent(id, d, latest); ok {
				e.Seq = m.lastEvent + uint64(len(events)) + 1
				events = append(events, e)
			}
		}
	}
	if err := m.store.Commit(ctx, Commit{Events: events, Scheduled: today}); err != nil {
		return 0, fmt.Errorf("orgmodel: store: %w", err)
	}
	m.scheduled = today
	m.lastEvent += uint64(len(events))
	if len(events) > 0 {
		m.notify()
	}
	return len(events), nil
}

// boundaryEvent returns the event for object id on day d, if its latest
// version starts, changes or ends validity then. The boundary index is a
// superset, so this checks.
func (m *Model) boundaryEvent(id uuid.UUID, d timeline.Date, reg uint64) (Event, bool) {
	o := m.records[id].latest()
	if o == nil {
		return Event{}, false
	}
	_, validNow := o.Timeline.At(d)
	_, validBefore := o.Timeline.At(d - 1)
	e := Event{Kind: o.Kind, ID: id, Registration: reg, Day: d}
	switch {
	case validNow && !validBefore:
		e.Type = EventStarted
	case !validNow && validBefore:
		e.Type = EventEnded
	case validNow && validBefore:
		if sp, _ := o.Timeline.SpanAt(d); sp.From != d {
			return Event{}, false
		}
		e.Type = EventChanged
	default:
		return Event{}, false
	}
	e.Owner, e.OwnerKind = objectOwner(*o, d-1)
	if validNow {
		e.Owner, e.OwnerKind = objectOwner(*o, d)
	}
	return e, true
}

// RunScheduler calls Tick at every start of a day in the model's zone (and
// once at once), until ctx ends. Errors are returned to onError, if set,
// and the scheduler tries again a minute later.
func (m *Model) RunScheduler(ctx context.Context, clock Clock, onError func(error)) error {
	for {
		wait := time.Minute
		if _, err := m.Tick(ctx, clock.Now()); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if onError != nil {
				onError(err)
			}
		} else {
			now := clock.Now()
			next := m.opts.Zone.Start(m.opts.Zone.Date(now) + 1)
			wait = max(next.Sub(now), time.Millisecond)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-clock.After(wait):
		}
	}
}
