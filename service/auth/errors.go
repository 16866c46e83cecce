package auth

import (
	"errors"
	"fmt"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
)

// Errors of a login or a session. Test them with errors.Is: most errors
// returned here wrap one of these with detail.
var (
	// ErrBadCredentials: the username or password is wrong, the account
	// does not exist, or it is disabled or locked. Which of these it was
	// is deliberately not said, so that a login form cannot be used to
	// find out which accounts exist; [Reason] tells the audit log.
	ErrBadCredentials = errors.New("auth: wrong username or password")

	// ErrUnavailable: the directory or the OpenID provider could not be
	// reached, or it failed. The login may work later.
	ErrUnavailable = errors.New("auth: the login service is unavailable")

	// ErrThrottled: too many failed logins for this username recently;
	// further attempts are refused until the window ends.
	ErrThrottled = errors.New("auth: too many failed logins, try again later")

	// ErrNoSession: the request has no valid session: no cookie, or one
	// that has expired, been tampered with or was sealed with a key no
	// longer configured.
	ErrNoSession = errors.New("auth: not logged in")

	// ErrState: an OpenID Connect callback without a matching, unexpired
	// login in progress (state cookie missing, expired, tampered with, or
	// the state parameter does not match).
	ErrState = errors.New("auth: the login has expired or does not match, start again")

	// ErrOIDC: the OpenID provider refused the login, or its answer did not
	// verify (token signature, issuer, audience, expiry, nonce, claims).
	ErrOIDC = errors.New("auth: the OpenID Connect login failed")
)

// failure is a login error with a reason for the audit log. Its message is
// that of its kind alone, so that the reason does not reach a user.
type failure struct {
	kind   error
	reason string
	err    error // underlying error, if any (never one carrying a password)
}

func (f *failure) Error() string { return f.kind.Error() }

// Is makes errors.Is(f, f.kind) hold.
func (f *failure) Is(target error) bool { return target == f.kind }

// Unwrap returns the underlying error, so that errors.Is finds, say, a
// context's cancellation.
func (f *failure) Unwrap() error { return f.err }

// fail returns an error of kind with a reason for the audit log. National
// identity numbers in the reason (a DN or a directory's message may hold
// one) are masked.
func fail(kind error, reason string) error {
	return &failure{kind: kind, reason: redact.NationalIDs(reason)}
}

// failWrap is fail with an underlying error, whose text joins the reason.
func failWrap(kind error, reason string, err error) error {
	return &failure{kind: kind, reason: redact.NationalIDs(reason + ": " + err.Error()), err: err}
}

// Reason returns why a login failed, for an audit log or an operator: for
// instance "account disabled" where the user only sees
// [ErrBadCredentials]. It returns err's message for errors that carry no
// separate reason, and "" for nil.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var f *failure
	if errors.As(err, &f) {
		return f.reason
	}
	return err.Error()
}

// ConfigError reports a configuration that cannot work: a key of the wrong
// length, a missing URL, plain LDAP without the flag that allows it. It is
// a [connectors.Configuration] error for errors.Is.
type ConfigError struct {
	// Field names the configuration field, as in Go: "Keys[1]", "URL".
	Field string
	// Problem says what is wrong with it.
	Problem string
}

// Error says which field is wrong and why.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("auth: configuration: %s: %s", e.Field, e.Problem)
}

// Is makes errors.Is(err, connectors.Configuration) hold, like the
// connectors' configuration errors.
func (e *ConfigError) Is(target error) bool { return target == connectors.Configuration }

func configErrorf(field, format string, args ...any) *ConfigError {
	return &ConfigError{Field: field, Problem: fmt.Sprintf(format, args...)}
}
