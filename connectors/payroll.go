package connectors

import (
	"context"
	"strconv"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Payroll is the contract of a payroll connector (SD Løn, OPUS, a file
// export): the source of the payroll org tree, the persons employed,
// their engagements and, where the payroll system marks them, the manager
// roles. Its core is a full snapshot; a connector that can
// tell what changed since an earlier snapshot also implements
// [PayrollChangeReader].
//
// A payroll system keeps history, and so does the snapshot: every record is
// a set of rows with the same Key, each row valid over its own half-open
// interval of days, and rows of one key never overlap. A unit renamed on
// 2026-03-01 is two rows, one ending and one starting that day. Dates are
// plain days; a connector for a system that writes inclusive end dates
// converts them ([timeline.EndInclusive]).
//
// Records refer to each other by key (an engagement names its person and
// unit), never by an id of the host's: a connector translates, and the
// host's intake turns keys into org-model ids. Every method takes a context
// first and honours its cancellation and deadline; every error is an
// *[Error] with a [Kind]. Implementations are safe for concurrent use.
type Payroll interface {
	// Ping checks that the payroll system (or its export) can be read.
	Ping(ctx context.Context) error

	// Snapshot returns every record the payroll system has, with history.
	// A connector that implements PayrollChangeReader sets the snapshot's
	// Token, from which Changes reports what changes after it.
	Snapshot(ctx context.Context) (*PayrollSnapshot, error)

	// Close releases the connector's resources. Calls after Close fail.
	Close() error
}

// PayrollChangeReader reports what changed in the payroll system since a
// snapshot or an earlier page of changes, deletions included.
type PayrollChangeReader interface {
	// Changes returns the changes after the token, a page at a time:
	// while the page says More, call again with its Token. Persist a
	// page's Token only after handling its changes; resuming from a
	// persisted token may repeat changes, never lose them. An empty token
	// is Invalid: start from a Snapshot's Token.
	Changes(ctx context.Context, token Token) (*PayrollChanges, error)
}

// PayrollSnapshot is everything a payroll system has.
type PayrollSnapshot struct {
	// Units are the payroll org tree's units.
	Units []PayrollUnit
	// Persons are the persons with an engagement, past, present or future.
	Persons []PayrollPerson
	// Engagements are the persons' employments in units.
	Engagements []PayrollEngagement
	// Leaves are periods of leave from engagements.
	Leaves []PayrollLeave
	// Managers are the manager roles the payroll system marks (OPUS's
	// isManager). A connector whose source has no manager records (SD
	// Løn, whose managers follow from "_leder" units through the org
	// rules; a file export) leaves it empty.
	Managers []PayrollManager
	// Token is the snapshot's position in the change feed, for
	// [PayrollChangeReader]; empty for a connector without one.
	Token Token
	// Skipped are the records the connector left out as malformed (at
	// most MaxSkipped).
	Skipped []SkippedRecord
}

// PayrollChanges is one page of changes. Each changed record comes with
// all the rows it has now (its whole history, which replaces what the
// caller had); a record that is gone entirely is in Deleted.
type PayrollChanges struct {
	// Units are the units that are new or changed, each with every row it
	// now has.
	Units []PayrollUnit
	// Persons are the persons that are new or changed, likewise.
	Persons []PayrollPerson
	// Engagements are the engagements that are new or changed, likewise.
	Engagements []PayrollEngagement
	// Leaves are the leaves that are new or changed, likewise.
	Leaves []PayrollLeave
	// Managers are the manager roles that are new or changed, likewise.
	Managers []PayrollManager
	// Deleted are the records that no longer exist at all.
	Deleted []PayrollRef
	// Token resumes after this page.
	Token Token
	// More says that more changes are waiting: call again at once.
	More bool
	// Skipped are the records of the page the connector left out as
	// malformed (at most MaxSkipped).
	Skipped []SkippedRecord
}

// PayrollKind names a kind of payroll record. The numbers are stable: they
// cross the plugin boundary.
type PayrollKind uint8

// The kinds of payroll record.
const (
	PayrollUnitKind       PayrollKind = iota + 1 // a PayrollUnit
	PayrollPersonKind                            // a PayrollPerson
	PayrollEngagementKind                        // a PayrollEngagement
	PayrollLeaveKind                             // a PayrollLeave
	PayrollManagerKind                           // a PayrollManager
)

var payrollKindNames = [...]string{
	PayrollUnitKind:       "unit",
	PayrollPersonKind:     "person",
	PayrollEngagementKind: "engagement",
	PayrollLeaveKind:      "leave",
	PayrollManagerKind:    "manager",
}

// String returns the kind's name: "unit", "person", "engagement", "leave"
// or "manager".
func (k PayrollKind) String() string {
	if k.Valid() {
		return payrollKindNames[k]
	}
	return "payroll kind " + strconv.Itoa(int(k))
}

// Valid reports whether k is one of the kinds above.
func (k PayrollKind) Valid() bool { return k >= PayrollUnitKind && k <= PayrollManagerKind }

// PayrollRef names a payroll record by kind and key.
type PayrollRef struct {
	Kind PayrollKind // the record's kind
	Key  string      // the record's key
}

// PayrollUnit is one row of a unit's history in the payroll org tree.
type PayrollUnit struct {
	// Key is the payroll system's id of the unit (SD's
	// afdelingsidentifikator); the same on every row of the unit.
	Key string
	// Parent is the key of the parent unit on these days, or "" for a
	// root of the tree.
	Parent string
	// Name is the unit's name.
	Name string
	// Level is the unit's level in the payroll system ("NY3-niveau",
	// "Afdelings-niveau"), which the org rules read.
	Level string
	// Type is the unit's type, if the system has one.
	Type string
	// Valid are the days this row holds.
	Valid timeline.Interval
}

// PayrollPerson is one row of a person's history.
type PayrollPerson struct {
	// Key is the payroll system's id of the person. Many systems use the
	// national id; it is masked wherever a key is printed.
	Key string
	// NationalID is the person's CPR number or personnummer.
	NationalID NationalID
	// GivenNames are the person's first and middle names.
	GivenNames string
	// Surname is the person's last name.
	Surname string
	// Valid are the days this row holds.
	Valid timeline.Interval
}

// PayrollEngagement is one row of an engagement's history: a person's
// employment in a unit.
type PayrollEngagement struct {
	// Key is the employment number, which identifies the engagement.
	Key string
	// Person is the key of the person employed.
	Person string
	// Unit is the key of the unit the payroll places the engagement in.
	Unit string
	// JobFunction is the job title (stillingsbetegnelse).
	JobFunction string
	// Type is the kind of engagement ("Månedsløn", "Timeløn").
	Type string
	// Fraction is the working time as a share of full time, 0 to 1.
	Fraction float64
	// Valid are the days this row holds.
	Valid timeline.Interval
}

// PayrollLeave is one row of a period of leave (orlov) from an engagement.
type PayrollLeave struct {
	// Key identifies the leave.
	Key string
	// Engagement is the key (employment number) of the engagement the
	// leave is from.
	Engagement string
	// Type is the kind of leave ("Barsel", "Tjenestefri").
	Type string
	// Valid are the days of leave.
	Valid timeline.Interval
}

// PayrollManager is one row of a manager role's history: a person, most
// often through one of their engagements, manages a unit. OS2mo's OPUS
// import makes one of every employee that OPUS marks isManager.
type PayrollManager struct {
	// Key identifies the manager role; the same on every row of it. A
	// connector that derives roles from engagements uses a key derived
	// from the engagement's (OPUS: the employment number).
	Key string
	// Unit is the key of the unit managed.
	Unit string
	// Person is the key of the manager.
	Person string
	// Engagement is the key of the engagement that gives the role, or ""
	// when the source names only the person.
	Engagement string
	// Type is the kind of manager ("Leder", "Direktør"; OPUS: the
	// position).
	Type string
	// Level is the manager level ("1.02": OPUS's superiorLevel and
	// subordinateLevel).
	Level string
	// Valid are the days this row holds.
	Valid timeline.Interval
}
