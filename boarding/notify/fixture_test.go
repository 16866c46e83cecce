package notify_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/notify"
	"github.com/orgsync/orgsync/connectors"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var bg = context.Background()

var zone = timeline.DefaultZone()

// t0 is 2027-01-15 09:00 in Copenhagen: "today" in these tests.
var t0 = time.Date(2027, 1, 15, 9, 0, 0, 0, zone.Location())

func day(s string) timeline.Date { return timeline.MustParseDate(s) }

// world is a small municipality: Sjølund Kommune (director Dorte), Børn
// og Unge, and Skolen ved Søen (manager Søren), and a payroll unit.
type world struct {
	m                       *om.Model
	sub                     *om.Subscription
	root, bou, school, payu uuid.UUID
	dorte, soeren           uuid.UUID
	soerenEng, soerenRole   uuid.UUID
	now                     time.Time
	cprs                    int // CPRs handed out: 010190-5001, -5002, …
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := seedWorld(t, om.New(om.Options{Zone: zone}))
	var err error
	w.sub, err = w.m.Subscribe("test")
	if err != nil {
		t.Fatal(err)
	}
	w.events(t) // the fixture's own
	return w
}

// seedWorld registers the world in m, a day before t0, and leaves the
// clock at t0.
func seedWorld(t *testing.T, m *om.Model) *world {
	t.Helper()
	w := &world{m: m, now: t0.Add(-24 * time.Hour)}
	var cs om.ChangeSet
	always := timeline.Since(day("2020-01-01"))
	w.root = cs.Add("100", always, om.UnitAttrs{Name: "Sjølund Kommune"})
	w.bou = cs.Add("200", always, om.UnitAttrs{Name: "Børn og Unge", Parent: w.root})
	w.school = cs.Add("300", always, om.UnitAttrs{Name: "Skolen ved Søen", Parent: w.bou})
	w.payu = cs.Add("L1", always, om.UnitAttrs{Name: "Løn Skole"})
	w.dorte = cs.Add("dorte", always, om.PersonAttrs{GivenNames: "Dorte", Surname: "Ærø"})
	dEng := cs.Add("1", always, om.EngagementAttrs{Person: w.dorte, Unit: w.root, JobFunction: "Direktør", Type: "Månedsløn", Fraction: 1})
	cs.Add("", always, om.ManagerAttrs{Unit: w.root, Person: w.dorte, Engagement: dEng, Type: "Direktør"})
	cs.Add("", always, om.AddressAttrs{Type: "EMAIL", Value: "dorte@sjolund.test", Person: w.dorte})
	w.soeren = cs.Add("soeren", always, om.PersonAttrs{GivenNames: "Søren", Surname: "Øster"})
	w.soerenEng = cs.Add("2", always, om.EngagementAttrs{Person: w.soeren, Unit: w.school, JobFunction: "Skoleleder", Type: "Månedsløn", Fraction: 1})
	w.soerenRole = cs.Add("", always, om.ManagerAttrs{Unit: w.school, Person: w.soeren, Engagement: w.soerenEng, Type: "Leder"})
	cs.Add("", always, om.AddressAttrs{Type: "EMAIL", Value: "soeren@sjolund.test", Person: w.soeren})
	w.apply(t, &cs)
	w.now = t0
	return w
}

func (w *world) apply(t *testing.T, cs *om.ChangeSet) om.Registration {
	t.Helper()
	reg, err := w.m.Apply(bg, cs, om.Registration{Time: w.now, Actor: "sd-import"})
	if err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(time.Minute)
	return reg
}

// events drains the events available now.
func (w *world) events(t *testing.T) []om.Event {
	t.Helper()
	var out []om.Event
	for {
		c, cancel := context.WithTimeout(bg, 20*time.Millisecond)
		e, err := w.sub.Next(c)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
}

// notices evaluates the events available now.
func (w *world) notices(t *testing.T, rs *notify.Rules) []notify.Notice {
	t.Helper()
	var out []notify.Notice
	for _, e := range w.events(t) {
		out = append(out, rs.Event(w.m, e)...)
	}
	return out
}

// hire registers a new person with an engagement in unit from `from`.
func (w *world) hire(t *testing.T, given, sur string, unit uuid.UUID, from timeline.Date, typ string) (person, eng uuid.UUID) {
	t.Helper()
	var cs om.ChangeSet
	w.cprs++
	person = cs.Add(given, timeline.Since(day("1990-01-01")), om.PersonAttrs{GivenNames: given, Surname: sur,
		NationalID: om.MustParseCPR(fmt.Sprintf("0101905%03d", w.cprs), om.CPROptions{})})
	eng = cs.Add("9"+given, timeline.Since(from), om.EngagementAttrs{Person: person, Unit: unit, JobFunction: "Lærer", Type: typ, Fraction: 1})
	w.apply(t, &cs)
	return person, eng
}

var from = connectors.Address{Name: "Sjølund Kommune", Addr: "orgsync@sjolund.test"}

func compile(t *testing.T, rules ...notify.Rule) *notify.Rules {
	t.Helper()
	rs, err := notify.Compile(notify.Config{From: from, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func addrs(as []connectors.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Addr
	}
	return out
}

func byTrigger(ns []notify.Notice, tr notify.Trigger) []notify.Notice {
	var out []notify.Notice
	for _, n := range ns {
		if n.Trigger == tr {
			out = append(out, n)
		}
	}
	return out
}
