package rules

import (
	"bytes"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// world is the model as the rules see it during one run: the view, with
// the histories the rules have written so far laid over it. Later rules
// read what earlier ones wrote; the model itself is untouched until the
// result is applied.
type world struct {
	v       orgmodel.View
	r       timeline.Interval
	put     map[uuid.UUID]*orgmodel.Object
	order   []uuid.UUID            // ids in the order first written
	by      map[uuid.UUID]string   // id → the rule that first wrote it
	pointed map[target][]uuid.UUID // what written objects point at
	// touched are the persons whose engagements or roles a rule changed,
	// for the rules after it in a run scoped to some persons.
	touched map[uuid.UUID]bool
	// cache holds pointing's answers: every rule reads each person's
	// engagements, and the view's lookup takes its lock and walks
	// versions. A write drops the answers it could change.
	cache map[target][]orgmodel.Object
}

type target struct {
	id   uuid.UUID
	kind orgmodel.Kind
}

func newWorld(v orgmodel.View, r timeline.Interval) *world {
	return &world{
		v: v, r: r,
		put:     make(map[uuid.UUID]*orgmodel.Object),
		by:      make(map[uuid.UUID]string),
		pointed: make(map[target][]uuid.UUID),
		touched: make(map[uuid.UUID]bool),
		cache:   make(map[target][]orgmodel.Object),
	}
}

// object returns the object as the run sees it.
func (w *world) object(id uuid.UUID) (orgmodel.Object, bool) {
	if o, ok := w.put[id]; ok {
		return *o, true
	}
	return w.v.Object(id)
}

// at returns the object's attributes on day d, as the run sees them.
func (w *world) at(id uuid.UUID, d timeline.Date) (orgmodel.Attrs, bool) {
	o, ok := w.object(id)
	if !ok {
		return nil, false
	}
	return o.Timeline.At(d)
}

// unitAt returns a unit's attributes on day d.
func (w *world) unitAt(id uuid.UUID, d timeline.Date) (orgmodel.UnitAttrs, bool) {
	a, ok := w.at(id, d)
	u, isUnit := a.(orgmodel.UnitAttrs)
	return u, ok && isUnit
}

// pointing returns the objects of kind k that point at id on some day, as
// the run sees them, by id. The slice is shared: do not change it.
func (w *world) pointing(id uuid.UUID, k orgmodel.Kind) []orgmodel.Object {
	t := target{id, k}
	if out, ok := w.cache[t]; ok {
		return out
	}
	out := w.lookup(id, k)
	w.cache[t] = out
	return out
}

// lookup is pointing without the cache.
func (w *world) lookup(id uuid.UUID, k orgmodel.Kind) []orgmodel.Object {
	base := w.v.PointingAt(id, k)
	extra := w.pointed[target{id, k}]
	if len(extra) == 0 && len(w.put) == 0 {
		return base
	}
	out := base[:0:0]
	seen := make(map[uuid.UUID]bool, len(base)+len(extra))
	for _, o := range base {
		seen[o.ID] = true
		if p, ok := w.put[o.ID]; ok {
			if !pointsAt(p, id) {
				continue
			}
			o = *p
		}
		out = append(out, o)
	}
	for _, xid := range extra {
		if seen[xid] {
			continue
		}
		seen[xid] = true
		if p := w.put[xid]; p != nil && pointsAt(p, id) {
			out = append(out, *p)
		}
	}
	if len(extra) > 0 {
		slices.SortFunc(out, func(a, b orgmodel.Object) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	}
	return out
}

// pointsAt reports whether o points at id on some day.
func pointsAt(o *orgmodel.Object, id uuid.UUID) bool {
	for sp := range o.Timeline.All() {
		if slices.Contains(refsOf(sp.Value), id) {
			return true
		}
	}
	return false
}

// refsOf lists the objects attributes point at, for the kinds the rules
// write.
func refsOf(a orgmodel.Attrs) []uuid.UUID {
	switch x := a.(type) {
	case orgmodel.EngagementAttrs:
		return []uuid.UUID{x.Person, x.Unit, x.SourceUnit}
	case orgmodel.ManagerAttrs:
		return []uuid.UUID{x.Unit, x.Person, x.Engagement}
	}
	return nil
}

// write replaces the days of w.r in o's history with want (clipped to the
// range; its gaps there become gaps), keeps the days outside the range,
// and records the result if it differs. It reports whether it did.
func (w *world) write(rule string, o orgmodel.Object, want timeline.Timeline[orgmodel.Attrs]) bool {
	next := o.Timeline.Clear(w.r)
	for sp := range want.Clip(w.r).All() {
		next = next.Set(sp.Interval, sp.Value)
	}
	if next.Equal(o.Timeline) {
		return false
	}
	for _, tl := range []timeline.Timeline[orgmodel.Attrs]{o.Timeline, next} {
		for sp := range tl.All() {
			for _, ref := range refsOf(sp.Value) {
				delete(w.cache, target{ref, o.Kind})
			}
			switch x := sp.Value.(type) {
			case orgmodel.EngagementAttrs:
				w.touched[x.Person] = true
			case orgmodel.ManagerAttrs:
				if x.Person != uuid.Nil {
					w.touched[x.Person] = true
				}
			}
		}
	}
	if _, ok := w.put[o.ID]; !ok {
		w.order = append(w.order, o.ID)
		w.by[o.ID] = rule
	}
	o.Timeline = next
	w.put[o.ID] = &o
	for sp := range next.All() {
		for _, ref := range refsOf(sp.Value) {
			if ref == uuid.Nil {
				continue
			}
			t := target{ref, o.Kind}
			if l := w.pointed[t]; len(l) == 0 || l[len(l)-1] != o.ID {
				if !slices.Contains(l, o.ID) {
					w.pointed[t] = append(l, o.ID)
				}
			}
		}
	}
	return true
}

// changes returns the change set that takes the view to the run's world,
// and which rule wrote each object.
func (w *world) changes() (*orgmodel.ChangeSet, map[uuid.UUID]string) {
	cs := &orgmodel.ChangeSet{}
	for _, id := range w.order {
		o := w.put[id]
		have, ok := w.v.Object(id)
		switch {
		case !ok && o.Timeline.IsEmpty():
		case !ok:
			cs.Create(*o)
		default:
			cs.Rewrite(id, have.Timeline, o.Timeline)
		}
	}
	return cs, w.by
}
