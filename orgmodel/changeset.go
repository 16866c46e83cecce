package orgmodel

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// OpType is the type of one operation in a change set.
type OpType uint8

// The operations.
const (
	// OpCreate adds a new object with its timeline.
	OpCreate OpType = iota + 1
	// OpUpdate changes some attributes over an interval, on the days the
	// object is valid; "update from a date" is an open-ended interval.
	OpUpdate
	// OpSet writes whole attributes over an interval, making the object
	// valid there if it was not; source import uses it to bring history
	// in line.
	OpSet
	// OpClear makes the object not valid over an interval; "terminate at
	// a date" clears from that date on. History before it is kept.
	OpClear
	// OpDelete removes the object as if it had never been valid. It is for
	// mistakes: the registration history still shows it.
	OpDelete
)

var opNames = [...]string{OpCreate: "create", OpUpdate: "update", OpSet: "set", OpClear: "clear", OpDelete: "delete"}

// String returns the operation's name.
func (t OpType) String() string {
	if t >= OpCreate && t <= OpDelete {
		return opNames[t]
	}
	return fmt.Sprintf("OpType(%d)", uint8(t))
}

// Op is one operation of a change set.
type Op struct {
	// Type is what the operation does.
	Type OpType
	// ID is the object operated on.
	ID uuid.UUID
	// Object is the object to create (OpCreate).
	Object Object
	// Interval is where an update, set or clear applies.
	Interval timeline.Interval
	// Patch is the update (OpUpdate).
	Patch Patch
	// Attrs are the attributes to write (OpSet).
	Attrs Attrs
}

// String describes the operation without personal data.
func (op Op) String() string {
	switch op.Type {
	case OpCreate:
		return fmt.Sprintf("create %s %s %q: %d span(s)", op.Object.Kind, op.ID, clipText(op.Object.UserKey), op.Object.Timeline.Len())
	case OpUpdate:
		return fmt.Sprintf("update %s %s on %s", op.Patch.Kind(), op.ID, op.Interval)
	case OpSet:
		return fmt.Sprintf("set %s %s on %s", op.Attrs.Kind(), op.ID, op.Interval)
	case OpClear:
		if op.Interval.IsOpen() {
			return fmt.Sprintf("terminate %s from %s", op.ID, op.Interval.From)
		}
		return fmt.Sprintf("clear %s on %s", op.ID, op.Interval)
	case OpDelete:
		return fmt.Sprintf("delete %s", op.ID)
	}
	return op.Type.String()
}

// ChangeSet is a list of operations that the model validates as a whole
// and applies atomically, or not at all. Several operations may name the
// same object; they apply in order. The zero ChangeSet is empty and ready
// to use. A ChangeSet is not safe for concurrent use.
type ChangeSet struct {
	ops []Op
}

// Create adds the creation of o and returns its id, which is o.ID or, if
// that is uuid.Nil, a new random id. A zero o.Kind is taken from the first
// span.
func (cs *ChangeSet) Create(o Object) uuid.UUID {
	if o.ID == uuid.Nil {
		o.ID = uuid.New()
	}
	if o.Kind == 0 && o.Timeline.Len() > 0 {
		if a := o.Timeline.Span(0).Value; a != nil {
			o.Kind = a.Kind()
		}
	}
	cs.ops = append(cs.ops, Op{Type: OpCreate, ID: o.ID, Object: o})
	return o.ID
}

// Add creates an object made by hand (no source) that holds attrs over
// iv, and returns its new id. An invalid iv is reported when the change set
// is applied.
func (cs *ChangeSet) Add(userKey string, iv timeline.Interval, attrs Attrs) uuid.UUID {
	return cs.AddAs(uuid.New(), userKey, "", iv, attrs)
}

// AddAs is Add with a chosen id and source.
func (cs *ChangeSet) AddAs(id uuid.UUID, userKey, source string, iv timeline.Interval, attrs Attrs) uuid.UUID {
	o := Object{ID: id, UserKey: userKey, Source: source}
	if attrs != nil {
		o.Kind = attrs.Kind()
	}
	cs.ops = append(cs.ops, Op{Type: OpCreate, ID: id, Object: o, Interval: iv, Attrs: attrs})
	return id
}

// Update changes the fields p sets, on the days of iv on which the object
// is valid; the object must be valid on iv.From. Use timeline.Since(d) to
// update from day d on.
func (cs *ChangeSet) Update(id uuid.UUID, iv timeline.Interval, p Patch) {
	cs.ops = append(cs.ops, Op{Type: OpUpdate, ID: id, Interval: iv, Patch: p})
}

// Set writes attrs over iv, whatever the object held there.
func (cs *ChangeSet) Set(id uuid.UUID, iv timeline.Interval, attrs Attrs) {
	cs.ops = append(cs.ops, Op{Type: OpSet, ID: id, Interval: iv, Attrs: attrs})
}

// Terminate ends the object's validity at day at: it is not valid on at
// or after. The object must be valid on some day from at on.
func (cs *ChangeSet) Terminate(id uuid.UUID, at timeline.Date) {
	cs.Clear(id, timeline.Since(at))
}

// Clear makes the object not valid on the days of iv. It must be valid on
// some of them.
func (cs *ChangeSet) Clear(id uuid.UUID, iv timeline.Interval) {
	cs.ops = append(cs.ops, Op{Type: OpClear, ID: id, Interval: iv})
}

// Delete removes the object. Use it for mistakes only; terminate what has
// ended.
func (cs *ChangeSet) Delete(id uuid.UUID) {
	cs.ops = append(cs.ops, Op{Type: OpDelete, ID: id})
}

// Append adds the operations of other, in order.
func (cs *ChangeSet) Append(other *ChangeSet) { cs.ops = append(cs.ops, other.ops...) }

// Filter returns a change set of the operations keep accepts, in order.
func (cs *ChangeSet) Filter(keep func(Op) bool) *ChangeSet {
	out := &ChangeSet{}
	for _, op := range cs.ops {
		if keep(op) {
			out.ops = append(out.ops, op)
		}
	}
	return out
}

// Ops returns the operations in order.
func (cs *ChangeSet) Ops() []Op { return append([]Op(nil), cs.ops...) }

// Len returns the number of operations.
func (cs *ChangeSet) Len() int { return len(cs.ops) }

// IsEmpty reports whether the change set has no operations.
func (cs *ChangeSet) IsEmpty() bool { return len(cs.ops) == 0 }

// String lists the operations, one per line, without personal data.
func (cs *ChangeSet) String() string {
	var b strings.Builder
	for i, op := range cs.ops {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(op.String())
	}
	return b.String()
}

// Rewrite appends the operations that turn the object's timeline have into
// want (Sets and Clears on the days that differ; neighbouring changes to
// the same new value become one Set), and reports whether there were any.
// It is how Import and the org rules write whole desired histories as the
// smallest change.
func (cs *ChangeSet) Rewrite(id uuid.UUID, have, want timeline.Timeline[Attrs]) bool {
	changes := timeline.Diff(have, want)
	for i := 0; i < len(changes); i++ {
		c := changes[i]
		iv := c.Interval
		for i+1 < len(changes) && changes[i+1].From == iv.To && changes[i+1].HasNew == c.HasNew && changes[i+1].New == c.New {
			i++
			iv.To = changes[i].To
		}
		if c.HasNew {
			cs.Set(id, iv, c.New)
		} else {
			cs.Clear(id, iv)
		}
	}
	return len(changes) > 0
}
