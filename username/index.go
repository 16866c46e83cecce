package username

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// Index is an in-memory set of taken names: the fast path of generation,
// so a candidate costs a map lookup instead of a directory round trip. It
// is loaded once (LoadDirectory, or Add from any source) and kept current
// (a Follower reading the directory's change feed). It is safe for
// concurrent use.
//
// Claim slices are never changed in place once stored: Add appends past
// their end and removal builds new ones, so holdingsOf can hand a slice to
// a reader without copying and the reader's view stays valid.
type Index struct {
	mu    sync.RWMutex
	names map[string][]Holding
	// byHolder maps a holder to the names it has claims on, so replacing
	// an account's names costs its own claims, not a walk of the index.
	byHolder map[string][]string
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{names: make(map[string][]Holding), byHolder: make(map[string][]string)}
}

// Add records a claim on name.
func (x *Index) Add(name string, h Holding) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.add(strings.ToLower(name), h)
}

// add records a claim on a lower-case name; x.mu is held.
func (x *Index) add(name string, h Holding) {
	if name == "" {
		return
	}
	hs := x.names[name]
	if slices.Contains(hs, h) {
		return
	}
	x.names[name] = append(hs, h)
	if h.Holder != "" && !slices.Contains(x.byHolder[h.Holder], name) {
		x.byHolder[h.Holder] = append(x.byHolder[h.Holder], name)
	}
}

// Remove drops every claim of holder on name in the place where.
func (x *Index) Remove(holder string, where Where, name string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.drop(strings.ToLower(name), func(h Holding) bool { return h.Holder == holder && h.Where == where })
	x.forget(holder)
}

// drop removes the claims on name that match; x.mu is held.
func (x *Index) drop(name string, match func(Holding) bool) {
	hs := x.names[name]
	if !slices.ContainsFunc(hs, match) {
		return
	}
	var out []Holding // a new slice, never hs compacted
	for _, h := range hs {
		if !match(h) {
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		delete(x.names, name)
		return
	}
	x.names[name] = out
}

// forget drops the names from holder's list that it no longer has claims
// on; x.mu is held.
func (x *Index) forget(holder string) {
	names := x.byHolder[holder]
	var keep []string
	for _, n := range names {
		if slices.ContainsFunc(x.names[n], func(h Holding) bool { return h.Holder == holder }) {
			keep = append(keep, n)
		}
	}
	if len(keep) == 0 {
		delete(x.byHolder, holder)
		return
	}
	x.byHolder[holder] = keep
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
// must not be changed; it stays valid after the lock is released (see
// Index).
func (x *Index) holdingsOf(name []byte) []Holding {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.names[string(name)]
}
