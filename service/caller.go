package service

import (
	"context"
	"net/http"
	"slices"
)

// Caller is who makes a request of the API, and what they may do: the
// login layer in front of the API says so (see WithCaller). Being a
// manager is not here: the org model says whom a person manages.
type Caller struct {
	// Username is the caller's login (sAMAccountName).
	Username string
	// Name is their name, for the audit log and the pages.
	Name string
	// Admin may see and do everything the service does.
	Admin bool
	// HR may sign off contracts and attest any order.
	HR bool
	// Systems are the systems whose administrator the caller is.
	Systems []string

	csrf string // the session's CSRF token, for the pages' forms
}

// CSRFToken is the token a state-changing request of the caller's
// session must carry (form field csrf, or header X-CSRF-Token).
func (c *Caller) CSRFToken() string { return c.csrf }

// AdministersSystem says whether the caller administers the system.
func (c *Caller) AdministersSystem(system string) bool { return slices.Contains(c.Systems, system) }

type callerKey struct{}

// WithCaller returns ctx carrying the caller, as the login layer sets it
// on each request it lets through.
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the request's caller, or nil when there is none.
func CallerFrom(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}

// need wraps an API handler: 401 without a caller, 403 when allowed says
// no.
func need(allowed func(*Caller) bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := CallerFrom(r.Context())
		switch {
		case c == nil:
			fail(w, http.StatusUnauthorized, "unauthorized", "log in first")
		case allowed != nil && !allowed(c):
			fail(w, http.StatusForbidden, "forbidden", "your roles do not allow this")
		default:
			h(w, r)
		}
	}
}

// The rights the API's routes need.
var (
	anyone  = func(*Caller) bool { return true }
	admins  = func(c *Caller) bool { return c.Admin }
	adminHR = func(c *Caller) bool { return c.Admin || c.HR }
)
