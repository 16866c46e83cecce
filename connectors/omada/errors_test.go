package omada_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/omada"
)

// An outage is Transient, and the next poll after it works.
func TestOutage(t *testing.T) {
	s, cfg := frederikshavnServer(t)
	c := open(t, cfg)
	_, err := c.Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)

	s.Stop()
	snap, err := c.Identities(ctxFor(t, time.Minute))
	assert.Nil(t, snap)
	assert.Equal(t, connectors.Transient, connectors.KindOf(err), "%v", err)
	assert.Equal(t, connectors.Transient, connectors.KindOf(c.Ping(ctxFor(t, time.Minute))))

	s.Restart(t)
	snap, err = c.Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)
	assert.Len(t, snap.Identities, 4)
}

// A server error on a later page fails the whole poll (no half view),
// as Transient; so does a server that does not answer in time.
func TestServerErrorsAreTransient(t *testing.T) {
	s, cfg := frederikshavnServer(t)
	c := open(t, cfg)
	for _, status := range []int{500, 502, 503, 429} {
		s.Fail(1, 2, status, "text/html", "<html><body>Service Unavailable</body></html>")
		snap, err := c.Identities(ctxFor(t, time.Minute))
		assert.Nil(t, snap)
		assert.Equal(t, connectors.Transient, connectors.KindOf(err), "%d: %v", status, err)
		assert.ErrorContains(t, err, "page 2")
	}
	_, err := c.Identities(ctxFor(t, time.Minute))
	require.NoError(t, err, "the next poll works")

	cfg.Timeout = 100 * time.Millisecond
	slow := open(t, cfg)
	s.SetDelay(5 * time.Second)
	start := time.Now()
	_, err = slow.Identities(ctxFor(t, time.Minute))
	assert.Equal(t, connectors.Transient, connectors.KindOf(err), "%v", err)
	assert.ErrorContains(t, err, "no answer")
	assert.Less(t, time.Since(start), 3*time.Second)

	// The caller's deadline is the caller's: its own error.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.Identities(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, connectors.Transient, connectors.KindOf(err))
}

// A filter Omada refuses is a Configuration error with the server's
// message; so is a view that does not exist.
func TestRefusedRequests(t *testing.T) {
	_, cfg := frederikshavnServer(t)
	cfg.Filter = "C_CPRNUMBER ne ''"
	_, err := open(t, cfg).Identities(ctxFor(t, time.Minute))
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
	assert.ErrorContains(t, err, "HTTP 400")
	assert.ErrorContains(t, err, "Syntax error")

	cfg.Filter = ""
	cfg.URL = strings.Replace(cfg.URL, "/Identity?", "/Identities?", 1)
	_, err = open(t, cfg).Identities(ctxFor(t, time.Minute))
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
	assert.ErrorContains(t, err, "HTTP 404")
}

// A body that is not an OData page is a *ResponseError with the page and
// where in it; one cut short is Transient, other garbage is not.
func TestMalformedPages(t *testing.T) {
	s, cfg := frederikshavnServer(t)
	c := open(t, cfg)
	for _, tc := range []struct {
		name, ct, body string
		kind           connectors.Kind
		want           string
	}{
		{"cut short", "application/json", `{"value": [{"UId": "a`, connectors.Transient, "unexpected EOF"},
		{"syntax", "application/json", `{"value": [}`, connectors.Other, "invalid character"},
		{"no value", "application/json", `{"error": {"code": "x", "message": "y"}}`, connectors.Other, `no "value" list`},
		{"value not a list", "application/json", `{"value": {"UId": "x"}}`, connectors.Other, "not an OData page"},
		{"trailing data", "application/json", `{"value": []} {"value": []}`, connectors.Other, "data after the page"},
		{"a login page", "text/html; charset=utf-8", `<html><form action="/adfs/ls">`, connectors.Other, "not JSON"},
	} {
		s.Fail(1, 2, 200, tc.ct, tc.body)
		snap, err := c.Identities(ctxFor(t, time.Minute))
		assert.Nil(t, snap, tc.name)
		assert.Equal(t, tc.kind, connectors.KindOf(err), "%s: %v", tc.name, err)
		var re *omada.ResponseError
		if assert.True(t, errors.As(err, &re), "%s: %T %v", tc.name, err, err) {
			assert.Equal(t, 2, re.Page, tc.name)
		}
		assert.ErrorContains(t, err, tc.want, tc.name)
	}
}

// A next link to another host is refused: the credentials would go
// there. So is a link back to a page already read.
func TestNextLinks(t *testing.T) {
	s, cfg := frederikshavnServer(t)
	c := open(t, cfg)
	s.Fail(1, 1, 200, "application/json", `{"value": [], "@odata.nextLink": "https://omada.evil.example/OData/DataObjects/Identity?viewid=1&$skiptoken=2"}`)
	_, err := c.Identities(ctxFor(t, time.Minute))
	require.Error(t, err)
	assert.ErrorContains(t, err, "omada.evil.example")
	assert.ErrorContains(t, err, "credentials are not sent there")

	s.Fail(1, 1, 200, "application/json", `{"value": [], "@odata.nextLink": "`+s.ViewURL()+`"}`)
	_, err = c.Identities(ctxFor(t, time.Minute))
	assert.ErrorContains(t, err, "a page read before")

	// A relative link is resolved against the page it came on.
	s.Fail(1, 1, 200, "application/json", `{"value": [], "@odata.nextLink": "Identity?viewid=1&$skiptoken=1.8"}`)
	snap, err := c.Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)
	assert.Len(t, snap.Identities, 1, "only the last page's identity")
}

// Validate reports every problem of a configuration at once.
func TestValidateReportsEveryProblem(t *testing.T) {
	cfg := omada.Config{
		URL:            "http://omada.example.dk/OData/DataObjects/Identity?viewid=1&$filter=x",
		Basic:          &omada.BasicAuth{Password: "pw", PasswordEnv: "PW"},
		OIDC:           &omada.OIDC{TokenURL: "ftp://idp", Scopes: []string{"a b"}},
		TimeZone:       "Europe/Nowhere",
		NationalIDForm: "digits",
		Timeout:        -time.Second,
		Fields:         omada.Fields{Key: "A..B", Addresses: []omada.AddressField{{Type: "", Field: ""}}},
	}
	err := cfg.Validate()
	require.Error(t, err)
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err))
	for _, want := range []string{
		"url \"http://omada.example.dk", "give the filter in filter", "both basic_auth and oidc", "basic_auth.username is empty",
		"basic_auth.password: give one of", "oidc.token_url", "oidc.client_id is empty", "oidc.client_secret: none given",
		"oidc.scopes[0]", "timeout", "time_zone", "national_id_form \"digits\"", "fields.key \"A..B\"",
		"neither given_names nor surname", "fields.addresses[0].type", "fields.addresses[0].field is empty",
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "pw\"")
}

// Calls after Close fail as Invalid.
func TestClosed(t *testing.T) {
	_, cfg := frederikshavnServer(t)
	c := open(t, cfg)
	require.NoError(t, c.Close())
	assert.ErrorIs(t, c.Ping(ctxFor(t, time.Minute)), connectors.Invalid)
}
