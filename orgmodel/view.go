package orgmodel

import (
	"iter"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// View is the model as it was known right after one registration: later
// registrations are invisible to it. Views are cheap values; the latest
// view ([Model.Latest]) is the one most callers want, and the ones before
// it answer "what did we know then", which hire and termination reports
// and audits depend on.
type View struct {
	m   *Model
	reg uint64
}

// Registration returns the registration the view is pinned to; the zero
// Registration for a view of the empty model.
func (v View) Registration() Registration {
	if v.reg == 0 {
		return Registration{}
	}
	v.m.mu.RLock()
	defer v.m.mu.RUnlock()
	return v.m.regs[v.reg-1]
}

// object returns the object as the view knows it, or nil, taking the read
// lock for the lookup. Objects are immutable once registered, so the
// pointer stays good after the lock is released.
func (v View) object(id uuid.UUID) *Object {
	v.m.mu.RLock()
	defer v.m.mu.RUnlock()
	return v.objectLocked(id)
}

// objectLocked is object for a caller that holds the read lock.
func (v View) objectLocked(id uuid.UUID) *Object {
	if r := v.m.records[id]; r != nil {
		return r.at(v.reg)
	}
	return nil
}

// Object returns the object with its whole validity history, and false if
// the view does not know it (never created, or deleted).
func (v View) Object(id uuid.UUID) (Object, bool) {
	if o := v.object(id); o != nil {
		return *o, true
	}
	return Object{}, false
}

// PersonByNationalID returns the id of the person with national id c.
func (v View) PersonByNationalID(c CPR) (uuid.UUID, bool) {
	if c.IsZero() {
		return uuid.Nil, false
	}
	v.m.mu.RLock()
	defer v.m.mu.RUnlock()
	for _, id := range v.m.idx.nationalIDs[c] {
		if o := v.objectLocked(id); o != nil && holds(o, c) {
			return id, true
		}
	}
	return uuid.Nil, false
}

// Lookup returns the objects of the kind with the user key.
func (v View) Lookup(k Kind, key string) []uuid.UUID {
	v.m.mu.RLock()
	defer v.m.mu.RUnlock()
	var out []uuid.UUID
	for _, id := range v.m.idx.userKeys[userKey{k, key}] {
		if o := v.objectLocked(id); o != nil && o.UserKey == key {
			out = append(out, id)
		}
	}
	return out
}

// Owned returns the objects the source created and the view knows, in the
// order they were created.
func (v View) Owned(source string) []Object {
	v.m.mu.RLock()
	defer v.m.mu.RUnlock()
	ids := v.m.idx.sources[source]
	out := make([]Object, 0, len(ids))
	for _, id := range ids {
		if o := v.objectLocked(id); o != nil {
			out = append(out, *o)
		}
	}
	return out
}

// At returns the org graph on day d, as the view knows it.
func (v View) At(d timeline.Date) Graph {
	return Graph{v: v, day: d, memo: &graphMemo{units: make(map[*record]*unitNode)}}
}

// Today returns the org graph on the day instant now falls on in the
// model's zone.
func (v View) Today(now time.Time) Graph { return v.At(v.m.opts.Zone.Date(now)) }

// All yields every object of kind k the view knows, in no particular
// order. It is a scan of the whole model, for bulk work such as loading an
// index of every username ever held; queries should use a Graph.
func (v View) All(k Kind) iter.Seq[Object] {
	return func(yield func(Object) bool) {
		v.m.mu.RLock()
		var objs []*Object
		for _, r := range v.m.records {
			if o := r.at(v.reg); o != nil && o.Kind == k {
				objs = append(objs, o)
			}
		}
		v.m.mu.RUnlock()
		for _, o := range objs {
			if !yield(*o) {
				return
			}
		}
	}
}

// PointingAt returns every object of kind k that points at id on some day
// of its history, as the view knows it, by id: a unit's engagements,
// manager roles or child units over all time; a person's engagements. It
// is the whole-history counterpart of Graph.Referrers, for rules that
// reason over time ranges rather than one day, and costs the number of
// objects that ever pointed at id.
func (v View) PointingAt(id uuid.UUID, k Kind) []Object {
	v.m.mu.RLock()
	defer v.m.mu.RUnlock()
	var out []Object
	var buf [4]ref
	for _, rec := range v.m.records[id].referrers(k) {
		o := rec.at(v.reg)
		if o == nil || o.Kind != k {
			continue
		}
	spans:
		for sp := range o.Timeline.All() {
			for _, r := range sp.Value.refs(buf[:0]) {
				if r.id == id {
					out = append(out, *o)
					break spans
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Object) int { return compareUUID(a.ID, b.ID) })
	return out
}
