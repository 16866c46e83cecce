package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/orgsync/orgsync/internal/redact"
)

// Paths that [Handlers] serves.
const (
	PathLogin        = "/login"
	PathLogout       = "/logout"
	PathOIDCStart    = "/login/oidc"
	PathOIDCCallback = "/login/oidc/callback"
)

// Form fields and query parameters of the login endpoints.
const (
	ReturnToField = "return"
	usernameField = "username"
	passwordField = "password"
)

// maxLoginForm bounds the body of a login or logout POST.
const maxLoginForm = 64 << 10

// Handlers serves logging in and out:
//
//	GET  /login                 the login form (?return=/local/path)
//	POST /login                 check username and password, start a session
//	POST /logout                end the session (needs its CSRF token)
//	GET  /login/oidc            start single sign-on (?return=/local/path)
//	GET  /login/oidc/callback   the OpenID provider's redirect back
//
// Mount it for those paths, e.g. mux.Handle("/login", h);
// mux.Handle("/login/", h); mux.Handle("/logout", h). After a login it
// redirects to the form's return path if that is local, else to "/".
//
// The login form is protected against login CSRF without a session: a
// random token in a pre-session cookie must come back in the form
// (double submit), and cross-origin posts are refused.
type Handlers struct {
	// Passwords checks username and password; nil hides the form.
	Passwords PasswordAuthenticator
	// OIDC is single sign-on; nil hides it.
	OIDC *OIDC
	// Sessions issues the session after a login. Required.
	Sessions *Sessions
	// Page renders the login page; nil means DefaultPage.
	Page func(w http.ResponseWriter, r *http.Request, p LoginPage)
	// Audit receives every login, failed login and logout; nil drops
	// them.
	Audit func(ctx context.Context, e AuditEvent)

	once sync.Once
	mux  *http.ServeMux
}

// ServeHTTP serves the paths listed on [Handlers], and 404 for others.
func (h *Handlers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.once.Do(h.routes)
	h.mux.ServeHTTP(w, r)
}

func (h *Handlers) routes() {
	cop := crossOrigin()
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET "+PathLogin, h.form)
	h.mux.Handle("POST "+PathLogin, cop.Handler(http.HandlerFunc(h.passwordLogin)))
	h.mux.Handle("POST "+PathLogout, cop.Handler(http.HandlerFunc(h.logout)))
	h.mux.HandleFunc("GET "+PathOIDCStart, h.oidcStart)
	h.mux.HandleFunc("GET "+PathOIDCCallback, h.oidcCallback)
}

// loginCookie names the pre-session cookie of the login form's token.
func (h *Handlers) loginCookie() string {
	return hostPrefixed("orgsync_login", h.Sessions.cfg.Insecure)
}

// form shows the login form, with a login token in a cookie and the form.
func (h *Handlers) form(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, LoginPage{Status: http.StatusOK}, r.URL.Query().Get(ReturnToField))
}

// render fills in and shows the login page.
func (h *Handlers) render(w http.ResponseWriter, r *http.Request, p LoginPage, returnTo string) {
	token := randomToken()
	if c, err := r.Cookie(h.loginCookie()); err == nil && len(c.Value) == len(token) {
		token = c.Value // keep it, so that two open tabs both work
	}
	http.SetCookie(w, newCookie(h.loginCookie(), token, time.Hour, h.Sessions.cfg.Insecure))
	p.Passwords = h.Passwords != nil
	p.Action = PathLogin
	p.CSRFField, p.CSRFToken = CSRFField, token
	p.ReturnToField, p.ReturnTo = ReturnToField, SafeReturnTo(returnTo)
	if h.OIDC != nil {
		p.OIDCURL = PathOIDCStart + "?" + url.Values{ReturnToField: {p.ReturnTo}}.Encode()
	}
	w.Header().Set("Cache-Control", "no-store")
	// The form must not be framed (clickjacking).
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	page := h.Page
	if page == nil {
		page = DefaultPage
	}
	page(w, r, p)
}

// passwordLogin checks the form's token, then the username and password.
func (h *Handlers) passwordLogin(w http.ResponseWriter, r *http.Request) {
	if h.Passwords == nil {
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	username, password := r.PostFormValue(usernameField), r.PostFormValue(passwordField)
	returnTo := r.PostFormValue(ReturnToField)
	c, err := r.Cookie(h.loginCookie())
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(CSRFField))) != 1 {
		h.audit(r, AuditEvent{Kind: AuditLoginFailed, Method: MethodLDAP, Username: cleanForLog(username), Reason: "login form token missing or wrong"})
		h.render(w, r, LoginPage{Status: http.StatusForbidden, Error: "The login form had expired. Please try again."}, returnTo)
		return
	}
	p, err := h.Passwords.Authenticate(r.Context(), username, password)
	if err != nil {
		h.audit(r, AuditEvent{Kind: AuditLoginFailed, Method: MethodLDAP, Username: cleanForLog(username), Reason: Reason(err)})
		status, msg := failureMessage(err)
		h.render(w, r, LoginPage{Status: status, Error: msg, Username: cleanForLog(username)}, returnTo)
		return
	}
	h.loggedIn(w, r, p, returnTo)
}

// failureMessage is what the user is told about a failed login.
func failureMessage(err error) (int, string) {
	switch {
	case errors.Is(err, ErrThrottled):
		return http.StatusTooManyRequests, "Too many failed attempts. Please wait a while and try again."
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable, "Login is unavailable right now. Please try again later."
	case errors.Is(err, ErrState):
		return http.StatusBadRequest, "The login had expired. Please try again."
	case errors.Is(err, ErrOIDC):
		return http.StatusUnauthorized, "Single sign-on failed. Please try again."
	default:
		return http.StatusUnauthorized, "Wrong username or password."
	}
}

// loggedIn starts the session and redirects.
func (h *Handlers) loggedIn(w http.ResponseWriter, r *http.Request, p *Principal, returnTo string) {
	if err := h.Sessions.Issue(w, p); err != nil {
		h.audit(r, AuditEvent{Kind: AuditLoginFailed, Method: p.Method, Username: p.Username, Subject: p.Subject, Reason: err.Error()})
		http.Error(w, "The session could not be started.", http.StatusInternalServerError)
		return
	}
	h.audit(r, AuditEvent{Kind: AuditLogin, Method: p.Method, Username: p.Username, Subject: p.Subject})
	http.SetCookie(w, expiredCookie(h.loginCookie(), h.Sessions.cfg.Insecure))
	http.Redirect(w, r, SafeReturnTo(returnTo), http.StatusSeeOther)
}

// logout ends the session. With a session it needs the session's CSRF
// token, so that another site cannot log the user out; without one there
// is nothing to protect.
func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	sess, err := h.Sessions.Get(r)
	if err == nil {
		if !h.Sessions.validCSRF(sess, submittedCSRF(r)) {
			forbidden(w, "Forbidden: missing or wrong CSRF token. Reload the page and try again.")
			return
		}
		p := sess.Principal
		h.audit(r, AuditEvent{Kind: AuditLogout, Method: p.Method, Username: p.Username, Subject: p.Subject})
	}
	h.Sessions.Clear(w)
	http.Redirect(w, r, PathLogin, http.StatusSeeOther)
}

func (h *Handlers) oidcStart(w http.ResponseWriter, r *http.Request) {
	if h.OIDC == nil {
		http.NotFound(w, r)
		return
	}
	h.OIDC.Start(w, r, r.URL.Query().Get(ReturnToField))
}

func (h *Handlers) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if h.OIDC == nil {
		http.NotFound(w, r)
		return
	}
	p, returnTo, err := h.OIDC.Callback(w, r)
	if err != nil {
		h.audit(r, AuditEvent{Kind: AuditLoginFailed, Method: MethodOIDC, Reason: Reason(err)})
		status, msg := failureMessage(err)
		h.render(w, r, LoginPage{Status: status, Error: msg}, "/")
		return
	}
	h.loggedIn(w, r, p, returnTo)
}

func (h *Handlers) audit(r *http.Request, e AuditEvent) {
	if h.Audit == nil {
		return
	}
	// A PasswordAuthenticator of the host's may not mask what it reports.
	e.Reason = redact.NationalIDs(e.Reason)
	e.Time = h.Sessions.cfg.Now()
	e.RemoteAddr = r.RemoteAddr
	h.Audit(r.Context(), e)
}
