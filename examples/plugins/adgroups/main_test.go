package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/examples/plugins/internal/adplugin"
	"github.com/orgsync/orgsync/examples/plugins/internal/plugintest"
	"github.com/orgsync/orgsync/internal/adtest"
)

func TestMain(m *testing.M) { os.Exit(adtest.Main(m)) }

// build builds the plugin, once for the tests.
func build(t *testing.T) string {
	return plugintest.Build(t, "github.com/orgsync/orgsync/examples/plugins/adgroups")
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// The built plugin, started by a host with plugin.OpenProvisioner,
// passes the Provisioner suite against a real Samba AD DC: group
// memberships granted and revoked through the AD connector in the
// plugin, read back by Status.
func TestPluginConformanceAgainstSamba(t *testing.T) {
	s := adtest.Start(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "ad.yaml")
	require.NoError(t, os.WriteFile(config, []byte("url: "+s.LDAPSURL()+"\nca_file: "+s.CAFile+"\nserver_name: "+adtest.Hostname+
		"\nbind_dn: "+adtest.AdminUPN+"\n"), 0o600))
	groups, err := plugin.OpenProvisioner(ctxFor(t, time.Minute), build(t), plugin.Options{
		Env: []string{adplugin.ConfigEnv + "=" + config, adplugin.PasswordEnv + "=" + adtest.AdminPassword},
	})
	require.NoError(t, err)
	t.Cleanup(func() { groups.Close() })
	require.NoError(t, groups.Ping(ctxFor(t, time.Minute)))

	// The test's own connection makes the groups and accounts.
	local, err := ad.Open(ctxFor(t, time.Minute), ad.Config{URL: s.LDAPSURL(), CAFile: s.CAFile, ServerName: adtest.Hostname,
		BindDN: adtest.AdminUPN, BindPassword: adtest.AdminPassword})
	require.NoError(t, err)
	t.Cleanup(func() { local.Close() })
	connectortest.TestProvisioner(t, func(t *testing.T) connectortest.ProvisionerFixture {
		f, err := connectortest.GroupGrants(ctxFor(t, time.Minute), local, s.NewOU(t))
		require.NoError(t, err)
		f.Provisioner = groups
		return f
	})
}

// A configuration the plugin refuses is a Configuration error when the
// host starts it, that says what is wrong, and never repeats the password.
func TestBadConfigurationIsReportedAtStart(t *testing.T) {
	config := filepath.Join(t.TempDir(), "ad.yaml")
	require.NoError(t, os.WriteFile(config, []byte("url: ldaps://dc1.example.org\nbind_dn: svc@example.org\nbind_password: hunter22\n"), 0o600))
	_, err := plugin.OpenProvisioner(ctxFor(t, time.Minute), build(t), plugin.Options{
		Env: []string{adplugin.ConfigEnv + "=" + config, adplugin.PasswordEnv + "=pw"},
	})
	require.Error(t, err)
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
	assert.Contains(t, err.Error(), "bind_password must not be in the file")
	assert.NotContains(t, err.Error(), "hunter22")
}
