package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/orgmodel"
)

// Notifier follows the org model's events and queues the notices the
// rules make in the outbox (or holds them for a digest). It is the
// durable path: a notice is queued before its event is acknowledged, and
// the outbox queues a key once, so an event handled again after a crash
// queues nothing new, and none is lost.
type Notifier struct {
	// Rules are the notification rules.
	Rules *Rules
	// Model is the org model followed.
	Model *orgmodel.Model
	// Outbox is where notices are queued.
	Outbox outbox.Store
	// Digests holds notices of rules with a digest window; required if
	// any rule has one (MemStore and outboxdb's Store are both).
	Digests outbox.Digests
	// Name is the subscriber's name in the model (default "notify").
	Name string
	// Backfill handles the events the model held before this subscriber
	// first ran. Off by default: a notifier added to a running
	// deployment starts at the present instead of mailing its history.
	Backfill bool
	// Wake, if set, is signalled (without blocking) after a notice is
	// queued, to wake the outbox worker.
	Wake chan<- struct{}
	// DigestPoll is how often held digests are checked (default 1 min).
	DigestPoll time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger records skipped notices and their reasons (default
	// slog.Default()). Nothing logged names a CPR.
	Logger *slog.Logger
}

// Report counts what a step did.
type Report struct {
	// Queued counts notices newly queued; Held those newly held for a
	// digest.
	Queued int
	// Held counts notices newly held for a digest.
	Held int
	// Duplicates counts notices offered again (their key was known).
	Duplicates int
	// Skipped counts notices not sent: no recipient, or a template that
	// failed on their data.
	Skipped int
	// Digests counts digests released into the outbox.
	Digests int
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

func (n *Notifier) log() *slog.Logger {
	if n.Logger != nil {
		return n.Logger
	}
	return slog.Default()
}

func (n *Notifier) check() error {
	if n.Rules == nil || n.Outbox == nil {
		return errors.New("notify: a notifier needs Rules and an Outbox")
	}
	if n.Digests == nil {
		for _, rl := range n.Rules.byTrigger {
			for _, r := range rl {
				if r.Digest > 0 {
					return fmt.Errorf("notify: rule %s has a digest window, and the notifier no Digests store", r.Name)
				}
			}
		}
	}
	return nil
}

// Handle queues the notices one event causes.
func (n *Notifier) Handle(ctx context.Context, e orgmodel.Event) (Report, error) {
	if err := n.check(); err != nil {
		return Report{}, err
	}
	return n.Notify(ctx, n.Rules.Event(n.Model, e))
}

// Notify queues notices (Event's or Uncoupled's): each written as a mail
// and queued, or held for its rule's digest. A notice without recipients,
// or whose template fails on it, is skipped and logged with the reason;
// the others go on.
func (n *Notifier) Notify(ctx context.Context, notices []Notice) (Report, error) {
	if err := n.check(); err != nil {
		return Report{}, err
	}
	var rep Report
	now := n.now()
	for i := range notices {
		nt := &notices[i]
		if len(nt.Skipped) > 0 && nt.Deliverable() {
			n.log().Warn("notify: recipients skipped", "rule", nt.Rule, "key", nt.Key, "skipped", skipText(nt.Skipped))
		}
		if !nt.Deliverable() {
			rep.Skipped++
			n.log().Warn("notify: notice skipped: no recipient", "rule", nt.Rule, "key", nt.Key, "skipped", skipText(nt.Skipped))
			continue
		}
		msg, err := n.Rules.Message(nt)
		if err != nil {
			rep.Skipped++
			n.log().Error("notify: notice skipped: it could not be written", "rule", nt.Rule, "key", nt.Key, "error", err)
			continue
		}
		var k int
		if group, ok := n.Rules.Digested(nt); ok {
			w := n.Rules.window(nt.Rule)
			k, err = n.Digests.Hold(ctx, outbox.Held{Group: group, Message: msg, HeldAt: now, Due: now.Add(w)})
			rep.Held += k
		} else {
			k, err = n.Outbox.Enqueue(ctx, now, msg)
			rep.Queued += k
		}
		if err != nil {
			return rep, err
		}
		if k == 0 {
			rep.Duplicates++
		}
	}
	if rep.Queued > 0 {
		n.wake()
	}
	return rep, nil
}

func (n *Notifier) wake() {
	if n.Wake != nil {
		select {
		case n.Wake <- struct{}{}:
		default:
		}
	}
}

func skipText(ss []Skip) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.String()
	}
	return strings.Join(parts, "; ")
}

// FlushDigests writes every digest that is due and releases it into the
// outbox.
func (n *Notifier) FlushDigests(ctx context.Context) (Report, error) {
	var rep Report
	if n.Digests == nil {
		return rep, nil
	}
	now := n.now()
	for {
		groups, err := n.Digests.Ready(ctx, now, 50)
		if err != nil || len(groups) == 0 {
			return rep, err
		}
		for _, g := range groups {
			msg, err := n.Rules.Digest(g)
			if err != nil {
				return rep, fmt.Errorf("notify: the digest of %d notice(s): %w", len(g), err)
			}
			keys := make([]string, len(g))
			for i, h := range g {
				keys[i] = h.Message.Key
			}
			if err := n.Digests.Release(ctx, now, msg, keys...); err != nil {
				return rep, err
			}
			rep.Digests++
		}
		n.wake()
	}
}

// Run follows the model's events until ctx ends: each event's notices
// are queued, then the event is acknowledged; due digests are released
// every DigestPoll. Only a failing store stops it.
func (n *Notifier) Run(ctx context.Context) error {
	if err := n.check(); err != nil {
		return err
	}
	if n.Model == nil {
		return errors.New("notify: a notifier needs a Model to run")
	}
	sub, err := n.Model.Subscribe(or(n.Name, "notify"))
	if err != nil {
		return err
	}
	if !n.Backfill {
		if moved, err := sub.StartAtPresent(ctx); err != nil {
			return err
		} else if moved {
			n.log().Info("notify: a new subscriber starts at the present; the model's history is not notified")
		}
	}
	poll := n.DigestPoll
	if poll <= 0 {
		poll = time.Minute
	}
	lastFlush := time.Time{}
	for {
		if time.Since(lastFlush) >= poll {
			if _, err := n.FlushDigests(ctx); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				n.log().Error("notify: releasing digests failed", "error", err)
			}
			lastFlush = time.Now()
		}
		c, cancel := context.WithTimeout(ctx, poll)
		e, err := sub.Next(c)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			continue
		case err != nil:
			return err
		}
		if _, err := n.Handle(ctx, e); err != nil {
			return fmt.Errorf("notify: event %d: %w", e.Seq, err)
		}
		if err := sub.Ack(ctx, e); err != nil {
			return err
		}
	}
}
