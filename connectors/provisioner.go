package connectors

import "context"

// Provisioner is the contract of an integrated system's connector, as
// boarding uses it: it grants and revokes one person's resource in the
// system (a role, a group, a right) and says where a grant stands. Each
// call names the boarding task it carries out in [Grant.Task], so that a
// system that keeps its own requests can tell a call tried again from a
// new one; granting what is held, or revoking what is not, is not an
// error (boarding tries again after a lost reply).
//
// A system that carries out a request later returns [GrantInProgress]
// and is asked with Status until it says [GrantHeld] or [GrantNotHeld].
//
// Errors are *[Error]s with a [Kind]: [Transient] is tried again later;
// [NotFound] (no such account or resource), [Constraint] and
// [Configuration] fail the task, with the error as its reason, for the
// system's administrators to read. Implementations are safe for
// concurrent use.
type Provisioner interface {
	// Grant gives the account the resource.
	Grant(ctx context.Context, g Grant) (GrantState, error)
	// Revoke takes the resource away from the account.
	Revoke(ctx context.Context, g Grant) (GrantState, error)
	// Status says whether the account holds the resource now.
	Status(ctx context.Context, g Grant) (GrantState, error)
}

// Grant is one resource of one person's account in an integrated system.
type Grant struct {
	// Task is the boarding task's id, the call's idempotency key.
	Task string
	// Resource is the resource's key in the catalogue; Target what the
	// catalogue says it is in the system (an AD group's DN).
	Resource string
	// Target is the resource in the system's own terms.
	Target string
	// Account is the person's account: its stable id in the directory
	// (an AD objectGUID), and its username.
	Account ID
	// Username is the account's login name.
	Username string
}

// GrantState is where a grant stands.
type GrantState uint8

// The grant states.
const (
	// GrantNotHeld: the account does not hold the resource.
	GrantNotHeld GrantState = iota + 1
	// GrantHeld: the account holds it.
	GrantHeld
	// GrantInProgress: the system took the request and is carrying it
	// out; ask again with Status.
	GrantInProgress
)

// String names the state.
func (s GrantState) String() string {
	switch s {
	case GrantNotHeld:
		return "not held"
	case GrantHeld:
		return "held"
	case GrantInProgress:
		return "in progress"
	}
	return "unknown"
}
