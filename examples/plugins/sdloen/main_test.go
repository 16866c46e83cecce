package main

import (
	"context"
	"encoding/pem"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/connectors/sdloen"
	"github.com/orgsync/orgsync/connectors/sdloen/sdtest"
	"github.com/orgsync/orgsync/examples/plugins/internal/plugintest"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	yml := filepath.Join(dir, "sd.yaml")
	require.NoError(t, os.WriteFile(yml, []byte("institution: XY\nuser: SY1\npassword_env: SD_PW\nca_file: ca.pem\n"), 0o600))
	getenv := func(k string) string {
		return map[string]string{configEnv: yml, "SD_PW": "x"}[k]
	}
	cfg, err := loadConfig(getenv)
	require.NoError(t, err)
	assert.Equal(t, "XY", cfg.Institution)
	assert.Equal(t, filepath.Join(dir, "ca.pem"), cfg.CAFile, "relative to the file")

	require.NoError(t, os.WriteFile(yml, []byte("institution: XY\npassword: secret\n"), 0o600))
	_, err = loadConfig(getenv)
	assert.ErrorContains(t, err, "password", "a password is never in the file")
	_, err = loadConfig(func(string) string { return "" })
	assert.ErrorContains(t, err, configEnv)
	_, err = open([]string{"x"}, getenv)
	assert.ErrorContains(t, err, "no arguments")
}

// The plugin binary, built, serves the connector through the bridge: the
// same snapshot as compiled in, and the change feed.
func TestThroughThePluginBridge(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin")
	}
	dir := t.TempDir()
	bin := plugintest.Build(t, pluginPkg)

	srv := sdtest.NewTLS("XY", "SYplugin", "kodeord")
	defer srv.Close()
	data := &sdtest.Data{
		Departments:  []sdtest.Department{{ID: "R", Level: "NY1-niveau", Name: "Kommunen", From: "2000-01-01", To: "9999-12-31"}, {ID: "A", Level: "Afdelings-niveau", Name: "Ældrecenter Åbo", From: "2000-01-01", To: "9999-12-31"}},
		Organization: []sdtest.Window{{From: "2000-01-01", To: "9999-12-31", Branches: [][]string{{"A", "R"}}}},
		Persons: []sdtest.Person{{CPR: "0101901234", GivenName: "Åse", Surname: "Øby", Employments: []sdtest.Employment{{ID: "1",
			Departments: []sdtest.Part{{From: "2020-01-01", To: "9999-12-31", Value: "A"}},
			Statuses:    []sdtest.Part{{From: "2020-01-01", To: "9999-12-31", Value: "1"}}}}}},
	}
	srv.SetData(data)
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pw"), []byte("kodeord\n"), 0o600))
	cfgFile := filepath.Join(dir, "sd.json")
	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"url": "`+srv.URL+`/sdws/", "institution": "XY", "user": "SYplugin", "password_file": "pw", "ca_file": "ca.pem"}`), 0o600))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := plugin.OpenPayroll(ctx, bin, plugin.Options{Env: []string{configEnv + "=" + cfgFile}, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer p.Close()
	require.NoError(t, p.Ping(ctx))
	got, err := p.Snapshot(ctx)
	require.NoError(t, err)

	local, err := sdloen.Open(sdloen.Config{URL: srv.URL + "/sdws/", Institution: "XY", User: "SYplugin", Password: "kodeord", CAFile: ca, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer local.Close()
	want, err := local.Snapshot(ctx)
	require.NoError(t, err)
	tok := got.Token
	assert.NotEmpty(t, tok)
	assert.Equal(t, want.Units, got.Units, "the same through the bridge")
	assert.Equal(t, want.Persons, got.Persons)
	assert.Equal(t, string(want.Persons[0].NationalID), string(got.Persons[0].NationalID), "the CPR number whole")
	assert.Equal(t, want.Engagements, got.Engagements)
	assert.Empty(t, got.Leaves)

	cr, ok := p.(connectors.PayrollChangeReader)
	require.True(t, ok, "the change feed crosses the bridge")
	page, err := cr.Changes(ctx, tok)
	require.NoError(t, err)
	assert.Empty(t, page.Engagements)

	srv.SetOverride("GetEmploymentChangedAtDate20111201", sdtest.Override{Status: 503})
	_, err = cr.Changes(ctx, page.Token)
	assert.ErrorIs(t, err, connectors.Transient, "SD's outage crosses as Transient")
	srv.ClearOverride("GetEmploymentChangedAtDate20111201")
	_, err = cr.Changes(ctx, page.Token)
	assert.NoError(t, err, "and the token resumes")
}

// pluginPkg is the package the tests build as a plugin binary.
const pluginPkg = "github.com/orgsync/orgsync/examples/plugins/sdloen"

func TestMain(m *testing.M) {
	code := m.Run()
	plugintest.Cleanup()
	os.Exit(code)
}
