package auth

import (
	"context"
	"crypto/subtle"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/orgsync/orgsync/connectors"
)

// OIDC defaults.
const (
	DefaultUsernameClaim = "preferred_username"
	DefaultGroupsClaim   = "groups"
	// loginFlowTTL is how long a user has at the provider to log in.
	loginFlowTTL = 10 * time.Minute
)

// OIDCConfig configures OpenID Connect login.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL; its discovery document is read
	// from Issuer + "/.well-known/openid-configuration".
	Issuer string
	// ClientID is this service's registration at the provider (a
	// confidential web client).
	ClientID string
	// ClientSecret authenticates ClientID at the token endpoint.
	ClientSecret connectors.Secret
	// RedirectURL is this service's callback as registered, e.g.
	// https://orgsync.kommune.dk/login/oidc/callback.
	RedirectURL string
	// Scopes requested; default openid, profile and email. openid is
	// added if missing.
	Scopes []string
	// UsernameClaim names the claim that holds the username; default
	// preferred_username.
	UsernameClaim string
	// GroupsClaim names the claim that holds the groups; default "groups".
	GroupsClaim string
	// RootCAs verifies the provider's TLS certificate. With neither it nor
	// CAFile, the system's roots are used.
	RootCAs *x509.CertPool
	// CAFile is a PEM file of CA certificates, used when RootCAs is nil.
	CAFile string
	// Keys seal the short-lived cookie that holds a login in progress
	// (state, nonce, PKCE verifier), each 32 bytes, as in
	// [SessionConfig.Keys]. With none, a random key per process is used:
	// then a login in progress breaks if the service restarts or the
	// callback reaches another instance.
	Keys [][]byte
	// Insecure drops the Secure attribute of that cookie, for development
	// over plain HTTP only.
	Insecure bool
	// Now is the clock of the login-in-progress cookie, for tests; nil
	// means time.Now. (Tokens are checked against the real time.)
	Now func() time.Time
}

// OIDC logs users in at an OpenID provider with the authorization code
// flow and PKCE (S256). It is safe for concurrent use.
type OIDC struct {
	cfg      OIDCConfig
	client   *http.Client
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
	seal     *sealer
	cookie   string
}

// NewOIDC checks cfg and reads the provider's discovery document. A
// provider that cannot be reached is ErrUnavailable.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	switch {
	case cfg.Issuer == "":
		return nil, configErrorf("Issuer", "required")
	case cfg.ClientID == "":
		return nil, configErrorf("ClientID", "required")
	case cfg.RedirectURL == "":
		return nil, configErrorf("RedirectURL", "required")
	}
	if u, err := url.Parse(cfg.RedirectURL); err != nil || !u.IsAbs() {
		return nil, configErrorf("RedirectURL", "%q is not an absolute URL", cfg.RedirectURL)
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	if !slices.Contains(cfg.Scopes, oidc.ScopeOpenID) {
		cfg.Scopes = append([]string{oidc.ScopeOpenID}, cfg.Scopes...)
	}
	if cfg.UsernameClaim == "" {
		cfg.UsernameClaim = DefaultUsernameClaim
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = DefaultGroupsClaim
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	o := &OIDC{cfg: cfg, cookie: hostPrefixed("orgsync_oidc", cfg.Insecure)}
	var err error
	if len(cfg.Keys) == 0 {
		o.seal = randomSealer()
	} else if o.seal, err = newSealer("Keys", cfg.Keys); err != nil {
		return nil, err
	}
	if o.client, err = httpClient(cfg.RootCAs, cfg.CAFile); err != nil {
		return nil, err
	}
	o.provider, err = oidc.NewProvider(o.context(ctx), cfg.Issuer)
	if err != nil {
		return nil, failWrap(ErrUnavailable, "read the discovery document of "+cfg.Issuer, err)
	}
	o.verifier = o.provider.Verifier(&oidc.Config{ClientID: cfg.ClientID})
	o.oauth = oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: string(cfg.ClientSecret),
		Endpoint:     o.provider.Endpoint(),
		RedirectURL:  cfg.RedirectURL,
		Scopes:       cfg.Scopes,
	}
	return o, nil
}

// context makes go-oidc and oauth2 use o's HTTP client.
func (o *OIDC) context(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, o.client) // the same key oauth2.HTTPClient uses
}

// loginFlow is a login in progress, sealed in a cookie between Start and
// Callback.
type loginFlow struct {
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"`
	ReturnTo string    `json:"r"`
	Expires  time.Time `json:"e"`
}

// Start begins a login: it remembers returnTo (made safe with
// [SafeReturnTo]) in a sealed cookie valid for 10 minutes, with a fresh
// state, nonce and PKCE verifier, and redirects to the provider. A second
// Start in the same browser replaces a login in progress.
func (o *OIDC) Start(w http.ResponseWriter, r *http.Request, returnTo string) {
	f := loginFlow{
		State:    randomToken(),
		Nonce:    randomToken(),
		Verifier: oauth2.GenerateVerifier(),
		ReturnTo: SafeReturnTo(returnTo),
		Expires:  o.cfg.Now().Add(loginFlowTTL),
	}
	plain, _ := json.Marshal(f)
	http.SetCookie(w, newCookie(o.cookie, o.seal.seal(o.cookie, plain), loginFlowTTL, o.cfg.Insecure))
	target := o.oauth.AuthCodeURL(f.State, oauth2.S256ChallengeOption(f.Verifier), oidc.Nonce(f.Nonce))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}

// Callback completes a login at the redirect URL: it checks the state
// against the cookie Start set (and deletes that cookie, so a callback
// works once), exchanges the code with the PKCE verifier, verifies the ID
// token (signature, issuer, audience, expiry, nonce) and returns who logged
// in and where to send them. Errors are ErrState, ErrOIDC or
// ErrUnavailable; [Reason] says more.
func (o *OIDC) Callback(w http.ResponseWriter, r *http.Request) (*Principal, string, error) {
	f, err := o.flow(r)
	http.SetCookie(w, expiredCookie(o.cookie, o.cfg.Insecure))
	if err != nil {
		return nil, "", err
	}
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.State)) != 1 {
		return nil, "", fail(ErrState, "state parameter does not match the cookie")
	}
	if e := q.Get("error"); e != "" {
		// The description comes from the URL, so from anyone: for the log
		// only, and bounded.
		return nil, "", fail(ErrOIDC, "provider refused: "+truncate(e+": "+q.Get("error_description"), 200))
	}
	code := q.Get("code")
	if code == "" {
		return nil, "", fail(ErrOIDC, "callback without a code")
	}
	ctx := o.context(r.Context())
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, "", failWrap(ErrOIDC, "code exchange refused", err)
		}
		return nil, "", failWrap(ErrUnavailable, "code exchange", err)
	}
	p, err := o.principal(ctx, tok, f.Nonce)
	if err != nil {
		return nil, "", err
	}
	return p, SafeReturnTo(f.ReturnTo), nil
}

// flow opens the login-in-progress cookie.
func (o *OIDC) flow(r *http.Request) (*loginFlow, error) {
	c, err := r.Cookie(o.cookie)
	if err != nil {
		return nil, fail(ErrState, "no login in progress (no state cookie)")
	}
	plain, err := o.seal.open(o.cookie, c.Value)
	if err != nil {
		return nil, fail(ErrState, "state cookie does not open")
	}
	var f loginFlow
	if err := json.Unmarshal(plain, &f); err != nil {
		return nil, failWrap(ErrState, "state cookie", err)
	}
	if !o.cfg.Now().Before(f.Expires) {
		return nil, fail(ErrState, "login in progress expired")
	}
	return &f, nil
}

// principal verifies the ID token and reads the claims, from the ID token
// and, for claims it lacks, from the UserInfo endpoint (many providers put
// only the subject in the ID token of a code flow).
func (o *OIDC) principal(ctx context.Context, tok *oauth2.Token, nonce string) (*Principal, error) {
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, fail(ErrOIDC, "token response without an id_token")
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, failWrap(ErrOIDC, "ID token does not verify", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, fail(ErrOIDC, "ID token nonce does not match the login")
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, failWrap(ErrOIDC, "ID token claims", err)
	}
	_, hasUser := claims[o.cfg.UsernameClaim]
	_, hasGroups := claims[o.cfg.GroupsClaim]
	if (!hasUser || !hasGroups) && o.provider.UserInfoEndpoint() != "" {
		if err := o.addUserInfo(ctx, tok, idt.Subject, claims); err != nil {
			return nil, err
		}
	}
	username, _ := claims[o.cfg.UsernameClaim].(string)
	if username == "" {
		return nil, fail(ErrOIDC, "no "+o.cfg.UsernameClaim+" claim")
	}
	name, _ := claims["name"].(string)
	email, _ := claims["email"].(string)
	return &Principal{
		Subject:  idt.Issuer + "|" + idt.Subject,
		Username: username,
		Name:     name,
		Email:    email,
		Groups:   stringList(claims[o.cfg.GroupsClaim]),
		Method:   MethodOIDC,
	}, nil
}

// addUserInfo adds the UserInfo endpoint's claims that claims lacks. Its
// subject must be the ID token's (OpenID Connect Core 5.3.2).
func (o *OIDC) addUserInfo(ctx context.Context, tok *oauth2.Token, subject string, claims map[string]any) error {
	info, err := o.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return failWrap(ErrUnavailable, "read UserInfo", err)
	}
	if info.Subject != subject {
		return fail(ErrOIDC, fmt.Sprintf("UserInfo subject %q is not the ID token's %q", info.Subject, subject))
	}
	more := map[string]any{}
	if err := info.Claims(&more); err != nil {
		return failWrap(ErrOIDC, "UserInfo claims", err)
	}
	for k, v := range more {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	return nil
}

// stringList reads a claim that is a list of strings or a single string.
func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
