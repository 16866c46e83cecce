package service

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/orgsync/orgsync/service/auth"
)

// login is the service's login layer: who a request is from.
type login struct {
	sessions *auth.Sessions
	handlers *auth.Handlers
	roles    auth.RoleMap
	demo     bool
}

// wireLogin makes the sessions, the password login against the directory
// and the single sign-on the auth section names.
func (s *Service) wireLogin(ctx context.Context) error {
	a := s.cfg.Auth
	if a == nil {
		return nil
	}
	bad := func(key string, err error) error { return &ConfigError{File: s.cfg.file, Key: key, Err: err} }
	l := &login{roles: a.Roles, demo: a.Demo}
	s.login = l
	if a.Demo {
		s.log.Warn("auth.demo: everyone is let in as the administrator demo, without a login")
		return nil
	}
	var keys [][]byte
	for i, k := range a.SessionKeys {
		v, err := k.Read(s.opts.Getenv, "")
		if err != nil {
			return bad(fmt.Sprintf("auth.session_keys.%d", i), err)
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(v)))
		if err != nil || len(b) != auth.KeySize {
			return bad(fmt.Sprintf("auth.session_keys.%d", i), fmt.Errorf("a key is %d bytes in base64 (openssl rand -base64 32)", auth.KeySize))
		}
		keys = append(keys, b)
	}
	var err error
	if l.sessions, err = auth.NewSessions(auth.SessionConfig{Keys: keys, Insecure: a.InsecureCookies, Now: s.opts.Now}); err != nil {
		return bad("auth", err)
	}
	h := &auth.Handlers{Sessions: l.sessions, Page: s.loginPage, Audit: s.audit}
	if !a.NoPasswords {
		d := s.cfg.Directory
		base := d.BaseDN
		if base == "" {
			base = s.domainOf(s.cfg.Sync.Base)
		}
		pw, err := d.Password.Read(s.opts.Getenv, adPasswordEnv)
		if err != nil {
			return bad("directory.password", err)
		}
		ldap, err := auth.NewLDAP(auth.LDAPConfig{URL: d.URL, PlainLDAP: d.PlainLDAP, RootCAs: d.RootCAs, CAFile: d.CAFile, ServerName: d.ServerName,
			BaseDN: base, BindDN: d.BindDN, BindPassword: pw, Now: s.opts.Now})
		if err != nil {
			return bad("directory", err)
		}
		h.Passwords = ldap
	}
	if o := a.OIDC; o != nil {
		secret, err := o.ClientSecret.Read(s.opts.Getenv, "")
		if err != nil {
			return bad("auth.oidc.client_secret", err)
		}
		redirect := o.RedirectURL
		if redirect == "" {
			redirect = strings.TrimRight(s.cfg.HTTP.PublicURL, "/") + auth.PathOIDCCallback
		}
		if h.OIDC, err = auth.NewOIDC(ctx, auth.OIDCConfig{Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: secret, RedirectURL: redirect,
			UsernameClaim: o.UsernameClaim, GroupsClaim: o.GroupsClaim, CAFile: o.CAFile, Keys: keys, Insecure: a.InsecureCookies, Now: s.opts.Now}); err != nil {
			return fmt.Errorf("the OpenID provider %s: %w", o.Issuer, err)
		}
	}
	l.handlers = h
	return nil
}

// domainOf is the DC= part of a DN, where users are looked for.
func (s *Service) domainOf(dn string) string {
	i := strings.Index(strings.ToUpper(dn), "DC=")
	if i < 0 {
		return dn
	}
	return dn[i:]
}

// demoCaller is who everyone is with auth.demo.
var demoCaller = &Caller{Username: "demo", Name: "Demo", Admin: true}

// authenticate sets the request's caller from its session (or the demo
// caller), and holds every state-changing request with a session to its
// CSRF token.
func (s *Service) authenticate(next http.Handler) http.Handler {
	l := s.login
	if l == nil {
		return next
	}
	if l.demo {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(WithCaller(r.Context(), demoCaller)))
		})
	}
	csrf := auth.RequireCSRF(l.sessions, next)
	// A state-changing request without a session (the one-time password
	// page, a login) is still refused from another site.
	crossOrigin := http.NewCrossOriginProtection().Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := l.sessions.Refresh(w, r)
		if err != nil {
			crossOrigin.ServeHTTP(w, r) // no caller: the routes say 401 or send to /login
			return
		}
		p := &sess.Principal
		roles := l.roles.Roles(p)
		c := &Caller{Username: p.Username, Name: p.Name, Admin: roles.Admin, HR: roles.HR, Systems: roles.Systems, csrf: sess.CSRFToken()}
		csrf.ServeHTTP(w, r.WithContext(WithCaller(r.Context(), c)))
	})
}

// audit records logins and logouts in the log (the audit log proper is
// the store's, for writes).
func (s *Service) audit(_ context.Context, e auth.AuditEvent) {
	s.log.Info("login", "kind", e.Kind, "method", e.Method, "user", e.Username, "reason", e.Reason, "remote", e.RemoteAddr)
}

// loginPage renders the login form (auth.DefaultPage until the service's
// pages take over).
func (s *Service) loginPage(w http.ResponseWriter, r *http.Request, p auth.LoginPage) {
	auth.DefaultPage(w, r, p)
}
