package orgmodel

import (
	"bytes"
	"cmp"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Graph is the org on one day, as one View knows it: the tree of units,
// who is employed where, and who manages whom. Every query follows the
// model's indexes from the object asked about, so it costs the depth of the
// tree or the size of its answer, never a scan of the model.
//
// A Graph is a small value that remembers what it has worked out about
// units, so asking one graph many questions is cheaper than asking many
// graphs one each; make one per day you ask about, and share it. It is
// safe for concurrent use.
type Graph struct {
	v    View
	day  timeline.Date
	memo *graphMemo
}

// Day returns the day the graph shows.
func (g Graph) Day() timeline.Date { return g.day }

// View returns the view the graph reads.
func (g Graph) View() View { return g.v }

func (g Graph) rlock() func() {
	g.v.m.mu.RLock()
	return g.v.m.mu.RUnlock
}

// get returns the object's attributes on the graph's day if it is of kind
// k and valid then. The caller holds the read lock.
func (g Graph) get(id uuid.UUID, k Kind) (Info, Attrs, bool) {
	if id == uuid.Nil {
		return Info{}, nil, false
	}
	return g.getRec(g.v.m.records[id], k)
}

// getRec is get for a record found through an index.
func (g Graph) getRec(r *record, k Kind) (Info, Attrs, bool) {
	if r == nil {
		return Info{}, nil, false
	}
	o := r.at(g.v.reg)
	if o == nil || o.Kind != k {
		return Info{}, nil, false
	}
	return info(o, g.day)
}

// attrs is get without the Info, for the hot paths of the queries that
// only look at attributes on their way to an answer.
func (g Graph) attrs(r *record, k Kind) (Attrs, bool) {
	if r == nil {
		return nil, false
	}
	o := r.at(g.v.reg)
	if o == nil || o.Kind != k {
		return nil, false
	}
	return o.Timeline.At(g.day)
}

// one reads object id as a T on the graph's day, if it is of kind k and
// valid then. The caller holds the read lock.
func one[A Attrs, T any](g Graph, id uuid.UUID, k Kind, mk func(Info, A) T) (T, bool) {
	in, a, ok := g.get(id, k)
	if !ok {
		var zero T
		return zero, false
	}
	return mk(in, a.(A)), true
}

// pointing returns, as Ts, the objects of kind k that point at target on
// the graph's day and that keep says point at it in the way asked about.
// The caller holds the read lock.
func pointing[A Attrs, T any](g Graph, target uuid.UUID, k Kind, keep func(A) bool, mk func(Info, A) T) []T {
	var out []T
	for _, r := range g.v.m.records[target].referrers(k) {
		in, a, ok := g.getRec(r, k)
		if ok && keep(a.(A)) {
			out = append(out, mk(in, a.(A)))
		}
	}
	return out
}

func mkPerson(in Info, a PersonAttrs) Person             { return Person{in, a} }
func mkUnit(in Info, a UnitAttrs) Unit                   { return Unit{in, a} }
func mkEngagement(in Info, a EngagementAttrs) Engagement { return Engagement{in, a} }
func mkManager(in Info, a ManagerAttrs) Manager          { return Manager{in, a} }
func mkAccount(in Info, a AccountAttrs) Account          { return Account{in, a} }
func mkAddress(in Info, a AddressAttrs) Address          { return Address{in, a} }
func mkLeave(in Info, a LeaveAttrs) Leave                { return Leave{in, a} }
func mkAssociation(in Info, a AssociationAttrs) Association {
	return Association{in, a}
}

// Person returns the person, and false if it is not valid on the day.
func (g Graph) Person(id uuid.UUID) (Person, bool) {
	defer g.rlock()()
	return one(g, id, KindPerson, mkPerson)
}

// Unit returns the unit, and false if it is not valid on the day.
func (g Graph) Unit(id uuid.UUID) (Unit, bool) {
	defer g.rlock()()
	return g.unit(id)
}

func (g Graph) unit(id uuid.UUID) (Unit, bool) { return one(g, id, KindUnit, mkUnit) }

// Engagement returns the engagement, and false if it is not valid on the
// day.
func (g Graph) Engagement(id uuid.UUID) (Engagement, bool) {
	defer g.rlock()()
	return one(g, id, KindEngagement, mkEngagement)
}

// Manager returns the manager role, and false if it is not valid on the
// day.
func (g Graph) Manager(id uuid.UUID) (Manager, bool) {
	defer g.rlock()()
	return one(g, id, KindManager, mkManager)
}

// Account returns the account, and false if it is not valid on the day.
func (g Graph) Account(id uuid.UUID) (Account, bool) {
	defer g.rlock()()
	return one(g, id, KindAccount, mkAccount)
}

// Parent returns the unit's parent, and false for a root or a unit not
// valid on the day.
func (g Graph) Parent(unit uuid.UUID) (Unit, bool) {
	defer g.rlock()()
	u, ok := g.unit(unit)
	if !ok {
		return Unit{}, false
	}
	return g.unit(u.Parent)
}

// Ancestors returns the unit's ancestors, nearest first, ending at its
// root.
func (g Graph) Ancestors(unit uuid.UUID) []Unit {
	defer g.rlock()()
	var out []Unit
	u, ok := g.unit(unit)
	for ok && u.Parent != uuid.Nil {
		u, ok = g.unit(u.Parent)
		if ok {
			out = append(out, u)
		}
	}
	return out
}

// Roots returns the units without a parent on the day, by name.
func (g Graph) Roots() []Unit {
	defer g.rlock()()
	var out []Unit
	for _, id := range g.v.m.idx.roots {
		if u, ok := g.unit(id); ok && u.Parent == uuid.Nil {
			out = append(out, u)
		}
	}
	sortUnits(out)
	return out
}

// Children returns the unit's children, by name.
func (g Graph) Children(unit uuid.UUID) []Unit {
	defer g.rlock()()
	return g.children(unit)
}

func (g Graph) children(unit uuid.UUID) []Unit {
	var out []Unit
	for _, r := range g.v.m.records[unit].referrers(KindUnit) {
		if a, ok := g.attrs(r, KindUnit); ok && a.(UnitAttrs).Parent == unit {
			if u, ok := g.unit(r.id); ok {
				out = append(out, u)
			}
		}
	}
	sortUnits(out)
	return out
}

// Subtree returns the unit and every unit below it, breadth first: the
// unit, its children by name, their children, and so on.
func (g Graph) Subtree(unit uuid.UUID) []Unit {
	defer g.rlock()()
	u, ok := g.unit(unit)
	if !ok {
		return nil
	}
	out := []Unit{u}
	for i := 0; i < len(out); i++ {
		out = append(out, g.children(out[i].ID)...)
	}
	return out
}

func sortUnits(us []Unit) {
	slices.SortFunc(us, func(a, b Unit) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.UserKey, b.UserKey), compareUUID(a.ID, b.ID))
	})
}

func compareUUID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }
