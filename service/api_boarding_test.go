package service

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel"
)

// boardingService is a service on the twin with the pages' test model
// (anne manages "Ældre og Sundhed", unit U2) and catalogue, and boarding
// with hr@ as HR.
func boardingService(t *testing.T) *Service {
	t.Helper()
	abs := func(p string) string { a, err := filepath.Abs(p); require.NoError(t, err); return a }
	text := fmt.Sprintf(`
directory: {twin: true}
model: {file: %q}
sync:
  base: OU=Kommune,DC=example,DC=org
  mapping: {attributes: {sn: "{{.Person.Surname}}"}}
  ou: {mode: single, single: "OU=Kommune,DC=example,DC=org"}
username: {patterns: [FFLL, FFLLX], suffix_base: FFLL, suffix_max: 99, upn_domain: sjolund.example, mail_domain: sjolund.example}
mail:
  smtp: {host: mail.invalid}
  notify:
    from: {addr: orgsync@sjolund.example}
    rules: [{name: ny, trigger: person-created, to: {addresses: [personale@sjolund.example]}}]
boarding:
  catalogue: %q
  rights: {hr: [hr@sjolund.example]}
  from: {addr: orgsync@sjolund.example}
`, abs("web/testdata/model.json"), abs("web/testdata/catalogue.yaml"))
	cfg, err := Parse(filepath.Join(t.TempDir(), "serve.yaml"), []byte(text))
	require.NoError(t, err)
	s, _ := started(t, cfg, Options{Mailer: inmem.NewMailer()})
	return s
}

// call sends a JSON request as the caller and returns the status and the
// body.
func call(t *testing.T, h http.Handler, method, path string, c *Caller, body any) (int, []byte) {
	t.Helper()
	var b bytes.Buffer
	if body != nil {
		require.NoError(t, json.NewEncoder(&b).Encode(body))
	}
	r := httptest.NewRequest(method, path, &b)
	r = r.WithContext(WithCaller(r.Context(), c))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

// The boarding API places, lists, shows and acts on orders as the engine
// allows, shows each caller only the orders they may see, and answers a
// refusal with a status a client can act on.
func TestBoardingAPI(t *testing.T) {
	s := boardingService(t)
	h := s.Handler()
	u2 := orgmodel.SourceID("sd", orgmodel.KindUnit, "U2")
	hr := &Caller{Username: "hr@sjolund.example"}
	anne := &Caller{Username: "anne@sjolund.example"}
	carl := &Caller{Username: "carl"}
	start := s.zone.Date(time.Now()) + 14
	order := map[string]any{"key": "ny-1", "pending": map[string]string{"given_names": "Ærlig", "surname": "Ny"}, "unit": u2, "roles": []string{"basis"}, "start": start}

	code, body := call(t, h, http.MethodPost, "/api/v1/orders", carl, order)
	assert.Equal(t, http.StatusForbidden, code, "%s", body)
	code, body = call(t, h, http.MethodPost, "/api/v1/orders", hr, map[string]any{"key": "x", "unit": u2, "roles": []string{"ingen"}, "start": start,
		"pending": map[string]string{"given_names": "A", "surname": "B"}})
	require.Equal(t, http.StatusBadRequest, code, "%s", body)
	var refused struct{ Code, Field string }
	require.NoError(t, json.Unmarshal(body, &refused))
	assert.Equal(t, "bad_request", refused.Code)
	assert.Equal(t, "roles[0]", refused.Field)
	code, _ = call(t, h, http.MethodPost, "/api/v1/orders", hr, map[string]any{"nonsense": true})
	assert.Equal(t, http.StatusBadRequest, code, "an unknown field")

	code, body = call(t, h, http.MethodPost, "/api/v1/orders", hr, order)
	require.Equal(t, http.StatusCreated, code, "%s", body)
	var placed struct {
		ID    string
		State string
	}
	require.NoError(t, json.Unmarshal(body, &placed))
	code, body = call(t, h, http.MethodPost, "/api/v1/orders", hr, order)
	require.Equal(t, http.StatusOK, code, "%s", body)
	var again struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &again))
	assert.Equal(t, placed.ID, again.ID, "one key, one order")

	count := func(c *Caller) int {
		code, body := call(t, h, http.MethodGet, "/api/v1/orders", c, nil)
		require.Equal(t, http.StatusOK, code)
		var l struct{ Orders []json.RawMessage }
		require.NoError(t, json.Unmarshal(body, &l))
		return len(l.Orders)
	}
	assert.Equal(t, 1, count(hr))
	assert.Equal(t, 1, count(anne), "the unit's manager")
	assert.Equal(t, 0, count(carl))
	code, _ = call(t, h, http.MethodGet, "/api/v1/orders/"+placed.ID, carl, nil)
	assert.Equal(t, http.StatusNotFound, code, "not carl's to see")

	code, _ = call(t, h, http.MethodPost, "/api/v1/orders/"+placed.ID+"/contract-signed", anne, map[string]string{"evidence": "kontrakt.pdf"})
	assert.Equal(t, http.StatusForbidden, code, "only HR says the contract is signed")
	code, body = call(t, h, http.MethodPost, "/api/v1/orders/"+placed.ID+"/contract-signed", hr, map[string]string{"evidence": "kontrakt.pdf"})
	require.Equal(t, http.StatusOK, code, "%s", body)
	code, _ = call(t, h, http.MethodPost, "/api/v1/orders/"+placed.ID+"/fly", hr, nil)
	assert.Equal(t, http.StatusNotFound, code)

	code, body = call(t, h, http.MethodGet, "/api/v1/orders/"+placed.ID, anne, nil)
	require.Equal(t, http.StatusOK, code)
	var shown struct {
		Audit []struct{ Actor, Event string }
	}
	require.NoError(t, json.Unmarshal(body, &shown))
	require.NotEmpty(t, shown.Audit, "the order's timeline")
	assert.Equal(t, "hr@sjolund.example", shown.Audit[0].Actor)
}
