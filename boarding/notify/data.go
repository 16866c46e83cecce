package notify

import (
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/internal/orgread"
	"github.com/orgsync/orgsync/internal/shorten"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Data is what a notice's templates see. Every field is a value, never a
// pointer, so a template that names a field a trigger does not fill
// prints nothing rather than failing at send time; which fields each
// trigger fills is in the package documentation. Texts are as the org
// model holds them; html/template escapes them in the HTML part.
type Data struct {
	// Rule is the name of the rule that fired.
	Rule string
	// Trigger is what it fired on.
	Trigger Trigger
	// Registered is when the change was registered, in the
	// organisation's zone.
	Registered time.Time
	// Actor is who or what registered it ("sd-import", a person's login).
	Actor string
	// Day is the day the notice is about: the first day of a hire, the
	// last day of an engagement or role, the day a unit lost its manager.
	Day timeline.Date
	// Retroactive reports a termination registered on or after its last
	// day.
	Retroactive bool
	// Person is the person the notice is about (the manager for
	// ManagerEnded).
	Person PersonData
	// Engagement is the engagement the notice is about; for PersonCreated,
	// EmailCreated and AccountCreated the person's primary one.
	Engagement EngagementData
	// Engagements are all the person's engagements on Day (PersonCreated).
	Engagements []EngagementData
	// Unit is the unit the notice is about: the engagement's, the managed
	// unit, the payroll unit.
	Unit UnitData
	// Account is the account created or linked (AccountCreated).
	Account AccountData
	// Email is the e-mail address created (EmailCreated).
	Email string
	// Periods are the periods a payroll unit has no relation, as
	// "2027-01-01–2027-03-31" (PayrollUnitUncoupled).
	Periods []string
}

// PersonData is a person in a notice.
type PersonData struct {
	// Name is the name the person goes by: the nickname where there is
	// one, else given names and surname.
	Name string
	// GivenNames and Surname are the registered names.
	GivenNames string
	// Surname is the registered surname.
	Surname string
	// CPR is the national id masked ("010190-xxxx"); a notice never holds
	// the whole number.
	CPR string
	// Emails are the person's e-mail addresses on the day.
	Emails []string
	// ID is the person's id in the org model.
	ID string
}

// UnitData is a unit in a notice.
type UnitData struct {
	// Name is the unit's name.
	Name string
	// UserKey is the unit's number ("enhedsnummer").
	UserKey string
	// Path is the unit's place in the tree, "Root / … / Unit".
	Path string
	// Type is the unit type's key.
	Type string
	// ID is the unit's id in the org model.
	ID string
}

// EngagementData is an engagement in a notice.
type EngagementData struct {
	// EmploymentNumber is the payroll's number ("tjenestenummer").
	EmploymentNumber string
	// JobFunction is the job function ("Sygeplejerske").
	JobFunction string
	// Type is the engagement type ("Månedsløn").
	Type string
	// Unit is the engagement's unit.
	Unit UnitData
	// From is the first day of the engagement's validity around Day.
	From timeline.Date
	// Until is its last day; zero when it has no end.
	Until timeline.Date
}

// AccountData is an IT account in a notice. It never holds a password.
type AccountData struct {
	// System is the IT system ("Active Directory").
	System string
	// Username is the login name.
	Username string
	// Email is the person's e-mail address, as the account's read-back
	// recorded it.
	Email string
}

// describe builds template data from one graph (a view on a day).
type describe struct {
	g orgmodel.Graph
	v orgmodel.View
}

func newDescribe(v orgmodel.View, day timeline.Date) describe { return describe{g: v.At(day), v: v} }

// person describes a person on the day, or as last known.
func (d describe) person(id uuid.UUID) PersonData {
	p := PersonData{ID: id.String()}
	a, ok := latest[orgmodel.PersonAttrs](d.v, id, d.g.Day())
	if !ok {
		return p
	}
	p.GivenNames, p.Surname, p.CPR = a.GivenNames, a.Surname, a.NationalID.String()
	p.Name = orgread.Name(a)
	p.Emails = d.emails(id)
	return p
}

// emails returns the owner's EMAIL addresses on the day, sorted.
func (d describe) emails(owner uuid.UUID) []string { return orgread.Emails(d.g, owner) }

// unit describes a unit on the day, or as last known.
func (d describe) unit(id uuid.UUID) UnitData {
	u := UnitData{ID: id.String()}
	a, ok := latest[orgmodel.UnitAttrs](d.v, id, d.g.Day())
	if !ok {
		return u
	}
	u.Name, u.Type = a.Name, a.Type
	if o, ok := d.v.Object(id); ok {
		u.UserKey = o.UserKey
	}
	u.Path = orgread.Path(d.g, id, a.Name)
	return u
}

// engagement describes an engagement object around the day.
func (d describe) engagement(o orgmodel.Object) EngagementData {
	a, ok := latest[orgmodel.EngagementAttrs](d.v, o.ID, d.g.Day())
	if !ok {
		return EngagementData{}
	}
	e := EngagementData{EmploymentNumber: a.EmploymentNumber, JobFunction: a.JobFunction, Type: a.Type, Unit: d.unit(a.Unit)}
	iv := around(o.Validity(), d.g.Day())
	e.From = iv.From
	if iv.To != timeline.Open {
		e.Until = iv.To.AddDays(-1)
	}
	return e
}

// latest is orgread.Latest.
func latest[A orgmodel.Attrs](v orgmodel.View, id uuid.UUID, day timeline.Date) (A, bool) {
	return orgread.Latest[A](v, id, day)
}

// around is orgread.Around.
func around(tl timeline.Timeline[struct{}], day timeline.Date) timeline.Interval {
	return orgread.Around(tl, day)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func clip(s string) string { return shorten.To(s, 60) }
