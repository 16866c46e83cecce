package auth

import (
	"strings"
	"time"
	"unicode"

	"github.com/orgsync/orgsync/internal/redact"
)

// Kinds of [AuditEvent].
const (
	AuditLogin       = "login"
	AuditLoginFailed = "login-failed"
	AuditLogout      = "logout"
)

// AuditEvent records a login, a failed login or a logout. It never holds a
// password.
type AuditEvent struct {
	// Time is when it happened, by the Sessions' clock.
	Time time.Time
	// Kind is AuditLogin, AuditLoginFailed or AuditLogout.
	Kind string
	// Method is MethodLDAP or MethodOIDC.
	Method string
	// Username is as the user typed it for a password login (cleaned of
	// control characters and cut to 256 bytes: it is untrusted input), or
	// the principal's username.
	Username string
	// Subject is the principal's Subject, when known.
	Subject string
	// Reason says why a login failed (see [Reason]); "" otherwise.
	Reason string
	// RemoteAddr is the request's remote address as the server saw it
	// (behind a proxy, the proxy's).
	RemoteAddr string
}

// cleanForLog makes untrusted text safe for a log line: valid UTF-8, no
// control characters, at most 256 bytes, and national identity numbers
// masked (people do type their CPR number into a username field).
func cleanForLog(s string) string {
	if len(s) > maxUsernameBytes {
		s = s[:maxUsernameBytes]
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return redact.NationalIDs(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s))
}
