package orgmodel

import (
	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// index holds what the graph queries look up instead of scanning the model.
// It only grows: an entry says "this object pointed at that one in some
// version", and a query checks the version it reads. That keeps the index
// right for every registration a view can be pinned to, at the price of
// stale entries after moves, which are rare.
type index struct {
	// referrers maps (target, kind of referrer) to the objects of that
	// kind that point at target.
	referrers map[refKey][]uuid.UUID
	edges     map[edge]struct{}
	// nationalIDs maps a CPR number to the persons that held it.
	nationalIDs map[CPR][]uuid.UUID
	// userKeys maps (kind, user key) to objects.
	userKeys map[userKey][]uuid.UUID
	// sources maps a source to the objects it created.
	sources map[string][]uuid.UUID
	// roots lists units that had no parent in some span.
	roots    []uuid.UUID
	rootSeen map[uuid.UUID]struct{}
	// boundaries maps a day to the objects whose timelines start, change
	// or end on it, for the scheduler.
	boundaries map[timeline.Date][]uuid.UUID
	boundSeen  map[bound]struct{}
}

type refKey struct {
	target uuid.UUID
	kind   Kind
}

type edge struct{ from, to uuid.UUID }

type userKey struct {
	kind Kind
	key  string
}

type bound struct {
	day timeline.Date
	id  uuid.UUID
}

func newIndex() index {
	return index{
		referrers:   make(map[refKey][]uuid.UUID),
		edges:       make(map[edge]struct{}),
		nationalIDs: make(map[CPR][]uuid.UUID),
		userKeys:    make(map[userKey][]uuid.UUID),
		sources:     make(map[string][]uuid.UUID),
		rootSeen:    make(map[uuid.UUID]struct{}),
		boundaries:  make(map[timeline.Date][]uuid.UUID),
		boundSeen:   make(map[bound]struct{}),
	}
}

// add indexes one version of an object.
func (x *index) add(o *Object, isNew bool) {
	if isNew && o.Source != "" {
		x.sources[o.Source] = append(x.sources[o.Source], o.ID)
	}
	if o.UserKey != "" {
		k := userKey{o.Kind, o.UserKey}
		if ids := x.userKeys[k]; len(ids) == 0 || ids[len(ids)-1] != o.ID {
			if !containsID(ids, o.ID) {
				x.userKeys[k] = append(ids, o.ID)
			}
		}
	}
	var buf [4]ref
	for sp := range o.Timeline.All() {
		for _, r := range sp.Value.refs(buf[:0]) {
			e := edge{o.ID, r.id}
			if _, ok := x.edges[e]; ok {
				continue
			}
			x.edges[e] = struct{}{}
			k := refKey{r.id, o.Kind}
			x.referrers[k] = append(x.referrers[k], o.ID)
		}
		switch a := sp.Value.(type) {
		case PersonAttrs:
			if !a.NationalID.IsZero() && !containsID(x.nationalIDs[a.NationalID], o.ID) {
				x.nationalIDs[a.NationalID] = append(x.nationalIDs[a.NationalID], o.ID)
			}
		case UnitAttrs:
			if a.Parent == uuid.Nil {
				if _, ok := x.rootSeen[o.ID]; !ok {
					x.rootSeen[o.ID] = struct{}{}
					x.roots = append(x.roots, o.ID)
				}
			}
		}
	}
	for _, d := range o.Timeline.Endpoints() {
		b := bound{d, o.ID}
		if _, ok := x.boundSeen[b]; !ok {
			x.boundSeen[b] = struct{}{}
			x.boundaries[d] = append(x.boundaries[d], o.ID)
		}
	}
}

func containsID(ids []uuid.UUID, id uuid.UUID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
