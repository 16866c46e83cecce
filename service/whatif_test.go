package service

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
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
