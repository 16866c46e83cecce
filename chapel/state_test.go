package chapel_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const (
	base      = "OU=Kommune,DC=example,DC=org"
	chapelOU  = "OU=Kapellet," + base
	skolen    = "OU=Skolen," + base
	protected = "OU=Direktion," + base
)

var d = timeline.MustParseDate

func policy(t testing.TB, tweak ...func(*chapel.Policy)) *chapel.Policy {
	t.Helper()
	p := &chapel.Policy{
		ChapelOU:     chapelOU,
		Retention:    chapel.Retention{Months: 3},
		Quarantine:   chapel.Retention{Months: 12},
		ProtectedOUs: []string{protected},
	}
	for _, f := range tweak {
		f(p)
	}
	require.NoError(t, p.Validate())
	return p
}

func stampOf(t testing.TB, s chapel.Stamp) string {
	t.Helper()
	v, err := s.Format()
	require.NoError(t, err)
	return v
}

// at is an instant on a day, at 10:00 in Copenhagen.
func at(day string) time.Time { return timeline.DefaultZone().Start(d(day)).Add(10 * time.Hour) }

// graceDay disables the day after the first day without an engagement.
func graceDay(p *chapel.Policy) { p.DisableAfterDays = 1 }

func TestEveryStateAndInput(t *testing.T) {
	stamp := stampOf(t, chapel.Stamp{Disabled: d("2026-01-05"), Reason: chapel.ReasonLeft, From: skolen})
	accounts := map[chapel.State]chapel.Account{
		chapel.Active:            {DN: "CN=a," + skolen, Enabled: true},
		chapel.DisabledByHand:    {DN: "CN=a," + skolen},
		chapel.Interrupted:       {DN: "CN=a," + skolen, StampValue: stamp},
		chapel.InChapel:          {DN: "CN=a," + chapelOU, StampValue: stamp},
		chapel.ReenabledInChapel: {DN: "CN=a," + chapelOU, StampValue: stamp, Enabled: true},
		chapel.UnstampedInChapel: {DN: "CN=a," + chapelOU},
		chapel.BadStamp:          {DN: "CN=a," + chapelOU, StampValue: chapel.StampPrefix + `{"v":1,"disabled":"2026-13-01"}`},
		chapel.Excluded:          {DN: "CN=a," + protected, Enabled: true},
	}
	employed := chapel.Person{Known: true, Employed: true, ReturnOU: skolen}
	left := chapel.Person{Known: true, LeftOn: d("2026-01-05")}
	inputs := []struct {
		name   string
		now    time.Time
		person chapel.Person
	}{
		{"employed", at("2026-02-01"), employed},
		{"left-before-disable-is-due", at("2026-01-05"), left},
		{"left-disable-due", at("2026-02-01"), left},
		{"left-retention-passed", at("2026-04-05"), left},
		{"rehired-on-deletion-day", at("2026-04-05"), employed},
		{"not-linked", at("2026-04-05"), chapel.Person{}},
	}
	// want[state][input] is the action; "" is Nothing.
	want := map[chapel.State][]chapel.Action{
		chapel.Active:            {chapel.Nothing, chapel.Nothing, chapel.Disable, chapel.Disable, chapel.Nothing, chapel.Nothing},
		chapel.DisabledByHand:    {chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Nothing},
		chapel.Interrupted:       {chapel.Reactivate, chapel.Disable, chapel.Disable, chapel.Disable, chapel.Reactivate, chapel.Nothing},
		chapel.InChapel:          {chapel.Reactivate, chapel.Nothing, chapel.Nothing, chapel.Delete, chapel.Reactivate, chapel.Nothing},
		chapel.ReenabledInChapel: {chapel.Reactivate, chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Reactivate, chapel.Nothing},
		chapel.UnstampedInChapel: {chapel.Reactivate, chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Reactivate, chapel.Nothing},
		chapel.BadStamp:          {chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Nothing},
		chapel.Excluded:          {chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Nothing, chapel.Nothing},
	}
	// With adoption and enforcement on, the odd cases change.
	strict := map[chapel.State][]chapel.Action{
		chapel.DisabledByHand:    {chapel.Nothing, chapel.Nothing, chapel.Adopt, chapel.Adopt, chapel.Nothing, chapel.Nothing},
		chapel.UnstampedInChapel: {chapel.Reactivate, chapel.Nothing, chapel.Adopt, chapel.Adopt, chapel.Reactivate, chapel.Nothing},
		chapel.ReenabledInChapel: {chapel.Reactivate, chapel.Redisable, chapel.Redisable, chapel.Redisable, chapel.Reactivate, chapel.Nothing},
	}
	for _, pol := range []struct {
		name string
		p    *chapel.Policy
		over map[chapel.State][]chapel.Action
	}{
		{"default", policy(t, graceDay), nil},
		{"adopt-and-enforce", policy(t, graceDay, func(p *chapel.Policy) { p.AdoptDisabled, p.EnforceDisabled = true, true }), strict},
	} {
		for state, acct := range accounts {
			got, _, _ := pol.p.Classify(acct)
			require.Equal(t, state, got, "classify %s", state)
			for i, in := range inputs {
				t.Run(fmt.Sprintf("%s/%s/%s", pol.name, state, in.name), func(t *testing.T) {
					exp := want[state][i]
					if o, ok := pol.over[state]; ok {
						exp = o[i]
					}
					dec := pol.p.Decide(in.now, acct, in.person)
					assert.Equal(t, state, dec.State)
					assert.Equal(t, exp, dec.Action, dec.Reason)
					assert.NotEmpty(t, dec.Reason, "every decision says why")
				})
			}
		}
	}
}

func TestDisableStampsWhenWhyAndWhere(t *testing.T) {
	p := policy(t, func(p *chapel.Policy) { p.Groups = chapel.GroupsRemove; p.DisableAtHour = 18 })
	acct := chapel.Account{DN: "CN=Søren Ærø," + skolen, Enabled: true, Groups: []string{"g1", "g2"}}
	person := chapel.Person{Known: true, LeftOn: d("2026-03-01")}
	// Before 18:00 on the first day without an engagement: not yet.
	dec := p.Decide(timeline.DefaultZone().Start(d("2026-03-01")).Add(17*time.Hour), acct, person)
	assert.Equal(t, chapel.Nothing, dec.Action)
	assert.Equal(t, timeline.DefaultZone().Start(d("2026-03-01")).Add(18*time.Hour), dec.Due)
	dec = p.Decide(timeline.DefaultZone().Start(d("2026-03-01")).Add(18*time.Hour), acct, person)
	require.Equal(t, chapel.Disable, dec.Action)
	assert.Equal(t, chapelOU, dec.Target)
	assert.Equal(t, chapel.Stamp{Disabled: d("2026-03-01"), Reason: chapel.ReasonLeft, From: skolen, Groups: []string{"g1", "g2"}}, dec.Stamp)
}

func TestRetentionPerUnitAndQuarantine(t *testing.T) {
	p := policy(t, func(p *chapel.Policy) {
		p.UnitRetention = map[string]chapel.Retention{"vikarer": {Days: 14}}
	})
	acct := chapel.Account{DN: "CN=a," + chapelOU, StampValue: stampOf(t, chapel.Stamp{Disabled: d("2026-01-31"), Reason: chapel.ReasonLeft, From: skolen})}
	person := chapel.Person{Known: true, LeftOn: d("2026-01-31")}
	dec := p.Decide(at("2026-04-29"), acct, person)
	assert.Equal(t, chapel.Nothing, dec.Action, "three months from 31 January is 30 April")
	assert.Equal(t, timeline.DefaultZone().Start(d("2026-04-30")), dec.Due)
	dec = p.Decide(at("2026-04-30"), acct, person)
	assert.Equal(t, chapel.Delete, dec.Action)
	assert.Equal(t, d("2027-04-30"), dec.QuarantineUntil)
	person.Unit = "vikarer"
	assert.Equal(t, chapel.Delete, p.Decide(at("2026-02-14"), acct, person).Action, "a temp's account goes after 14 days")
	assert.Equal(t, chapel.Nothing, p.Decide(at("2026-02-13"), acct, person).Action)
}

func TestReactivationNeedsSomewhereToGo(t *testing.T) {
	p := policy(t)
	acct := chapel.Account{DN: "CN=a," + chapelOU}
	dec := p.Decide(at("2026-02-01"), acct, chapel.Person{Known: true, Employed: true})
	assert.Equal(t, chapel.Nothing, dec.Action, "unstamped: no recorded OU, and the caller named none")
	assert.Contains(t, dec.Reason, "no OU")
	acct.StampValue = stampOf(t, chapel.Stamp{Disabled: d("2026-01-05"), Reason: chapel.ReasonLeft, From: skolen})
	dec = p.Decide(at("2026-02-01"), acct, chapel.Person{Known: true, Employed: true})
	assert.Equal(t, chapel.Reactivate, dec.Action)
	assert.Equal(t, skolen, dec.Target, "back where it came from")
}

func TestStampRoundTripAndErrors(t *testing.T) {
	s := chapel.Stamp{Disabled: d("2026-12-01"), Reason: chapel.ReasonLeft, From: `OU=Sk\,olen,` + base, Groups: []string{"b7c1"}}
	v := stampOf(t, s)
	assert.True(t, strings.HasPrefix(v, chapel.StampPrefix))
	back, ok, err := chapel.ParseStamp(v)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, s, back)

	_, ok, err = chapel.ParseStamp("Ansat via vikarbureau")
	assert.False(t, ok, "an administrator's note is not a stamp")
	assert.NoError(t, err)
	for _, bad := range []string{
		chapel.StampPrefix + "{",
		chapel.StampPrefix + `{"v":2,"disabled":"2026-01-01","reason":"left","from":"OU=a"}`,
		chapel.StampPrefix + `{"v":1,"disabled":"2026-02-30","reason":"left","from":"OU=a"}`,
		chapel.StampPrefix + `{"v":1,"disabled":"2026-01-01","reason":"fired","from":"OU=a"}`,
		chapel.StampPrefix + `{"v":1,"disabled":"2026-01-01","reason":"left","from":""}`,
		chapel.StampPrefix + `{"v":1,"disabled":"2026-01-01","reason":"left","from":"OU=a","extra":1}`,
		chapel.StampPrefix + `{"v":1,"disabled":"2026-01-01","reason":"left","from":"OU=a"}{}`,
		chapel.StampPrefix + strings.Repeat(" ", 2000),
	} {
		_, ok, err := chapel.ParseStamp(bad)
		assert.True(t, ok)
		assert.ErrorIs(t, err, chapel.ErrStamp, bad)
	}
	many := chapel.Stamp{Disabled: d("2026-12-01"), Reason: chapel.ReasonLeft, From: skolen}
	for i := range 40 {
		many.Groups = append(many.Groups, fmt.Sprintf("00000000-0000-0000-0000-%012d", i))
	}
	_, err = many.Format()
	assert.ErrorIs(t, err, chapel.ErrStamp, "too many groups to record")
}

func TestPolicyValidation(t *testing.T) {
	for _, p := range []chapel.Policy{
		{},
		{ChapelOU: "not a dn", Retention: chapel.Retention{Days: 1}},
		{ChapelOU: chapelOU},
		{ChapelOU: chapelOU, Retention: chapel.Retention{Days: -1}},
		{ChapelOU: chapelOU, Retention: chapel.Retention{Days: 1}, DisableAtHour: 24},
		{ChapelOU: chapelOU, Retention: chapel.Retention{Days: 1}, StampAttribute: "bad attr"},
		{ChapelOU: chapelOU, Retention: chapel.Retention{Days: 1}, UnitRetention: map[string]chapel.Retention{"u": {}}},
	} {
		assert.Error(t, p.Validate(), "%+v", p)
	}
	p := chapel.Policy{ChapelOU: chapelOU, Retention: chapel.Retention{Months: 1}}
	require.NoError(t, p.Validate())
	assert.Equal(t, "adminDescription", p.StampAttribute, "a base-schema attribute by default")
}

// FuzzParseStamp checks that ParseStamp never panics and that what it
// accepts formats back to a stamp that parses to the same.
func FuzzParseStamp(f *testing.F) {
	f.Add(chapel.StampPrefix + `{"v":1,"disabled":"2026-01-01","reason":"left","from":"OU=a,DC=b","groups":["x"]}`)
	f.Add(chapel.StampPrefix + `{"v":1}`)
	f.Add("note")
	f.Fuzz(func(t *testing.T, v string) {
		s, ok, err := chapel.ParseStamp(v)
		if !ok || err != nil {
			return
		}
		out, err := s.Format()
		if err != nil {
			return // too long to write back, e.g. a From too big
		}
		back, ok, err := chapel.ParseStamp(out)
		if !ok || err != nil || back.Disabled != s.Disabled || back.From != s.From || back.Reason != s.Reason || len(back.Groups) != len(s.Groups) {
			t.Fatalf("round trip of %q: %+v %v", v, back, err)
		}
	})
}

func TestDecisionsCarryTheDeletionDay(t *testing.T) {
	p := policy(t)
	acct := chapel.Account{DN: "CN=a," + chapelOU, StampValue: stampOf(t, chapel.Stamp{Disabled: d("2026-01-05"), Reason: chapel.ReasonLeft, From: skolen})}
	left := chapel.Person{Known: true, LeftOn: d("2026-01-05")}
	assert.Equal(t, d("2026-04-05"), p.Decide(at("2026-02-01"), acct, left).DeleteOn, "before it is due")
	assert.Equal(t, d("2026-04-05"), p.Decide(at("2026-05-01"), acct, left).DeleteOn, "and after")
}

func TestAccountErrorsMaskNationalIDs(t *testing.T) {
	e := &chapel.AccountError{ID: "12345678-1234-4abc-8def-123456789abc", DN: "CN=0101901234," + skolen, Err: fmt.Errorf("boom")}
	assert.NotContains(t, e.Error(), "0101901234")
	assert.Contains(t, e.Error(), "12345678-1234-4abc-8def-123456789abc", "the id stays whole")
}

func TestAReturningPersonsAccountWaitsAndIsNotDeleted(t *testing.T) {
	p := policy(t)
	acct := chapel.Account{DN: "CN=a," + chapelOU, StampValue: stampOf(t, chapel.Stamp{Disabled: d("2026-01-31"), Reason: chapel.ReasonLeft, From: skolen})}
	person := chapel.Person{Known: true, LeftOn: d("2026-01-31"), Returning: true, ReturnsOn: d("2026-09-01")}
	dec := p.Decide(at("2026-06-30"), acct, person)
	assert.Equal(t, chapel.Nothing, dec.Action, "past the retention, but the person returns")
	assert.Contains(t, dec.Reason, "2026-09-01")
	// Still employed until now and returning later: the disable happens.
	active := chapel.Account{DN: "CN=a," + skolen, Enabled: true}
	assert.Equal(t, chapel.Disable, p.Decide(at("2026-02-01"), active, person).Action, "rights go on the day they leave, return or not")
	person.Returning = false
	assert.Equal(t, chapel.Delete, p.Decide(at("2026-06-30"), acct, person).Action)
}
