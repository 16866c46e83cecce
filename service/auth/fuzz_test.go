package auth

import (
	"bytes"
	"encoding/base64"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"
)

// FuzzUsername checks that a username either is refused before the
// directory sees it, or becomes a filter that matches exactly that
// username: never a wildcard, never a changed filter.
func FuzzUsername(f *testing.F) {
	for _, s := range []string{"alice", "ALICE@example.test", "æøå.ström", "", "a\x00b", "\xff\xfe",
		strings.Repeat("a", 257), "*", "al*", `*)(|(objectClass=*`, `a,b+c"d\e<f>g;h=i`, "\\2a", "x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, username string) {
		if why := checkUsername(username); why != "" {
			return
		}
		if !utf8.ValidString(username) || len(username) > maxUsernameBytes || strings.ContainsFunc(username, unicode.IsControl) {
			t.Fatalf("accepted %q", username)
		}
		pkt, err := ldap.CompileFilter(userFilter(username))
		if err != nil {
			t.Fatalf("filter for %q does not compile: %v", username, err)
		}
		if len(pkt.Children) != 3 || len(pkt.Children[2].Children) != 2 {
			t.Fatalf("filter for %q has another shape: %s", username, userFilter(username))
		}
		for _, eq := range pkt.Children[2].Children {
			if eq.Tag != ldap.FilterEqualityMatch || len(eq.Children) != 2 {
				t.Fatalf("filter for %q is not two equality matches: %s", username, userFilter(username))
			}
			if got := eq.Children[1].Data.String(); got != username {
				t.Fatalf("filter for %q matches %q", username, got)
			}
		}
	})
}

// FuzzOpenSession checks that only a value this service sealed opens as a
// session, and that nothing panics on the way.
func FuzzOpenSession(f *testing.F) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	key := bytes.Repeat([]byte{7}, KeySize)
	s, err := NewSessions(SessionConfig{Keys: [][]byte{key}, Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	valid := deterministicSession(f, s, now)
	for _, seed := range []string{valid, valid[:len(valid)-1], valid + "A", strings.ToUpper(valid), "", "A", "!!!!", strings.Repeat("A", 5000)} {
		f.Add(seed)
	}
	want, _ := base64.RawURLEncoding.Strict().DecodeString(valid)
	f.Fuzz(func(t *testing.T, value string) {
		sess, err := s.open(value)
		if err != nil {
			return
		}
		got, _ := base64.RawURLEncoding.Strict().DecodeString(value)
		if !bytes.Equal(got, want) {
			t.Fatalf("forged value opened: %q", value)
		}
		if sess.Principal.Username != "alice" {
			t.Fatalf("session = %+v", sess)
		}
	})
}

// deterministicSession seals a session as Issue does but with a fixed id
// and nonce, so that every fuzzing process has the same valid value.
func deterministicSession(f *testing.F, s *Sessions, now time.Time) string {
	w := httptest.NewRecorder()
	d := sessionData{ID: "fixed-id", Issued: now, LastSeen: now,
		Principal: Principal{Subject: "s", Username: "alice", Groups: []string{"CN=G,DC=x"}, Expires: now.Add(time.Hour)}}
	if err := s.write(w, &d, now); err != nil {
		f.Fatal(err)
	}
	random := w.Result().Cookies()[0].Value
	raw, _ := base64.RawURLEncoding.DecodeString(random)
	aead := s.seal.aeads[0]
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], []byte(s.cfg.CookieName))
	if err != nil {
		f.Fatal(err)
	}
	nonce := make([]byte, n)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, []byte(s.cfg.CookieName)))
}

// FuzzSafeReturnTo checks that a return path is always local.
func FuzzSafeReturnTo(f *testing.F) {
	for _, s := range []string{"/", "/people?unit=1", "//evil.example", `/\evil.example`, "https://evil.example",
		"/\t/evil.example", "evil", "", "/%2f%2fevil", "/a//b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SafeReturnTo(s)
		if got != s && got != "/" {
			t.Fatalf("SafeReturnTo(%q) = %q, neither the input nor /", s, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, `/\`) ||
			strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("SafeReturnTo(%q) = %q is not a local path", s, got)
		}
		if u, err := url.Parse(got); err == nil && (u.Host != "" || u.Scheme != "") {
			t.Fatalf("SafeReturnTo(%q) = %q has host %q", s, got, u.Host)
		}
	})
}
