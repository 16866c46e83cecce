package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/oidctest"
	"github.com/orgsync/orgsync/service/auth"
)

func oidcConfig(p *oidctest.Provider, c oidctest.Client) auth.OIDCConfig {
	return auth.OIDCConfig{
		Issuer:       p.Issuer,
		ClientID:     c.ID,
		ClientSecret: connectors.Secret(c.Secret),
		RedirectURL:  c.RedirectURI,
		RootCAs:      p.RootCAs,
		Keys:         [][]byte{testKey(1)},
	}
}

func newOIDC(t *testing.T, cfg auth.OIDCConfig) *auth.OIDC {
	t.Helper()
	o, err := auth.NewOIDC(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewOIDC: %v", err)
	}
	return o
}

// begin runs Start and returns the authorization URL and the cookies set.
func begin(t *testing.T, o *auth.OIDC, returnTo string) (*url.URL, []*http.Cookie) {
	t.Helper()
	w := httptest.NewRecorder()
	o.Start(w, httptest.NewRequest("GET", "https://orgsync.test/login/oidc", nil), returnTo)
	if w.Code != http.StatusFound {
		t.Fatalf("Start: status %d", w.Code)
	}
	loc, err := url.Parse(w.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc, w.Result().Cookies()
}

// finish hands the provider's redirect to Callback with the cookies.
func finish(t *testing.T, o *auth.OIDC, callback *url.URL, cookies []*http.Cookie) (*auth.Principal, string, error) {
	t.Helper()
	r := httptest.NewRequest("GET", callback.String(), nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	p, returnTo, err := o.Callback(w, r)
	if c := w.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("Callback did not delete the state cookie: %v", c)
	}
	return p, returnTo, err
}

func login(t *testing.T, p *oidctest.Provider, authURL *url.URL) *url.URL {
	t.Helper()
	cb, err := p.Login(authURL.String())
	if err != nil {
		t.Fatalf("provider login: %v", err)
	}
	return cb
}

func TestOIDCFullFlow(t *testing.T) {
	p := oidctest.Start(t)
	o := newOIDC(t, oidcConfig(p, p.Client))
	authURL, cookies := begin(t, o, "/people?unit=42")

	q := authURL.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Errorf("authorization URL lacks PKCE, nonce or state: %s", authURL)
	}
	if len(cookies) != 1 {
		t.Fatalf("Start set %d cookies, want 1", len(cookies))
	}
	c := cookies[0]
	if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.MaxAge != 600 || c.Path != "/" {
		t.Errorf("state cookie %+v: want HttpOnly, Secure, Lax, Path=/, 10 minutes", c)
	}

	cb := login(t, p, authURL)
	if !strings.HasPrefix(cb.String(), oidctest.DefaultRedirectURI+"?") {
		t.Fatalf("provider redirected to %s", cb)
	}
	got, returnTo, err := finish(t, o, cb, cookies)
	if err != nil {
		t.Fatalf("Callback: %v (%s)", err, auth.Reason(err))
	}
	if returnTo != "/people?unit=42" {
		t.Errorf("returnTo = %q", returnTo)
	}
	want := auth.Principal{
		Subject:  p.Issuer + "|" + oidctest.UserSubject,
		Username: "alice",
		Name:     "Alice Andersen",
		Email:    "alice@example.test",
		Groups:   p.User.Groups,
		Method:   auth.MethodOIDC,
	}
	if got.Subject != want.Subject || got.Username != want.Username || got.Name != want.Name ||
		got.Email != want.Email || got.Method != want.Method || !slices.Equal(got.Groups, want.Groups) {
		t.Errorf("principal\n got %+v\nwant %+v", *got, want)
	}

	// The code is single-use: replaying the callback (with a stolen
	// cookie) fails at the provider.
	if _, _, err := finish(t, o, cb, cookies); !errors.Is(err, auth.ErrOIDC) {
		t.Errorf("replayed callback: %v, want ErrOIDC", err)
	}
}

func TestOIDCTamperedState(t *testing.T) {
	p := oidctest.Start(t)
	o := newOIDC(t, oidcConfig(p, p.Client))
	authURL, cookies := begin(t, o, "/")
	cb := login(t, p, authURL)

	forged := *cb
	q := forged.Query()
	q.Set("state", q.Get("state")+"x")
	forged.RawQuery = q.Encode()
	if _, _, err := finish(t, o, &forged, cookies); !errors.Is(err, auth.ErrState) {
		t.Errorf("changed state parameter: %v, want ErrState", err)
	}

	tampered := *cookies[0]
	tampered.Value = flip(tampered.Value)
	if _, _, err := finish(t, o, cb, []*http.Cookie{&tampered}); !errors.Is(err, auth.ErrState) {
		t.Errorf("tampered cookie: %v, want ErrState", err)
	}
	if _, _, err := finish(t, o, cb, nil); !errors.Is(err, auth.ErrState) {
		t.Errorf("no cookie: %v, want ErrState", err)
	}
	// A cookie from another login does not fit this callback.
	_, other := begin(t, o, "/")
	if _, _, err := finish(t, o, cb, other); !errors.Is(err, auth.ErrState) {
		t.Errorf("another login's cookie: %v, want ErrState", err)
	}
}

// An ID token issued for another nonce (as an attacker injecting a token
// from their own login would have) is refused.
func TestOIDCWrongNonce(t *testing.T) {
	p := oidctest.Start(t)
	o := newOIDC(t, oidcConfig(p, p.Client))
	authURL, cookies := begin(t, o, "/")
	q := authURL.Query()
	q.Set("nonce", "attackers-nonce")
	authURL.RawQuery = q.Encode()
	cb := login(t, p, authURL)
	_, _, err := finish(t, o, cb, cookies)
	if !errors.Is(err, auth.ErrOIDC) || !strings.Contains(auth.Reason(err), "nonce") {
		t.Fatalf("err = %v (%s), want ErrOIDC for the nonce", err, auth.Reason(err))
	}
}

func TestOIDCRefusesOpenRedirect(t *testing.T) {
	p := oidctest.Start(t)
	o := newOIDC(t, oidcConfig(p, p.Client))
	for _, evil := range []string{"//evil.example/x", "https://evil.example/", `/\evil.example`, "/\t/evil.example", "evil.example"} {
		authURL, cookies := begin(t, o, evil)
		_, returnTo, err := finish(t, o, login(t, p, authURL), cookies)
		if err != nil {
			t.Fatalf("Callback: %v", err)
		}
		if returnTo != "/" {
			t.Errorf("Start(%q): returnTo = %q, want /", evil, returnTo)
		}
	}
}

func TestOIDCExpiredStateCookie(t *testing.T) {
	p := oidctest.Start(t)
	clock := newClock()
	cfg := oidcConfig(p, p.Client)
	cfg.Now = clock.Now
	o := newOIDC(t, cfg)
	authURL, cookies := begin(t, o, "/")
	cb := login(t, p, authURL)
	clock.Advance(10*time.Minute + time.Second)
	_, _, err := finish(t, o, cb, cookies)
	if !errors.Is(err, auth.ErrState) || !strings.Contains(auth.Reason(err), "expired") {
		t.Fatalf("err = %v (%s), want ErrState, expired", err, auth.Reason(err))
	}
}

func TestOIDCWrongClientSecret(t *testing.T) {
	p := oidctest.Start(t)
	cfg := oidcConfig(p, p.Client)
	cfg.ClientSecret = "not-the-secret"
	o := newOIDC(t, cfg)
	authURL, cookies := begin(t, o, "/")
	if _, _, err := finish(t, o, login(t, p, authURL), cookies); !errors.Is(err, auth.ErrOIDC) {
		t.Fatalf("err = %v, want ErrOIDC", err)
	}
}

func TestOIDCUnreachableProvider(t *testing.T) {
	_, err := auth.NewOIDC(context.Background(), auth.OIDCConfig{
		Issuer: "https://127.0.0.1:1", ClientID: "c", RedirectURL: "https://orgsync.test/cb",
	})
	if !errors.Is(err, auth.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}

func TestOIDCProviderNotTrusted(t *testing.T) {
	p := oidctest.Start(t)
	cfg := oidcConfig(p, p.Client)
	cfg.RootCAs = nil // system roots do not know the test certificate
	if _, err := auth.NewOIDC(context.Background(), cfg); !errors.Is(err, auth.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable (certificate not trusted)", err)
	}
}

// flip changes the middle character of a base64url value.
func flip(s string) string {
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// testKey returns a 32-byte key made of n.
func testKey(n byte) []byte {
	k := make([]byte, 32)
	for i := range k {
		k[i] = n
	}
	return k
}
