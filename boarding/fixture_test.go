package boarding_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var bg = context.Background()

// world is a small municipality: Sjølund Kommune (director Dorte,
// dorte@), Børn og Unge (no manager of its own), Skolen ved Søen (Søren,
// soeren@ and the AD login "soe"), and Ældreplejen (no manager).
type world struct {
	m                       *om.Model
	root, bou, school, care uuid.UUID
	dorte, soeren           uuid.UUID
	now                     time.Time
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{m: om.New(om.Options{}), now: time.Date(2027, 1, 14, 9, 0, 0, 0, time.UTC)}
	var cs om.ChangeSet
	always := timeline.Since(timeline.MustParseDate("2020-01-01"))
	w.root = cs.Add("100", always, om.UnitAttrs{Name: "Sjølund Kommune"})
	w.bou = cs.Add("200", always, om.UnitAttrs{Name: "Børn og Unge", Parent: w.root})
	w.school = cs.Add("300", always, om.UnitAttrs{Name: "Skolen ved Søen", Parent: w.bou})
	w.care = cs.Add("400", always, om.UnitAttrs{Name: "Ældreplejen", Parent: w.root})
	w.dorte = cs.Add("dorte", always, om.PersonAttrs{GivenNames: "Dorte", Surname: "Ærø"})
	de := cs.Add("1", always, om.EngagementAttrs{Person: w.dorte, Unit: w.root, JobFunction: "Direktør", Type: "Månedsløn", Fraction: 1})
	cs.Add("", always, om.ManagerAttrs{Unit: w.root, Person: w.dorte, Engagement: de, Type: "Direktør"})
	cs.Add("", always, om.AddressAttrs{Type: "EMAIL", Value: "dorte@sjolund.dk", Person: w.dorte})
	w.soeren = cs.Add("soeren", always, om.PersonAttrs{GivenNames: "Søren", Surname: "Øster"})
	se := cs.Add("2", always, om.EngagementAttrs{Person: w.soeren, Unit: w.school, JobFunction: "Skoleleder", Type: "Månedsløn", Fraction: 1})
	cs.Add("", always, om.ManagerAttrs{Unit: w.school, Person: w.soeren, Engagement: se, Type: "Leder"})
	cs.Add("", always, om.AddressAttrs{Type: "EMAIL", Value: "soeren@sjolund.dk", Person: w.soeren})
	cs.Add("soe", always, om.AccountAttrs{System: "Active Directory", Username: "soe", Person: w.soeren})
	w.apply(t, &cs)
	return w
}

func (w *world) apply(t testing.TB, cs *om.ChangeSet) om.Registration {
	t.Helper()
	reg, err := w.m.Apply(bg, cs, om.Registration{Time: w.now, Actor: "sd-import"})
	if err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(time.Minute)
	return reg
}

func (w *world) today() timeline.Date { return timeline.MustDate(2027, 1, 15) }

func errorsAs[T error](err error, target *T) bool { return errors.As(err, target) }
