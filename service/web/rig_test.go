package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/internal/browsertest"
	"github.com/orgsync/orgsync/internal/oidctest"
	"github.com/orgsync/orgsync/service"
)

func TestMain(m *testing.M) {
	slog.SetDefault(discard) // the OpenID provider logs every request there
	os.Exit(browsertest.Main(m))
}

var discard = slog.New(slog.DiscardHandler)

// The people who log in through the OpenID provider, and what they are:
// alice (the provider's own user) is an administrator, anne manages
// "Ældre og Sundhed" (the org model has her address), it@ administers
// KMD Opus, hr@ is HR (a group, and boarding's HR list), carl is nobody
// in particular.
var (
	anne  = oidctest.User{Username: "anne@sjolund.example", Password: "anne-kode-æøå", FirstName: "Anne Sofie", LastName: "Møller-Hansen"}
	it    = oidctest.User{Username: "it@sjolund.example", Password: "it-kode", FirstName: "Ida", LastName: "Tekniker", Groups: []string{"opus-admins"}}
	hr    = oidctest.User{Username: "hr@sjolund.example", Password: "hr-kode", FirstName: "Hanne", LastName: "Rasmussen", Groups: []string{"hr"}}
	carl  = oidctest.User{Username: "carl", Password: "carl-kode", FirstName: "Carl", LastName: "<script>alert(1)</script>"}
	users = []oidctest.User{anne, it, hr, carl}
)

// rig is a running service on the twin with the pages mounted, behind an
// https test server, logging in through the OpenID provider.
type rig struct {
	svc    *service.Service
	srv    *httptest.Server
	op     *oidctest.Provider
	mailer *inmem.Mailer
	alice  oidctest.User
}

// handlerBox lets the test server start (for its URL, which the
// configuration needs) before the service's handler exists.
type handlerBox struct{ h atomic.Pointer[http.Handler] }

func (b *handlerBox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := b.h.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	http.Error(w, "starting", http.StatusServiceUnavailable)
}

// newRig starts the service, its pages and a test server for them.
func newRig(t *testing.T) *rig {
	t.Helper()
	op := oidctest.Start(t)
	for i, u := range users {
		op.AddUser(fmt.Sprintf("user-web-%d", i), u)
	}
	box := &handlerBox{}
	srv := httptest.NewUnstartedServer(box)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	client := op.NewClient(srv.URL + "/login/oidc/callback")

	dir := t.TempDir()
	// The provider and the test server present the same httptest
	// certificate.
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.pem"), ca, 0o600))
	abs := func(p string) string { a, err := filepath.Abs(p); require.NoError(t, err); return a }
	key := make([]byte, 32)
	rand.Read(key)
	env := map[string]string{"SESSION_KEY": base64.StdEncoding.EncodeToString(key), "OIDC_SECRET": client.Secret, "LINK_KEY": rand.Text() + rand.Text()}
	text := fmt.Sprintf(`
store: {url: orgsync.db}
directory: {twin: true}
model: {file: %q}
sync:
  base: OU=Kommune,DC=example,DC=org
  chapel_ou: OU=Kapellet,OU=Kommune,DC=example,DC=org
  mapping:
    attributes:
      givenName: "{{.Person.GivenNames}}"
      sn: "{{.Person.Surname}}"
      displayName: "{{.Person.GivenNames}} {{.Person.Surname}}"
      department: "{{.Unit.Name}}"
  correlation: {anchor: adminDisplayName}
  ou: {mode: mirror, base: "OU=Kommune,DC=example,DC=org"}
username:
  patterns: ["FFLL", "FFFL", "FFLLX"]
  suffix_base: FFLL
  suffix_max: 999
  fallback: medarb
  upn_domain: sjolund.example
  mail_domain: sjolund.example
chapel:
  policy: {retention: {months: 3}}
schedule: {read_back: 1s, boarding: 1s}
mail:
  smtp: {host: mail.invalid}
  notify:
    from: {name: Sjølund Kommune, addr: orgsync@sjolund.example}
    rules:
      - name: ny-medarbejder
        trigger: person-created
        to: {addresses: [personale@sjolund.example]}
boarding:
  catalogue: %q
  rights: {hr: [hr@sjolund.example]}
  from: {addr: orgsync@sjolund.example, name: Orgsync}
  link_key: {env: LINK_KEY}
http: {public_url: %q}
auth:
  no_passwords: true
  session_keys: [{env: SESSION_KEY}]
  oidc: {issuer: %q, client_id: %q, client_secret: {env: OIDC_SECRET}, ca_file: ca.pem}
  roles:
    admin: [orgsync-admins]
    hr: [hr]
    systems: {opus: [opus-admins]}
`, abs("testdata/model.json"), abs("testdata/catalogue.yaml"), srv.URL, op.Issuer, client.ID)
	cfg, err := service.Parse(filepath.Join(dir, "orgsync.yaml"), []byte(text))
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	mailer := inmem.NewMailer()
	svc, err := service.New(ctx, cfg, service.Options{Logger: discard, Mailer: mailer, Getenv: func(k string) string { return env[k] }})
	require.NoError(t, err)
	_, err = Mount(svc, Options{Logger: discard})
	require.NoError(t, err)
	h := svc.Handler()
	box.h.Store(&h)
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Error("Run did not stop within a minute")
		}
		svc.Close()
	})
	r := &rig{svc: svc, srv: srv, op: op, mailer: mailer, alice: op.User}
	r.waitFor(t, "the first reconcile", func() bool { return r.jobOK("reconcile") })
	return r
}

func (r *rig) jobOK(job string) bool {
	for _, j := range r.svc.Status() {
		if j.Job == job {
			return j.Runs > 0 && j.Error == ""
		}
	}
	return false
}

// waitFor polls cond for up to 30 seconds.
func (r *rig) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// client is an HTTP client with a session, as a browser without a
// browser: it follows no redirects, so that a test sees them.
type client struct {
	t   *testing.T
	r   *rig
	c   *http.Client
	tok string // the session's CSRF token, read from a page
}

// anonymous is a client with no session.
func (r *rig) anonymous(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, r: r, c: &http.Client{Transport: r.srv.Client().Transport, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login logs u in through the provider's login form, and returns the
// client with the session.
func (r *rig) login(t *testing.T, u oidctest.User) *client {
	t.Helper()
	c := r.anonymous(t)
	resp, err := c.c.Get(r.srv.URL + "/login/oidc?return=/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := r.op.LoginAs(resp.Header.Get("Location"), u.Username, u.Password)
	require.NoError(t, err)
	resp, err = c.c.Get(back.String())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "the callback starts the session")
	code, body := c.get("/")
	require.Equal(t, http.StatusOK, code, body)
	m := csrfField.FindStringSubmatch(body)
	require.NotNil(t, m, "the page carries the session's CSRF token")
	c.tok = m[1]
	return c
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a path and returns the status and body.
func (c *client) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.c.Get(c.r.srv.URL + path)
	require.NoError(c.t, err)
	return c.read(resp)
}

// post posts a form, with the session's CSRF token unless the form has
// a csrf of its own.
func (c *client) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	if _, ok := form["csrf"]; !ok && c.tok != "" {
		form.Set("csrf", c.tok)
	}
	resp, err := c.c.PostForm(c.r.srv.URL+path, form)
	require.NoError(c.t, err)
	return c.read(resp)
}

func (c *client) read(resp *http.Response) (int, string) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	if loc := resp.Header.Get("Location"); loc != "" {
		return resp.StatusCode, loc
	}
	return resp.StatusCode, string(b)
}
