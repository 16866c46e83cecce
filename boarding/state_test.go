package boarding_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/orgsync/orgsync/boarding"
)

var orderEvents = []boarding.OrderEvent{boarding.Submit, boarding.AwaitAttest, boarding.Attest, boarding.Reject, boarding.Park,
	boarding.Activate, boarding.Fulfil, boarding.FulfilPartly, boarding.Cancel, boarding.Expire}

// TestOrderLife walks the lives an order can have, and checks that every
// other move is refused with a TransitionError that leaves the state.
func TestOrderLife(t *testing.T) {
	lives := [][]boarding.OrderEvent{
		{boarding.Submit, boarding.Park, boarding.Activate, boarding.Fulfil},
		{boarding.Submit, boarding.AwaitAttest, boarding.Attest, boarding.Activate, boarding.FulfilPartly},
		{boarding.Submit, boarding.AwaitAttest, boarding.Reject},
		{boarding.Submit, boarding.Park, boarding.Expire},
		{boarding.Submit, boarding.Park, boarding.Activate, boarding.Cancel},
	}
	ends := []boarding.OrderState{boarding.Fulfilled, boarding.PartiallyFulfilled, boarding.Rejected, boarding.Expired, boarding.Cancelled}
	for i, life := range lives {
		s := boarding.Draft
		for _, e := range life {
			next, err := s.Next(e)
			if err != nil {
				t.Fatalf("life %d: %s in %s: %v", i, e, s, err)
			}
			s = next
		}
		if s != ends[i] || !s.Terminal() {
			t.Errorf("life %d ends %s, want the terminal %s", i, s, ends[i])
		}
	}
	for _, s := range boarding.OrderStates {
		for _, e := range orderEvents {
			next, err := s.Next(e)
			if s.Terminal() && err == nil {
				t.Errorf("%s is terminal, yet %s moves it to %s", s, e, next)
			}
			var te *boarding.TransitionError
			if err != nil && (!errors.As(err, &te) || next != s) {
				t.Errorf("%s in %s: %v, state %s", e, s, err, next)
			}
		}
	}
	// Activation never skips parking: an order's prerequisites are
	// always checked.
	for _, s := range boarding.OrderStates {
		if next, err := s.Next(boarding.Activate); err == nil && s != boarding.Parked {
			t.Errorf("%s activates to %s without being parked", s, next)
		}
	}
}

// TestTaskLife: a task goes out, is done, refused or failed; one that is
// over cannot be confirmed again.
func TestTaskLife(t *testing.T) {
	events := []boarding.TaskEvent{boarding.Send, boarding.Start, boarding.Complete, boarding.Refuse, boarding.Fail, boarding.Withdraw}
	s := boarding.Pending
	for _, e := range []boarding.TaskEvent{boarding.Send, boarding.Start, boarding.Complete} {
		var err error
		if s, err = s.Next(e); err != nil {
			t.Fatalf("%s: %v", e, err)
		}
	}
	if s != boarding.Done {
		t.Fatalf("ends %s", s)
	}
	if _, err := s.Next(boarding.Complete); err == nil {
		t.Error("a done task confirmed twice")
	}
	for _, st := range boarding.TaskStates {
		for _, e := range events {
			next, err := st.Next(e)
			if st.Terminal() && err == nil {
				t.Errorf("%s is over, yet %s moves it to %s", st, e, next)
			}
			if err == nil && !slices.Contains(boarding.TaskStates, next) {
				t.Errorf("%s in %s gives the unknown state %q", e, st, next)
			}
		}
	}
}
