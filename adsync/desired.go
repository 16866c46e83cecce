package adsync

import (
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

// AccountDNs finds the DN of the account a person has in the directory,
// for the manager attribute. The engine's link table satisfies it.
type AccountDNs interface {
	// AccountDN returns the DN of the person's account, and false if the
	// person has none (yet).
	AccountDN(person uuid.UUID) (string, bool)
}

// Desired is what an account should look like on a day. A person has a
// desired account, enabled, when they have an engagement on the day or one
// starting within the mapping's EnableDaysBefore; otherwise the account is
// the chapel's business.
type Desired struct {
	// Person is the person the account belongs to.
	Person uuid.UUID
	// Attributes are the mapped attributes; an attribute with no values
	// is to be cleared.
	Attributes []connectors.Attribute
	// Unit is the unit of the primary engagement, for OU and group rules.
	Unit uuid.UUID
}

// ErrNoEngagement is returned for a person with no engagement on the day
// nor within the preparation window: there is nothing to map from.
var ErrNoEngagement = errors.New("adsync: the person has no engagement to map")

// DataFor gathers what the mapping's templates see of a person on the
// graph's day. For a person who is not employed yet it reads the first
// day of the preparation window on which they are.
func DataFor(g orgmodel.Graph, m *Mapping, person uuid.UUID, dns AccountDNs) (*Data, error) {
	p, ok := g.Person(person)
	if !ok {
		return nil, fmt.Errorf("adsync: person %s is not valid on %s", person, g.Day())
	}
	eg, e, ok := engagedOn(g, person, m.EnableDaysBefore)
	if !ok {
		return nil, fmt.Errorf("%w: person %s on %s", ErrNoEngagement, person, g.Day())
	}
	d := &Data{
		Day:        g.Day(),
		Person:     Person{ID: person.String(), GivenNames: p.GivenNames, Surname: p.Surname, NicknameGivenNames: p.NicknameGivenNames, NicknameSurname: p.NicknameSurname},
		Primary:    Engagement{ID: e.ID.String(), EmploymentNumber: e.EmploymentNumber, JobFunction: e.JobFunction, Type: e.Type, Fraction: e.Fraction},
		nationalID: p.NationalID,
	}
	if u, ok := eg.Unit(e.Unit); ok {
		d.Unit = unitOf(u)
	}
	for _, a := range eg.Ancestors(e.Unit) {
		d.Ancestors = append(d.Ancestors, unitOf(a))
	}
	if dns != nil {
		for _, mgr := range eg.PersonManagers(person) {
			if dn, ok := dns.AccountDN(mgr.Person); ok {
				d.ManagerDN = dn
				break
			}
		}
	}
	return d, nil
}

// engagedOn returns the graph of the first day, from g's day to window
// days after it, on which the person has an engagement, and the primary
// engagement then: the day their account is made from.
func engagedOn(g orgmodel.Graph, person uuid.UUID, window int) (orgmodel.Graph, orgmodel.Engagement, bool) {
	e, ok := g.PrimaryEngagement(person)
	for i := 1; !ok && i <= window; i++ {
		g = g.View().At(g.Day().AddDays(1))
		e, ok = g.PrimaryEngagement(person)
	}
	return g, e, ok
}

func unitOf(u orgmodel.Unit) Unit {
	return Unit{ID: u.ID.String(), UserKey: u.UserKey, Name: u.Name, Type: u.Type, Level: u.Level, Hierarchy: u.Hierarchy}
}

// DesiredFor returns what the person's account should look like on the
// graph's day. A person without an engagement in the window is
// ErrNoEngagement (their account is the chapel's business); a template
// that fails for this person is a *MappingError for this person only.
func DesiredFor(g orgmodel.Graph, m *Mapping, person uuid.UUID, dns AccountDNs) (*Desired, error) {
	d, err := DataFor(g, m, person, dns)
	if err != nil {
		return nil, err
	}
	attrs, err := m.Render(d)
	if err != nil {
		return nil, err
	}
	unit, _ := uuid.Parse(d.Unit.ID)
	return &Desired{Person: person, Attributes: attrs, Unit: unit}, nil
}
