package service

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/internal/pgtest"
	"github.com/orgsync/orgsync/statedb"
)

// Two services on one PostgreSQL database: one leads and runs the jobs,
// the other stands by (ready, not leading); when the leader stops, the
// other takes over.
func TestStandbyTakesOver(t *testing.T) {
	dsn := pgtest.DSN(t)
	key := statedb.GenerateKey()
	getenv := func(k string) string { return map[string]string{"DB_KEY": key}[k] }
	config := func() *Config {
		c := twinConfig(t)
		c.Store = Store{URL: dsn, Key: Secret{Env: "DB_KEY"}}
		return c
	}
	a, stopA := started(t, config(), Options{Getenv: getenv, Holder: "a"})
	waitFor(t, "a leads", func() bool { _, lead := a.Running(); return lead })
	b, _ := started(t, config(), Options{Getenv: getenv, Holder: "b"})
	time.Sleep(500 * time.Millisecond)
	running, leading := b.Running()
	assert.True(t, running, "b runs")
	assert.False(t, leading, "b stands by while a leads")
	code, body := get(t, b.Handler(), "/readyz", nil)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ready: standing by\n", body)

	require.NoError(t, stopA())
	require.NoError(t, a.Close()) // gives the lease up at once
	waitFor(t, "b takes over", func() bool { _, lead := b.Running(); return lead })
	waitFor(t, "b reconciles", func() bool { return jobOK(b, "reconcile") })
}
