package auth

import (
	"net/http"
)

// CSRFField and CSRFHeader carry the CSRF token of a state-changing
// request: a form field for HTML forms, a header for scripts.
const (
	CSRFField  = "csrf"
	CSRFHeader = "X-CSRF-Token"
)

// RequireCSRF protects next against cross-site request forgery. A POST,
// PUT, PATCH or DELETE must carry the session's [Session.CSRFToken] in the
// form field "csrf" or the header X-CSRF-Token, and must not be a
// cross-origin browser request (checked by net/http's
// CrossOriginProtection, from the Sec-Fetch-Site and Origin headers).
// Anything else gets 403 Forbidden with a plain message. Safe methods (GET,
// HEAD, OPTIONS) pass unchecked: they must not change anything.
func RequireCSRF(s *Sessions, next http.Handler) http.Handler {
	check := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		sess, err := s.Get(r)
		if err != nil || !s.validCSRF(sess, submittedCSRF(r)) {
			forbidden(w, "Forbidden: missing or wrong CSRF token. Reload the page and try again.")
			return
		}
		next.ServeHTTP(w, r)
	})
	return crossOrigin().Handler(check)
}

// crossOrigin returns net/http's cross-origin protection with a plain
// 403 message.
func crossOrigin() *http.CrossOriginProtection {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		forbidden(w, "Forbidden: cross-origin request refused.")
	}))
	return cop
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// submittedCSRF returns the token sent with r, from the header or else the
// form.
func submittedCSRF(r *http.Request) string {
	if t := r.Header.Get(CSRFHeader); t != "" {
		return t
	}
	return r.PostFormValue(CSRFField)
}

func forbidden(w http.ResponseWriter, msg string) {
	http.Error(w, msg, http.StatusForbidden)
}
