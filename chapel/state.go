package chapel

import (
	"fmt"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Account is what the runner read of an account in the directory.
type Account struct {
	// ID is the account's stable id (objectGUID).
	ID string
	// DN is where the account is.
	DN string
	// Username is its sAMAccountName, for tombstones and reports.
	Username string
	// Enabled reports whether the account can log on.
	Enabled bool
	// StampValue is the value of the stamp attribute ("" if none).
	StampValue string
	// Protected reports whether the policy's protected attribute has a
	// value.
	Protected bool
	// Service reports whether it is a service account (bound to a unit,
	// not a person): the chapel never touches those.
	Service bool
	// Groups are the ids of the groups the account is a member of.
	Groups []string
}

// Person is what the org model says, at the time of the run, about the
// person an account belongs to.
type Person struct {
	// Known reports whether the account is linked to a person at all.
	Known bool
	// Employed reports whether the person has a current engagement or one
	// that starts later (a new employee's account is prepared, and a
	// returning one's is brought back, before day one).
	Employed bool
	// Returning reports that a person who is not Employed has an
	// engagement starting on ReturnsOn, later than the caller prepares
	// accounts for: the account waits in the chapel, disabled, and is not
	// deleted before then, whatever the retention.
	Returning bool
	// ReturnsOn is the first day of that engagement.
	ReturnsOn timeline.Date
	// LeftOn is the first day without an engagement, when not Employed.
	LeftOn timeline.Date
	// Unit is the id of the unit of the last engagement, for per-unit
	// retention.
	Unit string
	// ReturnOU is the OU a reactivated account goes to (the caller names
	// it, from its mapping); empty means the OU the stamp recorded.
	ReturnOU string
	// Service reports that the account is a service account, bound to a
	// unit and not a person: the chapel leaves it alone.
	Service bool
}

// State is where an account stands in the chapel's lifecycle, as read
// from the directory alone.
type State uint8

// The states.
const (
	// Active: enabled, outside the chapel, no stamp.
	Active State = iota + 1
	// DisabledByHand: disabled outside the chapel without a stamp: not
	// the chapel's doing.
	DisabledByHand
	// Interrupted: stamped but outside the chapel OU: a run stopped
	// between its steps (or someone moved the account out by hand).
	Interrupted
	// InChapel: disabled, in the chapel OU, with a valid stamp.
	InChapel
	// ReenabledInChapel: in the chapel with a valid stamp, but enabled:
	// someone re-enabled it by hand.
	ReenabledInChapel
	// UnstampedInChapel: in the chapel OU without a stamp.
	UnstampedInChapel
	// BadStamp: the stamp attribute starts like a stamp but does not
	// parse. The chapel never deletes such an account.
	BadStamp
	// Excluded: a service account, a protected account, or one in a
	// protected OU.
	Excluded
)

var stateNames = [...]string{Active: "active", DisabledByHand: "disabled-by-hand", Interrupted: "interrupted", InChapel: "in-chapel", ReenabledInChapel: "re-enabled-in-chapel", UnstampedInChapel: "unstamped-in-chapel", BadStamp: "bad-stamp", Excluded: "excluded"}

// String names the state.
func (s State) String() string {
	if s >= Active && s <= Excluded {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Action is what the chapel does to an account.
type Action uint8

// The actions.
const (
	// Nothing is due (the decision's Note and Due say why and until when).
	Nothing Action = iota
	// Disable stamps and disables the account, removes its groups if the
	// policy says so, and moves it to the chapel OU.
	Disable
	// Adopt stamps an account disabled by hand (or unstamped in the
	// chapel) and moves it to the chapel OU.
	Adopt
	// Reactivate moves the account out of the chapel, enables it, clears
	// the stamp and restores recorded groups.
	Reactivate
	// Redisable disables again an account re-enabled by hand in the
	// chapel.
	Redisable
	// Delete deletes the account; its username goes into quarantine.
	Delete
)

var actionNames = [...]string{Nothing: "nothing", Disable: "disable", Adopt: "adopt", Reactivate: "reactivate", Redisable: "redisable", Delete: "delete"}

// String names the action.
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Decision is the chapel's verdict on one account at one instant.
type Decision struct {
	// State is where the account stands.
	State State
	// Action is what to do now.
	Action Action
	// Reason says why, in words, for plans and reports.
	Reason string
	// Due is when the next action becomes due (a disable, a deletion),
	// if one is scheduled; zero otherwise.
	Due time.Time
	// Stamp is the stamp to write (Disable, Adopt) or the one read
	// (InChapel and the like).
	Stamp Stamp
	// Target is the OU to move the account to (Disable, Adopt,
	// Reactivate); empty if it stays where it is.
	Target string
	// QuarantineUntil is, for Delete, the first day the username may be
	// given out again.
	QuarantineUntil timeline.Date
	// DeleteOn is, for an account in the chapel whose person has left,
	// the first day it may be deleted (past or future); zero otherwise.
	DeleteOn timeline.Date
}

// Classify returns the state of an account from what the directory shows,
// and the stamp if it has a valid one.
//
// The policy must have been validated.
func (p *Policy) Classify(a Account) (State, Stamp, error) {
	k, _ := parse(a.DN)
	return p.classify(a, k)
}

// classify is Classify for a DN parsed already.
func (p *Policy) classify(a Account, k dnKey) (State, Stamp, error) {
	if a.Service || a.Protected || p.protectedOU(k) {
		return Excluded, Stamp{}, nil
	}
	st, stamped, err := ParseStamp(a.StampValue)
	if err != nil {
		return BadStamp, Stamp{}, err
	}
	switch in := k.childOf(p.chapelKey); {
	case in && !stamped:
		return UnstampedInChapel, Stamp{}, nil
	case in && a.Enabled:
		return ReenabledInChapel, st, nil
	case in:
		return InChapel, st, nil
	case stamped:
		return Interrupted, st, nil
	case !a.Enabled:
		return DisabledByHand, Stamp{}, nil
	}
	return Active, Stamp{}, nil
}

// Decide is the state machine: what to do with account a, whose person is
// as p says, at instant now. It is pure and total: every state and every
// person gives a decision. Employment is looked at first, so a person
// rehired on the day their account was due for deletion gets it back.
func (pol *Policy) Decide(now time.Time, a Account, p Person) Decision {
	k, from := parse(a.DN)
	state, st, err := pol.classify(a, k)
	d := Decision{State: state, Stamp: st}
	today := pol.Zone.Date(now)
	switch {
	case state == Excluded:
		d.Reason = "excluded: a service account, protected, or in a protected OU"
		return d
	case state == BadStamp:
		d.Reason = fmt.Sprintf("left alone: %v; the chapel never deletes an account whose stamp does not parse (fix or clear it)", err)
		return d
	case !p.Known:
		d.Reason = "left alone: the account is not linked to a person"
		return d
	}
	if p.Employed {
		return pol.decideEmployed(d, a, p)
	}
	return pol.decideLeft(d, a, p, now, today, from)
}

func (pol *Policy) decideEmployed(d Decision, a Account, p Person) Decision {
	switch d.State {
	case Active:
		d.Reason = "active, and the person is employed"
	case DisabledByHand:
		d.Reason = "disabled by hand while the person is employed: left alone (someone decided)"
	case Interrupted, InChapel, ReenabledInChapel, UnstampedInChapel:
		d.Action, d.Reason = Reactivate, "the person is employed again"
		d.Target = p.ReturnOU
		if d.Target == "" {
			d.Target = d.Stamp.From
		}
		if d.State == Interrupted {
			d.Target = "" // already outside the chapel
			d.Reason = "completing a reactivation: the person is employed"
		} else if d.Target == "" || connectors.EqualDN(d.Target, pol.ChapelOU) {
			d.Action, d.Target = Nothing, ""
			d.Reason = "the person is employed again, but no OU to return the account to is known: name one"
		}
	}
	return d
}

func (pol *Policy) decideLeft(d Decision, a Account, p Person, now time.Time, today timeline.Date, from string) Decision {
	due := pol.disableAt(p.LeftOn)
	notYet := now.Before(due)
	switch d.State {
	case Active:
		if notYet {
			d.Due, d.Reason = due, "the person has left; disable is due at "+due.Format(time.RFC3339)
			return d
		}
		d.Action, d.Reason, d.Target = Disable, "the person's last engagement has ended", pol.ChapelOU
		d.Stamp = Stamp{Disabled: today, Reason: ReasonLeft, From: from}
		if pol.Groups == GroupsRemove {
			d.Stamp.Groups = a.Groups
		}
	case DisabledByHand, UnstampedInChapel:
		if !pol.AdoptDisabled {
			d.Reason = d.State.String() + ": not the chapel's doing, left alone (adopt_disabled is off)"
			return d
		}
		if notYet {
			d.Due, d.Reason = due, d.State.String()+": adoption is due with the disable, at "+due.Format(time.RFC3339)
			return d
		}
		if d.State == UnstampedInChapel {
			from = pol.ChapelOU // the original OU is not known
		}
		d.Action, d.Reason, d.Target = Adopt, "adopted: "+d.State.String()+" and the person has left", pol.ChapelOU
		d.Stamp = Stamp{Disabled: today, Reason: ReasonAdopted, From: from}
	case Interrupted:
		d.Action, d.Reason, d.Target = Disable, "completing a disable interrupted before the move", pol.ChapelOU
	case ReenabledInChapel:
		if !pol.EnforceDisabled {
			d.Reason = "re-enabled by hand in the chapel: left alone (enforce_disabled is off)"
			return d
		}
		d.Action, d.Reason = Redisable, "re-enabled by hand in the chapel, and the person has not come back"
	case InChapel:
		if p.Returning {
			d.Reason = "in the chapel until the person comes back on " + p.ReturnsOn.String()
			return d
		}
		del := pol.retention(p.Unit).After(d.Stamp.Disabled)
		d.DeleteOn = del
		if today < del {
			d.Due, d.Reason = pol.Zone.Start(del), "in the chapel; deletion is due on "+del.String()
			return d
		}
		d.Action, d.Reason = Delete, "the retention has passed since "+d.Stamp.Disabled.String()
		d.QuarantineUntil = pol.Quarantine.After(today)
	}
	return d
}
