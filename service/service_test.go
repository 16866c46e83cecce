package service

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The service on the twin reconciles the synthetic municipality into it
// at start, says so in its status and metrics, answers health and
// readiness, and stops cleanly when its context ends.
func TestServiceRunsOnTheTwin(t *testing.T) {
	cfg := twinConfig(t)
	s, stop := started(t, cfg, Options{})
	waitFor(t, "the first reconcile", func() bool { return jobOK(s, "reconcile") })

	twin := s.dir.(*inmem.Directory)
	n := 0
	err := twin.Search(context.Background(), connectors.SearchRequest{BaseDN: cfg.Sync.Base, Filter: connectors.Eq("objectClass", "user"), Attributes: []string{"sAMAccountName"}},
		func(*connectors.Entry) error { n++; return nil })
	require.NoError(t, err)
	assert.Greater(t, n, 100, "the synthetic municipality's accounts are in the twin")

	h := s.Handler()
	code, body := get(t, h, "/healthz", nil)
	assert.Equal(t, http.StatusOK, code, body)
	code, body = get(t, h, "/readyz", nil)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ready: leading\n", body)
	code, body = get(t, h, "/metrics", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `orgsync_runs_total{job="reconcile",result="ok"} 1`)
	assert.Contains(t, body, `orgsync_ad_operations_total{kind="create",result="done"}`)
	assert.Contains(t, body, `orgsync_breaker_open{breaker="chapel"} 0`)
	assert.Contains(t, body, "orgsync_leader 1")

	require.NoError(t, stop())
	code, _ = get(t, h, "/readyz", nil)
	assert.Equal(t, http.StatusServiceUnavailable, code, "not ready once stopped")
	assert.ErrorIs(t, s.Run(context.Background()), ErrRunning, "a service runs once")
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close twice")
}

// The API answers 401 without a caller and 403 to a caller without the
// role, and the plan to an administrator, with its fingerprint.
func TestAPIRights(t *testing.T) {
	s, _ := started(t, twinConfig(t), Options{})
	waitFor(t, "the first reconcile", func() bool { return jobOK(s, "reconcile") })
	h := s.Handler()
	for _, path := range []string{"/api/v1/status", "/api/v1/plan", "/api/v1/chapel"} {
		code, body := get(t, h, path, nil)
		assert.Equal(t, http.StatusUnauthorized, code, path)
		assert.Contains(t, body, `"code": "unauthorized"`, path)
	}
	clerk := &Caller{Username: "clerk"}
	code, _ := get(t, h, "/api/v1/status", clerk)
	assert.Equal(t, http.StatusOK, code)
	for _, path := range []string{"/api/v1/plan", "/api/v1/chapel", "/api/v1/rules/conflicts"} {
		code, body := get(t, h, path, clerk)
		assert.Equal(t, http.StatusForbidden, code, path)
		assert.Contains(t, body, `"code": "forbidden"`, path)
	}
	admin := &Caller{Username: "admin", Admin: true}
	code, body := get(t, h, "/api/v1/plan", admin)
	require.Equal(t, http.StatusOK, code, body)
	var plan struct {
		Fingerprint string
		Accounts    struct{ Ops []json.RawMessage }
		Chapel      []json.RawMessage
	}
	require.NoError(t, json.Unmarshal([]byte(body), &plan))
	assert.Len(t, plan.Fingerprint, 16)
	assert.Empty(t, plan.Accounts.Ops, "everything was reconciled at start")
	assert.Empty(t, plan.Chapel, "nobody has left")
	code, body = get(t, h, "/api/v1/chapel", admin)
	require.Equal(t, http.StatusOK, code)
	var ch struct {
		Items []struct{ Username, Action string }
	}
	require.NoError(t, json.Unmarshal([]byte(body), &ch))
	require.NotEmpty(t, ch.Items, "the accounts in scope")
	assert.Equal(t, "nothing", ch.Items[0].Action)
	code, body = get(t, h, "/api/v1/rules/conflicts", admin)
	assert.Equal(t, http.StatusNotFound, code, "no rules configured")
	assert.True(t, strings.Contains(body, "not configured: the org rules"), body)
}

// A change registered in the org model reaches the directory through the
// worker, and the event lag is measured.
func TestEventReachesTheDirectory(t *testing.T) {
	s, _ := started(t, twinConfig(t), Options{})
	waitFor(t, "the first reconcile", func() bool { return jobOK(s, "reconcile") })
	ctx := context.Background()
	var person uuid.UUID
	for o := range s.Model().Latest().All(orgmodel.KindPerson) {
		person = o.ID
		break
	}
	require.NotEqual(t, uuid.Nil, person)
	var cs orgmodel.ChangeSet
	cs.Update(person, timeline.Since(s.zone.Date(time.Now())), orgmodel.PersonPatch{Surname: new("Ærtebjerg-Testesen")})
	_, err := s.Model().Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
	waitFor(t, "the new surname in the directory", func() bool {
		found := false
		s.dir.Search(ctx, connectors.SearchRequest{BaseDN: s.cfg.Sync.Base, Filter: connectors.Eq("sn", "Ærtebjerg-Testesen"), Attributes: []string{"sn"}},
			func(*connectors.Entry) error { found = true; return nil })
		return found
	})
	waitFor(t, "the lag measured", func() bool {
		_, body := get(t, s.Handler(), "/metrics", nil)
		return !strings.Contains(body, "orgsync_event_lag_seconds_count 0") && strings.Contains(body, "orgsync_event_lag_seconds_count")
	})
}
