package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/modelfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// A proposal (a hire in an existing unit, from a source of its own) is
// planned on a fork: the what-if shows the model's changes and the AD
// account it would create, and neither the model nor AD changes.
func TestWhatIfWritesNothing(t *testing.T) {
	s, _ := started(t, twinConfig(t), Options{})
	waitFor(t, "the first reconcile", func() bool { return jobOK(s, "reconcile") })
	var unit orgmodel.Object
	for o := range s.Model().Latest().All(orgmodel.KindUnit) {
		unit = o
	}
	day := s.zone.Date(time.Now()) + 3
	person := orgmodel.SourceID("forslag", orgmodel.KindPerson, "P1")
	snap := orgmodel.Snapshot{Source: "forslag", Objects: []orgmodel.Object{
		{ID: person, Kind: orgmodel.KindPerson, UserKey: "P1", Source: "forslag",
			Timeline: timeline.Of(timeline.Since(day), orgmodel.Attrs(orgmodel.PersonAttrs{GivenNames: "Vera", Surname: "Forslagsen"}))},
		{ID: orgmodel.SourceID("forslag", orgmodel.KindEngagement, "E1"), Kind: orgmodel.KindEngagement, UserKey: "E1", Source: "forslag",
			Timeline: timeline.Of(timeline.Since(day), orgmodel.Attrs(orgmodel.EngagementAttrs{Person: person, Unit: unit.ID, EmploymentNumber: "E1", JobFunction: "Pædagog"}))},
	}}
	var body bytes.Buffer
	require.NoError(t, modelfile.Write(&body, snap))
	before := s.Model().Latest().Registration().Seq

	admin := &Caller{Username: "admin", Admin: true}
	r := httptest.NewRequest(http.MethodPost, "/api/v1/whatif?day="+day.String(), &body)
	r = r.WithContext(WithCaller(r.Context(), admin))
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var res struct {
		Day     string
		Changes []string
		Stats   orgmodel.ImportStats
		Plan    struct {
			Accounts struct{ Ops []struct{ Op, DN string } }
		}
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &res))
	assert.Equal(t, day.String(), res.Day)
	assert.Equal(t, 2, res.Stats.Created)
	require.Len(t, res.Plan.Accounts.Ops, 2, "the account made and put in its group: %v", res.Plan.Accounts.Ops)
	assert.Equal(t, "create", res.Plan.Accounts.Ops[0].Op)
	assert.Contains(t, res.Plan.Accounts.Ops[0].DN, "Vera Forslagsen")

	_, inModel := s.Model().Latest().Object(person)
	assert.False(t, inModel, "the proposal is not in the model")
	for _, reg := range s.Model().Registrations(before + 1) {
		assert.NotEqual(t, "what-if", reg.Actor, "nothing registered by the what-if")
	}
	found := false
	s.dir.Search(context.Background(), connectors.SearchRequest{BaseDN: s.cfg.Sync.Base, Filter: connectors.Eq("sn", "Forslagsen"), Attributes: []string{"sn"}},
		func(*connectors.Entry) error { found = true; return nil })
	assert.False(t, found, "nothing was written to the directory")

	// A proposal that is not a model file is a 400 that says so.
	r = httptest.NewRequest(http.MethodPost, "/api/v1/whatif", bytes.NewBufferString(`{"format": "nonsense"}`))
	r = r.WithContext(WithCaller(r.Context(), admin))
	w = httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	assert.Equal(t, http.StatusBadRequest, w.Code)
	assert.Contains(t, w.Body.String(), `"code": "bad_request"`)
}

// A proposal's hire in a unit with birthrights gives the boarding order
// the birthright rules would make, on the fork only.
func TestWhatIfShowsBoardingOrders(t *testing.T) {
	dir := t.TempDir()
	cat, err := os.ReadFile("web/testdata/catalogue.yaml")
	require.NoError(t, err)
	catalogue := writeFile(t, dir, "catalogue.yaml", string(cat)+"birthrights:\n  - job_role: basis\n    unit: U1\n    inherit: true\n")
	model, err := filepath.Abs("web/testdata/model.json")
	require.NoError(t, err)
	text := fmt.Sprintf(`
directory: {twin: true}
model: {file: %q}
sync:
  base: OU=Kommune,DC=example,DC=org
  mapping: {attributes: {sn: "{{.Person.Surname}}"}}
  ou: {mode: single, single: "OU=Kommune,DC=example,DC=org"}
username: {patterns: [FFLL, FFLLX], suffix_base: FFLL, suffix_max: 99}
mail:
  smtp: {host: mail.invalid}
  notify:
    from: {addr: orgsync@sjolund.example}
    rules: [{name: ny, trigger: person-created, to: {addresses: [personale@sjolund.example]}}]
boarding:
  catalogue: %q
  rights: {hr: [hr@sjolund.example]}
  from: {addr: orgsync@sjolund.example}
`, model, catalogue)
	cfg, err := Parse(filepath.Join(dir, "serve.yaml"), []byte(text))
	require.NoError(t, err)
	s, _ := started(t, cfg, Options{Mailer: inmem.NewMailer()})
	waitFor(t, "the first reconcile", func() bool { return jobOK(s, "reconcile") })

	day := s.zone.Date(time.Now()) + 10
	person := orgmodel.SourceID("forslag", orgmodel.KindPerson, "P1")
	u2 := orgmodel.SourceID("sd", orgmodel.KindUnit, "U2")
	res, err := s.WhatIf(context.Background(), WhatIfRequest{Day: day, Snapshots: []orgmodel.Snapshot{{Source: "forslag", Objects: []orgmodel.Object{
		{ID: person, Kind: orgmodel.KindPerson, UserKey: "P1", Source: "forslag",
			Timeline: timeline.Of(timeline.Since(day), orgmodel.Attrs(orgmodel.PersonAttrs{GivenNames: "Vera", Surname: "Forslagsen"}))},
		{ID: orgmodel.SourceID("forslag", orgmodel.KindEngagement, "E1"), Kind: orgmodel.KindEngagement, UserKey: "E1", Source: "forslag",
			Timeline: timeline.Of(timeline.Since(day), orgmodel.Attrs(orgmodel.EngagementAttrs{Person: person, Unit: u2, EmploymentNumber: "E1", JobFunction: "Assistent"}))},
	}}}})
	require.NoError(t, err)
	require.Len(t, res.Orders, 1, "the birthright's order")
	assert.Equal(t, person, res.Orders[0].Person)
	assert.Equal(t, []string{"basis"}, res.Orders[0].Roles)
	real, err := s.Boarding().Store.List(context.Background(), boarding.Query{Person: person})
	require.NoError(t, err)
	assert.Empty(t, real, "no order was stored")
}
