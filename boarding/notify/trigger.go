package notify

import (
	"fmt"
	"slices"
)

// Trigger names what a rule fires on. The names are stable: they are
// written in configuration files and in the dedup keys of queued mail.
type Trigger string

// The triggers. Each reads the org model as of the event's registration,
// so an event handled twice, or again after a restart, makes the same
// notice with the same key.
const (
	// PersonCreated fires when a person gets their first engagement: the
	// person is created in the org model with an engagement (seed 000,
	// feature 9). Scoped by the engagements' units and types.
	PersonCreated Trigger = "person-created"
	// EmailCreated fires when a person gets their first e-mail address
	// (an address of type EMAIL): OS2mo's variant, which waits for the AD
	// integration to write the work address back.
	EmailCreated Trigger = "email-created"
	// AccountCreated fires when an account in the configured IT system
	// (Active Directory by default) is recorded for a person: created by
	// the sync or linked by the read-back. It carries the username and
	// the e-mail address, never a password.
	AccountCreated Trigger = "account-created"
	// UnitWithoutManager fires when a unit loses its last manager: on the
	// day the last role held by a person ends or goes vacant, or at once
	// when that is registered for today or the past.
	UnitWithoutManager Trigger = "unit-without-manager"
	// ManagerEnded fires when a manager leaves a manager role: the role
	// ends, goes vacant or passes to someone else, or the engagement
	// behind it ends.
	ManagerEnded Trigger = "manager-ended"
	// PayrollUnitUncoupled fires for a payroll unit with engagements and
	// no relation to an administrative unit: the coupling rule's alert,
	// from a rules run (Rules.Uncoupled), not from an event.
	PayrollUnitUncoupled Trigger = "payroll-unit-uncoupled"
	// TerminationRegistered fires when an engagement's end is registered
	// or moved earlier, for a day in the future or (retroactively) the
	// past.
	TerminationRegistered Trigger = "termination-registered"
	// FutureHire fires when an engagement is registered that starts
	// after the day it is registered on.
	FutureHire Trigger = "future-hire"
)

// Triggers lists every trigger, in the order the documentation gives them.
var Triggers = []Trigger{PersonCreated, EmailCreated, AccountCreated, UnitWithoutManager, ManagerEnded,
	PayrollUnitUncoupled, TerminationRegistered, FutureHire}

// personal reports whether the trigger's notices are about a person, so
// that engagement-type scoping and the person's manager apply.
func (t Trigger) personal() bool {
	return t != UnitWithoutManager && t != PayrollUnitUncoupled
}

// Check reports whether t is one of Triggers. A configuration file may
// hold any string: Compile checks it, so that the error names the rule
// and the field (and a file decoder its line), where a failing decoder
// would stop at the first bad rule with neither.
func (t Trigger) Check() error {
	if !slices.Contains(Triggers, t) {
		return fmt.Errorf("unknown trigger %q (want one of %v)", clip(string(t)), Triggers)
	}
	return nil
}
