package report

import (
	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Row is one fact about an engagement registered in the window, with the
// person, unit and manager as the model knows them at the window's end.
// Days are the org model's: Start is the first day, End the first day
// not employed (timeline.Open: no end). Columns show the last day of
// employment, End−1, as people read an end date.
type Row struct {
	// Kind is the fact; Timing when it takes effect, seen from the day
	// it was registered.
	Kind Kind
	// Timing is Future, Today or Retroactive.
	Timing Timing
	// Registration is the registration that made it: when, by whom, why.
	Registration orgmodel.Registration
	// Engagement is the engagement's id; EmploymentNumber its number in
	// payroll ("tjenestenummer"), or its user key.
	Engagement uuid.UUID
	// EmploymentNumber is the payroll's number for the engagement.
	EmploymentNumber string
	// Person is the employee's id.
	Person uuid.UUID
	// Start and End are the engagement's days after the registration
	// (for Cancelled, before it).
	Start, End timeline.Date
	// OldStart and OldEnd are its days before the registration, for
	// StartMoved, EndMoved, TerminationWithdrawn and Cancelled (0 when
	// it had none).
	OldStart, OldEnd timeline.Date

	// Described: as the model knows them at the window's end, on the
	// day the fact is about (a hire's first day, a termination's last).
	Described
	// startedBefore says a cancelled engagement had started by the day
	// of registration (it goes in the terminations report).
	startedBefore bool
	// on is the day the row is about; attrs the engagement's attributes
	// then, as the registration left them.
	on    timeline.Date
	attrs orgmodel.EngagementAttrs
}

// day is the day the row is about: a hire's first day, a termination's
// last.
func (r *Row) day() timeline.Date { return r.on }

// Described is what a row tells about the person, the engagement's unit
// and the manager.
type Described struct {
	// Name is the name the person goes by; GivenNames and Surname the
	// registered ones.
	Name string
	// GivenNames are the registered given names.
	GivenNames string
	// Surname is the registered surname.
	Surname string
	// CPR is the national id masked ("010190-xxxx"); a report never
	// holds the whole number.
	CPR string
	// Username is the person's account in the report's system (Active
	// Directory by default), "" if none; Email their first e-mail
	// address.
	Username string
	// Email is the person's first e-mail address.
	Email string
	// Unit, UnitKey and UnitPath are the unit's name, number and place
	// in the tree ("Sjølund Kommune / Børn og Unge / Skolen ved Søen");
	// Organisation is the top unit's name.
	Unit, UnitKey, UnitPath, Organisation string
	// UnitID is the unit's id.
	UnitID uuid.UUID
	// JobFunction and EngagementType are the engagement's.
	JobFunction, EngagementType string
	// Manager and ManagerEmail are the person's manager in the unit
	// (inherited from the units above, vacant roles skipped, the person
	// themself passed over).
	Manager, ManagerEmail string
}
