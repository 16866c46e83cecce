package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/notify"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestPersonCreatedGoesToManagerSubtreeAndRoleAddress(t *testing.T) {
	w := newWorld(t)
	rs := compile(t, notify.Rule{Name: "ny", Trigger: notify.PersonCreated, To: notify.Recipients{
		Addresses: []string{"it@sjolund.test"},
		Subtrees:  []notify.Subtree{{Unit: w.root, Addresses: []string{"hr@sjolund.test"}}, {Unit: w.bou, Addresses: []string{"hr-bou@sjolund.test"}}},
		Manager:   true,
	}})
	person, _ := w.hire(t, "Åse", "Kærgård", w.school, day("2027-02-01"), "Månedsløn")
	ns := w.notices(t, rs)
	require.Len(t, ns, 1, "one notice for a person created with an engagement")
	n := ns[0]
	assert.Equal(t, []string{"it@sjolund.test", "hr-bou@sjolund.test", "soeren@sjolund.test"}, addrs(n.To),
		"the role address, the nearest subtree's (not the root's), the school's manager")
	assert.Equal(t, "Søren Øster", n.To[2].Name)
	assert.Contains(t, n.Key, "notify/ny/person-created/"+person.String()+"/r")
	assert.Equal(t, day("2027-02-01"), n.Data.Day)

	msg, err := rs.Message(&n)
	require.NoError(t, err)
	assert.Equal(t, "Ny medarbejder: Åse Kærgård, Skolen ved Søen", msg.Subject)
	assert.Contains(t, msg.Text, "Lærer i Sjølund Kommune / Børn og Unge / Skolen ved Søen")
	assert.Contains(t, msg.Text, "fra 1. februar 2027")
	assert.Contains(t, msg.Text, "Registreret 15. januar 2027 kl. 09.00 af sd-import")
	assert.Contains(t, msg.HTML, "<strong>Åse Kærgård</strong>")
	for _, part := range []string{msg.Subject, msg.Text, msg.HTML} {
		assert.NotContains(t, part, "5001", "the CPR's serial never reaches a mail")
	}

	// The same event evaluated again makes the same key; a second
	// engagement of the same person is not a new person.
	var cs om.ChangeSet
	cs.Add("x", timeline.Since(day("2027-03-01")), om.EngagementAttrs{Person: person, Unit: w.school, JobFunction: "Vikar", Type: "Timeløn"})
	w.apply(t, &cs)
	assert.Empty(t, w.notices(t, rs), "a second engagement does not create the person again")
}

func TestPersonCreatedIsDeterministicPerEvent(t *testing.T) {
	w := newWorld(t)
	rs := compile(t, notify.Rule{Name: "ny", Trigger: notify.PersonCreated, To: notify.Recipients{Manager: true}})
	w.hire(t, "Bo", "Bæk", w.school, day("2027-01-01"), "Månedsløn")
	evs := w.events(t)
	var keys []string
	for range 2 {
		for _, e := range evs {
			for _, n := range rs.Event(w.m, e) {
				keys = append(keys, n.Key)
			}
		}
	}
	require.Len(t, keys, 2)
	assert.Equal(t, keys[0], keys[1], "an event handled twice makes the same key")
}

func TestFutureHireAndScope(t *testing.T) {
	w := newWorld(t)
	rs := compile(t,
		notify.Rule{Name: "kommende", Trigger: notify.FutureHire, To: notify.Recipients{Addresses: []string{"it@sjolund.test"}}},
		notify.Rule{Name: "boern-maaned", Trigger: notify.FutureHire, To: notify.Recipients{Addresses: []string{"bou@sjolund.test"}},
			Scope: notify.Scope{Units: []uuid.UUID{w.bou}, EngagementTypes: []string{"Månedsløn"}}},
		notify.Rule{Name: "uden-skolen", Trigger: notify.FutureHire, To: notify.Recipients{Addresses: []string{"x@sjolund.test"}},
			Scope: notify.Scope{Exclude: []uuid.UUID{w.school}}},
	)
	w.hire(t, "Future", "Fisk", w.school, day("2027-03-01"), "Månedsløn")
	got := rules(w.notices(t, rs))
	assert.Equal(t, []string{"kommende", "boern-maaned"}, got, "the school is in Børn og Unge's subtree and excluded from the third rule")

	w.hire(t, "Timer", "Tang", w.school, day("2027-03-01"), "Timeløn")
	assert.Equal(t, []string{"kommende"}, rules(w.notices(t, rs)), "Timeløn is out of the second rule's scope")

	w.hire(t, "Begun", "Bager", w.school, day("2027-01-01"), "Månedsløn")
	assert.Empty(t, w.notices(t, rs), "a hire that has begun is not a future hire")

	n := compile(t, notify.Rule{Name: "k", Trigger: notify.FutureHire, To: notify.Recipients{Addresses: []string{"it@sjolund.test"}}})
	w.hire(t, "Anna", "Å", w.root, day("2027-04-01"), "Månedsløn")
	ns := w.notices(t, n)
	require.Len(t, ns, 1)
	msg, err := n.Message(&ns[0])
	require.NoError(t, err)
	assert.Equal(t, "Kommende medarbejder: Anna Å starter 1. april 2027", msg.Subject)
}

func rules(ns []notify.Notice) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Rule)
	}
	return out
}

func TestTerminationFutureAndRetroactive(t *testing.T) {
	w := newWorld(t)
	rs := compile(t, notify.Rule{Name: "fratr", Trigger: notify.TerminationRegistered, To: notify.Recipients{Manager: true}})
	_, eng := w.hire(t, "Ole", "Olsen", w.school, day("2025-01-01"), "Månedsløn")
	w.events(t)

	var cs om.ChangeSet
	cs.Terminate(eng, day("2027-03-01"))
	w.apply(t, &cs)
	ns := w.notices(t, rs)
	require.Len(t, ns, 1)
	assert.Equal(t, day("2027-02-28"), ns[0].Data.Day, "the last day")
	assert.False(t, ns[0].Data.Retroactive)
	assert.Equal(t, []string{"soeren@sjolund.test"}, addrs(ns[0].To))

	cs = om.ChangeSet{}
	o, _ := w.m.Latest().Object(eng)
	a, _ := o.At(day("2027-02-01"))
	cs.Set(eng, timeline.Between(day("2027-03-01"), day("2027-04-01")), a)
	w.apply(t, &cs)
	assert.Empty(t, w.notices(t, rs), "moving the end later is not a termination")

	cs = om.ChangeSet{}
	cs.Terminate(eng, day("2027-01-01"))
	w.apply(t, &cs)
	ns = w.notices(t, rs)
	require.Len(t, ns, 1)
	assert.True(t, ns[0].Data.Retroactive, "the last day, 31 December, is before the registration")
	msg, err := rs.Message(&ns[0])
	require.NoError(t, err)
	assert.Equal(t, "Fratrædelse (med tilbagevirkende kraft): Ole Olsen, Skolen ved Søen", msg.Subject)
	assert.Contains(t, msg.Text, "Sidste dag: 31. december 2026")
}

func TestEmailCreatedOnlyForTheFirstAddress(t *testing.T) {
	w := newWorld(t)
	rs := compile(t, notify.Rule{Name: "mail", Trigger: notify.EmailCreated, To: notify.Recipients{Person: true}, Cc: notify.Recipients{Manager: true}})
	person, _ := w.hire(t, "Eva", "Ek", w.school, day("2027-01-01"), "Månedsløn")
	var cs om.ChangeSet
	cs.Add("", timeline.Since(day("2027-01-15")), om.AddressAttrs{Type: "EMAIL", Value: "evek@sjolund.test", Person: person})
	cs.Add("", timeline.Since(day("2027-01-15")), om.AddressAttrs{Type: "PHONE", Value: "12345678", Person: person})
	w.apply(t, &cs)
	ns := w.notices(t, rs)
	require.Len(t, ns, 1, "an EMAIL address, not a phone number")
	assert.Equal(t, []string{"evek@sjolund.test"}, addrs(ns[0].To))
	assert.Equal(t, []string{"soeren@sjolund.test"}, addrs(ns[0].Cc))
	assert.Equal(t, "evek@sjolund.test", ns[0].Data.Email)

	cs = om.ChangeSet{}
	cs.Add("", timeline.Since(day("2027-01-15")), om.AddressAttrs{Type: "EMAIL", Value: "eva.ek@sjolund.test", Person: person})
	w.apply(t, &cs)
	assert.Empty(t, w.notices(t, rs), "a second address is not a registration")
}

func TestAccountCreatedTellsTheManagerTheUsername(t *testing.T) {
	w := newWorld(t)
	rs := compile(t, notify.Rule{Name: "it", Trigger: notify.AccountCreated, To: notify.Recipients{Manager: true}})
	person, _ := w.hire(t, "Ib", "Isak", w.school, day("2027-01-01"), "Månedsløn")
	w.events(t)
	var cs om.ChangeSet // as the read-back records a new AD account
	cs.Add("ibis", timeline.Since(day("2027-01-15")), om.AccountAttrs{System: "Active Directory", Username: "ibis", ExternalID: "guid-1", Person: person})
	cs.Add("", timeline.Since(day("2027-01-15")), om.AddressAttrs{Type: "EMAIL", Value: "ibis@sjolund.test", Person: person})
	cs.Add("ib-x", timeline.Since(day("2027-01-15")), om.AccountAttrs{System: "OPUS", Username: "ib-x", Person: person})
	w.apply(t, &cs)
	ns := w.notices(t, rs)
	require.Len(t, ns, 1, "the AD account, not the OPUS one")
	msg, err := rs.Message(&ns[0])
	require.NoError(t, err)
	assert.Equal(t, "IT-bruger oprettet: Ib Isak (ibis)", msg.Subject)
	assert.Contains(t, msg.Text, "Brugernavn: ibis")
	assert.Contains(t, msg.Text, "E-mail:     ibis@sjolund.test")
	assert.Equal(t, []string{"soeren@sjolund.test"}, addrs(msg.To))
}

func TestManagerLeavesNowAndOnTheDay(t *testing.T) {
	w := newWorld(t)
	rs := compile(t,
		notify.Rule{Name: "leder", Trigger: notify.ManagerEnded, To: notify.Recipients{Addresses: []string{"hr@sjolund.test"}}},
		notify.Rule{Name: "uden", Trigger: notify.UnitWithoutManager, To: notify.Recipients{Manager: true}},
	)
	// A role ending next month fires nothing now, and both on the day.
	var cs om.ChangeSet
	cs.Terminate(w.soerenRole, day("2027-02-01"))
	w.apply(t, &cs)
	assert.Empty(t, w.notices(t, rs), "a future end fires on its day")
	_, err := w.m.Tick(bg, t0)
	require.NoError(t, err)
	_, err = w.m.Tick(bg, time.Date(2027, 2, 1, 6, 0, 0, 0, zone.Location()))
	require.NoError(t, err)
	ns := w.notices(t, rs)
	require.Len(t, ns, 2)
	ended, without := byTrigger(ns, notify.ManagerEnded), byTrigger(ns, notify.UnitWithoutManager)
	require.Len(t, ended, 1)
	require.Len(t, without, 1)
	assert.Equal(t, "Søren Øster", ended[0].Data.Person.Name)
	assert.Equal(t, day("2027-01-31"), ended[0].Data.Day, "the last day in the role")
	assert.Equal(t, day("2027-02-01"), without[0].Data.Day)
	assert.Equal(t, []string{"dorte@sjolund.test"}, addrs(without[0].To), "a unit's manager notice goes to the managers above it")
	msg, err := rs.Message(&ended[0])
	require.NoError(t, err)
	assert.Contains(t, msg.Text, "Placering:  Sjølund Kommune / Børn og Unge / Skolen ved Søen")
}

func TestManagerRoleGoingVacantRetroactively(t *testing.T) {
	w := newWorld(t)
	rs := compile(t, notify.Rule{Name: "uden", Trigger: notify.UnitWithoutManager, To: notify.Recipients{Addresses: []string{"hr@sjolund.test"}}})
	var cs om.ChangeSet
	cs.Update(w.soerenRole, timeline.Since(day("2027-01-10")), om.ManagerPatch{Person: new(uuid.Nil)})
	w.apply(t, &cs)
	ns := w.notices(t, rs)
	require.Len(t, ns, 1, "the role went vacant as of a past day: the unit is without a manager today")
	assert.Equal(t, day("2027-01-15"), ns[0].Data.Day)
	assert.Equal(t, "Skolen ved Søen", ns[0].Data.Unit.Name)
}

func TestManagersEngagementEnds(t *testing.T) {
	w := newWorld(t)
	rs := compile(t, notify.Rule{Name: "leder", Trigger: notify.ManagerEnded, To: notify.Recipients{Addresses: []string{"hr@sjolund.test"}}})
	// A role that names no engagement (as much OS2mo data does) outlives
	// the only engagement of its holder.
	var cs om.ChangeSet
	cs.Update(w.soerenRole, timeline.Since(day("2020-01-01")), om.ManagerPatch{Engagement: new(uuid.Nil)})
	cs.Terminate(w.soerenEng, day("2027-02-01"))
	w.apply(t, &cs)
	w.events(t)
	_, err := w.m.Tick(bg, t0)
	require.NoError(t, err)
	_, err = w.m.Tick(bg, time.Date(2027, 2, 1, 6, 0, 0, 0, zone.Location()))
	require.NoError(t, err)
	ns := w.notices(t, rs)
	require.Len(t, ns, 1)
	assert.Equal(t, "Søren Øster", ns[0].Data.Person.Name)
	assert.Equal(t, "Skoleleder", ns[0].Data.Engagement.JobFunction)
}

func TestMalformedAddressesAreSkippedWithAReason(t *testing.T) {
	w := newWorld(t)
	var cs om.ChangeSet
	cs.Add("", timeline.Since(day("2027-01-01")), om.AddressAttrs{Type: "EMAIL", Value: "Søren <soeren2@sjolund.test>", Person: w.soeren})
	cs.Add("", timeline.Since(day("2027-01-01")), om.AddressAttrs{Type: "EMAIL", Value: "ikke en adresse", Person: w.soeren})
	w.apply(t, &cs)
	w.events(t)
	rs := compile(t, notify.Rule{Name: "ny", Trigger: notify.PersonCreated, To: notify.Recipients{Manager: true, Addresses: []string{"it@sjolund.test"}}})
	w.hire(t, "Kim", "Kok", w.school, day("2027-02-01"), "Månedsløn")
	ns := w.notices(t, rs)
	require.Len(t, ns, 1)
	assert.Equal(t, []string{"it@sjolund.test", "soeren@sjolund.test"}, addrs(ns[0].To), "the good addresses are sent to")
	require.Len(t, ns[0].Skipped, 2)
	for _, s := range ns[0].Skipped {
		assert.Contains(t, s.String(), "is not a mail address")
	}

	// With only the model's addresses and none of them good, the notice
	// is not deliverable and says why.
	rs = compile(t, notify.Rule{Name: "ny", Trigger: notify.PersonCreated, To: notify.Recipients{Person: true}})
	w.hire(t, "Lone", "Lund", w.school, day("2027-02-01"), "Månedsløn")
	ns = w.notices(t, rs)
	require.Len(t, ns, 1)
	assert.False(t, ns[0].Deliverable())
	require.Len(t, ns[0].Skipped, 1)
	assert.Contains(t, ns[0].Skipped[0].Reason, "no EMAIL address")
	_, err := rs.Message(&ns[0])
	assert.Error(t, err)
}

func TestLineBreaksInANameNeverReachAHeader(t *testing.T) {
	w := newWorld(t)
	rs := compile(t, notify.Rule{Name: "ny", Trigger: notify.PersonCreated, To: notify.Recipients{Manager: true}})
	var cs om.ChangeSet // U+2028 and U+2029 are line breaks the model accepts in a name
	cs.Update(w.soeren, timeline.Since(day("2020-01-01")), om.PersonPatch{GivenNames: new("Søren\u2028Bcc: evil@example.test")})
	w.apply(t, &cs)
	w.events(t)
	w.hire(t, "Mads\u2029Subject: hacked", "Møller", w.school, day("2027-02-01"), "Månedsløn")
	ns := w.notices(t, rs)
	require.Len(t, ns, 1)
	msg, err := rs.Message(&ns[0])
	require.NoError(t, err)
	assert.Equal(t, "Ny medarbejder: Mads Subject: hacked Møller, Skolen ved Søen", msg.Subject)
	assert.Equal(t, "Søren Bcc: evil@example.test Øster", msg.To[0].Name)
	for _, s := range []string{msg.Subject, msg.To[0].Name} {
		assert.False(t, strings.ContainsAny(s, "\r\n\u2028\u2029"), "%q", s)
	}
}
