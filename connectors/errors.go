package connectors

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/orgsync/orgsync/internal/redact"
)

// Kind classifies an error by what the caller should do about it. Kinds are
// stable: they are sent across the plugin boundary by number and by name,
// so values are never reordered or reused, and new kinds are only ever
// added at the end.
type Kind uint8

// The kinds of error a connector reports.
const (
	// Other is an error that fits no other kind. Report it; do not retry.
	Other Kind = iota
	// NotFound: the object, its parent or the search base does not exist.
	// Re-read the directory before acting again.
	NotFound
	// AlreadyExists: the name is taken (a DN, sAMAccountName or UPN), or
	// the value is already there. Pick another name, or read what exists.
	AlreadyExists
	// Constraint: the directory refused the change by a rule of its own,
	// such as the password policy or a non-empty container. Fix the data or
	// the policy; retrying unchanged fails again.
	Constraint
	// Permission: the connector's account lacks the right to do this.
	// Grant the right; retrying unchanged fails again.
	Permission
	// Transient: the connection broke, the server was busy or unreachable,
	// or the context ended. Retry later, with backoff. A write that failed
	// this way may or may not have happened: re-read before retrying it.
	Transient
	// Configuration: the connector is set up wrongly (bad credentials,
	// an untrusted or expired certificate, a missing base DN, plain LDAP
	// where TLS is needed). An operator must fix the configuration.
	Configuration
	// Unsupported: this connector or server cannot do this at all.
	Unsupported
	// Invalid: the request itself is malformed (an empty value, a bad DN,
	// an unknown attribute, a token from elsewhere). Fix the caller.
	Invalid
)

var kindNames = [...]string{
	Other:         "other",
	NotFound:      "not found",
	AlreadyExists: "already exists",
	Constraint:    "constraint violation",
	Permission:    "permission denied",
	Transient:     "transient",
	Configuration: "configuration",
	Unsupported:   "unsupported",
	Invalid:       "invalid request",
}

// String returns the kind's stable name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Error makes a Kind usable as the target of errors.Is:
//
//	if errors.Is(err, connectors.NotFound) { … }
func (k Kind) Error() string { return k.String() }

// ParseKind returns the kind with the given stable name.
func ParseKind(name string) (Kind, bool) {
	for k, n := range kindNames {
		if n == name {
			return Kind(k), true
		}
	}
	return Other, false
}

// MarshalText writes the kind's stable name, so that kinds cross JSON and
// other text encodings (and process boundaries) unchanged.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind's stable name; an unknown name is an error.
func (k *Kind) UnmarshalText(b []byte) error {
	kind, ok := ParseKind(string(b))
	if !ok {
		return fmt.Errorf("unknown error kind %q", b)
	}
	*k = kind
	return nil
}

// Retryable reports whether retrying the same operation later can succeed
// without anybody changing anything.
func (k Kind) Retryable() bool { return k == Transient }

// Error is the error every connector returns. It names the operation and
// the object, says which [Kind] of failure it is, and keeps the server's own
// code and message for the operator.
type Error struct {
	// Kind says what the caller should do about the error.
	Kind Kind
	// Op is the operation that failed, e.g. "create" or "search".
	Op string
	// Object names what the operation was about (usually a DN or an id).
	Object string
	// Code is the server's own code, e.g. "LDAP 19 (0000052D)".
	Code string
	// Err is the underlying error.
	Err error
}

// Error describes the failure. National identity numbers in it are masked,
// because DNs and server messages can contain them.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
	}
	if e.Object != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(e.Object)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.String())
	if e.Code != "" {
		b.WriteString(" [")
		b.WriteString(e.Code)
		b.WriteByte(']')
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return redact.NationalIDs(b.String())
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is this error's kind, so that
// errors.Is(err, connectors.NotFound) works through any wrapping.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// Errorf returns an *Error of the given kind for operation op with a
// formatted message (which may wrap an error with %w).
func Errorf(kind Kind, op, format string, args ...any) *Error {
	return &Error{Kind: kind, Op: op, Err: fmt.Errorf(format, args...)}
}

// KindOf returns the kind of err: the Kind of the first *Error in its chain;
// Transient for an ended context; Other for anything else, and for nil.
func KindOf(err error) Kind {
	var e *Error
	switch {
	case err == nil:
		return Other
	case errors.As(err, &e):
		return e.Kind
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Transient
	}
	return Other
}

// ContextError returns the error for an operation that stopped because ctx
// ended: Transient, and errors.Is(err, ctx.Err()) holds.
func ContextError(ctx context.Context, op, object string) *Error {
	return &Error{Kind: Transient, Op: op, Object: object, Err: ctx.Err()}
}
