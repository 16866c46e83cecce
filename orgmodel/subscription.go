package orgmodel

import (
	"context"
	"fmt"
)

// Subscription delivers the model's events to one named subscriber, at
// least once: it starts after the last event the subscriber acknowledged
// (in the store, so across restarts), and an event fetched but not
// acknowledged before a crash is delivered again. Handlers must therefore
// be idempotent; events carry ids only, so a handler re-reads the state it
// needs and reconciles.
//
// A Subscription is for one goroutine; run several subscribers with
// several names.
type Subscription struct {
	m    *Model
	name string
	pos  uint64 // last event handed out
	buf  []Event
	init bool
}

// Subscribe returns the subscription of the subscriber called name.
func (m *Model) Subscribe(name string) (*Subscription, error) {
	if p := checkText("subscriber", name, true); p != nil {
		return nil, fmt.Errorf("orgmodel: subscriber name %s", p.detail)
	}
	return &Subscription{m: m, name: name}, nil
}

// Next returns the next event, waiting for one if there is none yet, until
// ctx ends.
func (s *Subscription) Next(ctx context.Context) (Event, error) {
	if !s.init {
		pos, err := s.m.store.Cursor(ctx, s.name)
		if err != nil {
			return Event{}, err
		}
		s.pos, s.init = pos, true
	}
	for len(s.buf) == 0 {
		// Take the wake channel before reading, so an event appended
		// between the read and the wait is not missed.
		s.m.mu.RLock()
		wake := s.m.wake
		s.m.mu.RUnlock()
		evs, err := s.m.store.Events(ctx, s.pos, 256)
		if err != nil {
			return Event{}, err
		}
		if len(evs) > 0 {
			s.buf = evs
			break
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return Event{}, ctx.Err()
		}
	}
	e := s.buf[0]
	s.buf = s.buf[1:]
	s.pos = e.Seq
	return e, nil
}

// Ack records that the subscriber has handled every event up to and
// including e, so they are not delivered again after a restart.
func (s *Subscription) Ack(ctx context.Context, e Event) error {
	return s.m.store.SetCursor(ctx, s.name, e.Seq)
}

// StartAtPresent positions a subscriber that has never acknowledged an
// event after the model's last event, so that it handles only what
// happens from now on: a notifier added to a model that already holds a
// municipality's history must not mail about all of it. For a subscriber
// with a position it does nothing. It reports whether it moved the
// subscriber.
func (s *Subscription) StartAtPresent(ctx context.Context) (bool, error) {
	pos, err := s.m.store.Cursor(ctx, s.name)
	if err != nil || pos > 0 {
		return false, err
	}
	s.m.mu.RLock()
	last := s.m.lastEvent
	s.m.mu.RUnlock()
	if last == 0 {
		return false, nil
	}
	if err := s.m.store.SetCursor(ctx, s.name, last); err != nil {
		return false, err
	}
	s.pos, s.init, s.buf = last, true, nil
	return true, nil
}
