package connectors

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"
)

// Mailer is the contract of a mail connector: it hands one message at a
// time to a mail system (an SMTP server, a mail API). The outbox that
// decides what to send, and when, is the host's; a Mailer only delivers.
//
// Every message carries an idempotency key ([Message.Key]). Mail has no
// way to take a message back or to ask whether one arrived, so a Mailer
// cannot promise exactly once; it makes the key the message's Message-ID,
// so that a message sent again after a lost reply is the same message to
// every system that looks (and the twin records it once). The outbox
// sends a key once.
//
// Errors are *[Error]s with a [Kind]: [Transient] for what may succeed
// later (the server down or busy, a 4xx reply, a dropped connection, an
// ended context); [Constraint] for a message the server refused for good
// (a 5xx reply: no such mailbox, message too big), with the server's
// reply in Code and Err, which an operator needs to read; [Configuration]
// for a setup an operator must fix (credentials refused, TLS required but
// not offered, an untrusted certificate); [Invalid] for a message that is
// malformed (see [CheckMessage]), which nothing is sent for.
// Implementations are safe for concurrent use.
type Mailer interface {
	// Send delivers m. When it returns nil the mail system has taken
	// responsibility for the message.
	Send(ctx context.Context, m *Message) error

	// Close releases the connector's resources (an open connection).
	// Calls after Close fail.
	Close() error
}

// Message is one mail: a plain-text part, optionally an HTML part, and
// attachments.
type Message struct {
	// Key identifies the message for idempotency: the same key is the
	// same message (the outbox derives it from the trigger, the object
	// and the registration). It becomes the Message-ID.
	Key string
	// From is the sender.
	From Address
	// To are the recipients; at least one. Cc are more.
	To, Cc []Address
	// ReplyTo, if set, is where replies go.
	ReplyTo *Address
	// Subject is the subject line, in any script.
	Subject string
	// Text is the plain-text body; required.
	Text string
	// HTML is the HTML body, if any; the message is then
	// multipart/alternative with Text.
	HTML string
	// Attachments are files attached to the message.
	Attachments []Attachment
}

// Clone returns a deep copy of m: nothing the copy's holder does changes m.
func (m *Message) Clone() Message {
	c := *m
	c.To, c.Cc = slices.Clone(m.To), slices.Clone(m.Cc)
	if m.ReplyTo != nil {
		r := *m.ReplyTo
		c.ReplyTo = &r
	}
	c.Attachments = nil
	for _, a := range m.Attachments {
		a.Data = slices.Clone(a.Data)
		c.Attachments = append(c.Attachments, a)
	}
	return c
}

// Address is a mail address with an optional display name.
type Address struct {
	// Name is the display name ("Åse Ørsted"); it is encoded in the
	// header as RFC 2047 needs, never written raw.
	Name string
	// Addr is the address itself (local@domain).
	Addr string
}

// String returns the address as a header would hold it.
func (a Address) String() string { return (&mail.Address{Name: a.Name, Address: a.Addr}).String() }

// Attachment is a file attached to a message.
type Attachment struct {
	// Name is the file name the recipient sees.
	Name string
	// ContentType is its MIME type ("text/csv; charset=utf-8").
	ContentType string
	// Data is its content.
	Data []byte
}

// Limits on a message, so that one bad row cannot make a mail system
// refuse everything behind it.
const (
	MaxMessageKey        = 200
	MaxSubjectBytes      = 998 // a header line's limit
	MaxRecipients        = 100
	MaxMessageBytes      = 20 << 20
	maxAddressNameBytes  = 256
	maxAttachmentNameLen = 255
)

// CheckMessage returns an *Error of kind [Invalid] for a message a Mailer
// must not send: no key, no sender or recipient, an address that does not
// parse or holds a display name in it, a name, subject or file name with a
// line break or another control character (header injection), text that is
// not UTF-8, no plain-text part, or a message over the limits.
func CheckMessage(m *Message) error {
	bad := func(format string, a ...any) error {
		return &Error{Kind: Invalid, Op: "send", Object: clipKey(m.Key), Err: fmt.Errorf(format, a...)}
	}
	if m == nil {
		return &Error{Kind: Invalid, Op: "send", Err: fmt.Errorf("no message")}
	}
	if strings.TrimSpace(m.Key) == "" {
		return bad("the message has no key")
	}
	if err := CheckText(m.Key, MaxMessageKey); err != nil {
		return bad("the key: %v", err)
	}
	if err := CheckText(m.Subject, MaxSubjectBytes); err != nil {
		return bad("the subject: %v", err)
	}
	switch {
	case len(m.To) == 0:
		return bad("the message has no recipient")
	case len(m.To)+len(m.Cc) > MaxRecipients:
		return bad("the message has more than %d recipients", MaxRecipients)
	case strings.TrimSpace(m.Text) == "":
		return bad("the message has no plain-text part")
	case !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML):
		return bad("the body is not UTF-8")
	}
	if err := checkAddress("from", m.From); err != nil {
		return bad("%v", err)
	}
	for field, list := range map[string][]Address{"to": m.To, "cc": m.Cc} {
		for i, a := range list {
			if err := checkAddress(fmt.Sprintf("%s[%d]", field, i), a); err != nil {
				return bad("%v", err)
			}
		}
	}
	if m.ReplyTo != nil {
		if err := checkAddress("reply-to", *m.ReplyTo); err != nil {
			return bad("%v", err)
		}
	}
	size := len(m.Text) + len(m.HTML)
	for i, a := range m.Attachments {
		if strings.TrimSpace(a.Name) == "" || strings.ContainsAny(a.Name, `/\`) {
			return bad("attachment %d: the file name is empty or holds a slash", i)
		}
		if err := CheckText(a.Name, maxAttachmentNameLen); err != nil {
			return bad("attachment %d: the file name: %v", i, err)
		}
		if a.ContentType == "" {
			return bad("attachment %d (%s): no content type", i, a.Name)
		}
		if err := CheckText(a.ContentType, MaxFieldBytes); err != nil {
			return bad("attachment %d (%s): the content type: %v", i, a.Name, err)
		}
		size += len(a.Data)
	}
	if size > MaxMessageBytes {
		return bad("the message is over %d MiB", MaxMessageBytes>>20)
	}
	return nil
}

// checkAddress checks one address: it parses, holds exactly the address
// (no display name smuggled into it), and the name has no control
// characters.
func checkAddress(field string, a Address) error {
	if a.Addr == "" {
		return fmt.Errorf("%s: no address", field)
	}
	if err := CheckText(a.Addr, MaxFieldBytes); err != nil {
		return fmt.Errorf("%s: the address: %v", field, err)
	}
	if err := CheckText(a.Name, maxAddressNameBytes); err != nil {
		return fmt.Errorf("%s: the name: %v", field, err)
	}
	p, err := mail.ParseAddress(a.Addr)
	if err != nil || p.Address != a.Addr || p.Name != "" || !strings.Contains(a.Addr, "@") {
		return fmt.Errorf("%s: %q is not a mail address", field, clipKey(a.Addr))
	}
	return nil
}
