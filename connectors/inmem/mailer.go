package inmem

import (
	"context"
	"sync"

	"github.com/orgsync/orgsync/connectors"
)

// Mailer is the in-memory twin of a mail connector: it records the
// messages it is given, once per key (a message sent again after a lost
// reply is the same message, as its Message-ID says), and can be told to
// refuse the next sends as a real server would.
type Mailer struct {
	mu     sync.Mutex
	sent   []connectors.Message
	keys   map[string]bool
	fail   []error
	closed bool
}

var _ connectors.Mailer = (*Mailer)(nil)

// NewMailer returns a mailer that has sent nothing.
func NewMailer() *Mailer { return &Mailer{keys: map[string]bool{}} }

// Send records m, unless a message with its key was recorded before.
func (m *Mailer) Send(ctx context.Context, msg *connectors.Message) error {
	const op = "send"
	if err := ctx.Err(); err != nil {
		return &connectors.Error{Kind: connectors.Transient, Op: op, Err: err}
	}
	if err := connectors.CheckMessage(msg); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return connectors.Errorf(connectors.Invalid, op, "the mailer is closed")
	}
	if len(m.fail) > 0 {
		err := m.fail[0]
		m.fail = m.fail[1:]
		return err
	}
	if m.keys[msg.Key] {
		return nil
	}
	m.keys[msg.Key] = true
	m.sent = append(m.sent, msg.Clone())
	return nil
}

// Refuse makes the next sends fail with errs, one each, in order: a
// *connectors.Error of kind Transient for a server that is down or
// busy, Constraint for a 5xx refusal.
func (m *Mailer) Refuse(errs ...error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail = append(m.fail, errs...)
}

// Sent returns the messages recorded, oldest first; they are copies.
func (m *Mailer) Sent() []connectors.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]connectors.Message, len(m.sent))
	for i := range m.sent {
		out[i] = m.sent[i].Clone()
	}
	return out
}

// Close closes the mailer; later sends fail.
func (m *Mailer) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
