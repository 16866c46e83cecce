package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// Worker delivers the outbox's due messages through a Mailer.
type Worker struct {
	// Store is the outbox.
	Store Store
	// Mailer delivers.
	Mailer connectors.Mailer
	// Now is the clock (required: nothing here reads the wall clock).
	Now func() time.Time
	// Backoff is the wait after the first transient failure (default
	// 30 s), doubled after each further one up to MaxBackoff (default 1 h).
	Backoff, MaxBackoff time.Duration
	// MaxAttempts parks a message as failed after this many transient
	// failures (default 48: a day and more at the maximum wait).
	MaxAttempts int
	// Batch is how many due messages one round takes (default 100).
	Batch int
	// Poll is how often Run looks for new messages when it has not been
	// woken (default 10 s).
	Poll time.Duration
	// Logger gets each failure (keys and errors, never bodies); nil: none.
	Logger *slog.Logger
}

// Report is what one round did.
type Report struct {
	// Sent, Retried and Failed count the messages by outcome.
	Sent, Retried, Failed int
}

func (w *Worker) defaults() Worker {
	c := *w
	if c.Backoff <= 0 {
		c.Backoff = 30 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Hour
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 48
	}
	if c.Batch <= 0 {
		c.Batch = 100
	}
	if c.Poll <= 0 {
		c.Poll = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// RunOnce sends every message due now, one after the other, and
// returns what happened. It stops early, with the error, if the store
// fails or ctx ends; a failed send is the message's outcome, not an
// error of the round.
func (w *Worker) RunOnce(ctx context.Context) (Report, error) {
	c := w.defaults()
	if c.Store == nil || c.Mailer == nil || c.Now == nil {
		return Report{}, errors.New("outbox: a worker needs a Store, a Mailer and a clock")
	}
	var rep Report
	for {
		due, err := c.Store.Due(ctx, c.Now(), c.Batch)
		if err != nil || len(due) == 0 {
			return rep, err
		}
		for _, e := range due {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			if err := c.deliver(ctx, e, &rep); err != nil {
				return rep, err
			}
		}
		if len(due) < c.Batch {
			return rep, nil
		}
	}
}

// deliver sends one message and records the outcome.
func (c *Worker) deliver(ctx context.Context, e Entry, rep *Report) error {
	key := e.Message.Key
	err := c.Mailer.Send(ctx, &e.Message)
	now := c.Now()
	switch {
	case err == nil:
		rep.Sent++
		return c.Store.MarkSent(ctx, key, now)
	case ctx.Err() != nil:
		return ctx.Err() // the message stays due; nothing to record
	case errors.Is(err, connectors.Transient) && e.Attempts+1 < c.MaxAttempts:
		wait := c.Backoff << min(e.Attempts, 30)
		if wait <= 0 || wait > c.MaxBackoff {
			wait = c.MaxBackoff
		}
		rep.Retried++
		c.Logger.Warn("outbox: a send failed; it is retried", "key", key, "attempt", e.Attempts+1, "retry_in", wait, "error", err)
		return c.Store.MarkRetry(ctx, key, now.Add(wait), err.Error())
	default:
		rep.Failed++
		reason := err.Error()
		if errors.Is(err, connectors.Transient) {
			reason = fmt.Sprintf("gave up after %d attempts: %s", e.Attempts+1, reason)
		}
		c.Logger.Error("outbox: a message failed; an operator can requeue it", "key", key, "error", err)
		return c.Store.MarkFailed(ctx, key, reason)
	}
}

// Run sends due messages until ctx ends: a round whenever wake receives
// (the host signals a new message) or at the next due time, and at least
// every Poll.
func (w *Worker) Run(ctx context.Context, wake <-chan struct{}) error {
	c := w.defaults()
	for {
		if _, err := w.RunOnce(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.Logger.Error("outbox: a round failed", "error", err)
		}
		wait := c.Poll
		if next, ok, err := c.Store.Next(ctx); err == nil && ok {
			wait = min(wait, max(next.Sub(c.Now()), 10*time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}
