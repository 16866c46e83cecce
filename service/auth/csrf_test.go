package auth_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/orgsync/orgsync/service/auth"
)

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("done")) })
}

// post sends a form POST with the session cookie c (if any), the csrf
// field token (if any) and extra headers, and returns the status.
func post(h http.Handler, c *http.Cookie, token string, header http.Header) int {
	form := url.Values{}
	if token != "" {
		form.Set("csrf", token)
	}
	r := httptest.NewRequest("POST", "https://orgsync.test/people/1", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		r.Header[k] = v
	}
	if c != nil {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func TestRequireCSRF(t *testing.T) {
	s := newSessions(t, newClock())
	c := issue(t, s, &alice)
	sess, _ := s.Get(requestWith(c))
	other, _ := s.Get(requestWith(issue(t, s, &alice)))
	h := auth.RequireCSRF(s, okHandler())

	cases := []struct {
		name   string
		cookie *http.Cookie
		token  string
		header http.Header
		want   int
	}{
		{"right token in the form", c, sess.CSRFToken(), nil, 200},
		{"right token in the header", c, "", http.Header{"X-Csrf-Token": {sess.CSRFToken()}}, 200},
		{"same-origin browser request", c, sess.CSRFToken(), http.Header{"Sec-Fetch-Site": {"same-origin"}}, 200},
		{"missing token", c, "", nil, 403},
		{"wrong token", c, "AAAA", nil, 403},
		{"another session's token", c, other.CSRFToken(), nil, 403},
		{"no session", nil, sess.CSRFToken(), nil, 403},
		{"cross-origin, right token", c, sess.CSRFToken(), http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403},
		{"cross-origin by Origin", c, sess.CSRFToken(), http.Header{"Origin": {"https://evil.example"}}, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := post(h, tc.cookie, tc.token, tc.header); got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
		})
	}

	t.Run("GET passes without a token", func(t *testing.T) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "https://orgsync.test/people/1", nil))
		if w.Code != 200 {
			t.Errorf("status %d", w.Code)
		}
	})
	t.Run("DELETE needs one", func(t *testing.T) {
		for _, token := range []string{"", sess.CSRFToken()} {
			r := httptest.NewRequest("DELETE", "https://orgsync.test/people/1", nil)
			r.AddCookie(c)
			r.Header.Set("X-CSRF-Token", token)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if want := map[bool]int{true: 200, false: 403}[token != ""]; w.Code != want {
				t.Errorf("token %q: status %d, want %d", token, w.Code, want)
			}
			if w.Code == 403 && !strings.Contains(w.Body.String(), "CSRF") {
				t.Errorf("403 body %q does not say why", w.Body)
			}
		}
	})
}
