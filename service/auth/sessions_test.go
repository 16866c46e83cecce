package auth_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgsync/orgsync/service/auth"
)

func newSessions(t *testing.T, clock *fakeClock, keys ...[]byte) *auth.Sessions {
	t.Helper()
	if len(keys) == 0 {
		keys = [][]byte{testKey(1)}
	}
	s, err := auth.NewSessions(auth.SessionConfig{Keys: keys, Now: clock.Now})
	if err != nil {
		t.Fatalf("NewSessions: %v", err)
	}
	return s
}

var alice = auth.Principal{
	Subject: "3f2a8c1e-0000-4000-8000-000000000001", Username: "alice", Name: "Alice Andersen",
	Email: "alice@example.test", Method: auth.MethodLDAP,
	Groups: []string{"CN=Inner,OU=Groups,DC=example,DC=test", "CN=Outer,OU=Groups,DC=example,DC=test"},
}

// issue returns the session cookie for p.
func issue(t *testing.T, s *auth.Sessions, p *auth.Principal) *http.Cookie {
	t.Helper()
	w := httptest.NewRecorder()
	if err := s.Issue(w, p); err != nil {
		t.Fatalf("Issue: %v", err)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("Issue set %d cookies", len(cookies))
	}
	return cookies[0]
}

func requestWith(cookies ...*http.Cookie) *http.Request {
	r := httptest.NewRequest("GET", "https://orgsync.test/", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return r
}

func TestSessionRoundTrip(t *testing.T) {
	clock := newClock()
	s := newSessions(t, clock)
	c := issue(t, s, &alice)
	if c.Name != "__Host-orgsync_session" || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("cookie %+v: want __Host-orgsync_session, HttpOnly, Secure, Lax, Path=/", c)
	}
	if c.MaxAge != int((8 * time.Hour).Seconds()) {
		t.Errorf("MaxAge = %d, want 8h", c.MaxAge)
	}
	if strings.Contains(c.Value, "alice") {
		t.Errorf("cookie value is readable: %s", c.Value)
	}
	// A restart: new Sessions, same keys.
	sess, err := newSessions(t, clock).Get(requestWith(c))
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	p := sess.Principal
	if p.Subject != alice.Subject || p.Username != alice.Username || p.Name != alice.Name ||
		p.Email != alice.Email || p.Method != alice.Method || !slices.Equal(p.Groups, alice.Groups) {
		t.Errorf("principal = %+v, want %+v", p, alice)
	}
	if !p.Expires.Equal(clock.Now().Add(8 * time.Hour)) {
		t.Errorf("Expires = %v", p.Expires)
	}
	if sess.ID == "" || sess.CSRFToken() == "" || sess.CSRFToken() == sess.ID {
		t.Errorf("session id %q, CSRF token %q", sess.ID, sess.CSRFToken())
	}
	other, _ := s.Get(requestWith(issue(t, s, &alice)))
	if other.ID == sess.ID || other.CSRFToken() == sess.CSRFToken() {
		t.Errorf("two logins share a session id or CSRF token")
	}
}

func TestSessionMissingOrTampered(t *testing.T) {
	s := newSessions(t, newClock())
	if _, err := s.Get(requestWith()); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("no cookie: %v", err)
	}
	c := issue(t, s, &alice)
	for _, v := range []string{flip(c.Value), c.Value[:len(c.Value)-2], "", "garbage!", c.Value + "A"} {
		bad := *c
		bad.Value = v
		if _, err := s.Get(requestWith(&bad)); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("value %.20q…: %v, want ErrNoSession", v, err)
		}
	}
	// A value sealed for another cookie name does not open as this one.
	renamed, _ := auth.NewSessions(auth.SessionConfig{Keys: [][]byte{testKey(1)}, CookieName: "other"})
	moved := *c
	moved.Name = "other"
	if _, err := renamed.Get(requestWith(&moved)); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("cookie under another name: %v, want ErrNoSession", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	clock := newClock()
	s := newSessions(t, clock)
	c := issue(t, s, &alice)
	clock.Advance(59 * time.Minute)
	if _, err := s.Get(requestWith(c)); err != nil {
		t.Fatalf("after 59 minutes: %v", err)
	}
	clock.Advance(time.Minute)
	if _, err := s.Get(requestWith(c)); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("idle for an hour: %v, want ErrNoSession", err)
	}
}

func TestSessionRefreshAndMaxAge(t *testing.T) {
	clock := newClock()
	s := newSessions(t, clock)
	c := issue(t, s, &alice)

	// Within a minute, Refresh does not re-issue.
	clock.Advance(30 * time.Second)
	w := httptest.NewRecorder()
	if _, err := s.Refresh(w, requestWith(c)); err != nil {
		t.Fatal(err)
	}
	if len(w.Result().Cookies()) != 0 {
		t.Errorf("refreshed within a minute")
	}
	// Used every 50 minutes, the session lives 8 hours, not longer.
	var id string
	for elapsed := 30 * time.Second; ; elapsed += 50 * time.Minute {
		w := httptest.NewRecorder()
		sess, err := s.Refresh(w, requestWith(c))
		if elapsed >= 8*time.Hour {
			if !errors.Is(err, auth.ErrNoSession) {
				t.Fatalf("after %v: %v, want ErrNoSession", elapsed, err)
			}
			break
		}
		if err != nil {
			t.Fatalf("after %v: %v", elapsed, err)
		}
		if id != "" && sess.ID != id {
			t.Errorf("Refresh changed the session id")
		}
		id = sess.ID
		if cs := w.Result().Cookies(); len(cs) == 1 {
			c = cs[0]
		}
		clock.Advance(50 * time.Minute)
	}
}

func TestSessionKeyRotation(t *testing.T) {
	clock := newClock()
	old, next := testKey(1), testKey(2)
	c := issue(t, newSessions(t, clock, old), &alice)

	rotated := newSessions(t, clock, next, old)
	sess, err := rotated.Get(requestWith(c))
	if err != nil {
		t.Fatalf("old session after rotation: %v", err)
	}
	// New sessions are sealed with the new key only.
	fresh := issue(t, rotated, &alice)
	if _, err := newSessions(t, clock, next).Get(requestWith(fresh)); err != nil {
		t.Errorf("new session with the new key alone: %v", err)
	}
	if _, err := newSessions(t, clock, old).Get(requestWith(fresh)); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("new session opened with the old key: %v", err)
	}
	// Once the old key is dropped, its sessions end.
	if _, err := newSessions(t, clock, next).Get(requestWith(c)); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("old session without the old key: %v", err)
	}
	// A CSRF token shown before the rotation still passes.
	before, _ := newSessions(t, clock, old).Get(requestWith(c))
	if sess.ID != before.ID {
		t.Fatal("rotation changed the session id")
	}
	h := auth.RequireCSRF(rotated, okHandler())
	if code := post(h, c, before.CSRFToken(), nil); code != http.StatusOK {
		t.Errorf("token from before the rotation: status %d", code)
	}
}

func TestSessionKeyLength(t *testing.T) {
	for _, keys := range [][][]byte{nil, {make([]byte, 16)}, {testKey(1), make([]byte, 31)}} {
		_, err := auth.NewSessions(auth.SessionConfig{Keys: keys})
		var ce *auth.ConfigError
		if !errors.As(err, &ce) || !strings.HasPrefix(ce.Field, "Keys") {
			t.Errorf("keys of %d: err = %v, want a ConfigError for Keys", len(keys), err)
		}
	}
	_, err := auth.NewSessions(auth.SessionConfig{Keys: [][]byte{testKey(1), make([]byte, 31)}})
	if ce := (*auth.ConfigError)(nil); !errors.As(err, &ce) || ce.Field != "Keys[1]" {
		t.Errorf("err = %v, want it to name Keys[1]", err)
	}
}

func TestSessionInsecureCookie(t *testing.T) {
	s, err := auth.NewSessions(auth.SessionConfig{Keys: [][]byte{testKey(1)}, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	c := issue(t, s, &alice)
	if c.Secure || c.Name != "orgsync_session" {
		t.Errorf("Insecure: cookie %s Secure=%v", c.Name, c.Secure)
	}
}

func TestSessionClear(t *testing.T) {
	s := newSessions(t, newClock())
	w := httptest.NewRecorder()
	s.Clear(w)
	c := w.Result().Cookies()
	if len(c) != 1 || c[0].Name != s.CookieName() || c[0].MaxAge >= 0 {
		t.Errorf("Clear set %+v, want the session cookie deleted", c)
	}
}

func TestSessionTooManyGroups(t *testing.T) {
	s := newSessions(t, newClock())
	p := alice
	for i := range 2000 {
		p.Groups = append(p.Groups, "CN=Group "+strings.Repeat("x", i%37)+time.Duration(i).String()+",OU=Groups,DC=example,DC=test")
	}
	if err := s.Issue(httptest.NewRecorder(), &p); err == nil {
		t.Errorf("a session with 2000 groups fits in a cookie?")
	}
	// A realistic number does fit.
	p.Groups = p.Groups[:150]
	issue(t, s, &p)
}
