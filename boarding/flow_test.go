package boarding_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/connectors"
)

// The seed's workflow, end to end: ordered for a coming employee, parked
// until HR signs the contract, payroll has the engagement and the
// directory the account; then tasks to Aula's administrators and the
// service desk by mail, the AD group by its connector, the welcome to the
// manager, confirmations by link and in the record, and the fulfilment
// told to the manager and HR, once.
func TestOnboardingEndToEnd(t *testing.T) {
	r := newRig(t)
	sub, err := r.m.Subscribe("boarding")
	require.NoError(t, err)
	o := r.order(t, "soeren@sjolund.dk", "form-1")
	require.Equal(t, boarding.Parked, o.State)
	assert.Zero(t, r.dispatch(t).Mails, "a parked order mails nobody")

	var perm *boarding.PermissionError
	_, err = r.e.ContractSigned(bg, "soeren@sjolund.dk", o.ID, "")
	require.True(t, errorsAs(err, &perm), "only HR says a contract is signed: %v", err)
	o, err = r.e.ContractSigned(bg, "hr@sjolund.dk", o.ID, "kontrakt 2027-117")
	require.NoError(t, err)
	again, err := r.e.ContractSigned(bg, "hr@sjolund.dk", o.ID, "kontrakt 2027-117")
	require.NoError(t, err)
	assert.Equal(t, o.Version, again.Version, "said twice, stored once")

	person, eng := r.hire(t)
	r.events(t, sub)
	o = r.get(t, o.ID)
	assert.Equal(t, person, o.Person, "the pending hire is matched to payroll's person")
	assert.Equal(t, eng, o.Engagement)
	assert.Equal(t, boarding.Parked, o.State, "no account seen yet")

	acct := r.account(t, person)
	r.events(t, sub)
	r.events(t, sub) // an event handled twice changes nothing
	o = r.get(t, o.ID)
	require.Equal(t, boarding.Active, o.State)

	rep := r.dispatch(t)
	assert.Equal(t, 1, rep.Granted, "the AD group, by its connector")
	member, err := (&boarding.ADGroups{Directory: r.dir}).Status(bg, connectors.Grant{Target: "CN=Lærere,OU=Grupper,DC=sjolund,DC=dk", Account: acct})
	require.NoError(t, err)
	assert.Equal(t, connectors.GrantHeld, member)

	ms := r.mails(t)
	aula := mailTo(ms, "aula-admin@sjolund.dk", "")
	require.Len(t, aula, 1)
	f := fields(aula[0].Text)[0]
	assert.Equal(t, "1", f["Orgsync-Task"])
	assert.Equal(t, o.ID.String(), f["Order"])
	assert.Equal(t, "grant", f["Action"])
	assert.Equal(t, "aula", f["System"])
	assert.Equal(t, "laerer", f["Resource"])
	assert.Equal(t, "Åse Ørsted", f["Person"])
	assert.Equal(t, "aaor", f["Username"])
	assert.Equal(t, "2027-03-01", f["First-Day"])
	assert.Equal(t, "Sjølund Kommune / Børn og Unge / Skolen ved Søen", f["Unit"])
	require.Contains(t, f["Done"], "https://orgsync.sjolund.dk/boarding/confirm?token=")
	pc := mailTo(ms, "servicedesk@sjolund.dk", "")
	require.Len(t, pc, 1, "equipment goes to the service desk")
	assert.Equal(t, "pc", fields(pc[0].Text)[0]["Equipment"])
	welcome := mailTo(ms, "soeren@sjolund.dk", "velkommen")
	require.Len(t, welcome, 1)
	assert.Contains(t, welcome[0].Text, "Brugernavn: aaor")
	assert.Contains(t, welcome[0].Text, "Første dag: 2027-03-01")
	assert.Contains(t, welcome[0].Text, "Leder: Søren Øster")
	assert.Zero(t, r.dispatch(t).Mails, "every notice is queued once")

	// Confirmations: never the subject, nobody outside the system.
	aulaTask := taskOf(o, isSystem("aula"))
	_, err = r.e.Confirm(bg, "aaor", o.ID, aulaTask.ID, boarding.LinkDone, "")
	require.True(t, errorsAs(err, &perm), "the person the order is for may not confirm it: %v", err)
	assert.Contains(t, perm.Why, "own order")
	_, err = r.e.Confirm(bg, "nexus-support@sjolund.dk", o.ID, aulaTask.ID, boarding.LinkDone, "")
	require.True(t, errorsAs(err, &perm), "%v", err)
	token := f["Done"][len("https://orgsync.sjolund.dk/boarding/confirm?token="):]
	_, err = r.e.ConfirmLink(bg, r.signer, "aula-admin@sjolund.dk", token+"x", "")
	assert.ErrorIs(t, err, boarding.ErrLinkForged)
	o, err = r.e.ConfirmLink(bg, r.signer, "aula-admin@sjolund.dk", token, "oprettet")
	require.NoError(t, err)
	assert.Equal(t, boarding.Done, taskOf(o, isSystem("aula")).State)
	_, err = r.e.ConfirmLink(bg, r.signer, "aula-admin@sjolund.dk", token, "")
	var tr *boarding.TransitionError
	assert.True(t, errorsAs(err, &tr), "a link followed twice finds its task closed: %v", err)
	adTask := taskOf(o, isSystem("ad"))
	_, err = r.e.Confirm(bg, "hr@sjolund.dk", o.ID, adTask.ID, boarding.LinkDone, "")
	assert.True(t, errorsAs(err, &perm), "an integrated system reports itself: %v", err)

	_, err = r.e.Confirm(bg, "servicedesk@sjolund.dk", o.ID, taskOf(o, isEquipment).ID, boarding.LinkRefuse, "")
	assert.ErrorIs(t, err, boarding.ErrNeedsReason)
	o, err = r.e.Confirm(bg, "servicedesk@sjolund.dk", o.ID, taskOf(o, isEquipment).ID, boarding.LinkRefuse, "ingen pc'er på lager")
	require.NoError(t, err)
	assert.Equal(t, boarding.PartiallyFulfilled, o.State)

	assert.Equal(t, 1, r.dispatch(t).Mails)
	ms = r.mails(t)
	for _, to := range []string{"soeren@sjolund.dk", "hr@sjolund.dk"} {
		done := mailTo(ms, to, "delvist udført")
		require.Len(t, done, 1, to)
		assert.Contains(t, done[0].Text, "ingen pc'er på lager")
	}

	log, err := r.e.Store.Audit(bg, o.ID)
	require.NoError(t, err)
	var events []string
	for _, l := range log {
		events = append(events, l.Actor+" "+l.Event)
	}
	assert.Contains(t, events, "hr@sjolund.dk prerequisite")
	assert.Contains(t, events, "directory read-back prerequisite")
	assert.Contains(t, events, "connector ad complete")
	assert.Contains(t, events, "aula-admin@sjolund.dk complete")
	assert.Contains(t, events, "servicedesk@sjolund.dk refuse")
	assert.Contains(t, events, "servicedesk@sjolund.dk fulfil-partly")
}
