package intake

import (
	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
)

// WithNationalIDs returns snap without its persons that have no national
// id on any day, and without every object that refers to one of them (an
// engagement, a leave, a manager role, an account…), and how many persons
// it left out. A payroll record needs a national id, so a snapshot that
// holds persons without one (foreign consultants in the synthetic
// municipality, say) goes through WithNationalIDs before ExportPayroll.
func WithNationalIDs(snap orgmodel.Snapshot) (orgmodel.Snapshot, int) {
	gone := map[uuid.UUID]bool{}
	for _, o := range snap.Objects {
		if o.Kind != orgmodel.KindPerson {
			continue
		}
		missing := false
		for i := range o.Timeline.Len() {
			if p, ok := o.Timeline.Span(i).Value.(orgmodel.PersonAttrs); ok && p.NationalID.IsZero() {
				missing = true
			}
		}
		if missing {
			gone[o.ID] = true
		}
	}
	if len(gone) == 0 {
		return snap, 0
	}
	out := orgmodel.Snapshot{Source: snap.Source, Objects: make([]orgmodel.Object, 0, len(snap.Objects))}
	for _, o := range snap.Objects {
		if gone[o.ID] || refersTo(o, gone) {
			continue
		}
		out.Objects = append(out.Objects, o)
	}
	return out, len(gone)
}

// refersTo reports whether any span of o names one of the persons.
func refersTo(o orgmodel.Object, persons map[uuid.UUID]bool) bool {
	for i := range o.Timeline.Len() {
		var p uuid.UUID
		switch a := o.Timeline.Span(i).Value.(type) {
		case orgmodel.EngagementAttrs:
			p = a.Person
		case orgmodel.LeaveAttrs:
			p = a.Person
		case orgmodel.ManagerAttrs:
			p = a.Person
		case orgmodel.AssociationAttrs:
			p = a.Person
		case orgmodel.AccountAttrs:
			p = a.Person
		case orgmodel.AddressAttrs:
			p = a.Person
		}
		if persons[p] {
			return true
		}
	}
	return false
}
