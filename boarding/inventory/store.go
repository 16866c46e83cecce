package inventory

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"
)

// Store keeps assets and their histories. Implementations are safe for
// concurrent use. The in-memory twin is MemStore; inventorydb keeps them
// in the state database; inventorytest is the suite both pass.
type Store interface {
	// Add stores a new asset with the entries of its registration. An
	// asset whose kind and serial another asset has, or whose id is
	// taken, is not stored: Add returns *DuplicateError naming that
	// asset. An asset CheckAsset refuses is not stored either.
	Add(ctx context.Context, a *Asset, log []Entry) error
	// Get returns the asset, or ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (*Asset, error)
	// Update stores the asset as changed from version prev (the Version
	// it had when read; its Version now must be higher) with the
	// entries of the change, or fails with ErrConflict, storing nothing,
	// if another writer changed it since. Kind and serial do not change
	// (*InvalidError).
	Update(ctx context.Context, a *Asset, prev int, log []Entry) error
	// List returns the assets the query selects, by kind and then
	// serial, each compared byte by byte.
	List(ctx context.Context, q Query) ([]Asset, error)
	// History returns an asset's entries in the order they were written,
	// or ErrNotFound.
	History(ctx context.Context, id uuid.UUID) ([]Entry, error)
}

// Query selects assets. Its zero value selects every asset.
type Query struct {
	// Kinds keeps assets of one of these kinds.
	Kinds []string
	// Statuses keeps assets in one of these statuses.
	Statuses []Status
	// Holder keeps the assets one person holds.
	Holder uuid.UUID
	// Unit keeps the assets handed out in one unit.
	Unit uuid.UUID
	// Limit caps the number returned (0 or less: no cap).
	Limit int
}

// Matches reports whether the query selects a (for stores that filter
// in Go).
func (q Query) Matches(a *Asset) bool {
	switch {
	case len(q.Kinds) > 0 && !slices.Contains(q.Kinds, a.Kind):
		return false
	case len(q.Statuses) > 0 && !slices.Contains(q.Statuses, a.Status):
		return false
	case q.Holder != uuid.Nil && a.Holder != q.Holder:
		return false
	case q.Unit != uuid.Nil && a.Unit != q.Unit:
		return false
	}
	return true
}

// Compare orders assets as List returns them: by kind, then by serial,
// byte by byte.
func Compare(a, b *Asset) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Serial, b.Serial))
}

// ErrNotFound matches a Get, Update or History of an asset the store
// does not hold.
var ErrNotFound = errors.New("inventory: no such asset")

// ErrConflict matches an Update of an asset someone else changed since
// it was read: read it again and redo the change.
var ErrConflict = errors.New("inventory: the asset was changed by someone else since it was read")

// DuplicateError is an Add of an asset whose kind and serial, or id,
// another asset has.
type DuplicateError struct {
	// Kind and Serial are the new asset's.
	Kind string
	// Serial is the serial taken.
	Serial string
	// Existing is the asset that has them.
	Existing uuid.UUID
}

// Error says which asset has the serial.
func (e *DuplicateError) Error() string {
	return "inventory: the " + clip(e.Kind) + " with the serial " + clip(e.Serial) + " is registered: " + e.Existing.String()
}
