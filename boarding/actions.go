package boarding

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// conflictRetries is how often a change is tried again after another
// writer changed the order first.
const conflictRetries = 8

// change reads order id, lets f change it and stores the change from the
// version read; when another writer got there first it reads again and
// lets f decide anew (f sees the other writer's change, so a repeated
// answer is refused by the state machine, not applied twice). f returning
// no entries stores nothing.
func (e *Engine) change(ctx context.Context, id uuid.UUID, f func(o *Order) ([]AuditEntry, error)) (*Order, error) {
	for try := 0; ; try++ {
		o, err := e.Store.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		prev := o.Version
		log, err := f(o)
		if err != nil || len(log) == 0 {
			return o, err
		}
		err = e.Store.Update(ctx, o, prev, log)
		if errors.Is(err, ErrConflict) && try < conflictRetries {
			continue
		}
		if err != nil {
			return nil, err
		}
		return o, nil
	}
}

// ContractSigned records, for an HR administrator, that the order's
// contract is signed, and activates the order if that was all it waited
// for. Saying so twice changes nothing.
func (e *Engine) ContractSigned(ctx context.Context, by string, id uuid.UUID, evidence string) (*Order, error) {
	if err := e.Rights.CanSign(by); err != nil {
		return nil, err
	}
	return e.change(ctx, id, func(o *Order) ([]AuditEntry, error) {
		if o.State.Terminal() {
			return nil, &TransitionError{Of: "order", From: string(o.State), Event: "contract-signed"}
		}
		now := e.now()
		log, err := o.Satisfy(ContractSigned, now, Actor{Name: by}, evidence)
		if err != nil {
			return nil, err
		}
		return append(log, e.observe(e.Model.Latest(), o, now)...), nil
	})
}

// Attest approves an order a delegate placed, for the manager it was
// placed for or an HR administrator: the order is then parked until its
// prerequisites hold (and activates at once if they do). The audit keeps
// both the manager the order was placed for and who attested.
func (e *Engine) Attest(ctx context.Context, by string, id uuid.UUID) (*Order, error) {
	return e.change(ctx, id, func(o *Order) ([]AuditEntry, error) {
		if err := e.Rights.CanAttest(by, o); err != nil {
			return nil, err
		}
		now := e.now()
		log, err := o.Do(Attest, now, e.attester(by, o), "")
		if err != nil {
			return nil, err
		}
		o.Expires = now.Add(or(e.ParkFor, 90*24*time.Hour))
		o.Reminded = time.Time{}
		return append(log, e.observe(e.Model.Latest(), o, now)...), nil
	})
}

// Reject turns down an order awaiting attest, with a reason, for the
// manager it was placed for or an HR administrator.
func (e *Engine) Reject(ctx context.Context, by string, id uuid.UUID, reason string) (*Order, error) {
	return e.change(ctx, id, func(o *Order) ([]AuditEntry, error) {
		if err := e.Rights.CanAttest(by, o); err != nil {
			return nil, err
		}
		return o.Do(Reject, e.now(), e.attester(by, o), reason)
	})
}

// attester is the actor of an attest: HR acting for the manager the
// order was placed for keeps both names.
func (e *Engine) attester(by string, o *Order) Actor {
	if fold(by) != fold(o.OnBehalfOf) {
		return Actor{Name: by, ActingFor: o.OnBehalfOf}
	}
	return Actor{Name: by}
}

// Cancel withdraws an order that is not over, with a reason, for its
// orderer, the manager it was placed for, or an HR administrator; its
// open tasks are withdrawn with it (their administrators are told by the
// dispatcher). What was already granted stays: an offboarding order
// takes it back.
func (e *Engine) Cancel(ctx context.Context, by string, id uuid.UUID, reason string) (*Order, error) {
	return e.change(ctx, id, func(o *Order) ([]AuditEntry, error) {
		if fold(by) != fold(o.OrderedBy) && fold(by) != fold(o.OnBehalfOf) && !e.Rights.isHR(by) {
			return nil, &PermissionError{Actor: by, What: "cancel the order", Why: "only its orderer, the manager it was placed for, or HR may"}
		}
		if reason == "" {
			return nil, ErrNeedsReason
		}
		return o.Do(Cancel, e.now(), Actor{Name: by}, reason)
	})
}

// Confirm closes a task of an active order for a person: done, or
// refused with a reason. Only the system's administrators (the equipment
// desk for equipment) or an HR administrator may, and never the person
// the order is for. A task already closed is not closed again (a
// *TransitionError, nothing changed), so a second answer, or an answer
// to a withdrawn task, changes nothing.
func (e *Engine) Confirm(ctx context.Context, by string, id, task uuid.UUID, answer LinkAnswer, note string) (*Order, error) {
	ev, err := answerEvent(answer)
	if err != nil {
		return nil, err
	}
	return e.change(ctx, id, func(o *Order) ([]AuditEntry, error) {
		i := o.task(task)
		if i < 0 {
			return nil, fmt.Errorf("boarding: the order has no task %s: %w", task, ErrNotFound)
		}
		t := &o.Tasks[i]
		if t.Integrated {
			return nil, &PermissionError{Actor: by, What: "confirm the task", Why: "its system reports it done itself"}
		}
		if err := e.Rights.CanConfirm(by, e.subject(o), t, e.administrators(t.Item)); err != nil {
			return nil, err
		}
		if _, err := t.State.Next(ev); err != nil || o.State != Active {
			return o.Close(task, ev, e.now(), Actor{Name: by}, note) // refused, and says why
		}
		if ev == Complete {
			assets, err := e.equipment(ctx, o, t, by)
			if err != nil {
				return nil, err
			}
			t.Assets = assets
		}
		return o.Close(task, ev, e.now(), Actor{Name: by}, note)
	})
}

// ConfirmLink closes the task a signed link names, for the person who
// followed it (the link's recipient, signed in or named by the mail it
// was sent to): the rights are those of Confirm. A forged or expired
// link is refused (ErrLinkForged, ErrLinkExpired) and changes nothing;
// one followed again finds its task closed.
func (e *Engine) ConfirmLink(ctx context.Context, s *Signer, by, token, note string) (*Order, error) {
	l, err := s.Verify(token, e.now())
	if err != nil {
		return nil, err
	}
	return e.Confirm(ctx, by, l.Order, l.Task, l.Answer, note)
}

func answerEvent(a LinkAnswer) (TaskEvent, error) {
	switch a {
	case LinkDone:
		return Complete, nil
	case LinkRefuse:
		return Refuse, nil
	}
	return "", fmt.Errorf("boarding: an answer is done or refuse, not %d", a)
}

// administrators returns who carries out a system's tasks, by the
// catalogue.
func (e *Engine) administrators(it Item) []string {
	if s, ok := e.Catalogue.System(it.System); ok {
		return s.Administrators
	}
	return nil
}

// subject returns the logins and addresses of the person an order is
// for: today's, those of the order's day, and the AD account read-back
// recorded (which may start later), folded.
func (e *Engine) subject(o *Order) []string {
	v := e.Model.Latest()
	out := e.Rights.identities(v.At(e.today()), o.Person)
	out = append(out, e.Rights.identities(v.At(o.Start), o.Person)...)
	if a, ok := adAccount(v, o.Person); ok {
		out = append(out, fold(a.Username))
	}
	return out
}
