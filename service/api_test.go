package service

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every route of the API answers 401 to nobody, 403 to a caller without
// its role, and something else to one with it.
func TestAPIEveryRouteNeedsItsRole(t *testing.T) {
	s := boardingService(t)
	h := s.Handler()
	clerk := &Caller{Username: "carl"}
	admin := &Caller{Username: "admin", Admin: true}
	hr := &Caller{Username: "hanne", HR: true}
	for _, r := range []struct {
		method, path string
		role         *Caller // a caller the route lets in; nil: any caller
	}{
		{http.MethodGet, "/api/v1/status", nil},
		{http.MethodGet, "/api/v1/plan", admin},
		{http.MethodGet, "/api/v1/chapel", admin},
		{http.MethodGet, "/api/v1/rules/conflicts", hr},
		{http.MethodGet, "/api/v1/reports/hires", hr},
		{http.MethodPost, "/api/v1/whatif", admin},
		{http.MethodPost, "/api/v1/sources/sd/import", admin},
		{http.MethodGet, "/api/v1/orders", nil},
		{http.MethodPost, "/api/v1/orders", nil},
		{http.MethodGet, "/api/v1/orders/00000000-0000-0000-0000-000000000001", nil},
		{http.MethodPost, "/api/v1/orders/00000000-0000-0000-0000-000000000001/attest", nil},
		{http.MethodPost, "/api/v1/orders/00000000-0000-0000-0000-000000000001/tasks/00000000-0000-0000-0000-000000000002/done", nil},
	} {
		code, body := call(t, h, r.method, r.path, nil, nil)
		assert.Equal(t, http.StatusUnauthorized, code, "%s %s nobody: %s", r.method, r.path, body)
		if r.role != nil {
			code, _ = call(t, h, r.method, r.path, clerk, nil)
			assert.Equal(t, http.StatusForbidden, code, "%s %s as a clerk", r.method, r.path)
			code, body = call(t, h, r.method, r.path, r.role, nil)
			assert.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, code, "%s %s with the role: %s", r.method, r.path, body)
		}
	}
}

// A report downloads as a file named for its window, Danish letters
// intact, no national id in it; a bad window or format is a 400.
func TestAPIReport(t *testing.T) {
	s := boardingService(t)
	h := s.Handler()
	hr := &Caller{Username: "hanne", HR: true}
	today := s.zone.Date(time.Now())
	code, body := call(t, h, http.MethodGet, "/api/v1/reports/hires?from="+(today-30).String()+"&to="+(today+1).String(), hr, nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	text := string(body)
	assert.True(t, strings.HasPrefix(text, "\ufeff"), "CSV for Excel starts with a byte order mark")
	assert.Contains(t, text, "Solgården", "the model's units, Danish letters intact")
	assert.NotRegexp(t, `\b\d{10}\b|\b\d{6}-\d{4}\b`, text, "no national id")

	code, _ = call(t, h, http.MethodGet, "/api/v1/reports/hires?from=2026-13-01", hr, nil)
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = call(t, h, http.MethodGet, "/api/v1/reports/hires?format=pdf", hr, nil)
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = call(t, h, http.MethodGet, "/api/v1/reports/hires?from=2026-12-10&to=2026-12-01", hr, nil)
	assert.Equal(t, http.StatusBadRequest, code, "a window out of order")
	code, _ = call(t, h, http.MethodGet, "/api/v1/reports/salaries", hr, nil)
	assert.Equal(t, http.StatusNotFound, code)
}
