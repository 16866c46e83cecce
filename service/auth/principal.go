package auth

import (
	"context"
	"time"
)

// Login methods, the values of [Principal.Method].
const (
	MethodLDAP = "ldap"
	MethodOIDC = "oidc"
)

// Principal is who is logged in, as every login method reports it.
type Principal struct {
	// Subject identifies the person stably across renames: the AD
	// objectGUID (as orgsync's connectors.ID spells it) for LDAP, and
	// "issuer|sub" for OpenID Connect.
	Subject string
	// Username is the sAMAccountName, or the OpenID provider's username
	// claim (preferred_username by default).
	Username string
	// Name is the display name.
	Name string
	// Email is the e-mail address, if known.
	Email string
	// Groups are the AD group DNs the person is a member of, nesting
	// resolved; for OpenID Connect, the values of the groups claim.
	Groups []string
	// Method is how they logged in: MethodLDAP or MethodOIDC.
	Method string
	// Expires is when the session ends at the latest. Authenticators leave
	// it zero; [Sessions.Issue] sets it.
	Expires time.Time
}

// PasswordAuthenticator checks a username and password. [LDAP] is one; a
// test or a demo may supply its own.
type PasswordAuthenticator interface {
	// Authenticate returns the principal for a correct username and
	// password. Errors are ErrBadCredentials, ErrThrottled or
	// ErrUnavailable (tested with errors.Is); none contains the password.
	Authenticate(ctx context.Context, username, password string) (*Principal, error)
}
