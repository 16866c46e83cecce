package boarding_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var t0 = time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)

// order is an onboarding order for a pending hire with two tasks.
func order() *boarding.Order {
	return &boarding.Order{
		ID: uuid.New(), Key: "k1", Kind: boarding.Onboard, Pending: &boarding.PendingHire{GivenNames: "Åse", Surname: "Ørsted"},
		Roles: []string{"laerer"}, Start: timeline.MustDate(2027, 3, 1), OrderedBy: "stedfortraeder@sjolund.dk", OnBehalfOf: "soeren@sjolund.dk",
		State: boarding.Draft, Created: t0,
		Prerequisites: []boarding.Prerequisite{{Kind: boarding.ContractSigned}, {Kind: boarding.InOrgModel}, {Kind: boarding.AccountSeen}},
		Tasks: []boarding.Task{
			{ID: uuid.New(), Item: boarding.Item{System: "aula", Resource: "laerer"}, Action: boarding.Grant, State: boarding.Pending},
			{ID: uuid.New(), Item: boarding.Item{Equipment: "pc", Quantity: 1}, Action: boarding.Deliver, State: boarding.Pending},
		},
	}
}

func do(t *testing.T, o *boarding.Order, e boarding.OrderEvent, by boarding.Actor, reason string) []boarding.AuditEntry {
	t.Helper()
	log, err := o.Do(e, t0, by, reason)
	require.NoError(t, err)
	return log
}

var (
	delegate = boarding.Actor{Name: "stedfortraeder@sjolund.dk", ActingFor: "soeren@sjolund.dk"}
	manager  = boarding.Actor{Name: "soeren@sjolund.dk"}
	hr       = boarding.Actor{Name: "hr@sjolund.dk"}
	readBack = boarding.Actor{Name: "adsync read-back"}
	admin    = boarding.Actor{Name: "aula-admin@sjolund.dk"}
)

func TestAnOrderFromDraftToFulfilled(t *testing.T) {
	o := order()
	var log []boarding.AuditEntry
	log = append(log, do(t, o, boarding.Submit, delegate, "")...)
	log = append(log, do(t, o, boarding.AwaitAttest, boarding.Actor{Name: "boarding"}, "")...)
	log = append(log, do(t, o, boarding.Attest, manager, "")...)
	assert.Equal(t, boarding.Parked, o.State)

	before := *o
	before.Tasks = slices.Clone(o.Tasks)
	before.Prerequisites = slices.Clone(o.Prerequisites)
	_, err := o.Do(boarding.Activate, t0, boarding.Actor{Name: "boarding"}, "")
	require.ErrorIs(t, err, boarding.ErrNotReady)
	assert.Equal(t, before, *o, "a refused activation changes nothing")

	for _, p := range []struct {
		kind boarding.PrerequisiteKind
		by   boarding.Actor
		ev   string
	}{{boarding.ContractSigned, hr, "kontrakt underskrevet"}, {boarding.InOrgModel, boarding.Actor{Name: "sd-import"}, "engagement 42"}, {boarding.AccountSeen, readBack, "aaor"}} {
		entries, err := o.Satisfy(p.kind, t0, p.by, p.ev)
		require.NoError(t, err)
		require.Len(t, entries, 1)
		log = append(log, entries...)
		again, err := o.Satisfy(p.kind, t0.Add(time.Hour), p.by, p.ev)
		require.NoError(t, err)
		assert.Empty(t, again, "a prerequisite reported twice changes nothing")
	}
	assert.True(t, o.Ready())
	log = append(log, do(t, o, boarding.Activate, boarding.Actor{Name: "boarding"}, "")...)
	assert.Equal(t, boarding.Active, o.State)
	for _, task := range o.Tasks {
		assert.Equal(t, boarding.Open, task.State)
	}

	entries, err := o.Close(o.Tasks[0].ID, boarding.Complete, t0, admin, "")
	require.NoError(t, err)
	log = append(log, entries...)
	assert.Equal(t, boarding.Active, o.State, "one task is still open")
	_, err = o.Close(o.Tasks[0].ID, boarding.Complete, t0, admin, "")
	var te *boarding.TransitionError
	assert.ErrorAs(t, err, &te, "a task confirmed twice")
	entries, err = o.Close(o.Tasks[1].ID, boarding.Complete, t0, boarding.Actor{Name: "it@sjolund.dk"}, "")
	require.NoError(t, err)
	log = append(log, entries...)
	assert.Equal(t, boarding.Fulfilled, o.State)

	var events []string
	for _, e := range log {
		events = append(events, e.Event)
		assert.Equal(t, o.ID, e.Order)
	}
	assert.Equal(t, []string{"submit", "await-attest", "attest", "prerequisite", "prerequisite", "prerequisite",
		"activate", "send", "send", "complete", "complete", "fulfil"}, events)
	assert.Equal(t, "stedfortraeder@sjolund.dk", log[0].Actor)
	assert.Equal(t, "soeren@sjolund.dk", log[0].ActingFor, "the audit keeps whom the delegate acted for")
	assert.Equal(t, "aaor", log[5].Reason, "the account's evidence")
	assert.Equal(t, "adsync read-back", log[5].Actor, "the account is observed, not asserted")
}

func active(t *testing.T) *boarding.Order {
	o := order()
	o.Prerequisites = nil
	do(t, o, boarding.Submit, manager, "")
	do(t, o, boarding.Park, boarding.Actor{Name: "boarding"}, "")
	do(t, o, boarding.Activate, boarding.Actor{Name: "boarding"}, "")
	return o
}

func TestARefusalNeedsAReasonAndFulfilsPartly(t *testing.T) {
	o := active(t)
	_, err := o.Close(o.Tasks[0].ID, boarding.Refuse, t0, admin, "")
	require.ErrorIs(t, err, boarding.ErrNeedsReason)
	assert.Equal(t, boarding.Open, o.Tasks[0].State)
	_, err = o.Close(o.Tasks[0].ID, boarding.Refuse, t0, admin, "stillingen har ikke brug for Aula")
	require.NoError(t, err)
	_, err = o.Close(o.Tasks[1].ID, boarding.Complete, t0, admin, "")
	require.NoError(t, err)
	assert.Equal(t, boarding.PartiallyFulfilled, o.State)
	assert.Equal(t, "stillingen har ikke brug for Aula", o.Tasks[0].Note)
	_, err = o.Close(uuid.New(), boarding.Complete, t0, admin, "")
	assert.Error(t, err, "an unknown task")
}

func TestCancellingWithdrawsOpenTasks(t *testing.T) {
	o := active(t)
	_, err := o.Close(o.Tasks[0].ID, boarding.Complete, t0, admin, "")
	require.NoError(t, err)
	log, err := o.Do(boarding.Cancel, t0, hr, "medarbejderen trak sig før første dag")
	require.NoError(t, err)
	assert.Equal(t, boarding.Cancelled, o.State)
	assert.Equal(t, boarding.Done, o.Tasks[0].State, "a done task stays done (the engine revokes what was granted)")
	assert.Equal(t, boarding.TaskCancelled, o.Tasks[1].State)
	assert.Len(t, log, 2)
	_, err = o.Close(o.Tasks[1].ID, boarding.Complete, t0, admin, "")
	assert.True(t, errors.As(err, new(*boarding.TransitionError)), "nothing is confirmed on a cancelled order")
}

func TestAnOrderWithoutTasksIsFulfilledOnActivation(t *testing.T) {
	o := order()
	o.Tasks, o.Prerequisites = nil, nil
	do(t, o, boarding.Submit, manager, "")
	do(t, o, boarding.Park, manager, "")
	do(t, o, boarding.Activate, manager, "")
	assert.Equal(t, boarding.Fulfilled, o.State)
	_, err := o.Do(boarding.Reject, t0, manager, "")
	assert.Error(t, err)
	_, err = order().Satisfy("lunch", t0, hr, "")
	assert.Error(t, err, "a prerequisite the order does not wait for")
}
