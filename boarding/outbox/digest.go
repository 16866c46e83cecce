package outbox

import (
	"context"
	"errors"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// Held is a notice held back for a digest: one mail per group per window
// instead of one per notice.
type Held struct {
	// Group names the digest the notice goes into (a rule and its
	// recipients, say). Every notice of a group goes to the same people.
	Group string
	// Message is the notice rendered on its own. Its Key is the notice's
	// dedup key (a namespace apart from the outbox's message keys); its
	// recipients are the group's.
	Message connectors.Message
	// HeldAt is when the notice was held.
	HeldAt time.Time
	// Due is when the notice's group may go out at the latest: HeldAt plus
	// the window. A group is ready when its earliest notice is due, so a
	// burst of changes goes out in one mail a window after its first one
	// (a debounce, as OS2rollekatalog's per-system digest does).
	Due time.Time
}

// Digests keeps notices held for digests. [MemStore] and outboxdb's Store
// implement it beside [Store], so that releasing a digest and queueing its
// mail are one step.
type Digests interface {
	// Hold keeps the notices whose keys it has not seen (held or
	// released) and returns how many were new: a notice offered twice,
	// as an event delivered twice is, goes into one digest once.
	Hold(ctx context.Context, notices ...Held) (int, error)
	// Ready returns up to limit groups whose earliest held notice is due
	// at now, the earliest due first (then by group), each group's notices
	// by Due, HeldAt and key.
	Ready(ctx context.Context, now time.Time, limit int) ([][]Held, error)
	// Release queues msg (as Store.Enqueue does, at `at`) and marks the
	// notices with the keys released, at once: the digest is queued whole
	// or not at all, and its notices are never held again.
	Release(ctx context.Context, at time.Time, msg connectors.Message, keys ...string) error
}

// CheckHeld returns a *connectors.Error of kind Invalid for notices a
// Digests must not hold: a message CheckMessage refuses, or no group.
func CheckHeld(notices []Held) error {
	for i := range notices {
		if err := connectors.CheckMessage(&notices[i].Message); err != nil {
			return err
		}
		if notices[i].Group == "" {
			return &connectors.Error{Kind: connectors.Invalid, Op: "hold", Object: notices[i].Message.Key, Err: errNoGroup}
		}
	}
	return nil
}

var errNoGroup = errors.New("the notice names no digest group")
