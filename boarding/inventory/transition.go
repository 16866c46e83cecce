package inventory

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// Action is a change of an asset's status.
type Action string

// The actions.
const (
	// Add is the registration of a new asset; it is no transition, only
	// the first entry of an asset's history.
	Add Action = "add"
	// Prepare makes a pending asset ready.
	Prepare Action = "prepare"
	// HandOut gives a ready asset to a person.
	HandOut Action = "hand-out"
	// Return takes a deployed asset back into stock.
	Return Action = "return"
	// Break marks a ready or deployed asset undeployable, with a reason.
	Break Action = "break"
	// Repair makes an undeployable asset ready again.
	Repair Action = "repair"
	// Archive takes an asset that is not deployed out of the register.
	Archive Action = "archive"
)

// Actions lists the actions that are transitions (every one but Add).
var Actions = []Action{Prepare, HandOut, Return, Break, Repair, Archive}

// transitions is the table: from a status, by an action, to a status.
var transitions = map[Status]map[Action]Status{
	Pending:      {Prepare: Ready, Archive: Archived},
	Ready:        {HandOut: Deployed, Break: Undeployable, Archive: Archived},
	Deployed:     {Return: Ready, Break: Undeployable},
	Undeployable: {Repair: Ready, Archive: Archived},
	Archived:     {},
}

// Next returns the status an action leads to from a status, or a
// *TransitionError if the action is not allowed there. It is the whole
// transition table; what else a change needs (a holder, a reason) is
// checked by [Asset.Apply].
func Next(from Status, a Action) (Status, error) {
	to, ok := transitions[from][a]
	if !ok {
		return from, &TransitionError{From: from, Action: a, Reason: refusal(from, a)}
	}
	return to, nil
}

// refusal says why a is not allowed from from.
func refusal(from Status, a Action) string {
	switch {
	case !from.Valid():
		return "the status is unknown"
	case !slices.Contains(Actions, a):
		return "the action is unknown"
	case from.Terminal():
		return "an archived asset is out of the register for good"
	case a == Archive && from == Deployed:
		return "a deployed asset is returned before it is archived"
	}
	return "the action is not allowed from that status"
}

// TransitionError is a change an asset's status does not allow, or one
// that lacks what it needs (a hand-out without a holder, a break without
// a reason). The asset is unchanged.
type TransitionError struct {
	// Asset is the asset, or uuid.Nil where Next was asked without one.
	Asset uuid.UUID
	// From is the asset's status; Action the change refused.
	From Status
	// Action is the change refused.
	Action Action
	// Reason says why.
	Reason string
}

// Error says which change was refused and why.
func (e *TransitionError) Error() string {
	s := fmt.Sprintf("inventory: cannot %s an asset that is %s", clip(string(e.Action)), clip(string(e.From)))
	if e.Asset != uuid.Nil {
		s += " (" + e.Asset.String() + ")"
	}
	return s + ": " + e.Reason
}
