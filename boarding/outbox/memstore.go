package outbox

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// MemStore is the outbox in memory: the embedded default and the twin of
// the database's. It keeps every key it has seen, so its dedup holds for
// the life of the process.
type MemStore struct {
	mu      sync.Mutex
	entries map[string]*Entry
	order   []string // keys in the order queued
	held    map[string]*heldNotice
}

// heldNotice is a notice held for a digest, or released with one.
type heldNotice struct {
	Held
	released bool
}

var (
	_ Store   = (*MemStore)(nil)
	_ Digests = (*MemStore)(nil)
)

// NewMemStore returns an empty outbox.
func NewMemStore() *MemStore {
	return &MemStore{entries: map[string]*Entry{}, held: map[string]*heldNotice{}}
}

// Enqueue queues the messages with new keys.
func (s *MemStore) Enqueue(ctx context.Context, at time.Time, msgs ...connectors.Message) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	for i := range msgs {
		if err := connectors.CheckMessage(&msgs[i]); err != nil {
			return 0, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enqueue(at, msgs), nil
}

// enqueue queues the messages with new keys; the caller holds the lock.
func (s *MemStore) enqueue(at time.Time, msgs []connectors.Message) int {
	n := 0
	for _, m := range msgs {
		if _, ok := s.entries[m.Key]; ok {
			continue
		}
		s.entries[m.Key] = &Entry{Message: m.Clone(), State: Queued, QueuedAt: at, NextAttempt: at}
		s.order = append(s.order, m.Key)
		n++
	}
	return n
}

// Due returns the queued messages due at now.
func (s *MemStore) Due(ctx context.Context, now time.Time, limit int) ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []Entry
	for _, k := range s.order {
		if e := s.entries[k]; e.State == Queued && !e.NextAttempt.After(now) {
			due = append(due, copyEntry(e))
		}
	}
	sort.SliceStable(due, func(i, j int) bool { return due[i].NextAttempt.Before(due[j].NextAttempt) })
	if len(due) > limit {
		due = due[:max(limit, 0)]
	}
	return due, ctx.Err()
}

func (s *MemStore) get(key string, want State) (*Entry, error) {
	e, ok := s.entries[key]
	if !ok || (want != 0 && e.State != want) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKey, key)
	}
	return e, nil
}

// MarkSent records a send.
func (s *MemStore) MarkSent(ctx context.Context, key string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.get(key, 0)
	if err != nil {
		return err
	}
	e.State, e.SentAt, e.LastError = Sent, at, ""
	e.Attempts++
	return nil
}

// MarkRetry records a failed attempt.
func (s *MemStore) MarkRetry(ctx context.Context, key string, next time.Time, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.get(key, Queued)
	if err != nil {
		return err
	}
	e.Attempts++
	e.NextAttempt, e.LastError = next, reason
	return nil
}

// MarkFailed parks a message.
func (s *MemStore) MarkFailed(ctx context.Context, key string, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.get(key, Queued)
	if err != nil {
		return err
	}
	e.Attempts++
	e.State, e.LastError = Failed, reason
	return nil
}

// Requeue makes a failed message due again.
func (s *MemStore) Requeue(ctx context.Context, key string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.get(key, Failed)
	if err != nil {
		return err
	}
	e.State, e.Attempts, e.NextAttempt = Queued, 0, at
	return nil
}

// List returns entries in a state.
func (s *MemStore) List(ctx context.Context, state State, limit int) ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Entry
	for _, k := range s.order {
		if e := s.entries[k]; (state == 0 || e.State == state) && len(out) < limit {
			out = append(out, copyEntry(e))
		}
	}
	return out, ctx.Err()
}

// Next returns when the next queued message is due.
func (s *MemStore) Next(ctx context.Context) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var next time.Time
	found := false
	for _, e := range s.entries {
		if e.State == Queued && (!found || e.NextAttempt.Before(next)) {
			next, found = e.NextAttempt, true
		}
	}
	return next, found, ctx.Err()
}

func copyEntry(e *Entry) Entry {
	c := *e
	c.Message = e.Message.Clone()
	return c
}
