package report

import (
	"context"
	"sync"
	"time"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/connectors"
)

// MemLedger is the in-memory Ledger, for tests and the embedded default:
// the windows in a map, the mails queued in an outbox (an
// outbox.MemStore, say). It forgets its windows when the process ends;
// a deployment keeps them in the state database (package reportdb).
type MemLedger struct {
	// Outbox is where the reports' mails are queued.
	Outbox outbox.Store

	mu   sync.Mutex
	last map[string]time.Time
}

var _ Ledger = (*MemLedger)(nil)

// Last returns the end of the schedule's last window.
func (l *MemLedger) Last(ctx context.Context, schedule string) (time.Time, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.last[schedule]
	return t, ok, nil
}

// Advance queues msg and moves the schedule on, under one lock.
func (l *MemLedger) Advance(ctx context.Context, schedule string, from, to time.Time, msg connectors.Message) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	cur, ok := l.last[schedule]
	if ok != !from.IsZero() || ok && !cur.Equal(from) {
		return ErrMoved
	}
	if _, err := l.Outbox.Enqueue(ctx, to, msg); err != nil {
		return err
	}
	if l.last == nil {
		l.last = map[string]time.Time{}
	}
	l.last[schedule] = to
	return nil
}
