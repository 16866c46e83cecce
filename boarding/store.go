package boarding

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/internal/shorten"
)

// Store keeps orders and their audit log. Implementations are safe for
// concurrent use. The in-memory twin is MemStore; boardingdb keeps them
// in the state database; boardingtest is the suite both pass.
type Store interface {
	// Create stores a new order with the entries of its making. An order
	// whose Key another order has is not stored: Create returns
	// *DuplicateError naming that order, so an order placed twice is
	// one order.
	Create(ctx context.Context, o *Order, log []AuditEntry) error
	// Get returns the order, or ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (*Order, error)
	// Update stores the order as changed from version prev (the Version
	// it had when read) with the entries of the change, or fails with
	// ErrConflict, storing nothing, if another writer changed it since.
	Update(ctx context.Context, o *Order, prev int, log []AuditEntry) error
	// List returns the orders the query selects, oldest first.
	List(ctx context.Context, q Query) ([]Order, error)
	// Audit returns an order's audit log, in the order it was written.
	Audit(ctx context.Context, id uuid.UUID) ([]AuditEntry, error)
}

// Query selects orders. Its zero value selects every order.
type Query struct {
	// States keeps orders in one of these states; Open keeps those in a
	// state that is not terminal.
	States []OrderState
	// Open keeps the orders not yet over.
	Open bool
	// Person keeps one person's orders.
	Person uuid.UUID
	// Unit keeps one unit's orders.
	Unit uuid.UUID
	// Kind keeps one kind.
	Kind OrderKind
	// Key keeps the order with this idempotency key.
	Key string
	// Due keeps the orders with work for the dispatcher (Order.Due).
	Due bool
	// Unmatched keeps the orders for a pending hire not yet matched to a
	// person in the org model.
	Unmatched bool
	// Limit caps the number returned (0: no cap).
	Limit int
}

// matches reports whether the query selects o.
func (q Query) matches(o *Order) bool {
	switch {
	case q.Open && o.State.Terminal():
		return false
	case len(q.States) > 0 && !slices.Contains(q.States, o.State):
		return false
	case q.Person != uuid.Nil && o.Person != q.Person:
		return false
	case q.Unit != uuid.Nil && o.Unit != q.Unit:
		return false
	case q.Kind != "" && o.Kind != q.Kind:
		return false
	case q.Key != "" && o.Key != q.Key:
		return false
	case q.Due && !o.Due():
		return false
	case q.Unmatched && o.Person != uuid.Nil:
		return false
	}
	return true
}

// Matches reports whether the query selects o (for stores that filter in
// Go).
func (q Query) Matches(o *Order) bool { return q.matches(o) }

// ErrNotFound matches a Get or Audit of an order the store does not hold.
var ErrNotFound = errors.New("boarding: no such order")

// ErrConflict matches an Update of an order someone else changed since it
// was read: read it again and redo the change.
var ErrConflict = errors.New("boarding: the order was changed by someone else since it was read")

// DuplicateError is a Create of an order whose idempotency key another
// order has: that order is the one placed.
type DuplicateError struct {
	// Key is the key; Existing the order that has it.
	Key string
	// Existing is the order already placed with the key.
	Existing uuid.UUID
}

// Error says which order has the key.
func (e *DuplicateError) Error() string {
	return "boarding: an order with the key " + clip(e.Key) + " exists: " + e.Existing.String()
}

// CheckNew checks an order before a store keeps it: an id, a key, a
// kind, a state, and a Version of at least 1 (Do, Satisfy and Close
// count; a new draft starts at 1).
func CheckNew(o *Order) error {
	switch {
	case o.ID == uuid.Nil:
		return errors.New("boarding: an order needs an id")
	case o.Key == "" || len(o.Key) > 200:
		return errors.New("boarding: an order needs an idempotency key of at most 200 bytes")
	case o.Kind != Onboard && o.Kind != Change && o.Kind != Offboard:
		return errors.New("boarding: an order's kind is onboard, change or offboard")
	case o.State == "":
		return errors.New("boarding: an order needs a state")
	case o.Created.IsZero():
		return errors.New("boarding: an order needs its time of creation")
	}
	return nil
}

// clone returns a copy of o that shares nothing with it.
func clone(o *Order) *Order {
	c := *o
	c.Roles = append([]string(nil), o.Roles...)
	c.Prerequisites = append([]Prerequisite(nil), o.Prerequisites...)
	c.Tasks = append([]Task(nil), o.Tasks...)
	c.Told = append([]string(nil), o.Told...)
	for i := range c.Tasks {
		c.Tasks[i].Assets = append([]uuid.UUID(nil), o.Tasks[i].Assets...)
	}
	if o.Pending != nil {
		p := *o.Pending
		c.Pending = &p
	}
	return &c
}

// Clone returns a copy of o that shares nothing with it.
func (o *Order) Clone() *Order { return clone(o) }

func clip(s string) string { return shorten.To(s, 60) }
