package orgmodel

import (
	"cmp"
	"slices"
	"sync"
)

// graphMemo remembers, for one Graph, what it has worked out about units:
// their parent and their manager roles on the graph's day. A graph is
// pinned to a registration and a day, so what it learns never goes stale.
// It turns the manager walk of 50,000 persons into small-map lookups
// instead of a timeline search per unit per person.
type graphMemo struct {
	mu    sync.Mutex
	units map[*record]*unitNode
}

// unitNode is a unit on the graph's day.
type unitNode struct {
	valid    bool      // the unit is valid on the day
	parent   *record   // nil for a root
	managers []Manager // the roles directly in the unit, by user key; shared: never hand it out
}

// node returns what the graph knows of the unit, working it out the first
// time. The caller holds the model's read lock.
func (g Graph) node(rec *record) *unitNode {
	if g.memo != nil {
		g.memo.mu.Lock()
		n := g.memo.units[rec]
		g.memo.mu.Unlock()
		if n != nil {
			return n
		}
	}
	n := &unitNode{}
	a, ok := g.attrs(rec, KindUnit)
	if ok {
		n.valid = true
		n.parent = g.v.m.records[a.(UnitAttrs).Parent]
		for _, r := range rec.referrers(KindManager) {
			ma, ok := g.attrs(r, KindManager)
			if !ok || ma.(ManagerAttrs).Unit != rec.id {
				continue
			}
			in, _, _ := g.getRec(r, KindManager)
			n.managers = append(n.managers, Manager{in, ma.(ManagerAttrs)})
		}
		slices.SortFunc(n.managers, func(a, b Manager) int {
			return cmp.Or(cmp.Compare(a.UserKey, b.UserKey), compareUUID(a.ID, b.ID))
		})
	}
	if g.memo != nil {
		g.memo.mu.Lock()
		g.memo.units[rec] = n
		g.memo.mu.Unlock()
	}
	return n
}
