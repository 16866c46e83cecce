package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// State is where a message is in its life.
type State uint8

// The states. The numbers are stable: stores keep them.
const (
	// Queued: waiting to be sent, at NextAttempt.
	Queued State = iota + 1
	// Sent: the mail system took it.
	Sent
	// Failed: refused for good, or out of attempts; waits for an
	// operator (Requeue).
	Failed
)

var stateNames = [...]string{Queued: "queued", Sent: "sent", Failed: "failed"}

// String returns the state's name.
func (s State) String() string {
	if s >= Queued && s <= Failed {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// Entry is a message in the outbox.
type Entry struct {
	// Message is the message; its Key is the entry's key.
	Message connectors.Message
	// State is where it is.
	State State
	// Attempts counts the sends tried.
	Attempts int
	// QueuedAt is when it was queued; NextAttempt when it is due.
	QueuedAt time.Time
	// NextAttempt is when a queued message is next due.
	NextAttempt time.Time
	// SentAt is when it was sent (State Sent).
	SentAt time.Time
	// LastError is the last failure, the server's reply included.
	LastError string
}

// Store keeps the outbox. Implementations are safe for concurrent use.
type Store interface {
	// Enqueue queues the messages whose keys it has not seen, due at
	// `at`, and returns how many were new. A key seen before (queued,
	// sent or failed) is left as it is: that is the outbox's dedup.
	Enqueue(ctx context.Context, at time.Time, msgs ...connectors.Message) (int, error)
	// Due returns up to limit queued messages due at now, oldest first.
	Due(ctx context.Context, now time.Time, limit int) ([]Entry, error)
	// MarkSent records that the message was sent.
	MarkSent(ctx context.Context, key string, at time.Time) error
	// MarkRetry records a failed attempt and when to try again.
	MarkRetry(ctx context.Context, key string, next time.Time, reason string) error
	// MarkFailed parks the message as failed with the reason.
	MarkFailed(ctx context.Context, key string, reason string) error
	// Requeue makes a failed message due again at `at`, its attempts
	// counted from zero (an operator's retry).
	Requeue(ctx context.Context, key string, at time.Time) error
	// List returns the entries in state (0 for all), oldest first, up to
	// limit.
	List(ctx context.Context, state State, limit int) ([]Entry, error)
	// Next returns when the next queued message is due, and false if none
	// is queued.
	Next(ctx context.Context) (time.Time, bool, error)
}

// ErrUnknownKey matches a Mark or Requeue of a key the outbox does not
// hold (or, for Requeue, holds in another state than failed).
var ErrUnknownKey = errors.New("outbox: no such message")
