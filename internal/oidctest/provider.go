package oidctest

import (
	"crypto/rand"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
)

// DefaultRedirectURI is the redirect URI of [Provider.Client]. Nothing
// needs to listen there: [Provider.Login] stops at the redirect to it and
// returns the URL, which a test hands to its relying party's callback.
const DefaultRedirectURI = "https://orgsync.test/login/oidc/callback"

// Provider is a running OpenID provider.
type Provider struct {
	// Issuer is the issuer URL, https://127.0.0.1:port.
	Issuer string
	// RootCAs trusts the provider's TLS certificate.
	RootCAs *x509.CertPool
	// Client is a registered confidential web client whose redirect URI
	// is DefaultRedirectURI.
	Client Client
	// User can log in; their subject is UserSubject.
	User User

	srv   *httptest.Server
	store *store
	seq   atomic.Int64
}

// UserSubject is the sub claim of [Provider.User].
const UserSubject = "user-alice"

// Client is a client registered at the provider: a confidential web
// client using client_secret_basic, allowed the code flow with PKCE.
type Client struct {
	// ID is the client_id.
	ID string
	// Secret is the client_secret.
	Secret string
	// RedirectURI is the one redirect URI registered for the client.
	RedirectURI string
}

var shared struct {
	once sync.Once
	p    *Provider
	err  error
}

// Start returns this test binary's provider, starting it on first use. It
// runs until the binary exits; tests isolate themselves by registering a
// client of their own ([Provider.NewClient]) where they need one.
func Start(tb testing.TB) *Provider {
	tb.Helper()
	shared.once.Do(func() { shared.p, shared.err = start() })
	if shared.err != nil {
		tb.Fatalf("oidctest: %v", shared.err)
	}
	return shared.p
}

func start() (*Provider, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Provider{Issuer: "https://" + ln.Addr().String()}
	u := newUsers()
	p.User = User{
		Username: "alice", Password: "correct horse battery staple",
		FirstName: "Alice", LastName: "Andersen", Email: "alice@example.test",
		Groups: []string{"orgsync-admins", "CN=HR Staff,OU=Groups,DC=example,DC=test"},
	}
	u.add(UserSubject, p.User)
	p.store = newStore(u)
	// A nil logger leaves the process's slog default alone (the example
	// would replace it); the example's request log goes there.
	router := exampleop.SetupServer(p.Issuer, p.store, nil, false)
	p.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: router}}
	p.srv.StartTLS()
	p.RootCAs = x509.NewCertPool()
	p.RootCAs.AddCert(p.srv.Certificate())
	p.Client = p.NewClient(DefaultRedirectURI)
	return p, nil
}

// NewClient registers a confidential web client with a fresh id and
// secret and the one redirect URI given.
func (p *Provider) NewClient(redirectURI string) Client {
	c := Client{
		ID:          "client-" + strconv.FormatInt(p.seq.Add(1), 10),
		Secret:      rand.Text(),
		RedirectURI: redirectURI,
	}
	p.store.register(c.ID, c.Secret, c.RedirectURI)
	return c
}

// AddUser lets another user log in, with the given subject.
func (p *Provider) AddUser(subject string, u User) {
	p.store.users.add(subject, u)
}
