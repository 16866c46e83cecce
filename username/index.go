package username

import (
	"context"
	"strings"
	"sync"
)

// Index is an in-memory set of taken names: the fast path of generation,
// so a candidate costs a map lookup instead of a directory round trip. It
// is loaded once (LoadDirectory, or Add from any source) and kept current
// (Follow with a directory's change feed). It is safe for concurrent use.
type Index struct {
	mu    sync.RWMutex
	names map[string][]Holding
}

// NewIndex returns an empty index.
func NewIndex() *Index { return &Index{names: make(map[string][]Holding)} }

// Add records a claim on name.
func (x *Index) Add(name string, h Holding) {
	name = strings.ToLower(name)
	if name == "" {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, o := range x.names[name] {
		if o == h {
			return
		}
	}
	x.names[name] = append(x.names[name], h)
}

// Remove drops every claim of holder in the place where.
func (x *Index) Remove(holder string, where Where, name string) {
	name = strings.ToLower(name)
	x.mu.Lock()
	defer x.mu.Unlock()
	// A new slice, never the old one compacted: holdingsOf hands out the
	// old one to readers without copying.
	hs := x.names[name]
	var out []Holding
	for _, h := range hs {
		if !(h.Holder == holder && h.Where == where) {
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		delete(x.names, name)
		return
	}
	x.names[name] = out
}

// Len returns the number of names with a claim.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.names)
}

// Holdings returns the claims on name.
func (x *Index) Holdings(_ context.Context, name string) ([]Holding, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	hs := x.names[strings.ToLower(name)]
	if len(hs) == 0 {
		return nil, nil
	}
	return append([]Holding(nil), hs...), nil
}

// holdingsOf returns the claims on name without copying them. The slice
// must not be changed; Add only appends past its end and Remove makes a
// new one, so it stays valid after the lock is released.
func (x *Index) holdingsOf(name []byte) []Holding {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.names[string(name)]
}
