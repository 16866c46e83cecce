package boarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/connectors"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// onboarded takes Åse's order to active and dispatches it (the AD group
// granted), confirming the Aula task and the pc unless leaveOpen.
func (r *rig) onboarded(t *testing.T, sub *om.Subscription, leaveOpen bool) (o *boarding.Order, person, eng uuid.UUID, acct connectors.ID) {
	t.Helper()
	o = r.order(t, "soeren@sjolund.dk", "form-1")
	_, err := r.e.ContractSigned(bg, "hr@sjolund.dk", o.ID, "")
	require.NoError(t, err)
	person, eng = r.hire(t)
	acct = r.account(t, person)
	r.events(t, sub)
	require.Equal(t, boarding.Active, r.get(t, o.ID).State)
	r.dispatch(t)
	o = r.get(t, o.ID)
	if !leaveOpen {
		o, err = r.e.Confirm(bg, "aula-admin@sjolund.dk", o.ID, taskOf(o, isSystem("aula")).ID, boarding.LinkDone, "")
		require.NoError(t, err)
		o, err = r.e.Confirm(bg, "servicedesk@sjolund.dk", o.ID, taskOf(o, isEquipment).ID, boarding.LinkDone, "")
		require.NoError(t, err)
		require.Equal(t, boarding.Fulfilled, o.State)
	}
	return o, person, eng, acct
}

func (r *rig) member(t *testing.T, group string, acct connectors.ID) bool {
	t.Helper()
	st, err := (&boarding.ADGroups{Directory: r.dir}).Status(bg, connectors.Grant{Target: group, Account: acct})
	require.NoError(t, err)
	return st == connectors.GrantHeld
}

func (r *rig) terminate(t *testing.T, eng uuid.UUID, end timeline.Date) {
	t.Helper()
	var cs om.ChangeSet
	cs.Terminate(eng, end)
	r.apply(t, &cs)
}

func offboarding(t *testing.T, r *rig, person uuid.UUID) []boarding.Order {
	t.Helper()
	os, err := r.e.Store.List(bg, boarding.Query{Person: person, Kind: boarding.Offboard})
	require.NoError(t, err)
	return os
}

const laerere = "CN=Lærere,OU=Grupper,DC=sjolund,DC=dk"

// A registered termination gives an offboarding order of what orgsync
// granted, parked until the last day; on the last day the AD group is
// revoked by its connector, Aula's administrators and the service desk
// get their tasks; a group added outside orgsync is not touched.
func TestTerminationOffboardsOnTheLastDay(t *testing.T) {
	r := newRig(t)
	sub, err := r.m.Subscribe("boarding")
	require.NoError(t, err)
	_, person, eng, acct := r.onboarded(t, sub, false)
	other := mustCreate(t, r.dir, "CN=Kantine,OU=Grupper,DC=sjolund,DC=dk", "group")
	require.NoError(t, r.dir.AddMember(bg, other, acct))

	r.terminate(t, eng, timeline.MustDate(2027, 7, 1))
	r.events(t, sub)
	r.events(t, sub)
	off := offboarding(t, r, person)
	require.Len(t, off, 1, "one offboarding order, however often the event comes")
	o := off[0]
	assert.Equal(t, boarding.Parked, o.State)
	assert.Equal(t, eng, o.Engagement)
	actions := map[boarding.Action]int{}
	for _, task := range o.Tasks {
		actions[task.Action]++
	}
	assert.Equal(t, map[boarding.Action]int{boarding.Revoke: 2, boarding.Reclaim: 1}, actions)

	r.now = r.now.AddDate(0, 3, 0)
	_, err = r.e.Sweep(bg)
	require.NoError(t, err)
	assert.Equal(t, boarding.Parked, r.get(t, o.ID).State, "not the last day yet")

	r.now = om.New(om.Options{}).Zone().Start(timeline.MustDate(2027, 6, 30)).Add(8 * 60 * 60 * 1e9)
	rep, err := r.e.Sweep(bg)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Activated)
	assert.Equal(t, boarding.Active, r.get(t, o.ID).State)
	assert.Equal(t, 1, r.dispatch(t).Revoked)
	assert.False(t, r.member(t, laerere, acct), "the group orgsync granted is revoked")
	assert.True(t, r.member(t, "CN=Kantine,OU=Grupper,DC=sjolund,DC=dk", acct), "a group granted outside orgsync is not touched")

	aula := mailTo(r.mails(t), "aula-admin@sjolund.dk", "revoke")
	require.Len(t, aula, 1)
	f := fields(aula[0].Text)[0]
	assert.Equal(t, "revoke", f["Action"])
	assert.Equal(t, "2027-06-30", f["Last-Day"])
	pc := mailTo(r.mails(t), "servicedesk@sjolund.dk", "reclaim")
	require.Len(t, pc, 1)
}

// A termination moved gives the new last day's order and cancels the
// old; one withdrawn cancels its offboarding.
func TestTerminationMovedOrWithdrawn(t *testing.T) {
	r := newRig(t)
	sub, err := r.m.Subscribe("boarding")
	require.NoError(t, err)
	_, person, eng, _ := r.onboarded(t, sub, false)
	r.terminate(t, eng, timeline.MustDate(2027, 7, 1))
	r.events(t, sub)

	var cs om.ChangeSet
	cs.Set(eng, timeline.Between(timeline.MustDate(2027, 7, 1), timeline.MustDate(2027, 9, 1)),
		om.EngagementAttrs{Person: person, Unit: r.school, JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "42"})
	r.apply(t, &cs)
	r.events(t, sub)
	off := offboarding(t, r, person)
	require.Len(t, off, 2)
	assert.Equal(t, boarding.Cancelled, off[0].State)
	assert.Equal(t, boarding.Parked, off[1].State)
	assert.Equal(t, timeline.MustDate(2027, 9, 1), off[1].Start)

	var open om.ChangeSet
	open.Set(eng, timeline.Since(timeline.MustDate(2027, 9, 1)),
		om.EngagementAttrs{Person: person, Unit: r.school, JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "42"})
	r.apply(t, &open)
	r.events(t, sub)
	off = offboarding(t, r, person)
	require.Len(t, off, 2)
	assert.Equal(t, boarding.Cancelled, off[1].State, "the termination was withdrawn")
}

// A person who leaves before their first day: the onboarding is
// cancelled (its open tasks withdrawn, their administrators told), and
// what was already granted is revoked at once.
func TestLeaverBeforeTheFirstDay(t *testing.T) {
	r := newRig(t)
	sub, err := r.m.Subscribe("boarding")
	require.NoError(t, err)
	o, person, eng, acct := r.onboarded(t, sub, true)
	require.True(t, r.member(t, laerere, acct))

	r.terminate(t, eng, timeline.MustDate(2027, 2, 20)) // before the first day: the engagement is cleared whole
	r.events(t, sub)
	o = r.get(t, o.ID)
	assert.Equal(t, boarding.Cancelled, o.State)
	assert.Equal(t, boarding.TaskCancelled, taskOf(o, isSystem("aula")).State)
	off := offboarding(t, r, person)
	require.Len(t, off, 1)
	require.Len(t, off[0].Tasks, 1, "only the AD group was granted")
	assert.Equal(t, boarding.Active, off[0].State, "the last day has passed: revoke now")

	r.dispatch(t)
	assert.False(t, r.member(t, laerere, acct))
	assert.Len(t, mailTo(r.mails(t), "aula-admin@sjolund.dk", "trukket tilbage"), 1)

	r.now = r.now.AddDate(0, 0, 3)
	r.events(t, sub)
	_, err = r.e.Sweep(bg)
	require.NoError(t, err)
	assert.Len(t, offboarding(t, r, person), 1, "a later day does not offboard again")
}

// A grant that completes after the offboarding was placed (an integrated
// system that was down) is revoked on the last day too: the sweep adds
// it to the offboarding order.
func TestAGrantDoneAfterTheTerminationIsRevokedToo(t *testing.T) {
	r := newRig(t)
	sub, err := r.m.Subscribe("boarding")
	require.NoError(t, err)
	f := &flaky{p: &boarding.ADGroups{Directory: r.dir}, fails: 1, kind: connectors.Transient}
	r.d.Provisioners["ad-groups"] = f
	o, person, eng, acct := r.onboarded(t, sub, true)
	require.Equal(t, boarding.Open, taskOf(r.get(t, o.ID), isSystem("ad")).State, "the connector was down")
	_, err = r.e.Confirm(bg, "aula-admin@sjolund.dk", o.ID, taskOf(o, isSystem("aula")).ID, boarding.LinkDone, "")
	require.NoError(t, err)

	r.terminate(t, eng, timeline.MustDate(2027, 7, 1))
	r.events(t, sub)
	off := offboarding(t, r, person)
	require.Len(t, off, 1)
	assert.Equal(t, []string{"revoke aula/laerer"}, items(off[0]), "only Aula was granted when the termination came")

	r.now = r.now.Add(time.Hour)
	r.dispatch(t)
	require.True(t, r.member(t, laerere, acct), "the group is granted now")
	_, err = r.e.Sweep(bg)
	require.NoError(t, err)
	assert.Equal(t, []string{"revoke ad/laerere", "revoke aula/laerer"}, items(*r.get(t, off[0].ID)))
}
