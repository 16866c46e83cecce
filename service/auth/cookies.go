package auth

import (
	"net/http"
	"strconv"
	"time"
)

// itoa is strconv.Itoa, short for messages.
func itoa(n int) string { return strconv.Itoa(n) }

// hostPrefixed returns name with the __Host- prefix when the cookie is
// Secure: browsers then refuse the cookie unless it is Secure, has Path=/
// and no Domain, so that a sibling subdomain cannot plant one (which would
// defeat a double-submit token). Plain-HTTP development cannot use it.
func hostPrefixed(name string, insecure bool) string {
	if insecure {
		return name
	}
	return "__Host-" + name
}

// newCookie returns a cookie with orgsync's attributes: HttpOnly, Secure
// unless insecure, SameSite=Lax (sent on top-level navigations, which an
// OpenID callback is, and not on cross-site subrequests), Path=/.
func newCookie(name, value string, maxAge time.Duration, insecure bool) *http.Cookie {
	c := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   !insecure,
		SameSite: http.SameSiteLaxMode,
		MaxAge:   int(maxAge / time.Second),
	}
	if c.MaxAge <= 0 {
		c.MaxAge = -1 // delete it now; 0 would mean a browser-session cookie
	}
	return c
}

// expiredCookie deletes the named cookie.
func expiredCookie(name string, insecure bool) *http.Cookie {
	return newCookie(name, "", 0, insecure)
}
