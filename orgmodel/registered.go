package orgmodel

import (
	"slices"
	"sort"

	"github.com/google/uuid"
)

// Registered returns the ids of the objects of kind k that registrations
// first to last (inclusive) wrote a version of, deleted ones included,
// sorted by id. It is what a report by registration time starts from: the
// objects to look at, each then read with History. It scans the model
// once, as View.All does.
func (m *Model) Registered(k Kind, first, last uint64) []uuid.UUID {
	if first < 1 {
		first = 1
	}
	m.mu.RLock()
	var out []uuid.UUID
	for _, r := range m.records {
		if !r.of(k) {
			continue
		}
		vs := r.versions
		// The versions are in registration order: the first at or after
		// first decides.
		i := sort.Search(len(vs), func(i int) bool { return vs[i].reg >= first })
		if i < len(vs) && vs[i].reg <= last {
			out = append(out, r.id)
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, compareUUID)
	return out
}

// of reports whether the record holds an object of kind k: every version
// of an object has its kind, a deletion none.
func (r *record) of(k Kind) bool {
	for _, v := range r.versions {
		if v.obj != nil {
			return v.obj.Kind == k
		}
	}
	return false
}
