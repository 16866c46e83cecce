package adsync_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
)

// The Samba tests and benchmarks of this package run the engine against the
// harness's AD DC (internal/adtest starts it, installing Samba where it is
// missing), each in an OU of its own. sAMAccountName and
// userPrincipalName are unique across the domain, so tests give their
// people names of their own and do not run in parallel.

func TestMain(m *testing.M) { os.Exit(adtest.Main(m)) }

// sambaEnv is one test's piece of the directory.
type sambaEnv struct {
	srv  *adtest.Server
	dir  *ad.Directory
	root string // the test's own OU: the engine's base
}

// newSambaEnv opens the AD connector on the harness's DC as Administrator,
// in a fresh OU.
func newSambaEnv(tb testing.TB) *sambaEnv {
	tb.Helper()
	s := adtest.Start(tb)
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := ad.Open(c, ad.Config{
		URL: s.LDAPSURL(), RootCAs: s.RootCAs, ServerName: adtest.Hostname,
		BindDN: adtest.AdminUPN, BindPassword: adtest.AdminPassword, MaxConns: 8,
	})
	require.NoError(tb, err, "open the AD connector")
	tb.Cleanup(func() { d.Close() })
	return &sambaEnv{srv: s, dir: d, root: s.NewOU(tb)}
}

// createOU creates an OU.
func (env *sambaEnv) createOU(tb testing.TB, dn string) {
	tb.Helper()
	_, err := env.dir.Create(context.Background(), connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
	require.NoError(tb, err, "create %s", dn)
}
