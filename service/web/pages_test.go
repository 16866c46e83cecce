package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every page sends nobody to the login with the way back, answers 403
// to a caller without the role, and shows itself to one with it; an
// unknown path is 404.
func TestRights(t *testing.T) {
	r := newRig(t)
	nobody := r.anonymous(t)
	admin := r.login(t, r.alice)
	clerk := r.login(t, carl)
	hrc := r.login(t, hr)
	pages := []struct {
		path   string
		clerk  int // what carl, logged in without roles, gets
		hr     int
		marker string // in the page for someone allowed
	}{
		{"/", 200, 200, `id="jobs"`},
		{"/plan", 403, 403, `id="fingerprint"`},
		{"/chapel", 403, 403, `id="accounts"`},
		{"/whatif", 403, 403, `id="whatif-form"`},
		{"/reports", 403, 200, `id="report-form"`},
		{"/boarding/order", 200, 200, `id="order-form"`},
		{"/boarding/orders", 200, 200, "Bestillinger"},
		{"/boarding/tasks", 200, 200, "Opgaver"},
	}
	for _, p := range pages {
		code, loc := nobody.get(p.path)
		assert.Equal(t, http.StatusSeeOther, code, p.path)
		assert.Equal(t, "/login?"+url.Values{"return": {p.path}}.Encode(), loc, p.path)
		code, body := clerk.get(p.path)
		assert.Equal(t, p.clerk, code, p.path)
		if code == http.StatusForbidden {
			assert.Contains(t, body, `id="problem"`, p.path)
		}
		code, _ = hrc.get(p.path)
		assert.Equal(t, p.hr, code, p.path)
		code, body = admin.get(p.path)
		assert.Equal(t, http.StatusOK, code, p.path)
		assert.Contains(t, body, p.marker, p.path)
	}
	code, body := admin.get("/no/such/page")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, body, "Siden findes ikke")
	code, _ = admin.get("/boarding/orders/not-a-uuid")
	assert.Equal(t, http.StatusNotFound, code)

	// The name the provider gives carl is shown as text.
	_, body = clerk.get("/")
	assert.Contains(t, body, "Carl &lt;script&gt;alert(1)&lt;/script&gt;")
	assert.NotContains(t, body, "<script>")
}

// Every page that shows personal data is kept by no cache, and scripts
// from anywhere are refused by the page's policy.
func TestHeaders(t *testing.T) {
	r := newRig(t)
	admin := r.login(t, r.alice)
	for _, path := range []string{"/", "/plan", "/chapel", "/reports", "/boarding/orders", "/boarding/tasks", "/no/such"} {
		resp, err := admin.c.Get(r.srv.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"), path)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'", path)
		assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"), path)
	}
}

// A POST without the session's CSRF token is refused by the login layer
// before any page sees it, and a POST from nobody goes to the login.
func TestPostNeedsCSRF(t *testing.T) {
	r := newRig(t)
	admin := r.login(t, r.alice)
	for _, path := range []string{"/whatif", "/boarding/order", "/boarding/tasks", "/boarding/confirm"} {
		code, body := admin.post(path, url.Values{"csrf": {"wrong"}})
		assert.Equal(t, http.StatusForbidden, code, path)
		assert.Contains(t, body, "CSRF", path)
		code, loc := r.anonymous(t).post(path, url.Values{})
		assert.Equal(t, http.StatusSeeOther, code, path)
		assert.True(t, strings.HasPrefix(loc, "/login?"), loc)
	}
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+"/boarding/order", strings.NewReader(url.Values{"csrf": {admin.tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := admin.c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a cross-origin post is refused even with the token")
}
