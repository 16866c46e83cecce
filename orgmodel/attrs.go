package orgmodel

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Attrs is the attribute set of one kind of object over one span of its
// timeline. The implementations are the *Attrs types of this package; the
// interface is sealed so that every value in a timeline is one the model
// knows how to validate.
//
// Every implementation is comparable (no slices or maps), so timelines can
// merge equal neighbours and a value handed out cannot be changed in place.
type Attrs interface {
	// Kind returns the kind of object these attributes belong to.
	Kind() Kind
	// refs appends the objects these attributes point at.
	refs(dst []ref) []ref
	// check validates the attributes on their own, without the model.
	check() *problem
}

// ref is one reference from an object's attributes to another object.
type ref struct {
	field string
	id    uuid.UUID
	kind  Kind
}

// MaxTextBytes bounds every text attribute. Names and keys are short; a
// longer value is a broken source, and rejecting it keeps one bad row from
// bloating the model, its events and every plan derived from it.
const MaxTextBytes = 1024

// PersonAttrs are a person's attributes.
type PersonAttrs struct {
	// GivenNames are all given and middle names, space-separated, as the
	// source writes them ("Anne Sofie").
	GivenNames string
	// Surname is the family name, hyphens and particles included
	// ("Møller-Hansen", "van der Berg").
	Surname string
	// NicknameGivenNames and NicknameSurname are the name the person goes
	// by, where it differs; empty otherwise.
	NicknameGivenNames string
	// NicknameSurname is the surname the person goes by, where it differs.
	NicknameSurname string
	// NationalID is the CPR number; the zero CPR for a person without one.
	NationalID CPR
}

// UnitAttrs are an organisation unit's attributes.
type UnitAttrs struct {
	// Name is the unit's name.
	Name string
	// Parent is the parent unit, or uuid.Nil for a root.
	Parent uuid.UUID
	// Type is the unit type's key ("Afdeling", "Institution").
	Type string
	// Level is the unit level's key ("NY3-niveau", "Afdelings-niveau").
	Level string
	// Hierarchy is the hierarchy class's key ("linjeorg", "selvejet").
	Hierarchy string
}

// EngagementAttrs are an engagement's attributes.
type EngagementAttrs struct {
	// Person is the employee.
	Person uuid.UUID
	// Unit is the unit the person is employed in.
	Unit uuid.UUID
	// EmploymentNumber is the payroll's number for the employment
	// ("tjenestenummer").
	EmploymentNumber string
	// JobFunction is the job function's key ("Sygeplejerske").
	JobFunction string
	// Type is the engagement type's key ("Månedsløn", "Timeløn").
	Type string
	// Fraction is the share of full time, from 0 to 1.
	Fraction float64
	// Primary marks the engagement the person's other systems follow when
	// there are several.
	Primary bool
	// PrimaryBy names the org rule that set Primary ("rules/primary"); ""
	// when the source or a person did, which makes a true Primary an
	// explicit choice that rules respect.
	PrimaryBy string
	// SourceUnit is the unit the source (payroll) places the engagement in
	// when Unit is a placement made elsewhere: by an org rule (moving it
	// from the payroll tree into the administrative one, or into the unit
	// its holder manages) or by hand. uuid.Nil when Unit is the source's
	// own placement. Import keeps such a placement for as long as the
	// source's unit stays SourceUnit.
	SourceUnit uuid.UUID
	// PlacedBy names the org rule that placed the engagement in Unit
	// ("rules/coupling"), or "" for a placement by hand. It is set only
	// with SourceUnit.
	PlacedBy string
}

// Placed reports whether Unit is a placement other than the source's.
func (a EngagementAttrs) Placed() bool { return a.SourceUnit != uuid.Nil }

// SourcePlacement returns the unit the source places the engagement in.
func (a EngagementAttrs) SourcePlacement() uuid.UUID {
	if a.SourceUnit != uuid.Nil {
		return a.SourceUnit
	}
	return a.Unit
}

// ManagerAttrs are a manager role's attributes.
type ManagerAttrs struct {
	// Unit is the unit managed.
	Unit uuid.UUID
	// Person holds the role; uuid.Nil means the role is vacant.
	Person uuid.UUID
	// Engagement is the engagement that gives the person the role, if
	// known; it must be the person's.
	Engagement uuid.UUID
	// Type is the manager type's key ("Leder", "Direktør").
	Type string
	// Level is the manager level's key ("Niveau 1").
	Level string
	// Responsibilities are the keys of the role's areas of responsibility.
	Responsibilities Keys
}

// Vacant reports whether no person holds the role.
func (a ManagerAttrs) Vacant() bool { return a.Person == uuid.Nil }

// AssociationAttrs are an association's attributes.
type AssociationAttrs struct {
	// Person is the person associated.
	Person uuid.UUID
	// Unit is the unit associated with.
	Unit uuid.UUID
	// Type is the association type's key.
	Type string
}

// RelatedUnitsAttrs are the two units of a related-units link. The link is
// symmetric: the model stores the pair in ascending order, whichever order
// it was given in.
type RelatedUnitsAttrs struct {
	// Units are the two linked units.
	Units [2]uuid.UUID
}

// normalised returns the pair in ascending order.
func (a RelatedUnitsAttrs) normalised() RelatedUnitsAttrs {
	if compareUUID(a.Units[1], a.Units[0]) < 0 {
		a.Units[0], a.Units[1] = a.Units[1], a.Units[0]
	}
	return a
}

// AccountAttrs are an IT-system user's attributes. Exactly one of Person and
// Unit is set: a unit's account is a service account ("AD-robot").
type AccountAttrs struct {
	// System is the IT system's key ("Active Directory").
	System string
	// Username is the login name in the system.
	Username string
	// ExternalID is the system's own stable id, such as an AD objectGUID.
	ExternalID string
	// Person owns a personal account.
	Person uuid.UUID
	// Unit owns a service account.
	Unit uuid.UUID
	// Engagement is the engagement the account belongs to, if any; it
	// must be the person's.
	Engagement uuid.UUID
}

// AddressAttrs are an address's attributes. Exactly one of Person and Unit
// is set.
type AddressAttrs struct {
	// Type is the address type's key ("EMAIL", "PHONE", "MOBILE").
	Type string
	// Value is the address itself.
	Value string
	// Person owns a person's address.
	Person uuid.UUID
	// Unit owns a unit's address.
	Unit uuid.UUID
	// Engagement ties the address to one of the person's engagements, if
	// set.
	Engagement uuid.UUID
}

// LeaveAttrs are a leave's attributes: a period of leave (orlov) from an
// engagement. A leave is valid only on days its engagement is, and its
// Person is the engagement's person on every day of the leave.
type LeaveAttrs struct {
	// Person is the person on leave: the engagement's person.
	Person uuid.UUID
	// Engagement is the engagement the leave is from.
	Engagement uuid.UUID
	// Type is the leave type's key ("Barsel", "Tjenestefri").
	Type string
}

// Kind returns KindPerson.
func (PersonAttrs) Kind() Kind { return KindPerson }

// Kind returns KindUnit.
func (UnitAttrs) Kind() Kind { return KindUnit }

// Kind returns KindEngagement.
func (EngagementAttrs) Kind() Kind { return KindEngagement }

// Kind returns KindManager.
func (ManagerAttrs) Kind() Kind { return KindManager }

// Kind returns KindAssociation.
func (AssociationAttrs) Kind() Kind { return KindAssociation }

// Kind returns KindRelatedUnits.
func (RelatedUnitsAttrs) Kind() Kind { return KindRelatedUnits }

// Kind returns KindAccount.
func (AccountAttrs) Kind() Kind { return KindAccount }

// Kind returns KindAddress.
func (AddressAttrs) Kind() Kind { return KindAddress }

// Kind returns KindLeave.
func (LeaveAttrs) Kind() Kind { return KindLeave }

func addRef(dst []ref, field string, id uuid.UUID, k Kind) []ref {
	if id == uuid.Nil {
		return dst
	}
	return append(dst, ref{field: field, id: id, kind: k})
}

func (a PersonAttrs) refs(dst []ref) []ref { return dst }
func (a UnitAttrs) refs(dst []ref) []ref   { return addRef(dst, "parent", a.Parent, KindUnit) }
func (a EngagementAttrs) refs(dst []ref) []ref {
	dst = addRef(addRef(dst, "person", a.Person, KindPerson), "unit", a.Unit, KindUnit)
	return addRef(dst, "source unit", a.SourceUnit, KindUnit)
}
func (a ManagerAttrs) refs(dst []ref) []ref {
	dst = addRef(dst, "unit", a.Unit, KindUnit)
	dst = addRef(dst, "person", a.Person, KindPerson)
	return addRef(dst, "engagement", a.Engagement, KindEngagement)
}
func (a AssociationAttrs) refs(dst []ref) []ref {
	return addRef(addRef(dst, "person", a.Person, KindPerson), "unit", a.Unit, KindUnit)
}
func (a RelatedUnitsAttrs) refs(dst []ref) []ref {
	return addRef(addRef(dst, "units", a.Units[0], KindUnit), "units", a.Units[1], KindUnit)
}
func (a AccountAttrs) refs(dst []ref) []ref {
	dst = addRef(dst, "person", a.Person, KindPerson)
	dst = addRef(dst, "unit", a.Unit, KindUnit)
	return addRef(dst, "engagement", a.Engagement, KindEngagement)
}
func (a AddressAttrs) refs(dst []ref) []ref {
	dst = addRef(dst, "person", a.Person, KindPerson)
	dst = addRef(dst, "unit", a.Unit, KindUnit)
	return addRef(dst, "engagement", a.Engagement, KindEngagement)
}
func (a LeaveAttrs) refs(dst []ref) []ref {
	return addRef(addRef(dst, "person", a.Person, KindPerson), "engagement", a.Engagement, KindEngagement)
}

// problem is what is wrong with one field of an attribute set.
type problem struct {
	field  string
	rule   Rule
	detail string
}

// checkText validates one text attribute: valid UTF-8, no control
// characters (NUL included), at most MaxTextBytes, and present if required.
// Names in every script are welcome.
func checkText(field, s string, required bool) *problem {
	switch {
	case required && strings.TrimSpace(s) == "":
		return &problem{field, RuleRequired, "is empty"}
	case len(s) > MaxTextBytes:
		return &problem{field, RuleText, "is longer than 1024 bytes"}
	case !utf8.ValidString(s):
		return &problem{field, RuleText, "is not valid UTF-8"}
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return &problem{field, RuleText, "contains a control character"}
	}
	return nil
}

// first returns the first problem found, or nil.
func first(ps ...*problem) *problem {
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}

func (a PersonAttrs) check() *problem {
	if strings.TrimSpace(a.GivenNames) == "" && strings.TrimSpace(a.Surname) == "" {
		return &problem{"surname", RuleRequired, "a person needs a given name or a surname"}
	}
	return first(
		checkText("given names", a.GivenNames, false),
		checkText("surname", a.Surname, false),
		checkText("nickname given names", a.NicknameGivenNames, false),
		checkText("nickname surname", a.NicknameSurname, false),
	)
}

func (a UnitAttrs) check() *problem {
	return first(
		checkText("name", a.Name, true),
		checkText("type", a.Type, false),
		checkText("level", a.Level, false),
		checkText("hierarchy", a.Hierarchy, false),
	)
}

func (a EngagementAttrs) check() *problem {
	switch {
	case a.Person == uuid.Nil:
		return &problem{"person", RuleRequired, "an engagement needs a person"}
	case a.Unit == uuid.Nil:
		return &problem{"unit", RuleRequired, "an engagement needs a unit"}
	case math.IsNaN(a.Fraction) || a.Fraction < 0 || a.Fraction > 1:
		return &problem{"fraction", RuleRange, "must be between 0 and 1"}
	case a.PlacedBy != "" && a.SourceUnit == uuid.Nil:
		return &problem{"placed by", RuleMismatch, "a placement needs the source's unit"}
	}
	return first(
		checkText("employment number", a.EmploymentNumber, false),
		checkText("job function", a.JobFunction, false),
		checkText("type", a.Type, false),
		checkText("primary by", a.PrimaryBy, false),
		checkText("placed by", a.PlacedBy, false),
	)
}

func (a ManagerAttrs) check() *problem {
	switch {
	case a.Unit == uuid.Nil:
		return &problem{"unit", RuleRequired, "a manager role needs a unit"}
	case a.Engagement != uuid.Nil && a.Person == uuid.Nil:
		return &problem{"engagement", RuleMismatch, "a vacant role cannot have an engagement"}
	}
	if a.Responsibilities.bad {
		return &problem{"responsibilities", RuleText, "a key contains a control character"}
	}
	for _, k := range a.Responsibilities.All() {
		if p := checkText("responsibilities", k, true); p != nil {
			return p
		}
	}
	return first(
		checkText("type", a.Type, false),
		checkText("level", a.Level, false),
	)
}

func (a AssociationAttrs) check() *problem {
	switch {
	case a.Person == uuid.Nil:
		return &problem{"person", RuleRequired, "an association needs a person"}
	case a.Unit == uuid.Nil:
		return &problem{"unit", RuleRequired, "an association needs a unit"}
	}
	return checkText("type", a.Type, false)
}

func (a RelatedUnitsAttrs) check() *problem {
	switch {
	case a.Units[0] == uuid.Nil || a.Units[1] == uuid.Nil:
		return &problem{"units", RuleRequired, "a link needs two units"}
	case a.Units[0] == a.Units[1]:
		return &problem{"units", RuleMismatch, "a unit cannot be related to itself"}
	}
	return nil
}

func (a AccountAttrs) check() *problem {
	if (a.Person == uuid.Nil) == (a.Unit == uuid.Nil) {
		return &problem{"person", RuleMismatch, "an account belongs to exactly one of a person and a unit"}
	}
	if a.Engagement != uuid.Nil && a.Person == uuid.Nil {
		return &problem{"engagement", RuleMismatch, "a service account cannot have an engagement"}
	}
	return first(
		checkText("system", a.System, true),
		checkText("username", a.Username, true),
		checkText("external id", a.ExternalID, false),
	)
}

func (a AddressAttrs) check() *problem {
	if (a.Person == uuid.Nil) == (a.Unit == uuid.Nil) {
		return &problem{"person", RuleMismatch, "an address belongs to exactly one of a person and a unit"}
	}
	if a.Engagement != uuid.Nil && a.Person == uuid.Nil {
		return &problem{"engagement", RuleMismatch, "a unit's address cannot have an engagement"}
	}
	return first(
		checkText("type", a.Type, true),
		checkText("value", a.Value, true),
	)
}

func (a LeaveAttrs) check() *problem {
	switch {
	case a.Person == uuid.Nil:
		return &problem{"person", RuleRequired, "a leave needs a person"}
	case a.Engagement == uuid.Nil:
		return &problem{"engagement", RuleRequired, "a leave needs an engagement"}
	}
	return checkText("type", a.Type, false)
}

// owner returns the person or unit an object with these attributes belongs
// to, for events.
func owner(a Attrs) (uuid.UUID, Kind) {
	switch a := a.(type) {
	case EngagementAttrs:
		return a.Person, KindPerson
	case ManagerAttrs:
		return a.Unit, KindUnit
	case AssociationAttrs:
		return a.Person, KindPerson
	case RelatedUnitsAttrs:
		return a.Units[0], KindUnit
	case AccountAttrs:
		if a.Person != uuid.Nil {
			return a.Person, KindPerson
		}
		return a.Unit, KindUnit
	case AddressAttrs:
		if a.Person != uuid.Nil {
			return a.Person, KindPerson
		}
		return a.Unit, KindUnit
	case LeaveAttrs:
		return a.Person, KindPerson
	}
	return uuid.Nil, 0
}
