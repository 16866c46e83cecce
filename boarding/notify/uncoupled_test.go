package notify_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/notify"
	om "github.com/orgsync/orgsync/orgmodel"
	orgrules "github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// TestUncoupledAlertsOncePerRegistration runs the real coupling rule over
// a payroll unit with an engagement and no related administrative unit,
// and checks that the alert names the unit and its days, that a second
// rules run over the same model makes the same key (the outbox's dedup
// then sends it once), and that a new registration of the unit alerts
// again.
func TestUncoupledAlertsOncePerRegistration(t *testing.T) {
	w := newWorld(t)
	var cs om.ChangeSet
	always := timeline.Since(day("2020-01-01"))
	payRoot := cs.Add("L0", always, om.UnitAttrs{Name: "Lønorganisation"})
	payUnit := cs.Add("L2", always, om.UnitAttrs{Name: "Løn Børnehaven Mælkebøtten", Parent: payRoot})
	w.apply(t, &cs)
	w.hire(t, "Bo", "Bæk", payUnit, day("2027-02-01"), "Timeløn")

	set, err := orgrules.New(orgrules.Config{Coupling: orgrules.CouplingConfig{Enabled: true, PayrollRoot: "L0"}})
	require.NoError(t, err)
	run := func() []orgrules.Unrelated {
		res, err := set.Plan(w.m.Latest(), timeline.Since(day("2027-01-15")))
		require.NoError(t, err)
		return res.Unrelated
	}
	found := run()
	require.Len(t, found, 1, "the coupling rule finds the payroll unit")

	rs := compile(t, notify.Rule{Name: "loen", Trigger: notify.PayrollUnitUncoupled,
		To: notify.Recipients{Addresses: []string{"loen@sjolund.test"}}})
	ns := rs.Uncoupled(w.m, found)
	require.Len(t, ns, 1)
	n := ns[0]
	assert.Equal(t, notify.PayrollUnitUncoupled, n.Trigger)
	assert.Equal(t, []string{"loen@sjolund.test"}, addrs(n.To))
	assert.True(t, n.Deliverable())
	msg, err := rs.Message(&n)
	require.NoError(t, err)
	assert.Contains(t, msg.Subject, "Løn Børnehaven Mælkebøtten")
	assert.Contains(t, msg.Text, "2027-02-01–", "the days without a coupling")

	again := rs.Uncoupled(w.m, run())
	require.Len(t, again, 1)
	assert.Equal(t, n.Key, again[0].Key, "a second rules run alerts under the same key")

	var rename om.ChangeSet
	rename.Update(payUnit, always, om.UnitPatch{Name: new("Løn Mælkebøtten")})
	w.apply(t, &rename)
	later := rs.Uncoupled(w.m, run())
	require.Len(t, later, 1)
	assert.NotEqual(t, n.Key, later[0].Key, "a new registration of the unit alerts again")

	none := compile(t, notify.Rule{Name: "ny", Trigger: notify.PersonCreated, To: notify.Recipients{Manager: true}})
	assert.Empty(t, none.Uncoupled(w.m, found), "no rule for the trigger, no notice")
}
