package boarding

import "fmt"

// OrderState is where an order is in its life. The names are stable:
// stores keep them.
type OrderState string

// The order states.
const (
	// Draft: being written; nothing is ordered yet.
	Draft OrderState = "draft"
	// Submitted: ordered; being checked and routed.
	Submitted OrderState = "submitted"
	// AwaitingAttest: ordered by a delegate, waiting for the manager's
	// attest.
	AwaitingAttest OrderState = "awaiting-attest"
	// Parked: waiting for its prerequisites (contract signed, person and
	// engagement in the org model, AD account seen).
	Parked OrderState = "parked"
	// Active: its tasks are with the systems' administrators and
	// connectors.
	Active OrderState = "active"
	// Fulfilled: every task done.
	Fulfilled OrderState = "fulfilled"
	// PartiallyFulfilled: every task over, some refused or failed.
	PartiallyFulfilled OrderState = "partially-fulfilled"
	// Rejected: the attest was refused.
	Rejected OrderState = "rejected"
	// Cancelled: withdrawn, or the person left before the first day.
	Cancelled OrderState = "cancelled"
	// Expired: its prerequisites never came (a hire whose payroll
	// engagement never arrived), or its attest was never given.
	Expired OrderState = "expired"
)

// OrderStates lists the states, in the order of a life.
var OrderStates = []OrderState{Draft, Submitted, AwaitingAttest, Parked, Active, Fulfilled, PartiallyFulfilled, Rejected, Cancelled, Expired}

// Terminal reports whether nothing more happens to an order in s.
func (s OrderState) Terminal() bool {
	switch s {
	case Fulfilled, PartiallyFulfilled, Rejected, Cancelled, Expired:
		return true
	}
	return false
}

// OrderEvent is what moves an order from one state to the next.
type OrderEvent string

// The order events.
const (
	// Submit: the orderer sends the draft.
	Submit OrderEvent = "submit"
	// AwaitAttest: the order came from a delegate; the manager must
	// attest it.
	AwaitAttest OrderEvent = "await-attest"
	// Attest: the manager approves a delegate's order.
	Attest OrderEvent = "attest"
	// Reject: the manager refuses it, with a reason.
	Reject OrderEvent = "reject"
	// Park: the order waits for its prerequisites.
	Park OrderEvent = "park"
	// Activate: the prerequisites hold; the tasks go out.
	Activate OrderEvent = "activate"
	// Fulfil: every task is done.
	Fulfil OrderEvent = "fulfil"
	// FulfilPartly: every task is over, some refused or failed.
	FulfilPartly OrderEvent = "fulfil-partly"
	// Cancel: withdrawn by its orderer or HR, or made moot (the person
	// left before the first day).
	Cancel OrderEvent = "cancel"
	// Expire: a deadline passed (prerequisites or attest).
	Expire OrderEvent = "expire"
)

// orderMoves are the order state machine's edges.
var orderMoves = map[OrderState]map[OrderEvent]OrderState{
	Draft:          {Submit: Submitted, Cancel: Cancelled},
	Submitted:      {AwaitAttest: AwaitingAttest, Park: Parked, Cancel: Cancelled, Expire: Expired},
	AwaitingAttest: {Attest: Parked, Reject: Rejected, Cancel: Cancelled, Expire: Expired},
	Parked:         {Activate: Active, Cancel: Cancelled, Expire: Expired},
	Active:         {Fulfil: Fulfilled, FulfilPartly: PartiallyFulfilled, Cancel: Cancelled},
}

// Next returns the state event e moves an order in s to, or a
// *TransitionError if e cannot happen in s.
func (s OrderState) Next(e OrderEvent) (OrderState, error) {
	if to, ok := orderMoves[s][e]; ok {
		return to, nil
	}
	return s, &TransitionError{Of: "order", From: string(s), Event: string(e)}
}

// TaskState is where a task is. The names are stable: stores keep them.
type TaskState string

// The task states.
const (
	// Pending: its order is not active yet.
	Pending TaskState = "pending"
	// Open: the mail went to the administrators, or the connector call
	// is queued.
	Open TaskState = "open"
	// Executing: an integrated system is doing it.
	Executing TaskState = "executing"
	// Done: confirmed done (by the administrator, or the system itself).
	Done TaskState = "done"
	// Refused: the administrator refused it, with a reason.
	Refused TaskState = "refused"
	// Failed: the integrated system failed it for good: the engine
	// retries a transient failure (counting Attempts) before it fails a
	// task, and a failed task counts against its order's fulfilment.
	Failed TaskState = "failed"
	// TaskCancelled: its order was cancelled before it was done.
	TaskCancelled TaskState = "cancelled"
)

// TaskStates lists the task states.
var TaskStates = []TaskState{Pending, Open, Executing, Done, Refused, Failed, TaskCancelled}

// Terminal reports whether the task is over.
func (s TaskState) Terminal() bool {
	switch s {
	case Done, Refused, Failed, TaskCancelled:
		return true
	}
	return false
}

// TaskEvent is what moves a task.
type TaskEvent string

// The task events.
const (
	// Send: the task goes out (its order activated).
	Send TaskEvent = "send"
	// Start: an integrated system took it.
	Start TaskEvent = "start"
	// Complete: it is done.
	Complete TaskEvent = "complete"
	// Refuse: the administrator refuses it.
	Refuse TaskEvent = "refuse"
	// Fail: the system failed it for good.
	Fail TaskEvent = "fail"
	// Withdraw: its order was cancelled.
	Withdraw TaskEvent = "withdraw"
)

var taskMoves = map[TaskState]map[TaskEvent]TaskState{
	Pending:   {Send: Open, Withdraw: TaskCancelled},
	Open:      {Start: Executing, Complete: Done, Refuse: Refused, Fail: Failed, Withdraw: TaskCancelled},
	Executing: {Complete: Done, Fail: Failed, Withdraw: TaskCancelled},
}

// Next returns the state event e moves a task in s to, or a
// *TransitionError.
func (s TaskState) Next(e TaskEvent) (TaskState, error) {
	if to, ok := taskMoves[s][e]; ok {
		return to, nil
	}
	return s, &TransitionError{Of: "task", From: string(s), Event: string(e)}
}

// TransitionError is an event that cannot happen in a state: a
// confirmation of a task already done, an attest of an order not
// awaiting one. Nothing changed.
type TransitionError struct {
	// Of is "order" or "task".
	Of string
	// From is the state; Event the event refused.
	From, Event string
}

// Error says what cannot happen.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("boarding: a %s that is %s cannot %s", e.Of, e.From, e.Event)
}
