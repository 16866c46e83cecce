package auth_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/orgsync/orgsync/internal/oidctest"
	"github.com/orgsync/orgsync/service/auth"
)

// passwords is a PasswordAuthenticator with a fixed user.
type passwords map[string]string

func (p passwords) Authenticate(_ context.Context, username, password string) (*auth.Principal, error) {
	if want, ok := p[username]; !ok || want != password || password == "" {
		return nil, fmt.Errorf("%w: stub refused %s", auth.ErrBadCredentials, username)
	}
	a := alice
	a.Username = username
	return &a, nil
}

// auditLog records audit events.
type auditLog struct {
	mu     sync.Mutex
	events []auth.AuditEvent
}

func (l *auditLog) record(_ context.Context, e auth.AuditEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *auditLog) last(t *testing.T) auth.AuditEvent {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) == 0 {
		t.Fatal("no audit event")
	}
	return l.events[len(l.events)-1]
}

// site serves h's paths and /me, which shows the session.
func site(t *testing.T, h *auth.Handlers) *httptest.Server {
	mux := http.NewServeMux()
	mux.Handle("/login", h)
	mux.Handle("/login/", h)
	mux.Handle("/logout", h)
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		sess, err := h.Sessions.Refresh(w, r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "%s %s %s", sess.Principal.Username, sess.Principal.Method, sess.CSRFToken())
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// browser is a client with cookies that does not follow redirects.
func browser(t *testing.T, srv *httptest.Server) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

func send(t *testing.T, c *http.Client, method, u string, form url.Values, header http.Header) (*http.Response, string) {
	t.Helper()
	r, err := http.NewRequest(method, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		r.Header[k] = v
	}
	resp, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var hiddenCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestHandlersPasswordLoginAndLogout(t *testing.T) {
	sessions := newSessions(t, newClock())
	var log auditLog
	h := &auth.Handlers{Passwords: passwords{"alice": "s3cret-pass"}, Sessions: sessions, Audit: log.record}
	srv := site(t, h)
	c := browser(t, srv)

	resp, page := send(t, c, "GET", srv.URL+"/login?return=/people%3Funit%3D7", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `<form method="post" action="/login">`) ||
		!strings.Contains(page, `name="return" value="/people?unit=7"`) {
		t.Fatalf("GET /login: %s\n%s", resp.Status, page)
	}
	if resp.Header.Get("Content-Security-Policy") != "frame-ancestors 'none'" {
		t.Errorf("login page may be framed")
	}
	if strings.Contains(page, "single sign-on") {
		t.Errorf("SSO link shown without OIDC")
	}
	m := hiddenCSRF.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no csrf field in the form")
	}
	token := m[1]
	form := func(user, pw, tok, ret string) url.Values {
		return url.Values{"username": {user}, "password": {pw}, "csrf": {tok}, "return": {ret}}
	}

	// Wrong password: 401, the generic message, the username kept, audit
	// with a reason and without the password.
	resp, page = send(t, c, "POST", srv.URL+"/login", form("alice", "wrong-pass", token, "/people"), nil)
	if resp.StatusCode != 401 || !strings.Contains(page, "Wrong username or password.") || !strings.Contains(page, `value="alice"`) {
		t.Errorf("wrong password: %s\n%s", resp.Status, page)
	}
	if e := log.last(t); e.Kind != auth.AuditLoginFailed || e.Username != "alice" || e.Reason == "" || strings.Contains(fmt.Sprint(e), "wrong-pass") {
		t.Errorf("audit of a failure: %+v", e)
	}
	// A CPR number typed as the username is masked in the audit.
	send(t, c, "POST", srv.URL+"/login", form("010190-1234", "wrong-pass", token, "/"), nil)
	if e := log.last(t); strings.Contains(e.Username+e.Reason, "1234") {
		t.Errorf("audit holds a CPR number: %+v", e)
	}
	// Without the form token, or cross-origin: 403.
	resp, _ = send(t, c, "POST", srv.URL+"/login", form("alice", "s3cret-pass", "", "/"), nil)
	if resp.StatusCode != 403 {
		t.Errorf("POST /login without token: %s", resp.Status)
	}
	resp, _ = send(t, c, "POST", srv.URL+"/login", form("alice", "s3cret-pass", "forged", "/"), nil)
	if resp.StatusCode != 403 {
		t.Errorf("POST /login with a forged token: %s", resp.Status)
	}
	resp, _ = send(t, c, "POST", srv.URL+"/login", form("alice", "s3cret-pass", token, "/"), http.Header{"Sec-Fetch-Site": {"cross-site"}})
	if resp.StatusCode != 403 {
		t.Errorf("cross-site POST /login: %s", resp.Status)
	}
	if resp, _ := send(t, c, "GET", srv.URL+"/me", nil, nil); resp.StatusCode != 401 {
		t.Fatalf("logged in after failures: %s", resp.Status)
	}

	// Right password: session cookie, redirect to the return path.
	resp, _ = send(t, c, "POST", srv.URL+"/login", form("alice", "s3cret-pass", token, "/people?unit=7"), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/people?unit=7" {
		t.Fatalf("login: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	if !hasCookie(resp, sessions.CookieName()) {
		t.Errorf("no session cookie set")
	}
	if e := log.last(t); e.Kind != auth.AuditLogin || e.Username != "alice" || e.Subject != alice.Subject || e.Method != auth.MethodLDAP {
		t.Errorf("audit of the login: %+v", e)
	}
	resp, me := send(t, c, "GET", srv.URL+"/me", nil, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(me, "alice ldap ") {
		t.Fatalf("/me after login: %s %q", resp.Status, me)
	}
	csrf := strings.Fields(me)[2]

	// Logout needs the session's CSRF token.
	resp, _ = send(t, c, "POST", srv.URL+"/logout", url.Values{}, nil)
	if resp.StatusCode != 403 {
		t.Errorf("logout without token: %s", resp.Status)
	}
	resp, _ = send(t, c, "POST", srv.URL+"/logout", url.Values{"csrf": {csrf}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Errorf("logout: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	if e := log.last(t); e.Kind != auth.AuditLogout || e.Username != "alice" {
		t.Errorf("audit of the logout: %+v", e)
	}
	if resp, _ := send(t, c, "GET", srv.URL+"/me", nil, nil); resp.StatusCode != 401 {
		t.Errorf("/me after logout: %s", resp.Status)
	}
}

func TestHandlersRefuseOpenRedirectAfterLogin(t *testing.T) {
	h := &auth.Handlers{Passwords: passwords{"alice": "s3cret-pass"}, Sessions: newSessions(t, newClock())}
	srv := site(t, h)
	for _, evil := range []string{"//evil.example", "https://evil.example/", `/\evil.example`} {
		c := browser(t, srv)
		_, page := send(t, c, "GET", srv.URL+"/login?return="+url.QueryEscape(evil), nil, nil)
		token := hiddenCSRF.FindStringSubmatch(page)[1]
		resp, _ := send(t, c, "POST", srv.URL+"/login", url.Values{
			"username": {"alice"}, "password": {"s3cret-pass"}, "csrf": {token}, "return": {evil}}, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Errorf("return %q: %s to %q, want /", evil, resp.Status, resp.Header.Get("Location"))
		}
	}
}

func TestHandlersOIDCLogin(t *testing.T) {
	p := oidctest.Start(t)
	sessions := newSessions(t, newClock())
	var log auditLog
	h := &auth.Handlers{Sessions: sessions, Audit: log.record}
	srv := site(t, h)
	client := p.NewClient(srv.URL + auth.PathOIDCCallback)
	h.OIDC = newOIDC(t, oidcConfig(p, client))
	c := browser(t, srv)

	_, page := send(t, c, "GET", srv.URL+"/login?return=/tasks", nil, nil)
	if !strings.Contains(page, `href="/login/oidc?return=%2Ftasks"`) || strings.Contains(page, "<form") {
		t.Fatalf("login page without passwords, with SSO:\n%s", page)
	}
	resp, _ := send(t, c, "GET", srv.URL+"/login/oidc?return=/tasks", nil, nil)
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), p.Issuer) {
		t.Fatalf("GET /login/oidc: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	cb, err := p.Login(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp, body := send(t, c, "GET", cb.String(), nil, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tasks" {
		t.Fatalf("callback: %s to %q\n%s", resp.Status, resp.Header.Get("Location"), body)
	}
	if _, me := send(t, c, "GET", srv.URL+"/me", nil, nil); !strings.HasPrefix(me, "alice oidc ") {
		t.Errorf("/me after SSO: %q", me)
	}
	if e := log.last(t); e.Kind != auth.AuditLogin || e.Method != auth.MethodOIDC || e.Subject != p.Issuer+"|"+oidctest.UserSubject {
		t.Errorf("audit: %+v", e)
	}

	// The same callback again has no login in progress.
	resp, body = send(t, c, "GET", cb.String(), nil, nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "expired") {
		t.Errorf("replayed callback: %s\n%s", resp.Status, body)
	}
	if e := log.last(t); e.Kind != auth.AuditLoginFailed || e.Reason == "" {
		t.Errorf("audit of the replay: %+v", e)
	}
}

func hasCookie(resp *http.Response, name string) bool {
	for _, c := range resp.Cookies() {
		if c.Name == name && c.Value != "" {
			return true
		}
	}
	return false
}
