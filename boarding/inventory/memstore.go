package inventory

import (
	"context"
	"slices"
	"sync"

	"github.com/google/uuid"
)

// MemStore is the in-memory Store, for tests and the embedded default.
type MemStore struct {
	mu      sync.Mutex
	assets  map[uuid.UUID]*Asset
	serials map[serialKey]uuid.UUID
	history map[uuid.UUID][]Entry
}

// serialKey is what must be unique: a kind and a serial.
type serialKey struct{ kind, serial string }

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{assets: map[uuid.UUID]*Asset{}, serials: map[serialKey]uuid.UUID{}, history: map[uuid.UUID][]Entry{}}
}

// Add stores a new asset.
func (s *MemStore) Add(ctx context.Context, a *Asset, log []Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := CheckAsset(a); err != nil {
		return err
	}
	if err := CheckEntries(a.ID, log); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := serialKey{a.Kind, a.Serial}
	if id, ok := s.serials[key]; ok {
		return &DuplicateError{Kind: a.Kind, Serial: a.Serial, Existing: id}
	}
	if _, ok := s.assets[a.ID]; ok {
		return &DuplicateError{Kind: a.Kind, Serial: a.Serial, Existing: a.ID}
	}
	s.assets[a.ID] = a.Clone()
	s.serials[key] = a.ID
	s.history[a.ID] = slices.Clone(log)
	return nil
}

// Get returns a copy of the asset.
func (s *MemStore) Get(ctx context.Context, id uuid.UUID) (*Asset, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.assets[id]
	if !ok {
		return nil, ErrNotFound
	}
	return a.Clone(), nil
}

// Update stores the asset if it is still at version prev.
func (s *MemStore) Update(ctx context.Context, a *Asset, prev int, log []Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := CheckUpdate(a, prev, log); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.assets[a.ID]
	switch {
	case !ok:
		return ErrNotFound
	case cur.Kind != a.Kind || cur.Serial != a.Serial:
		return ErrFixed
	case cur.Version != prev:
		return ErrConflict
	}
	s.assets[a.ID] = a.Clone()
	s.history[a.ID] = append(s.history[a.ID], log...)
	return nil
}

// List returns copies of the assets the query selects.
func (s *MemStore) List(ctx context.Context, q Query) ([]Asset, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	var out []Asset
	for _, a := range s.assets {
		if q.Matches(a) {
			out = append(out, *a)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Asset) int { return Compare(&a, &b) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// History returns a copy of the asset's entries.
func (s *MemStore) History(ctx context.Context, id uuid.UUID) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.assets[id]; !ok {
		return nil, ErrNotFound
	}
	return slices.Clone(s.history[id]), nil
}
