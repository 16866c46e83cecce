package boarding_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
)

// A delegate's order waits for the manager's attest: reminded halfway,
// escalated to the manager's own manager when the time is up, expired
// when the escalation's time is up too; each told by mail once.
func TestAttestRemindsEscalatesAndExpires(t *testing.T) {
	r := newRig(t)
	r.e.AttestFor = 10 * 24 * time.Hour
	o := r.order(t, "vikar@sjolund.dk", "form-1")
	require.Equal(t, boarding.AwaitingAttest, o.State)
	assert.Equal(t, "soeren@sjolund.dk", o.OnBehalfOf)

	sweep := func() boarding.SweepReport {
		rep, err := r.e.Sweep(bg)
		require.NoError(t, err)
		return rep
	}
	r.now = r.now.Add(4 * 24 * time.Hour)
	assert.Zero(t, sweep().Reminded, "not yet halfway")
	r.now = r.now.Add(2 * 24 * time.Hour)
	assert.Equal(t, 1, sweep().Reminded)
	assert.Zero(t, sweep().Reminded, "reminded once")
	r.dispatch(t)
	require.Len(t, mailTo(r.mails(t), "soeren@sjolund.dk", "påmindelse"), 1)

	var perm *boarding.PermissionError
	_, err := r.e.Attest(bg, "dorte@sjolund.dk", o.ID)
	require.True(t, errorsAs(err, &perm), "the manager above may not attest before the escalation: %v", err)

	r.now = r.now.Add(5 * 24 * time.Hour)
	assert.Equal(t, 1, sweep().Escalated)
	o = r.get(t, o.ID)
	assert.Equal(t, "dorte@sjolund.dk", o.EscalatedTo, "Søren's manager is the director of the unit above")
	assert.Equal(t, boarding.AwaitingAttest, o.State)
	r.dispatch(t)
	require.Len(t, mailTo(r.mails(t), "dorte@sjolund.dk", "venter på godkendelse"), 1)

	r.now = r.now.Add(11 * 24 * time.Hour)
	assert.Equal(t, 1, sweep().Expired)
	o = r.get(t, o.ID)
	assert.Equal(t, boarding.Expired, o.State)
	r.dispatch(t)
	expired := mailTo(r.mails(t), "hr@sjolund.dk", "udløbet")
	require.Len(t, expired, 1)
	assert.Contains(t, expired[0].Text, "contract-signed", "the notice says what it waited for")
	assert.Zero(t, sweep().Expired)
}

func TestAttestKeepsTheManagerAndWhoActed(t *testing.T) {
	r := newRig(t)
	o := r.order(t, "vikar@sjolund.dk", "form-1")
	var perm *boarding.PermissionError
	_, err := r.e.Attest(bg, "vikar@sjolund.dk", o.ID)
	require.True(t, errorsAs(err, &perm), "a delegate does not attest their own order: %v", err)

	o, err = r.e.Attest(bg, "hr@sjolund.dk", o.ID)
	require.NoError(t, err)
	assert.Equal(t, boarding.Parked, o.State)
	log, err := r.e.Store.Audit(bg, o.ID)
	require.NoError(t, err)
	var attest boarding.AuditEntry
	for _, l := range log {
		if l.Event == "attest" {
			attest = l
		}
	}
	assert.Equal(t, "hr@sjolund.dk", attest.Actor)
	assert.Equal(t, "soeren@sjolund.dk", attest.ActingFor, "the audit keeps the approver HR stood in for")

	_, err = r.e.Attest(bg, "soeren@sjolund.dk", o.ID)
	var tr *boarding.TransitionError
	assert.True(t, errorsAs(err, &tr), "an order attested is not attested again: %v", err)
}

func TestRejectNeedsAReasonAndTellsTheDelegate(t *testing.T) {
	r := newRig(t)
	o := r.order(t, "vikar@sjolund.dk", "form-1")
	_, err := r.e.Reject(bg, "soeren@sjolund.dk", o.ID, "")
	assert.ErrorIs(t, err, boarding.ErrNeedsReason)
	assert.Equal(t, boarding.AwaitingAttest, r.get(t, o.ID).State, "nothing changed")
	o, err = r.e.Reject(bg, "soeren@sjolund.dk", o.ID, "stillingen er ikke besat")
	require.NoError(t, err)
	assert.Equal(t, boarding.Rejected, o.State)
	r.dispatch(t)
	assert.Len(t, mailTo(r.mails(t), "vikar@sjolund.dk", "afvist"), 1)
}

// A hire whose payroll engagement never comes: the parked order expires
// after ParkFor, with a notice to the orderer and HR.
func TestAParkedOrderExpiresWithANotice(t *testing.T) {
	r := newRig(t)
	r.e.ParkFor = 30 * 24 * time.Hour
	o := r.order(t, "soeren@sjolund.dk", "form-1")
	r.now = r.now.Add(29 * 24 * time.Hour)
	rep, err := r.e.Sweep(bg)
	require.NoError(t, err)
	assert.Zero(t, rep.Expired)
	r.now = r.now.Add(24 * time.Hour)
	rep, err = r.e.Sweep(bg)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Expired)
	assert.Equal(t, boarding.Expired, r.get(t, o.ID).State)
	r.dispatch(t)
	for _, to := range []string{"soeren@sjolund.dk", "hr@sjolund.dk"} {
		m := mailTo(r.mails(t), to, "udløbet")
		require.Len(t, m, 1, to)
		assert.Contains(t, m[0].Text, "in-org-model")
	}
}

func TestCancelWithdrawsTheTasksAndTellsTheAdministrators(t *testing.T) {
	r := newRig(t)
	o := r.order(t, "soeren@sjolund.dk", "form-1")
	_, err := r.e.ContractSigned(bg, "hr@sjolund.dk", o.ID, "")
	require.NoError(t, err)
	person, _ := r.hire(t)
	r.account(t, person)
	sub, _ := r.m.Subscribe("x")
	_ = sub
	require.NoError(t, r.e.Handle(bg, personEvent(person)))
	r.d.Provisioners = nil // the AD connector is not configured: its task waits
	r.dispatch(t)
	require.Len(t, mailTo(r.mails(t), "aula-admin@sjolund.dk", "grant"), 1)

	var perm *boarding.PermissionError
	_, err = r.e.Cancel(bg, "aula-admin@sjolund.dk", o.ID, "fejl")
	require.True(t, errorsAs(err, &perm), "%v", err)
	_, err = r.e.Cancel(bg, "soeren@sjolund.dk", o.ID, "")
	assert.ErrorIs(t, err, boarding.ErrNeedsReason)
	o, err = r.e.Cancel(bg, "soeren@sjolund.dk", o.ID, "ansættelsen er trukket tilbage")
	require.NoError(t, err)
	assert.Equal(t, boarding.Cancelled, o.State)
	for _, task := range o.Tasks {
		assert.Equal(t, boarding.TaskCancelled, task.State)
	}
	r.dispatch(t)
	w := mailTo(r.mails(t), "aula-admin@sjolund.dk", "trukket tilbage")
	require.Len(t, w, 1, "the administrators who got the task are told it is withdrawn")
	assert.Contains(t, w[0].Text, "Withdrawn: ansættelsen er trukket tilbage")
}
