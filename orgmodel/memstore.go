package orgmodel

import (
	"context"
	"sort"
	"sync"
)

// MemStore is the in-memory Store: the embedded default for tests, demos
// and hosts that rebuild the model from their sources at start. It keeps
// everything until the process ends.
type MemStore struct {
	mu      sync.Mutex
	commits []Commit
	events  []Event
	cursors map[string]uint64
	closed  bool
}

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore { return &MemStore{cursors: make(map[string]uint64)} }

// Load calls fn with every commit, oldest first.
func (s *MemStore) Load(ctx context.Context, fn func(Commit) error) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	commits := append([]Commit(nil), s.commits...)
	s.mu.Unlock()
	for _, c := range commits {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// Commit appends c.
func (s *MemStore) Commit(ctx context.Context, c Commit) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	// Copy the slices: the caller's must not alias the log.
	c.Versions = append([]Version(nil), c.Versions...)
	c.Events = append([]Event(nil), c.Events...)
	if c.Registration != nil {
		r := *c.Registration
		c.Registration = &r
	}
	s.commits = append(s.commits, c)
	s.events = append(s.events, c.Events...)
	return nil
}

// Events returns up to limit events after the position.
func (s *MemStore) Events(ctx context.Context, after uint64, limit int) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	i := sort.Search(len(s.events), func(i int) bool { return s.events[i].Seq > after })
	j := min(len(s.events), i+max(limit, 0))
	return append([]Event(nil), s.events[i:j]...), nil
}

// Cursor returns a subscriber's position.
func (s *MemStore) Cursor(ctx context.Context, name string) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ErrClosed
	}
	return s.cursors[name], nil
}

// SetCursor records a subscriber's position, never moving it backwards.
func (s *MemStore) SetCursor(ctx context.Context, name string, pos uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if pos > s.cursors[name] {
		s.cursors[name] = pos
	}
	return nil
}

// Close marks the store closed; later calls fail with ErrClosed.
func (s *MemStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}
