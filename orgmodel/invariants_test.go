package orgmodel

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// checkInvariants scans the whole latest model and returns the first
// broken invariant: timelines canonical and of one kind, every reference
// valid over the span that makes it, no unit its own ancestor on any day,
// no national id on two persons, and the indexes a superset of the truth.
// It is for tests: it is a scan.
func (m *Model) checkInvariants() error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	cprs := map[CPR]uuid.UUID{}
	var buf [4]ref
	for id, r := range m.records {
		o := r.latest()
		if o == nil {
			continue
		}
		if o.ID != id {
			return fmt.Errorf("record %s holds object %s", id, o.ID)
		}
		canon, err := timeline.New(o.Timeline.Spans()...)
		if err != nil || !canon.Equal(o.Timeline) {
			return fmt.Errorf("%s: timeline not canonical: %v", id, err)
		}
		for sp := range o.Timeline.All() {
			if sp.Value.Kind() != o.Kind {
				return fmt.Errorf("%s: %s attributes on a %s", id, sp.Value.Kind(), o.Kind)
			}
			if p := sp.Value.check(); p != nil {
				return fmt.Errorf("%s: %s %s", id, p.field, p.detail)
			}
			for _, x := range sp.Value.refs(buf[:0]) {
				t := m.records[x.id]
				if t == nil || t.latest() == nil {
					return fmt.Errorf("%s: dangling %s %s", id, x.field, x.id)
				}
				if t.latest().Kind != x.kind || !t.latest().Timeline.Covers(sp.Interval) {
					return fmt.Errorf("%s: %s %s not valid over %s", id, x.field, x.id, sp.Interval)
				}
				if !slices.Contains(m.records[x.id].referrers(o.Kind), r) {
					return fmt.Errorf("%s: reference to %s missing from the index", id, x.id)
				}
			}
			if pa, ok := sp.Value.(PersonAttrs); ok && !pa.NationalID.IsZero() {
				if other, dup := cprs[pa.NationalID]; dup && other != id {
					return fmt.Errorf("%s and %s share a national id", id, other)
				}
				cprs[pa.NationalID] = id
			}
		}
		if o.Kind == KindUnit {
			for _, day := range o.Timeline.Endpoints() {
				cur, steps := id, 0
				for cur != uuid.Nil {
					a, ok := m.records[cur].latest().Timeline.At(day)
					if !ok {
						break
					}
					cur = a.(UnitAttrs).Parent
					if cur == id {
						return fmt.Errorf("%s is its own ancestor on %s", id, day)
					}
					if steps++; steps > len(m.records) {
						return fmt.Errorf("endless parent chain from %s on %s", id, day)
					}
				}
			}
		}
	}
	return nil
}
