package boarding

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Actor is who does something to an order: a person (by login or
// address), or a part of orgsync ("adsync read-back", "boarding
// scheduler").
type Actor struct {
	// Name is who acted.
	Name string `json:"name"`
	// ActingFor is whom they acted for: the manager a delegate stood in
	// for, or "" for themselves. The audit keeps both.
	ActingFor string `json:"acting_for"`
}

// AuditEntry is one transition of an order or a task, as the append-only
// audit log keeps it.
type AuditEntry struct {
	// Order is the order; Task the task, or uuid.Nil for the order
	// itself.
	Order uuid.UUID `json:"order"`
	// Task is the task the entry is about, if any.
	Task uuid.UUID `json:"task"`
	// At is when.
	At time.Time `json:"at"`
	// Actor is who acted; ActingFor whom for.
	Actor string `json:"actor"`
	// ActingFor is the manager a delegate acted for.
	ActingFor string `json:"acting_for"`
	// Event is what happened ("activate", "complete", "prerequisite").
	Event string `json:"event"`
	// From and To are the states before and after ("" for a
	// prerequisite).
	From string `json:"from"`
	// To is the state after.
	To string `json:"to"`
	// Reason is the actor's reason or note, or the prerequisite's
	// evidence.
	Reason string `json:"reason"`
}

// ErrNeedsReason matches a rejection or refusal given without a reason.
var ErrNeedsReason = errors.New("boarding: a rejection or a refusal needs a reason")

// ErrNotReady matches an activation of an order whose prerequisites do
// not all hold.
var ErrNotReady = errors.New("boarding: the order's prerequisites do not all hold")

// Ready reports whether every prerequisite holds.
func (o *Order) Ready() bool {
	for _, p := range o.Prerequisites {
		if !p.Held() {
			return false
		}
	}
	return true
}

func (o *Order) touch(at time.Time) {
	o.Updated = at
	o.Version++
}

// Do moves the order by e, and its tasks with it (activation sends them,
// cancellation withdraws the open ones), returning the audit entries. It
// changes nothing and fails with a *TransitionError if e cannot happen
// now, ErrNotReady for an activation before the prerequisites hold, and
// ErrNeedsReason for a rejection without a reason.
func (o *Order) Do(e OrderEvent, at time.Time, by Actor, reason string) ([]AuditEntry, error) {
	to, err := o.State.Next(e)
	if err != nil {
		return nil, err
	}
	switch e {
	case Activate:
		if !o.Ready() {
			return nil, ErrNotReady
		}
	case Reject:
		if reason == "" {
			return nil, ErrNeedsReason
		}
	case Fulfil, FulfilPartly:
		if want, over := o.outcome(); !over || want != e {
			return nil, &TransitionError{Of: "order", From: string(o.State), Event: string(e)}
		}
	}
	log := []AuditEntry{o.entry(uuid.Nil, at, by, string(e), string(o.State), string(to), reason)}
	o.State = to
	switch e {
	case Activate:
		for i := range o.Tasks {
			log = append(log, o.moveTask(i, Send, at, by, ""))
		}
		log = append(log, o.settle(at, by)...) // an order with no tasks is fulfilled at once
	case Cancel:
		for i := range o.Tasks {
			if !o.Tasks[i].State.Terminal() {
				log = append(log, o.moveTask(i, Withdraw, at, by, reason))
			}
		}
	}
	o.touch(at)
	return log, nil
}

// Satisfy records that a prerequisite holds, once: a second report of
// the same (an event delivered twice) changes nothing and returns no
// entries. It fails for a kind the order does not wait for.
func (o *Order) Satisfy(kind PrerequisiteKind, at time.Time, by Actor, evidence string) ([]AuditEntry, error) {
	for i := range o.Prerequisites {
		p := &o.Prerequisites[i]
		if p.Kind != kind {
			continue
		}
		if p.Held() {
			return nil, nil
		}
		p.Satisfied, p.By, p.Evidence = at, by.Name, evidence
		o.touch(at)
		return []AuditEntry{o.entry(uuid.Nil, at, by, "prerequisite", "", string(kind), evidence)}, nil
	}
	return nil, fmt.Errorf("boarding: the order does not wait for %s", kind)
}

// Close ends a task by e (Complete, Refuse, Fail, or Start for an
// integrated system taking it), and, when that was the last open task,
// fulfils the order (partly if any task was refused or failed). A
// refusal needs a reason; a task already over cannot be closed again
// (a *TransitionError, nothing changed).
func (o *Order) Close(task uuid.UUID, e TaskEvent, at time.Time, by Actor, note string) ([]AuditEntry, error) {
	i := o.task(task)
	if i < 0 {
		return nil, fmt.Errorf("boarding: the order has no task %s", task)
	}
	if o.State != Active {
		return nil, &TransitionError{Of: "task of an order that is", From: string(o.State), Event: string(e)}
	}
	if _, err := o.Tasks[i].State.Next(e); err != nil {
		return nil, err
	}
	if e == Refuse && note == "" {
		return nil, ErrNeedsReason
	}
	log := []AuditEntry{o.moveTask(i, e, at, by, note)}
	log = append(log, o.settle(at, by)...)
	o.touch(at)
	return log, nil
}

func (o *Order) task(id uuid.UUID) int {
	for i := range o.Tasks {
		if o.Tasks[i].ID == id {
			return i
		}
	}
	return -1
}

// moveTask moves task i by e, which the caller has checked can happen.
func (o *Order) moveTask(i int, e TaskEvent, at time.Time, by Actor, note string) AuditEntry {
	t := &o.Tasks[i]
	to, _ := t.State.Next(e)
	entry := o.entry(t.ID, at, by, string(e), string(t.State), string(to), note)
	t.State = to
	if e == Send {
		t.Opened = at
	}
	if to.Terminal() {
		t.Closed, t.ClosedBy, t.Note = at, by.Name, note
	}
	return entry
}

// outcome returns how an active order ends when every task is over:
// Fulfil, or FulfilPartly if any was refused or failed; over is false
// while a task is open.
func (o *Order) outcome() (OrderEvent, bool) {
	e := Fulfil
	for _, t := range o.Tasks {
		switch {
		case !t.State.Terminal():
			return "", false
		case t.State == Refused || t.State == Failed:
			e = FulfilPartly
		}
	}
	return e, true
}

// settle fulfils an active order whose tasks are all over.
func (o *Order) settle(at time.Time, by Actor) []AuditEntry {
	if o.State != Active {
		return nil
	}
	e, over := o.outcome()
	if !over {
		return nil
	}
	to, _ := o.State.Next(e)
	entry := o.entry(uuid.Nil, at, by, string(e), string(o.State), string(to), "")
	o.State = to
	return []AuditEntry{entry}
}

func (o *Order) entry(task uuid.UUID, at time.Time, by Actor, event, from, to, reason string) AuditEntry {
	return AuditEntry{Order: o.ID, Task: task, At: at, Actor: by.Name, ActingFor: by.ActingFor, Event: event, From: from, To: to, Reason: reason}
}
