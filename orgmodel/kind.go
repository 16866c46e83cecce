package orgmodel

import "fmt"

// Kind is the type of an object in the model. The numbers are stable: they
// may be stored and sent between processes.
type Kind uint8

// The kinds of object.
const (
	// KindPerson is a person: an employee, a temp, a consultant.
	KindPerson Kind = iota + 1
	// KindUnit is an organisation unit (enhed).
	KindUnit
	// KindEngagement is a person's employment in a unit.
	KindEngagement
	// KindManager is a manager role in a unit, held by a person or vacant.
	KindManager
	// KindAssociation ties a person to a unit with a type; the org rules
	// use associations as markers.
	KindAssociation
	// KindRelatedUnits is a symmetric link between two units, such as a
	// payroll unit and its administrative counterpart.
	KindRelatedUnits
	// KindAccount is a user in an IT system (an AD account, say), bound to
	// a person or, for a service account, to a unit.
	KindAccount
	// KindAddress is an e-mail address, phone number or similar of a
	// person or a unit.
	KindAddress
	// KindLeave is a period of leave (orlov) from an engagement, such as
	// maternity leave; it is valid only while its engagement is.
	KindLeave
)

// kindCount is one more than the largest Kind, for arrays indexed by kind.
const kindCount = int(KindLeave) + 1

var kindNames = [...]string{
	KindPerson:       "person",
	KindUnit:         "unit",
	KindEngagement:   "engagement",
	KindManager:      "manager",
	KindAssociation:  "association",
	KindRelatedUnits: "related units",
	KindAccount:      "account",
	KindAddress:      "address",
	KindLeave:        "leave",
}

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { return k >= KindPerson && k <= KindLeave }

// String returns the kind's name, such as "engagement".
func (k Kind) String() string {
	if k.Valid() {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Kinds lists every kind in order.
func Kinds() []Kind {
	return []Kind{KindPerson, KindUnit, KindEngagement, KindManager, KindAssociation, KindRelatedUnits, KindAccount, KindAddress, KindLeave}
}
