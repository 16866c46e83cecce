package orgmodel

import (
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// index holds what the graph queries look up instead of scanning the model,
// besides the referrer lists kept on each record. It only grows: an entry
// says "this object had this in some version", and a query checks the
// version it reads. That keeps the index
// right for every registration a view can be pinned to, at the price of
// stale entries after moves, which are rare.
type index struct {
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
		nationalIDs: make(map[CPR][]uuid.UUID),
		userKeys:    make(map[userKey][]uuid.UUID),
		sources:     make(map[string][]uuid.UUID),
		rootSeen:    make(map[uuid.UUID]struct{}),
		boundaries:  make(map[timeline.Date][]uuid.UUID),
		boundSeen:   make(map[bound]struct{}),
	}
}

// add indexes one version of an object.
func (x *index) add(records map[uuid.UUID]*record, o *Object, rec *record, isNew bool) {
	if isNew && o.Source != "" {
		x.sources[o.Source] = append(x.sources[o.Source], o.ID)
	}
	if o.UserKey != "" {
		k := userKey{o.Kind, o.UserKey}
		if ids := x.userKeys[k]; len(ids) == 0 || ids[len(ids)-1] != o.ID {
			if !slices.Contains(ids, o.ID) {
				x.userKeys[k] = append(ids, o.ID)
			}
		}
	}
	var buf [4]ref
	for sp := range o.Timeline.All() {
		for _, r := range sp.Value.refs(buf[:0]) {
			t := records[r.id]
			if t == nil {
				continue // cannot happen: references are validated
			}
			if t.in == nil {
				t.in = new([kindCount][]*record)
			}
			// A new object is listed at most at the end, by an earlier
			// span of its own (nothing else is indexed in between); an
			// old one is looked for in the target's list, which costs
			// its length.
			list := t.in[o.Kind]
			if n := len(list); isNew && n > 0 && list[n-1] == rec || !isNew && slices.Contains(list, rec) {
				continue
			}
			t.in[o.Kind] = append(t.in[o.Kind], rec)
		}
		switch a := sp.Value.(type) {
		case PersonAttrs:
			if !a.NationalID.IsZero() && !slices.Contains(x.nationalIDs[a.NationalID], o.ID) {
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
