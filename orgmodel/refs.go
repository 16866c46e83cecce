package orgmodel

import (
	"cmp"
	"slices"

	"github.com/google/uuid"
)

// Ref is an object that points at another, and how.
type Ref struct {
	// Kind and ID name the object that points.
	Kind Kind
	// ID is the pointing object's id.
	ID uuid.UUID
	// Field is the attribute that points ("parent", "unit", "person"…).
	Field string
}

// Referrers returns every object that points at id on the day: a unit's
// children, engagements, manager roles, associations, links, accounts and
// addresses; a person's engagements, roles, accounts, addresses and
// leaves; an engagement's roles, accounts, addresses and leaves. They come
// by kind, then id.
func (g Graph) Referrers(id uuid.UUID) []Ref {
	defer g.rlock()()
	var out []Ref
	var buf [4]ref
	for _, k := range Kinds() {
		for _, rec := range g.v.m.records[id].referrers(k) {
			rid := rec.id
			a, ok := g.attrs(rec, k)
			if !ok {
				continue
			}
			for _, r := range a.refs(buf[:0]) {
				if r.id == id {
					out = append(out, Ref{Kind: k, ID: rid, Field: r.field})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Ref) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), compareUUID(a.ID, b.ID), cmp.Compare(a.Field, b.Field))
	})
	return out
}

// RelatedUnits returns the units linked to the unit on the day.
func (g Graph) RelatedUnits(unit uuid.UUID) []Unit {
	defer g.rlock()()
	var out []Unit
	for _, r := range g.v.m.records[unit].referrers(KindRelatedUnits) {
		_, a, ok := g.getRec(r, KindRelatedUnits)
		if !ok {
			continue
		}
		p := a.(RelatedUnitsAttrs).Units
		other := p[0]
		if other == unit {
			other = p[1]
		} else if p[1] != unit {
			continue
		}
		if u, ok := g.unit(other); ok {
			out = append(out, u)
		}
	}
	sortUnits(out)
	return out
}

// Accounts returns the accounts of a person or, for service accounts, a
// unit on the day, by system and username.
func (g Graph) Accounts(owner uuid.UUID) []Account {
	defer g.rlock()()
	out := pointing(g, owner, KindAccount, func(a AccountAttrs) bool { return a.Person == owner || a.Unit == owner }, mkAccount)
	slices.SortFunc(out, func(a, b Account) int {
		return cmp.Or(cmp.Compare(a.System, b.System), cmp.Compare(a.Username, b.Username), compareUUID(a.ID, b.ID))
	})
	return out
}

// Addresses returns the addresses of a person or unit on the day, by type
// and value.
func (g Graph) Addresses(owner uuid.UUID) []Address {
	defer g.rlock()()
	out := pointing(g, owner, KindAddress, func(a AddressAttrs) bool { return a.Person == owner || a.Unit == owner }, mkAddress)
	slices.SortFunc(out, func(a, b Address) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Value, b.Value), compareUUID(a.ID, b.ID))
	})
	return out
}

// Associations returns the associations of a person or unit on the day,
// by type.
func (g Graph) Associations(of uuid.UUID) []Association {
	defer g.rlock()()
	out := pointing(g, of, KindAssociation, func(a AssociationAttrs) bool { return a.Person == of || a.Unit == of }, mkAssociation)
	slices.SortFunc(out, func(a, b Association) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), compareUUID(a.ID, b.ID))
	})
	return out
}

// Leaves returns the leaves of a person, or from an engagement, on the
// day, by type.
func (g Graph) Leaves(of uuid.UUID) []Leave {
	defer g.rlock()()
	out := pointing(g, of, KindLeave, func(a LeaveAttrs) bool { return a.Person == of || a.Engagement == of }, mkLeave)
	slices.SortFunc(out, func(a, b Leave) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), compareUUID(a.ID, b.ID))
	})
	return out
}
