package modelfile

import (
	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
)

// lookup resolves the reference text of a field (elem: its index in an
// array field, or -1) to an id; "" gives uuid.Nil.
type lookup func(field string, elem int, text string) (uuid.UUID, error)

// toAttrs returns the attributes of kind k that a span holds. Together
// with fromAttrs it is the one place that maps the file's fields to the
// model's; a field added to an *Attrs type must be added to both, to
// spanJSON and kindFields, and to the all-fields test.
func toAttrs(k orgmodel.Kind, sp *pendingSpan, look lookup) (orgmodel.Attrs, error) {
	v := &sp.v
	var err error
	ref := func(field, text string) uuid.UUID {
		if err != nil {
			return uuid.Nil
		}
		var id uuid.UUID
		id, err = look(field, -1, text)
		return id
	}
	var a orgmodel.Attrs
	switch k {
	case orgmodel.KindPerson:
		a = orgmodel.PersonAttrs{
			GivenNames:         v.GivenNames,
			Surname:            v.Surname,
			NicknameGivenNames: v.NicknameGivenNames,
			NicknameSurname:    v.NicknameSurname,
			NationalID:         sp.cpr,
		}
	case orgmodel.KindUnit:
		a = orgmodel.UnitAttrs{Name: v.Name, Parent: ref("parent", v.Parent), Type: v.Type, Level: v.Level, Hierarchy: v.Hierarchy}
	case orgmodel.KindEngagement:
		a = orgmodel.EngagementAttrs{
			Person:           ref("person", v.Person),
			Unit:             ref("unit", v.Unit),
			EmploymentNumber: v.EmploymentNumber,
			JobFunction:      v.JobFunction,
			Type:             v.Type,
			Fraction:         v.Fraction,
			Primary:          v.Primary,
			PrimaryBy:        v.PrimaryBy,
			SourceUnit:       ref("source_unit", v.SourceUnit),
			PlacedBy:         v.PlacedBy,
		}
	case orgmodel.KindManager:
		a = orgmodel.ManagerAttrs{
			Unit:             ref("unit", v.Unit),
			Person:           ref("person", v.Person),
			Engagement:       ref("engagement", v.Engagement),
			Type:             v.Type,
			Level:            v.Level,
			Responsibilities: orgmodel.NewKeys(v.Responsibilities...),
		}
	case orgmodel.KindAssociation:
		a = orgmodel.AssociationAttrs{Person: ref("person", v.Person), Unit: ref("unit", v.Unit), Type: v.Type}
	case orgmodel.KindRelatedUnits:
		var r orgmodel.RelatedUnitsAttrs
		for i := 0; i < len(v.Units) && i < 2 && err == nil; i++ {
			r.Units[i], err = look("units", i, v.Units[i])
		}
		a = r
	case orgmodel.KindAccount:
		a = orgmodel.AccountAttrs{
			System:     v.System,
			Username:   v.Username,
			ExternalID: v.ExternalID,
			Person:     ref("person", v.Person),
			Unit:       ref("unit", v.Unit),
			Engagement: ref("engagement", v.Engagement),
		}
	case orgmodel.KindAddress:
		a = orgmodel.AddressAttrs{
			Type:       v.Type,
			Value:      v.Value,
			Person:     ref("person", v.Person),
			Unit:       ref("unit", v.Unit),
			Engagement: ref("engagement", v.Engagement),
		}
	case orgmodel.KindLeave:
		a = orgmodel.LeaveAttrs{Person: ref("person", v.Person), Engagement: ref("engagement", v.Engagement), Type: v.Type}
	}
	return a, err
}

// fromAttrs returns the span fields for a, references as uuids. It leaves
// From and To to the caller.
func fromAttrs(a orgmodel.Attrs) spanJSON {
	ref := func(id uuid.UUID) string {
		if id == uuid.Nil {
			return ""
		}
		return id.String()
	}
	var v spanJSON
	switch a := a.(type) {
	case orgmodel.PersonAttrs:
		v.GivenNames, v.Surname = a.GivenNames, a.Surname
		v.NicknameGivenNames, v.NicknameSurname = a.NicknameGivenNames, a.NicknameSurname
		v.NationalID = a.NationalID.Reveal()
	case orgmodel.UnitAttrs:
		v.Name, v.Parent, v.Type, v.Level, v.Hierarchy = a.Name, ref(a.Parent), a.Type, a.Level, a.Hierarchy
	case orgmodel.EngagementAttrs:
		v.Person, v.Unit, v.SourceUnit = ref(a.Person), ref(a.Unit), ref(a.SourceUnit)
		v.EmploymentNumber, v.JobFunction, v.Type = a.EmploymentNumber, a.JobFunction, a.Type
		v.Fraction, v.Primary, v.PrimaryBy, v.PlacedBy = a.Fraction, a.Primary, a.PrimaryBy, a.PlacedBy
	case orgmodel.ManagerAttrs:
		v.Unit, v.Person, v.Engagement = ref(a.Unit), ref(a.Person), ref(a.Engagement)
		v.Type, v.Level, v.Responsibilities = a.Type, a.Level, a.Responsibilities.All()
	case orgmodel.AssociationAttrs:
		v.Person, v.Unit, v.Type = ref(a.Person), ref(a.Unit), a.Type
	case orgmodel.RelatedUnitsAttrs:
		// Both, even a nil one: the pair is positional.
		v.Units = []string{a.Units[0].String(), a.Units[1].String()}
	case orgmodel.AccountAttrs:
		v.System, v.Username, v.ExternalID = a.System, a.Username, a.ExternalID
		v.Person, v.Unit, v.Engagement = ref(a.Person), ref(a.Unit), ref(a.Engagement)
	case orgmodel.AddressAttrs:
		v.Type, v.Value = a.Type, a.Value
		v.Person, v.Unit, v.Engagement = ref(a.Person), ref(a.Unit), ref(a.Engagement)
	case orgmodel.LeaveAttrs:
		v.Person, v.Engagement, v.Type = ref(a.Person), ref(a.Engagement), a.Type
	}
	return v
}
