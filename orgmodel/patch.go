package orgmodel

import "github.com/google/uuid"

// Patch changes some attributes of an object and leaves the others as they
// are: a nil field is left alone. The implementations are the *Patch types
// of this package.
type Patch interface {
	// Kind returns the kind of object the patch applies to.
	Kind() Kind
	// apply returns a with the patch's fields set.
	apply(a Attrs) Attrs
}

// PersonPatch changes a person's attributes.
type PersonPatch struct {
	// GivenNames, if set, replaces the given names.
	GivenNames *string
	// Surname, if set, replaces the surname.
	Surname *string
	// NicknameGivenNames, if set, replaces the nickname's given names.
	NicknameGivenNames *string
	// NicknameSurname, if set, replaces the nickname's surname.
	NicknameSurname *string
	// NationalID, if set, replaces the national id.
	NationalID *CPR
}

// UnitPatch changes a unit's attributes; setting Parent moves the unit.
type UnitPatch struct {
	// Name, if set, renames the unit.
	Name *string
	// Parent, if set, moves the unit (uuid.Nil makes it a root).
	Parent *uuid.UUID
	// Type, if set, replaces the unit type.
	Type *string
	// Level, if set, replaces the unit level.
	Level *string
	// Hierarchy, if set, replaces the hierarchy class.
	Hierarchy *string
}

// EngagementPatch changes an engagement's attributes; setting Unit moves it.
type EngagementPatch struct {
	// Unit, if set, moves the engagement to another unit.
	Unit *uuid.UUID
	// EmploymentNumber, if set, replaces the employment number.
	EmploymentNumber *string
	// JobFunction, if set, replaces the job function.
	JobFunction *string
	// Type, if set, replaces the engagement type.
	Type *string
	// Fraction, if set, replaces the fraction.
	Fraction *float64
	// Primary, if set, replaces the primary flag.
	Primary *bool
	// PrimaryBy, if set, replaces who set the primary flag.
	PrimaryBy *string
	// SourceUnit, if set, replaces the source's unit of a placement.
	SourceUnit *uuid.UUID
	// PlacedBy, if set, replaces who placed the engagement.
	PlacedBy *string
}

// ManagerPatch changes a manager role's attributes. Setting Person to
// uuid.Nil makes the role vacant (and clears its engagement unless the
// patch sets one).
type ManagerPatch struct {
	// Unit, if set, moves the role to another unit.
	Unit *uuid.UUID
	// Person, if set, gives the role to another person, or makes it vacant.
	Person *uuid.UUID
	// Engagement, if set, replaces the linked engagement.
	Engagement *uuid.UUID
	// Type, if set, replaces the manager type.
	Type *string
	// Level, if set, replaces the manager level.
	Level *string
	// Responsibilities, if set, replaces the responsibilities.
	Responsibilities *Keys
}

// AssociationPatch changes an association's attributes.
type AssociationPatch struct {
	// Unit, if set, moves the association to another unit.
	Unit *uuid.UUID
	// Type, if set, replaces the association type.
	Type *string
}

// AccountPatch changes an account's attributes.
type AccountPatch struct {
	// Username, if set, replaces the username.
	Username *string
	// ExternalID, if set, replaces the external id.
	ExternalID *string
	// Engagement, if set, replaces the linked engagement.
	Engagement *uuid.UUID
}

// AddressPatch changes an address's attributes.
type AddressPatch struct {
	// Type, if set, replaces the address type.
	Type *string
	// Value, if set, replaces the address.
	Value *string
	// Engagement, if set, replaces the linked engagement.
	Engagement *uuid.UUID
}

// LeavePatch changes a leave's attributes. A leave's engagement and
// person are what the leave is; a leave from another engagement is
// another leave.
type LeavePatch struct {
	// Type, if set, replaces the leave type.
	Type *string
}

// Kind returns KindPerson.
func (PersonPatch) Kind() Kind { return KindPerson }

// Kind returns KindUnit.
func (UnitPatch) Kind() Kind { return KindUnit }

// Kind returns KindEngagement.
func (EngagementPatch) Kind() Kind { return KindEngagement }

// Kind returns KindManager.
func (ManagerPatch) Kind() Kind { return KindManager }

// Kind returns KindAssociation.
func (AssociationPatch) Kind() Kind { return KindAssociation }

// Kind returns KindAccount.
func (AccountPatch) Kind() Kind { return KindAccount }

// Kind returns KindAddress.
func (AddressPatch) Kind() Kind { return KindAddress }

// Kind returns KindLeave.
func (LeavePatch) Kind() Kind { return KindLeave }

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (p PersonPatch) apply(a Attrs) Attrs {
	x := a.(PersonAttrs)
	set(&x.GivenNames, p.GivenNames)
	set(&x.Surname, p.Surname)
	set(&x.NicknameGivenNames, p.NicknameGivenNames)
	set(&x.NicknameSurname, p.NicknameSurname)
	set(&x.NationalID, p.NationalID)
	return x
}

func (p UnitPatch) apply(a Attrs) Attrs {
	x := a.(UnitAttrs)
	set(&x.Name, p.Name)
	set(&x.Parent, p.Parent)
	set(&x.Type, p.Type)
	set(&x.Level, p.Level)
	set(&x.Hierarchy, p.Hierarchy)
	return x
}

func (p EngagementPatch) apply(a Attrs) Attrs {
	x := a.(EngagementAttrs)
	set(&x.Unit, p.Unit)
	set(&x.EmploymentNumber, p.EmploymentNumber)
	set(&x.JobFunction, p.JobFunction)
	set(&x.Type, p.Type)
	set(&x.Fraction, p.Fraction)
	set(&x.Primary, p.Primary)
	set(&x.PrimaryBy, p.PrimaryBy)
	set(&x.SourceUnit, p.SourceUnit)
	set(&x.PlacedBy, p.PlacedBy)
	return x
}

func (p ManagerPatch) apply(a Attrs) Attrs {
	x := a.(ManagerAttrs)
	set(&x.Unit, p.Unit)
	if p.Person != nil && *p.Person != x.Person {
		x.Person = *p.Person
		// The old holder's engagement cannot belong to the new one.
		x.Engagement = uuid.Nil
	}
	set(&x.Engagement, p.Engagement)
	set(&x.Type, p.Type)
	set(&x.Level, p.Level)
	set(&x.Responsibilities, p.Responsibilities)
	return x
}

func (p AssociationPatch) apply(a Attrs) Attrs {
	x := a.(AssociationAttrs)
	set(&x.Unit, p.Unit)
	set(&x.Type, p.Type)
	return x
}

func (p AccountPatch) apply(a Attrs) Attrs {
	x := a.(AccountAttrs)
	set(&x.Username, p.Username)
	set(&x.ExternalID, p.ExternalID)
	set(&x.Engagement, p.Engagement)
	return x
}

func (p AddressPatch) apply(a Attrs) Attrs {
	x := a.(AddressAttrs)
	set(&x.Type, p.Type)
	set(&x.Value, p.Value)
	set(&x.Engagement, p.Engagement)
	return x
}

func (p LeavePatch) apply(a Attrs) Attrs {
	x := a.(LeaveAttrs)
	set(&x.Type, p.Type)
	return x
}
