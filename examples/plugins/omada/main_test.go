package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/omada"
	"github.com/orgsync/orgsync/connectors/omada/omadatest"
	"github.com/orgsync/orgsync/connectors/plugin"

	"github.com/orgsync/orgsync/examples/plugins/internal/plugintest"
)

// build builds the plugin, once for the tests.
func build(t *testing.T) string {
	return plugintest.Build(t, "github.com/orgsync/orgsync/examples/plugins/omada")
}

func TestMain(m *testing.M) {
	code := m.Run()
	plugintest.Cleanup()
	os.Exit(code)
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// fields map every field the conformance suite sets.
var fields = omada.Fields{
	NationalID: "C_CPRNR", GivenNames: "C_FORNAVNE", Surname: "LASTNAME", Unit: "C_ORGANISATIONSKODE",
	JobTitle: "JOBTITLE", Category: "IDENTITYCATEGORY.Value", ObjectGUID: "C_OBJECTGUID_I_AD", Login: "C_LOGIN",
	Addresses: []omada.AddressField{{Type: "EMAIL", Field: "EMAIL"}, {Type: "EMAIL", Field: "C_EMAIL2"}, {Type: "PHONE", Field: "C_DIREKTE_TLF"},
		{Type: `#Jensen, Hansen + Co "A" \ <B>; =*()`, Field: "C_SPECIAL"}},
}

// writeConfig writes the plugin's configuration for the fake as a host's
// operator would: the CA file beside it by a relative name, the secret
// named by an environment variable. It returns the plugin's environment.
func writeConfig(t *testing.T, s *omadatest.Server, extra map[string]any) []string {
	dir := t.TempDir()
	ca, err := os.ReadFile(s.CAFile(t))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "omada-ca.pem"), ca, 0o600))
	cfg := map[string]any{
		"url":     s.ViewURL(),
		"ca_file": "omada-ca.pem",
		"oidc": map[string]any{"token_url": s.TokenURL(), "client_id": "orgsync", "client_secret_env": "ORGSYNC_OMADA_CLIENT_SECRET",
			"scopes": []string{"api://omada/.default"}},
		"fields":             fields,
		"national_id_form":   "as_written",
		"service_categories": []string{"AD-robot"},
		"timeout":            "30s",
	}
	for k, v := range extra {
		cfg[k] = v
	}
	b, err := yaml.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(dir, "omada.yaml")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return []string{configEnv + "=" + path, "ORGSYNC_OMADA_CLIENT_SECRET=hemmelig"}
}

func newServer(t *testing.T, pageSize int) *omadatest.Server {
	return omadatest.New(t, omadatest.Options{PageSize: pageSize, ClientID: "orgsync", ClientSecret: "hemmelig", Fields: fields})
}

// The built plugin, started by a host with plugin.OpenIdentitySource,
// passes the IdentitySource suite against the fake: configuration from
// the file the environment names, the secret from the environment.
func TestConformanceThroughPlugin(t *testing.T) {
	path := build(t)
	connectortest.TestIdentitySource(t, func(t *testing.T) connectortest.IdentityFixture {
		s := newServer(t, 2)
		src, err := plugin.OpenIdentitySource(ctxFor(t, time.Minute), path, plugin.Options{Env: writeConfig(t, s, nil)})
		require.NoError(t, err)
		t.Cleanup(func() { src.Close() })
		return connectortest.IdentityFixture{Source: src, Publish: s.Publish}
	})
}

// Skipped records cross the bridge with where they are; an outage is
// Transient through it, and the next poll works.
func TestSkippedAndOutageThroughPlugin(t *testing.T) {
	s := newServer(t, 2)
	src, err := plugin.OpenIdentitySource(ctxFor(t, time.Minute), build(t), plugin.Options{Env: writeConfig(t, s, nil)})
	require.NoError(t, err)
	t.Cleanup(func() { src.Close() })
	good, _ := json.Marshal(map[string]any{"UId": "ok", "LASTNAME": "Ærø", "VALIDFROM": "2026-01-01T00:00:00+01:00", "VALIDTO": "2026-12-31T00:00:00+01:00"})
	bad, _ := json.Marshal(map[string]any{"UId": "bad", "LASTNAME": "Øst", "VALIDFROM": "i morgen"})
	s.SetRecords([]json.RawMessage{good, good, bad})
	snap, err := src.Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)
	require.Len(t, snap.Identities, 1)
	assert.Equal(t, "Ærø", snap.Identities[0].Surname)
	assert.Equal(t, []connectors.SkippedRecord{
		{Where: "page 1, record 2", Kind: "identity", Key: "ok", Field: "UId", Problem: "a second record with this key (the first is at page 1, record 1, and is the one delivered)"},
		{Where: "page 2, record 1", Kind: "identity", Key: "bad", Field: "VALIDFROM", Problem: "not a date (2021-01-31) or a time (2021-01-31T08:44:00+01:00)"},
	}, snap.Skipped)

	s.Stop()
	_, err = src.Identities(ctxFor(t, time.Minute))
	assert.Equal(t, connectors.Transient, connectors.KindOf(err), "%v", err)
	s.Restart(t)
	_, err = src.Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)
}

// A configuration the plugin refuses is a Configuration error when the
// host starts it, and never repeats a secret.
func TestBadConfigurationIsReportedAtStart(t *testing.T) {
	s := newServer(t, 2)
	env := writeConfig(t, s, map[string]any{"oidc": map[string]any{"token_url": s.TokenURL(), "client_id": "orgsync", "client_secret": "hunter22"}})
	_, err := plugin.OpenIdentitySource(ctxFor(t, time.Minute), build(t), plugin.Options{Env: env})
	require.Error(t, err)
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
	assert.NotContains(t, err.Error(), "hunter22")
}

func TestLoadConfig(t *testing.T) {
	s := newServer(t, 2)
	env := map[string]string{}
	for _, kv := range writeConfig(t, s, nil) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	getenv := func(k string) string { return env[k] }
	cfg, err := loadConfig(getenv)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(filepath.Dir(env[configEnv]), "omada-ca.pem"), cfg.CAFile, "relative to the configuration file")
	assert.Equal(t, 30*time.Second, cfg.Timeout)
	assert.Equal(t, fields, cfg.Fields)
	c, err := open(nil, getenv, nil)
	require.NoError(t, err)
	require.NoError(t, c.Ping(ctxFor(t, time.Minute)), "the secret from the environment given")

	none := func(string) string { return "" }
	_, err = open(nil, none, nil)
	assert.EqualError(t, err, "ORGSYNC_OMADA_CONFIG is not set: it names the configuration file (YAML or JSON)")
	_, err = open([]string{"-x"}, getenv, nil)
	assert.EqualError(t, err, "the omada plugin takes no arguments: set ORGSYNC_OMADA_CONFIG")
	noSecret := func(k string) string {
		if k == "ORGSYNC_OMADA_CLIENT_SECRET" {
			return ""
		}
		return env[k]
	}
	_, err = open(nil, noSecret, nil)
	assert.ErrorContains(t, err, "ORGSYNC_OMADA_CLIENT_SECRET is not set or empty")

	unknown := writeConfig(t, s, map[string]any{"filtre": "x"})
	_, err = loadConfig(func(k string) string {
		_, v, _ := strings.Cut(unknown[0], "=")
		return map[string]string{configEnv: v}[k]
	})
	assert.ErrorContains(t, err, "field filtre not found")
}
