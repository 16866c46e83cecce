package boarding

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
)

// SweepReport counts what a sweep did.
type SweepReport struct {
	// Seen counts the open orders looked at.
	Seen int
	// Activated counts the orders whose prerequisites came to hold (a
	// missed event, or an offboarding order's last day).
	Activated int
	// Expired counts the orders that gave up waiting.
	Expired int
	// Reminded and Escalated count the attests reminded and escalated.
	Reminded, Escalated int
}

// Sweep is the engine's daily round (run it as often as you like: what
// it does, it does once): it brings every open order's prerequisites up
// to date from the org model, as an event would have (an event missed,
// an offboarding order's last day), expires a parked order whose
// prerequisites did not all hold by its deadline, and for an order
// awaiting attest, reminds the manager halfway through the attest's
// time, escalates to the manager's own manager when it is up, and
// expires the order when the escalation's time is up too. The
// dispatcher mails the notices.
func (e *Engine) Sweep(ctx context.Context) (SweepReport, error) {
	var rep SweepReport
	open, err := e.Store.List(ctx, Query{Open: true})
	if err != nil {
		return rep, err
	}
	v := e.Model.Latest()
	for i := range open {
		rep.Seen++
		o := &open[i]
		before := o.State
		var held []Item
		if o.Kind == Offboard && o.State == Parked {
			// What an integrated system granted after the offboarding was
			// placed (no org-model event says so) is revoked too.
			mine, err := e.Store.List(ctx, Query{Person: o.Person})
			if err != nil {
				return rep, err
			}
			held = granted(slices.DeleteFunc(mine, func(x Order) bool { return x.Engagement != o.Engagement }))
		}
		err := e.apply(ctx, o, func(o *Order) ([]AuditEntry, error) {
			now := e.now()
			log := e.addRevokes(o, held)
			log = append(log, e.observe(v, o, now)...)
			switch o.State {
			case Parked:
				if !now.Before(o.Expires) && !o.Expires.IsZero() {
					more, err := o.Do(Expire, now, machine, "the prerequisites did not all hold by "+o.Expires.Format(time.DateOnly))
					if err != nil {
						return nil, err
					}
					log = append(log, more...)
				}
			case AwaitingAttest:
				log = append(log, e.attestDeadlines(o, now, &rep)...)
			}
			return log, nil
		})
		if err != nil {
			return rep, err
		}
		switch {
		case before != Active && o.State == Active, before != o.State && o.State.Terminal() && o.State != Expired:
			rep.Activated++
		case before != Expired && o.State == Expired:
			rep.Expired++
		}
	}
	return rep, nil
}

// attestDeadlines reminds, escalates or expires an order awaiting attest.
func (e *Engine) attestDeadlines(o *Order, now time.Time, rep *SweepReport) []AuditEntry {
	attestFor := or(e.AttestFor, 14*24*time.Hour)
	switch {
	case !now.Before(o.Expires):
		if o.Escalated.IsZero() {
			if to := e.Rights.above(e.Model.Latest().At(e.today()), o.Unit, o.OnBehalfOf); to != "" {
				o.Escalated, o.EscalatedTo, o.Expires = now, to, now.Add(attestFor)
				o.touch(now)
				rep.Escalated++
				return []AuditEntry{o.entry(uuid.Nil, now, machine, "escalate", string(o.State), string(o.State), "the attest went to "+to)}
			}
		}
		log, err := o.Do(Expire, now, machine, "not attested by "+o.Expires.Format(time.DateOnly))
		if err != nil {
			return nil
		}
		return log
	case o.Reminded.IsZero() && !now.Before(o.Expires.Add(-attestFor/2)):
		o.Reminded = now
		o.touch(now)
		rep.Reminded++
		return []AuditEntry{o.entry(uuid.Nil, now, machine, "remind", string(o.State), string(o.State), "reminded "+o.OnBehalfOf)}
	}
	return nil
}

// apply lets f change o, an order as listed, and stores the change from
// the version listed; when another writer changed it since, it goes
// through change, reading the order again. It leaves o as stored.
func (e *Engine) apply(ctx context.Context, o *Order, f func(o *Order) ([]AuditEntry, error)) error {
	c := o.Clone()
	prev := c.Version
	log, err := f(c)
	if err != nil || len(log) == 0 {
		return err
	}
	err = e.Store.Update(ctx, c, prev, log)
	if errors.Is(err, ErrConflict) {
		got, err := e.change(ctx, o.ID, f)
		if err != nil {
			return err
		}
		*o = *got
		return nil
	}
	if err != nil {
		return err
	}
	*o = *c
	return nil
}
