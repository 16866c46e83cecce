package boarding

import (
	"context"
	"slices"
	"sync"

	"github.com/google/uuid"
)

// MemStore is the in-memory Store, for tests and the embedded default.
type MemStore struct {
	mu     sync.Mutex
	orders map[uuid.UUID]*Order
	order  []uuid.UUID // creation order
	keys   map[string]uuid.UUID
	audit  map[uuid.UUID][]AuditEntry
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{orders: map[uuid.UUID]*Order{}, keys: map[string]uuid.UUID{}, audit: map[uuid.UUID][]AuditEntry{}}
}

// Create stores a new order.
func (s *MemStore) Create(ctx context.Context, o *Order, log []AuditEntry) error {
	if err := CheckNew(o); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.keys[o.Key]; ok {
		return &DuplicateError{Key: o.Key, Existing: id}
	}
	if _, ok := s.orders[o.ID]; ok {
		return &DuplicateError{Key: o.Key, Existing: o.ID}
	}
	s.orders[o.ID] = clone(o)
	s.order = append(s.order, o.ID)
	s.keys[o.Key] = o.ID
	s.audit[o.ID] = append(s.audit[o.ID], log...)
	return nil
}

// Get returns a copy of the order.
func (s *MemStore) Get(ctx context.Context, id uuid.UUID) (*Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return nil, ErrNotFound
	}
	return clone(o), nil
}

// Update stores the order if it is still at version prev.
func (s *MemStore) Update(ctx context.Context, o *Order, prev int, log []AuditEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.orders[o.ID]
	if !ok {
		return ErrNotFound
	}
	if cur.Version != prev || cur.Key != o.Key {
		return ErrConflict
	}
	s.orders[o.ID] = clone(o)
	s.audit[o.ID] = append(s.audit[o.ID], log...)
	return nil
}

// List returns the orders the query selects, in creation order.
func (s *MemStore) List(ctx context.Context, q Query) ([]Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Order
	for _, id := range s.order {
		if o := s.orders[id]; q.matches(o) {
			out = append(out, *clone(o))
			if q.Limit > 0 && len(out) == q.Limit {
				break
			}
		}
	}
	return out, nil
}

// Audit returns the order's log.
func (s *MemStore) Audit(ctx context.Context, id uuid.UUID) ([]AuditEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.orders[id]; !ok {
		return nil, ErrNotFound
	}
	return slices.Clone(s.audit[id]), nil
}
