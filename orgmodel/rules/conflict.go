package rules

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// ConflictKind says what a rule could not decide. Kinds are stable: their
// names may be stored, sent and matched on.
type ConflictKind uint8

// The conflicts.
const (
	// Tie: two or more candidates for a manager role rank equally under
	// the configured tie-breaks.
	Tie ConflictKind = iota + 1
	// NoParent: a `_leder` unit has no parent unit to manage.
	NoParent
	// UnknownLevel: no manager level is configured for a managed unit's
	// level; the role is written without one.
	UnknownLevel
	// OtherManager: a unit a `_leder` unit decides has a manager role of
	// another owner held by someone else.
	OtherManager
	// SeveralRoles: an engagement gives several manager roles at once
	// over units in different branches of the tree; Elevation places it
	// in the deepest managed unit. (Roles over a unit and units above it,
	// as a `led-adm` manager has, are not a conflict.)
	SeveralRoles
	// SeveralRelations: a payroll unit is related to several
	// administrative units at once; Coupling uses the first by id.
	SeveralRelations
	// NotValid: the unit a rule would place an engagement in, or the
	// configured unknown unit, does not exist on those days.
	NotValid
	// SeveralPrimaries: a person has two or more engagements marked
	// primary by hand or by the source on the same days.
	SeveralPrimaries
	// Cycle: a unit is its own ancestor on some day (a model loaded from
	// a file that was never validated).
	Cycle
	// Rejected: the model refused a rule's change to the object when the
	// result was applied; the object's changes were left out.
	Rejected
)

var conflictNames = [...]string{
	Tie:              "tie",
	NoParent:         "no-parent",
	UnknownLevel:     "unknown-level",
	OtherManager:     "other-manager",
	SeveralRoles:     "several-roles",
	SeveralRelations: "several-relations",
	NotValid:         "not-valid",
	SeveralPrimaries: "several-primaries",
	Cycle:            "cycle",
	Rejected:         "rejected",
}

// String returns the kind's stable name.
func (k ConflictKind) String() string {
	if int(k) < len(conflictNames) && conflictNames[k] != "" {
		return conflictNames[k]
	}
	return fmt.Sprintf("ConflictKind(%d)", uint8(k))
}

// MarshalText returns the kind's stable name, so JSON carries names that
// survive a reordering of the constants.
func (k ConflictKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Conflict is one thing a rule could not decide, for one unit or person
// over some days. The rule left those days as they were.
type Conflict struct {
	// Rule is the rule's name ("leder").
	Rule string `json:"rule"`
	// Kind says what went wrong.
	Kind ConflictKind `json:"kind"`
	// Unit is the unit the conflict is about, if it is about a unit.
	Unit uuid.UUID `json:"unit,omitzero"`
	// Person is the person it is about, if it is about a person.
	Person uuid.UUID `json:"person,omitzero"`
	// Objects are the other objects involved (the candidates' engagements,
	// the relations, the roles), by id.
	Objects []uuid.UUID `json:"objects,omitempty"`
	// When are the days affected.
	When timeline.Interval `json:"when"`
	// Detail says what happened in words, naming units and persons by
	// name and user key; it never holds a national id.
	Detail string `json:"detail"`
}

// String formats the conflict on one line.
func (c Conflict) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s on %s: %s", c.Rule, c.Kind, c.When, c.Detail)
	return b.String()
}
